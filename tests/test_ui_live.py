"""Live updates in the web app, end to end: Debian's Chromium (Playwright) on the real stack
(gunicorn, Celery worker, Redis event streams) with the fake AI provider made slow, so each job
is watched while it runs. The page records what it shows at every change (a MutationObserver or
media events, stamped with the job's status then), and the tests read that record once the job
is done: no test depends on how fast the machine is."""

import re

import pytest

from tests.test_ui import JOB_TIMEOUT_MS, browser, expect, sign_up, write_and_open

# The browser (and page) fixtures of tests/test_ui.py, shared.
FIXTURES = (browser,)

pytestmark = pytest.mark.usefixtures("jobs_ready")
MODEL = "test-gpt"


@pytest.fixture
def context(browser, live_server, worker):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_REPLY)  # in every page and tab, from before the app starts
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


# Every text the fresh AI reply shows, with the reply job's status at that moment.
RECORD_REPLY = """
window.replyStates = [];
const recordReply = () => {
  const reply = document.querySelector(".fresh-reply .preview-text");
  if (!reply) return;
  const job = document.querySelector(".tools .job");
  const state = { text: reply.textContent, status: job ? job.dataset.status : null };
  const last = window.replyStates[window.replyStates.length - 1];
  if (!last || last.text !== state.text || last.status !== state.status) window.replyStates.push(state);
};
new MutationObserver(recordReply).observe(document, {
  subtree: true, childList: true, characterData: true, attributes: true,
});
"""


def ask_for_a_slow_reply(page, fake_ai, words: int, delay: float) -> None:
    fake_ai.set_reply_words(words)
    fake_ai.set_stream_delay(delay)
    page.locator("select[name=model]").select_option(MODEL)
    expect(page.locator("select[name=model]")).to_have_value(MODEL)
    page.get_by_role("button", name="Ask AI").click()


def expect_live(page) -> None:
    """The page follows the event stream, so what it shows came from it, not from polling."""
    expect(page.locator("html")).to_have_attribute("data-events", "live")


def finished_reply(page) -> str:
    """Wait for the reply job to complete; the saved reply's text."""
    expect(page.locator(".tools .job")).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    link = page.locator(".fresh-reply")
    expect(link).to_have_attribute("href", re.compile(r"/node/\d+$"))
    reply_id = int(link.get_attribute("href").rpartition("/")[2])
    return page.evaluate("async (id) => (await (await fetch(`/api/nodes/${id}`)).json()).content", reply_id)


def running_texts(states: list[dict]) -> list[str]:
    return [s["text"] for s in states if s["status"] in ("pending", "processing") and s["text"]]


def test_an_ai_reply_is_written_into_the_thread_as_it_comes(page, fake_ai):
    sign_up(page)
    write_and_open(page, "Tell me about the sea, slowly.")
    expect_live(page)
    ask_for_a_slow_reply(page, fake_ai, words=120, delay=0.03)
    saved = finished_reply(page)

    running = running_texts(page.evaluate("() => window.replyStates"))
    assert len(set(running)) >= 3, f"the reply did not grow on the page while its job ran: {running}"
    assert all(saved.startswith(text) for text in running), running
    assert len(running[0]) < len(saved)
    assert [len(t) for t in running] == sorted(len(t) for t in running)  # it only grows
    # Where it was written, it stays: one reply, whole, that opens it.
    replies = page.locator(".replies a.preview")
    expect(replies).to_have_count(1)
    expect(page.locator(".fresh-reply .preview-text")).to_have_text(saved)
    expect(page.locator(".replies h2")).to_have_text("Replies (1)")


def test_a_reload_or_a_second_tab_mid_reply_shows_the_text_so_far_and_goes_on(page, context, fake_ai):
    sign_up(page)
    write_and_open(page, "Take your time with this one.")
    ask_for_a_slow_reply(page, fake_ai, words=300, delay=0.05)  # about fifteen seconds of writing
    expect(page.locator(".fresh-reply .preview-text")).to_contain_text("Reply from", timeout=JOB_TIMEOUT_MS)

    other = context.new_page()
    other.goto(page.url)
    page.reload()
    for tab in (page, other):
        expect(tab.locator(".fresh-reply .preview-text")).to_contain_text("Reply from", timeout=JOB_TIMEOUT_MS)
        expect_live(tab)
    saved = finished_reply(page)
    expect(other.locator(".fresh-reply .preview-text")).to_have_text(saved, timeout=JOB_TIMEOUT_MS)

    for tab in (page, other):
        running = running_texts(tab.evaluate("() => window.replyStates"))
        # The first thing shown was the text so far (not an empty reply), and it went on growing.
        assert running and running[0].startswith("Reply from"), running
        assert len(set(running)) >= 2, f"the text did not go on growing after the page opened: {running}"
        assert all(saved.startswith(text) for text in running)


# Each play of the read-aloud player: which part (or the whole file) and the job's status then.
RECORD_PLAYS = """() => {
  window.plays = [];
  // Media events do not bubble: caught on their way down, before the player exists.
  document.addEventListener("playing", (event) => {
    const player = event.target;
    if (player.getAttribute("aria-label") !== "Entry read aloud") return;
    const job = document.querySelector("section[aria-label='Read aloud'] .job");
    window.plays.push({
      part: player.dataset.part || null, src: player.getAttribute("src"), status: job ? job.dataset.status : null,
    });
  }, true);
}"""


def test_read_aloud_starts_playing_before_its_job_completes_and_plays_on(page, fake_ai):
    sign_up(page)
    sentence = "Every morning I write for an hour before anyone else in the house is awake. "
    write_and_open(page, sentence * 120)  # about 9,000 characters: three parts
    expect_live(page)
    fake_ai.set_latency(2.5)  # each part takes a while to speak
    page.evaluate(RECORD_PLAYS)
    page.get_by_role("button", name="Read aloud").click()
    player = page.get_by_label("Entry read aloud")
    expect(player).to_have_attribute("data-part", "1", timeout=JOB_TIMEOUT_MS)
    page.wait_for_function("() => window.plays.length > 0", timeout=JOB_TIMEOUT_MS)
    first = page.evaluate("() => window.plays[0]")
    assert first["part"] == "1" and first["status"] in ("pending", "processing"), first
    assert re.search(r"/api/jobs/[^/]+/parts/1$", first["src"]), first

    # Near the end of part 1, it goes on to part 2 by itself.
    player.evaluate("(audio) => { audio.currentTime = audio.duration - 0.3; }")
    page.wait_for_function("() => window.plays.some((p) => p.part === '2')", timeout=JOB_TIMEOUT_MS)

    # Once the job is done, the joined file is what the player holds when it stops.
    job = page.locator("section[aria-label='Read aloud'] .job")
    expect(job).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    player.evaluate("(audio) => audio.pause()")
    expect(player).to_have_attribute("src", re.compile(r"^/api/media/tts/.*#t="))
    expect(player).not_to_have_attribute("data-part", re.compile("."))


def test_read_aloud_asked_for_then_left_before_its_first_part_still_plays(page, fake_ai):
    sign_up(page)
    write_and_open(page, "A short walk to the river and back, before the rain came in. " * 20)
    expect_live(page)
    fake_ai.set_latency(2.5)  # part 1 is made well after the page is left
    page.evaluate(RECORD_PLAYS)
    page.get_by_role("button", name="Read aloud").click()
    expect(page.locator("section[aria-label='Read aloud'] .job")).to_be_visible()  # the job is under way
    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    assert page.evaluate("() => window.plays.length") == 0  # left before part 1 was made
    page.wait_for_function("() => window.plays.length > 0", timeout=JOB_TIMEOUT_MS)
    first = page.evaluate("() => window.plays[0]")
    assert re.search(r"/api/jobs/[^/]+/parts/1$", first["src"]), first
    assert first["status"] is None, first  # played with no read-aloud on the page


def test_read_aloud_plays_on_to_the_next_part_after_its_page_is_left(page, fake_ai):
    sign_up(page)
    sentence = "The garden kept its own hours, and I learned them slowly over many summers. "
    write_and_open(page, sentence * 120)  # about 9,000 characters: three parts
    expect_live(page)
    fake_ai.set_latency(2.5)  # each part takes a while to speak: the rest is made after leaving
    page.evaluate(RECORD_PLAYS)
    page.get_by_role("button", name="Read aloud").click()
    player = page.get_by_label("Entry read aloud")
    expect(player).to_have_attribute("data-part", "1", timeout=JOB_TIMEOUT_MS)
    page.wait_for_function("() => window.plays.length > 0", timeout=JOB_TIMEOUT_MS)

    # To the journal while part 1 plays and the rest is being read.
    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    expect(page.locator("section[aria-label='Read aloud']")).to_have_count(0)
    player.evaluate("(audio) => { audio.currentTime = audio.duration - 0.3; }")
    page.wait_for_function("() => window.plays.some((p) => p.part === '2')", timeout=JOB_TIMEOUT_MS)
    second = page.evaluate("() => window.plays.find((p) => p.part === '2')")
    assert re.search(r"/api/jobs/[^/]+/parts/2$", second["src"]), second
    assert second["status"] is None, second  # played with no read-aloud on the page
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
