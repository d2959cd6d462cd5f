"""Recording in the web app, chunk by chunk: Debian's Chromium with its fake microphone fed a
generated speech file records into IndexedDB and uploads as it goes (frontend/src/recording),
against the real gunicorn, Celery worker and the fake AI provider. A recording survives the page
being closed and the network going away."""

import re
import time
from pathlib import Path

import pytest
from sqlalchemy import update

from tests.audio_samples import make_speech, transcode
from tests.test_ui import sign_up
from wop.extensions import db
from wop.models import Recording

ROOT = Path(__file__).resolve().parent.parent
DIST_INDEX = ROOT / "frontend" / "dist" / "index.html"
CHROMIUM = "/usr/bin/chromium"
JOB_TIMEOUT_MS = 90_000
SLICE_SECONDS = 5  # the recorder's MediaRecorder time slice (SLICE_MS)
OFFLINE_SECONDS = 20  # how long the network goes away in the middle of a recording

if not DIST_INDEX.is_file():
    pytest.skip("frontend/dist/index.html is missing: build the web app first (make frontend)", allow_module_level=True)
if not Path(CHROMIUM).is_file():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')"
)
expect = sync_api.expect

pytestmark = pytest.mark.usefixtures("jobs_ready")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    speech = make_speech(tmp_path_factory.mktemp("mic") / "speech.wav", "I walked to the river and back again today.")
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        # A microphone that plays the speech file in a loop, with no permission prompt.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={speech}",
    ]
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, live_server, worker):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    ctx.set_default_timeout(20_000)
    yield ctx
    ctx.close()


def api_get(page, path: str) -> dict:
    return page.evaluate(
        "async (path) => { const r = await fetch(path, {headers: {Accept: 'application/json'}}); return r.json(); }",
        path,
    )


def open_recording(page) -> dict:
    """The one open recording, once the server has it."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        items = api_get(page, "/api/recordings?status=open")["items"]
        if items:
            return items[0]
        time.sleep(0.3)
    raise AssertionError("no open recording appeared on the server")


def wait_for_chunks(page, recording_id: int, count: int) -> dict:
    """Wait until chunks 0 … count-1 are stored on the server (a busy machine may lag)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        recording = api_get(page, f"/api/recordings/{recording_id}")
        if recording["next_chunk"] >= count:
            return recording
        time.sleep(0.3)
    raise AssertionError(f"chunks 0-{count - 1} of recording {recording_id} never all arrived")


def start_recording(page):
    page.get_by_role("button", name="Record").click()
    stop = page.get_by_role("button", name=re.compile("Stop"))
    expect(stop).to_be_visible()
    return stop


def expect_entry_with_transcript(page) -> int:
    """The finish job ran and the page opened the voice entry, with its audio and transcript."""
    expect(page).to_have_url(re.compile(r"/node/\d+$"), timeout=JOB_TIMEOUT_MS)
    expect(page.get_by_label("Original recording")).to_have_attribute("src", re.compile(r"^/api/media/"))
    expect(page.locator(".entry-content")).to_contain_text("[part ", timeout=JOB_TIMEOUT_MS)
    return int(page.url.rsplit("/", 1)[1])


def finished(page, recording_id: int) -> tuple[dict, dict]:
    """The recording once finished, and its finish job."""
    recording = api_get(page, f"/api/recordings/{recording_id}")
    assert recording["status"] == "finished"
    job = api_get(page, f"/api/jobs/{recording['task_id']}")
    assert job["status"] == "completed"
    return recording, job


def test_a_recording_is_sent_while_made_and_becomes_an_entry_with_its_audio_and_transcript(context):
    page = context.new_page()
    sign_up(page)
    stop = start_recording(page)
    recording_id = open_recording(page)["recording_id"]
    wait_for_chunks(page, recording_id, 2)  # ~10 s recorded, and sent while recording
    time.sleep(2)
    stop.click()
    node_id = expect_entry_with_transcript(page)
    recording, job = finished(page, recording_id)
    assert recording["node_id"] == node_id
    assert recording["chunk_count"] >= 3  # the last, partial chunk came with Stop
    assert job["result"]["duration_seconds"] >= 2 * SLICE_SECONDS
    # Nothing is left over to offer again.
    page.goto("/")
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    page.wait_for_timeout(1000)
    expect(page.get_by_role("button", name="Finish it")).to_have_count(0)


def test_a_recording_whose_page_was_closed_is_offered_again_and_finished(context):
    page = context.new_page()
    sign_up(page)
    start_recording(page)
    recording_id = open_recording(page)["recording_id"]
    stored = wait_for_chunks(page, recording_id, 2)["next_chunk"]
    page.close()  # mid-recording: the tab is gone

    page = context.new_page()
    page.goto("/")
    expect(page.get_by_text("An unfinished recording")).to_be_visible()
    page.get_by_role("button", name="Finish it").click()
    node_id = expect_entry_with_transcript(page)
    recording, job = finished(page, recording_id)
    assert recording["node_id"] == node_id
    # Everything stored before the page closed is in the entry's audio.
    assert recording["chunk_count"] >= stored
    assert job["result"]["duration_seconds"] >= stored * SLICE_SECONDS - 1


def test_a_recording_survives_the_network_going_away_for_a_while(context):
    page = context.new_page()
    sign_up(page)
    stop = start_recording(page)
    began = time.monotonic()
    recording_id = open_recording(page)["recording_id"]
    wait_for_chunks(page, recording_id, 1)
    context.set_offline(True)
    expect(page.get_by_text(re.compile(r"waiting to upload"))).to_be_visible(timeout=30_000)
    time.sleep(OFFLINE_SECONDS)
    context.set_offline(False)
    # What was recorded offline (four chunks and more) arrives once back.
    wait_for_chunks(page, recording_id, 1 + OFFLINE_SECONDS // SLICE_SECONDS)
    stop.click()
    recorded = time.monotonic() - began
    expect_entry_with_transcript(page)
    _, job = finished(page, recording_id)
    # Not a second of what was recorded while offline is missing.
    assert job["result"]["duration_seconds"] >= recorded - SLICE_SECONDS


def test_an_unfinished_recording_is_continued_into_and_holds_both_parts(context):
    page = context.new_page()
    sign_up(page)
    start_recording(page)
    recording_id = open_recording(page)["recording_id"]
    before = wait_for_chunks(page, recording_id, 2)["next_chunk"]
    page.close()  # mid-recording: the tab is gone

    page = context.new_page()
    page.goto("/")
    expect(page.get_by_text("An unfinished recording")).to_be_visible()
    page.get_by_role("button", name="Continue recording").click()
    stop = page.get_by_role("button", name=re.compile("Stop"))
    expect(stop).to_be_visible()
    continued = time.monotonic()
    # The new stream's chunks follow the last one stored (a chunk may have arrived as the page
    # closed), the first marked as beginning it.
    shown = wait_for_chunks(page, recording_id, before + 2)
    assert len(shown["segment_starts"]) == 2 and shown["segment_starts"][1] >= before
    before = shown["segment_starts"][1]
    stop.click()
    recorded_after = time.monotonic() - continued
    node_id = expect_entry_with_transcript(page)
    recording, job = finished(page, recording_id)
    assert recording["node_id"] == node_id
    # The entry's audio holds what was stored before the page closed and all that came after.
    assert job["result"]["duration_seconds"] >= before * SLICE_SECONDS + recorded_after - SLICE_SECONDS


def test_an_audio_file_is_sent_in_slices_and_a_failed_slice_is_sent_again_without_starting_over(context, tmp_path):
    speech = make_speech(tmp_path / "speech.wav", "A letter I dictated on the train this morning.")
    # 30 s of 48 kHz stereo WAV: about 5.8 MB, two 4 MB slices.
    memo = transcode(speech, tmp_path / "memo.wav", "-af", "apad", "-t", "30", "-ar", "48000", "-ac", "2")
    page = context.new_page()
    sign_up(page)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url.split("/chunks/")[1]) if "/chunks/" in r.url else None)
    cut: list[str] = []

    def cut_once(route):
        if cut:
            route.continue_()
        else:
            cut.append(route.request.url)
            route.abort("internetdisconnected")  # the network fails under the second slice

    page.route(re.compile(r"/chunks/1$"), cut_once)
    page.get_by_label("Upload an audio file").set_input_files(str(memo))
    node_id = expect_entry_with_transcript(page)
    assert cut and sent == ["0", "1", "1"]  # the first slice was not sent again
    recording = api_get(page, "/api/recordings")["items"][0]
    assert recording["node_id"] == node_id and recording["chunk_count"] == 2
    _, job = finished(page, recording["recording_id"])
    assert abs(job["result"]["duration_seconds"] - 30) < 1


def test_the_transcript_grows_in_the_page_while_recording(app, context):
    page = context.new_page()
    sign_up(page)
    stop = start_recording(page)
    recording_id = open_recording(page)["recording_id"]
    with app.app_context():  # this recording is transcribed 5 seconds at a time
        db.session.execute(update(Recording).where(Recording.id == recording_id).values(piece_seconds=5.0))
        db.session.commit()
    so_far = page.get_by_label("Transcript so far")
    # Each piece's text appears as it is transcribed, while the microphone is still recording.
    expect(so_far).to_contain_text("piece-0001.mp3", timeout=JOB_TIMEOUT_MS)
    first = so_far.inner_text()
    expect(so_far).to_contain_text("piece-0002.mp3", timeout=JOB_TIMEOUT_MS)
    expect(stop).to_be_visible()
    grown = so_far.inner_text()
    assert grown.startswith(first) and len(grown) > len(first)
    assert grown.index("piece-0001.mp3") < grown.index("piece-0002.mp3")
    stop.click()
    node_id = expect_entry_with_transcript(page)
    content = api_get(page, f"/api/nodes/{node_id}")["content"]
    assert content.startswith(grown)


# Counts the microphones opened and keeps every AudioContext made, so the test can see both.
WATCH_AUDIO = """(() => {
  window.microphonesOpened = 0;
  window.audioContexts = [];
  const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.microphonesOpened += 1;
    return open(constraints);
  };
  const Original = window.AudioContext;
  window.AudioContext = class extends Original {
    constructor(...args) {
      super(...args);
      window.audioContexts.push(this);
    }
  };
})()"""

LEVEL_ABOVE_ZERO = "() => Number(document.querySelector('[role=meter]')?.getAttribute('aria-valuenow')) > 0"


def test_the_level_meter_follows_the_microphone_while_recording(context):
    context.add_init_script(WATCH_AUDIO)
    page = context.new_page()
    sign_up(page)
    stop = start_recording(page)
    meter = page.get_by_role("meter", name="Input level")
    expect(meter).to_have_attribute("aria-valuemin", "0")
    expect(meter).to_have_attribute("aria-valuemax", "100")
    page.wait_for_function(LEVEL_ABOVE_ZERO)  # the fake microphone's speech moves it
    assert page.evaluate("() => window.microphonesOpened") == 1  # the meter listens to the recorder's stream
    assert page.evaluate("() => window.audioContexts.map((c) => c.state)") == ["running"]
    stop.click()
    expect(meter).to_have_count(0)
    page.wait_for_function("() => window.audioContexts.every((c) => c.state === 'closed')")
    expect_entry_with_transcript(page)
