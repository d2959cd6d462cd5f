"""Audio in the web app, end to end: Debian's Chromium (Playwright) against the real gunicorn,
Celery worker and the fake AI provider. An audio file made with ffmpeg is uploaded from the
composer and played in the app's one player, which seeks, changes speed and keeps playing while
the person moves to another page."""

import re

import pytest

from tests.audio_samples import make_tone
from tests.test_ui import JOB_TIMEOUT_MS, browser, expect, page, sign_up, write_and_open
from tests.test_ui_journal2 import AXE, axe_problems

# The browser (and page) fixtures of tests/test_ui.py, shared.
FIXTURES = (browser, page)

pytestmark = pytest.mark.usefixtures("jobs_ready")
SECONDS = 40  # long enough to be still playing after a seek and a page change


@pytest.fixture(scope="module")
def tone(tmp_path_factory):
    return make_tone(tmp_path_factory.mktemp("audio") / "walk.ogg", SECONDS, codec_args=("-c:a", "libopus"))


AUDIO_STATE = """(a) => ({
  paused: a.paused, time: a.currentTime, duration: a.duration, rate: a.playbackRate,
  label: a.getAttribute("aria-label"),
})"""
AUDIO = "document.querySelector('audio')"
MEDIA_SESSION = """() => ({
  title: navigator.mediaSession.metadata && navigator.mediaSession.metadata.title,
  state: navigator.mediaSession.playbackState,
})"""


def audio_state(page) -> dict:
    return page.locator("audio").evaluate(AUDIO_STATE)


def upload(page, path) -> None:
    page.locator(".composer input[type=file]").set_input_files(str(path))


def test_an_uploaded_recording_plays_seeks_changes_speed_and_keeps_playing_on_another_page(page, tone):
    sign_up(page)
    upload(page, tone)
    expect(page).to_have_url(re.compile(r"/node/\d+$"), timeout=JOB_TIMEOUT_MS)

    # The recording waits in the player with its real length.
    bar = page.get_by_role("region", name="Audio player")
    expect(bar).to_be_visible()
    expect(page.get_by_label("Original recording")).to_have_attribute("src", re.compile(r"^/api/media/"))
    expect(bar.get_by_label("Duration")).to_have_text(f"0:{SECONDS}")

    bar.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(f"() => !{AUDIO}.paused && {AUDIO}.currentTime > 0")
    assert audio_state(page)["duration"] == pytest.approx(SECONDS, abs=0.5)
    # The browser's media session (lock screen, headset keys) knows what plays and controls it.
    session = page.evaluate(MEDIA_SESSION)
    assert session["title"].startswith("Recording by ui") and session["state"] == "playing", session

    # Seeking moves the audio to the chosen point.
    bar.get_by_label("Seek").fill("20")
    page.wait_for_function(f"() => {AUDIO}.currentTime >= 20")
    expect(bar.get_by_label("Elapsed")).to_have_text(re.compile(r"^0:2\d$"))

    # Speed.
    bar.get_by_label("Speed").select_option("1.5")
    assert audio_state(page)["rate"] == 1.5

    # Another page: the same audio goes on playing from where it was.
    before = audio_state(page)["time"]
    page.get_by_role("link", name="Journal").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    expect(bar).to_be_visible()
    page.wait_for_function(f"() => {AUDIO}.currentTime > {before + 0.5}")
    state = audio_state(page)
    assert not state["paused"] and state["rate"] == 1.5 and state["label"] == "Original recording", state

    bar.get_by_role("button", name="Pause", exact=True).click()
    page.wait_for_function(f"() => {AUDIO}.paused")
    bar.get_by_role("button", name="Close the player").click()
    expect(bar).to_have_count(0)


def test_a_file_that_is_not_audio_is_refused_with_a_clear_message(page, tmp_path):
    sign_up(page)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a recording")
    upload(page, notes)
    refused = re.compile(r"“notes\.txt” is not an audio file\. Choose a recording")
    expect(page.get_by_role("alert")).to_have_text(refused)

    # Named like audio but not audio: the server looks inside and says so.
    fake = tmp_path / "song.mp3"
    fake.write_text("<html><body>a web page</body></html>")
    upload(page, fake)
    expect(page.get_by_role("alert")).to_have_text(re.compile(r"This is not a recording"))
    expect(page).not_to_have_url(re.compile(r"/node/\d+$"))
    # Nothing of it is kept to be offered again as an unfinished recording.
    open_ones = "async () => (await (await fetch('/api/recordings?status=open')).json()).items.length"
    page.wait_for_function(f"async () => (await ({open_ones})()) === 0")
    # Nor in this browser, from which the page would offer it again after a reload.
    page.wait_for_function(f"async () => (await ({KEPT_HERE})()) === 0")
    page.reload()
    expect(page.get_by_text("An unfinished recording")).to_have_count(0)


# How many recordings this browser keeps (IndexedDB, frontend/src/recording/store.ts).
KEPT_HERE = """() => new Promise((resolve, reject) => {
  const opening = indexedDB.open("wop-recordings");
  opening.onerror = () => reject(opening.error);
  opening.onsuccess = () => {
    const db = opening.result;
    if (!db.objectStoreNames.contains("recordings")) return resolve(0);
    const count = db.transaction("recordings").objectStore("recordings").count();
    count.onsuccess = () => {
      db.close();
      resolve(count.result);
    };
  };
})"""


def test_the_jobs_menu_shows_a_running_reply_and_cancels_it(page, fake_ai):
    sign_up(page)
    write_and_open(page, "A question that takes the model a long time to answer.")
    fake_ai.set_latency(30)  # the reply stays running until it is cancelled
    page.get_by_role("button", name="Ask AI").click()
    card = page.locator(".tools .job")
    expect(card).to_have_attribute("data-status", re.compile("pending|processing"))

    jobs = page.get_by_role("button", name=re.compile(r"^Jobs"))
    expect(jobs).to_contain_text("1 running")
    jobs.click()
    menu = page.get_by_role("region", name="Your jobs")
    row = menu.locator(".jobs-item")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="AI reply")).to_be_visible()
    row.get_by_role("button", name="Cancel AI reply").click()

    # The live stream takes it out of the menu, and the page's card says it was cancelled (the
    # worker stops it within about a second; a busy machine may take longer).
    expect(card).to_have_attribute("data-status", "cancelled", timeout=JOB_TIMEOUT_MS)
    expect(row).to_have_count(0)
    expect(menu).to_contain_text("Nothing is running")
    expect(jobs).not_to_contain_text("running")
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)


def test_a_failed_job_is_in_the_menu_and_its_dismissed_card_stays_dismissed_after_a_reload(page, fake_ai):
    sign_up(page)
    write_and_open(page, "A question the model will not answer.")
    fake_ai.fail_next(20, status=401)  # a rejected key: the reply fails without retrying
    page.get_by_role("button", name="Ask AI").click()
    card = page.locator(".tools .job")
    expect(card).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT_MS)
    jobs = page.get_by_role("button", name=re.compile(r"^Jobs"))
    expect(jobs).to_contain_text("1 failed")

    # A failed job is shown again after a reload, until it is dismissed.
    page.reload()
    expect(card).to_have_attribute("data-status", "failed")
    page.get_by_role("button", name="Dismiss: AI reply").click()
    expect(card).to_have_count(0)
    expect(jobs).not_to_contain_text("failed")  # the menu hides the same job
    page.reload()
    expect(page.get_by_role("button", name="Ask AI")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Jobs"))).to_have_text("Jobs")
    expect(card).to_have_count(0)


def test_the_profile_is_edited_by_hand_and_the_earlier_one_is_kept(page):
    sign_up(page)
    page.get_by_role("link", name=re.compile("Profile")).click()
    panel = page.get_by_role("region", name="Profile", exact=True)
    expect(panel).to_contain_text("You have no profile yet.")
    panel.get_by_role("button", name="Write it yourself").click()
    panel.get_by_label("Your profile").fill("I write **early**, before the house wakes.")
    panel.get_by_role("button", name="Save profile").click()
    expect(panel.locator("article.profile strong")).to_have_text("early")

    panel.get_by_role("button", name="Edit by hand").click()
    panel.get_by_label("Your profile").fill("I write late at night now.")
    panel.get_by_role("button", name="Save profile").click()
    expect(panel.locator("article.profile")).to_contain_text("I write late at night now.")

    page.reload()
    earlier = page.get_by_role("region", name="Earlier profiles").locator("details")
    expect(earlier).to_have_count(1)
    earlier.locator("summary").click()
    expect(earlier).to_contain_text("before the house wakes")
    expect(page.locator("article.profile")).to_contain_text("I write late at night now.")


def test_the_token_dashboard_explains_tokens_and_charts_the_last_30_days(page):
    sign_up(page)
    stats = page.get_by_role("region", name="Tokens")
    stats.get_by_text("What are tokens?").click()
    expect(stats).to_contain_text("A token is a piece of a word")
    charts = stats.get_by_role("img")
    expect(charts).to_have_count(2)
    expect(charts.first).to_have_attribute("aria-label", "Your tokens: none in the last 30 days.")
    expect(stats.locator("rect")).to_have_count(60)


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (npm install in frontend/)")
def test_the_player_jobs_menu_and_token_chart_have_no_critical_or_serious_accessibility_problems(
    browser, live_server, tone
):
    # axe-core is added as an inline script, which the page's policy refuses: bypassed for this test.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 390, "height": 844})
    context.set_default_timeout(15_000)
    found = {}
    try:
        tab = context.new_page()
        sign_up(tab)
        tab.get_by_role("region", name="Tokens").get_by_text("What are tokens?").click()
        expect(tab.get_by_role("region", name="Tokens").get_by_role("img")).to_have_count(2)
        found["token chart"] = axe_problems(tab)

        upload(tab, tone)
        expect(tab.get_by_role("region", name="Audio player")).to_be_visible(timeout=JOB_TIMEOUT_MS)
        found["voice entry with the player"] = axe_problems(tab)

        tab.get_by_role("button", name=re.compile(r"^Jobs")).click()
        expect(tab.get_by_role("region", name="Your jobs")).to_be_visible()
        found["jobs menu"] = axe_problems(tab)

        tab.get_by_role("button", name="Menu").click()  # at phone width the page links are under it
        tab.get_by_role("link", name=re.compile("Profile")).click()
        expect(tab.get_by_role("region", name="Earlier profiles")).to_be_visible()
        found["profile"] = axe_problems(tab)
    finally:
        context.close()
    assert found == {name: [] for name in found}, found
