"""The web app end to end: Debian's Chromium, driven by Playwright, uses the built frontend
(frontend/dist) served by the real gunicorn, with a real Celery worker and the fake AI provider.

Set WOP_UI_SCREENSHOT=/some/file.png to save a picture of the entry view with its AI reply."""

import os
import re
import time
from pathlib import Path

import pytest
import requests

from tests.helpers import unique_name

ROOT = Path(__file__).resolve().parent.parent
DIST_INDEX = ROOT / "frontend" / "dist" / "index.html"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A fake microphone (a beeping tone) that needs no permission prompt, for the voice recorder.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]
PASSWORD = "correct horse battery"
JOB_TIMEOUT_MS = 60_000

if not DIST_INDEX.is_file():
    pytest.skip("frontend/dist/index.html is missing: build the web app first (make frontend)", allow_module_level=True)
if not Path(CHROMIUM).is_file():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install -e '.[test]')"
)
expect = sync_api.expect


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, worker):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


pytestmark = pytest.mark.usefixtures("jobs_ready")


def sign_up(page, name: str | None = None) -> str:
    name = name or unique_name("ui")
    page.goto("/#/signup")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    return name


def log_in(page, name: str) -> None:
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def write_and_open(page, text: str) -> int:
    """Write a top-level entry on the dashboard, then open it from the list; returns its id."""
    page.get_by_label("New entry").fill(text)
    page.get_by_role("button", name="Save entry").click()
    preview = page.locator(".entry-list a.preview", has_text=text[:40])
    expect(preview).to_be_visible()
    expect(page.get_by_label("New entry")).to_have_value("")
    preview.click()
    expect(page).to_have_url(re.compile(r"/node/\d+$"))
    expect(page.locator(".entry-content")).to_have_text(text)
    return int(page.url.rpartition("/")[2])


# Records every state the job-progress component shows, so a test can tell what it went through
# however quickly the job ran.
WATCH_JOBS = """() => {
  window.jobStates = [];
  const record = () => document.querySelectorAll(".job").forEach((job) => {
    const state = {
      status: job.dataset.status,
      bar: job.querySelector("[role=progressbar]") !== null,
      cancel: [...job.querySelectorAll("button")].some((b) => b.textContent.trim() === "Cancel"),
    };
    const last = window.jobStates[window.jobStates.length - 1];
    if (!last || JSON.stringify(last) !== JSON.stringify(state)) window.jobStates.push(state);
  });
  new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
}"""


def expected_reply(name: str, text: str, model: str = "gpt-test") -> str:
    """What the fake provider answers: the model and the start of the last message it was sent."""
    return f"Reply from {model} to: {f'{name}: {text}'[:60]}"


def test_sign_up_write_and_get_an_ai_reply_with_live_progress(page, fake_ai):
    name = sign_up(page)
    text = "The garden was quiet this morning, and for once I wrote before breakfast."
    write_and_open(page, text)
    expect(page.locator(".replies")).to_contain_text("No replies yet")

    fake_ai.set_latency(2)  # long enough to watch the job run
    page.evaluate(WATCH_JOBS)
    page.locator("select[name=model]").select_option("test-gpt")
    expect(page.locator("select[name=model]")).to_have_value("test-gpt")
    page.get_by_role("button", name="Ask AI").click()
    job = page.locator(".job")
    expect(job).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    seen = page.evaluate("() => window.jobStates")
    running = [s for s in seen if s["status"] in ("pending", "processing")]
    assert running, f"the progress never showed the job running: {seen}"
    assert all(s["cancel"] and s["bar"] for s in running), seen
    expect(job.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    expect(job.get_by_role("button", name="Cancel")).to_have_count(0)

    reply = page.locator(".replies a.preview")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text(expected_reply(name, text))
    expect(reply.locator(".tag-ai")).to_be_visible()
    if os.environ.get("WOP_UI_SCREENSHOT"):
        page.screenshot(path=os.environ["WOP_UI_SCREENSHOT"], full_page=True)

    # The reply opens as an entry of its own, with the thread above it.
    reply.click()
    expect(page.locator(".entry-content")).to_contain_text(expected_reply(name, text))
    expect(page.locator(".thread")).to_contain_text(text)
    page.locator(".thread a").first.click()
    expect(page.locator(".entry-content")).to_have_text(text)

    # Back on the dashboard the entry is listed, newest first.
    page.get_by_role("link", name="Journal", exact=True).click()
    expect(page.locator(".entry-list a.preview").first).to_contain_text(text[:40])


def test_a_failed_ai_reply_shows_the_error_and_retry_finishes_it(page, fake_ai):
    name = sign_up(page)
    text = "Try again, fail again, fail better."
    write_and_open(page, text)
    fake_ai.fail_next(1, status=401)  # a permanent error: the job fails at once
    page.locator("select[name=model]").select_option("test-gpt")
    expect(page.locator("select[name=model]")).to_have_value("test-gpt")
    page.get_by_role("button", name="Ask AI").click()
    job = page.locator(".job")
    expect(job).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT_MS)
    expect(job.get_by_role("alert")).to_have_text(
        "The AI service is not available right now — try again later, or ask the administrator."
    )
    first_id = job.get_attribute("data-task-id")
    said = page.evaluate("async (id) => (await (await fetch(`/api/jobs/${id}`)).json()).error", first_id)
    assert said, "a failed job carries a message"
    expect(job.get_by_role("alert")).to_have_text(said)

    job.get_by_role("button", name="Try again").click()
    expect(job).not_to_have_attribute("data-task-id", first_id)
    expect(job).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".replies a.preview")).to_contain_text(expected_reply(name, text))


def test_signup_with_a_taken_name_shows_the_api_error_and_keeps_the_form(page, live_server):
    taken = unique_name("taken")
    resp = requests.post(f"{live_server.url}/auth/signup", json={"username": taken, "password": PASSWORD}, timeout=10)
    assert resp.status_code == 201, resp.text

    page.goto("/#/signup")
    page.get_by_label("Username").fill(taken)
    page.get_by_label("Password").fill("my own secret words")
    page.get_by_label("Email").fill("me@example.com")
    page.get_by_role("button", name="Create account").click()

    expect(page.get_by_role("alert")).to_have_text(f"The username '{taken}' is taken; choose another.")
    expect(page.get_by_label("Username")).to_have_value(taken)
    expect(page.get_by_label("Password")).to_have_value("my own secret words")
    expect(page.get_by_label("Email")).to_have_value("me@example.com")

    # Choosing another name then works.
    page.get_by_label("Username").fill(unique_name("free"))
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()


def test_an_entry_the_api_refuses_stays_in_the_box_even_after_a_reload(page):
    sign_up(page)
    text = "Too long. " * 20_001  # over the 200,000 characters an entry may hold
    box = page.get_by_label("New entry")
    box.fill(text)
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid request: content: Use at most 200,000 characters.")
    assert box.input_value() == text
    page.reload()
    expect(page.get_by_label("New entry")).to_have_value(text)


def test_read_aloud_follows_the_speech_job_and_plays_it(page):
    sign_up(page)
    write_and_open(page, "Read this to me slowly, please.")
    page.get_by_role("button", name="Read aloud").click()
    player = page.get_by_label("Entry read aloud")
    expect(player).to_have_attribute("src", re.compile(r"^/api/media/"), timeout=JOB_TIMEOUT_MS)
    src = player.get_attribute("src")
    assert page.evaluate("async (url) => (await fetch(url)).ok", src)  # 200, or 206 for a range
    # Asking again plays the same audio at once.
    page.reload()
    page.get_by_role("button", name="Read aloud").click()
    expect(page.get_by_label("Entry read aloud")).to_have_attribute("src", src)


def test_a_voice_recording_is_uploaded_and_its_transcript_replaces_the_placeholder(page):
    sign_up(page)
    page.get_by_role("button", name="Record").click()
    stop = page.get_by_role("button", name=re.compile("Stop"))
    expect(stop).to_be_visible()
    time.sleep(2.5)  # the fake microphone beeps meanwhile
    stop.click()
    # The entry opens once the finish job (on the audio worker) has made it.
    expect(page).to_have_url(re.compile(r"/node/\d+$"), timeout=JOB_TIMEOUT_MS)
    # The recording is sent in chunks and the entry opens once its finish job made it
    # (tests/test_ui_recorder.py follows that path through closed pages and lost networks).
    expect(page.get_by_label("Original recording")).to_have_attribute("src", re.compile(r"^/api/media/"))
    expect(page.locator(".entry-content")).to_contain_text("[part 1: ", timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".entry-content")).not_to_contain_text("transcription pending")


def test_profile_and_exports(page, live_server):
    name = sign_up(page)
    write_and_open(page, "Everything I write ends up here, one way or another.")
    page.get_by_role("link", name="Profile & export", exact=True).click()
    expect(page.get_by_text("You have no profile yet.")).to_be_visible()

    page.get_by_role("button", name="Estimate").click()
    expect(page.locator(".estimate")).to_contain_text("in 1 thread")

    page.locator("select[name=model]").select_option("test-gpt")
    expect(page.locator("select[name=model]")).to_have_value("test-gpt")
    page.get_by_role("button", name="Generate my profile").click()
    profile_job = page.locator(".job", has_text="Profile")
    expect(profile_job).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    expect(page.locator(".profile-text")).to_contain_text("Reply from gpt-test")

    page.get_by_role("button", name="Export threads").click()
    export_job = page.locator(".job", has_text="Thread export")
    expect(export_job).to_have_attribute("data-status", "completed", timeout=JOB_TIMEOUT_MS)
    link = page.get_by_role("link", name="Download the thread export")
    expect(link).to_have_attribute("href", re.compile(r"^/api/export/download/"))
    exported = page.evaluate("async (url) => (await fetch(url)).text()", link.get_attribute("href"))
    assert "Everything I write ends up here" in exported

    data = page.get_by_role("link", name="Download all my data (JSON)")
    dump = page.evaluate("async (url) => (await fetch(url)).json()", data.get_attribute("href"))
    assert name in str(dump)


def entry_status(page, node_id: int) -> int:
    """The HTTP status GET /api/nodes/<id> answers this browser's session."""
    return page.evaluate("async (id) => (await fetch(`/api/nodes/${id}`)).status", node_id)


def delete_entry(page, node_id: int) -> int:
    """DELETE /api/nodes/<id> with this browser's session; returns the status."""
    return page.evaluate(
        """async (id) => {
          const { csrf_token } = await (await fetch("/auth/csrf")).json();
          const headers = { "X-CSRF-Token": csrf_token };
          return (await fetch(`/api/nodes/${id}`, { method: "DELETE", headers })).status;
        }""",
        node_id,
    )


def test_deleting_asks_first_and_enter_twice_or_escape_never_deletes(page):
    sign_up(page)
    text = "Keep me unless you really mean it."
    node_id = write_and_open(page, text)
    delete = page.get_by_role("button", name="Delete", exact=True)
    dialog = page.get_by_role("alertdialog", name="Delete this entry?")
    cancel = dialog.get_by_role("button", name="Cancel")

    # Enter on Delete opens the question with focus on Cancel, so the next Enter cancels.
    delete.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(cancel).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    # Two Enters back to back, as a bouncing key sends them.
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()

    # Escape cancels too, and focus goes back to Delete.
    delete.click()
    expect(cancel).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(delete).to_be_focused()
    assert entry_status(page, node_id) == 200
    expect(page.locator(".entry-content")).to_have_text(text)

    # Only the dialog's own button deletes.
    delete.click()
    dialog.get_by_role("button", name="Delete entry").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()
    expect(page.locator(".entry-list a.preview", has_text=text)).to_have_count(0)
    assert entry_status(page, node_id) in (404, 410)


def write_reply_and_delete_it(page, thread: str, reply: str) -> tuple[int, int]:
    """A thread with one reply, whose page is open when the reply is deleted from elsewhere (e.g.
    another tab); returns the ids of the thread and of the reply."""
    parent_id = write_and_open(page, thread)
    page.get_by_label("Your reply").fill(reply)
    page.get_by_role("button", name="Reply", exact=True).click()
    page.locator(".replies a.preview", has_text=reply).click()
    expect(page.locator(".entry-content")).to_have_text(reply)
    # The thread above comes in a request of its own: deleted before that, the entry has none.
    expect(page.locator(".thread a").first).to_be_visible()
    reply_id = int(page.url.rpartition("/")[2])
    assert delete_entry(page, reply_id) == 204
    return parent_id, reply_id


def test_a_deleted_entry_says_so_and_leads_back_while_a_missing_one_is_not_found(page):
    sign_up(page)
    thread = "The thread goes on without the reply."
    parent_id, reply_id = write_reply_and_delete_it(page, thread, "A reply I will regret.")
    page.locator(".thread a").first.click()
    expect(page).to_have_url(re.compile(rf"/node/{parent_id}$"))
    expect(page.locator(".entry-content")).to_have_text(thread)  # the reply's page also has no replies
    expect(page.locator(".replies")).to_contain_text("No replies yet")

    # The API answers 410 for a deleted entry to those who could read it (never from a cache).
    page.go_back()  # to the reply, as a reader following an old link would
    expect(page).to_have_url(re.compile(rf"/node/{reply_id}$"))
    expect(page.get_by_role("heading", name="This entry was deleted")).to_be_visible()
    expect(page.get_by_text("not found")).to_have_count(0)
    expect(page.get_by_role("link", name="Back to your journal")).to_have_attribute("href", "/")
    back = page.get_by_role("link", name="Back to the thread")
    expect(back).to_have_attribute("href", f"/node/{parent_id}")
    back.click()
    expect(page.locator(".entry-content")).to_have_text(thread)

    # An entry that never existed is "not found", from the real API's 404.
    missing = reply_id + 1_000_000
    assert entry_status(page, missing) == 404
    page.goto(f"/#/node/{missing}")
    expect(page.get_by_role("heading", name="Entry not found")).to_be_visible()
    expect(page.get_by_text("deleted")).to_have_count(0)
    page.get_by_role("link", name="Back to your journal").click()
    expect(page.get_by_role("heading", name="Your journal")).to_be_visible()


def test_back_right_after_a_link_loads_the_entry_again(page):
    """On a busy machine the browser's Back can come before the page has drawn the link's page; the
    entry page left must still be loaded again, not shown as it was before its deletion."""
    sign_up(page)
    parent_id, reply_id = write_reply_and_delete_it(page, "A thread to step into.", "A reply deleted elsewhere.")
    # The link and Back in one go, with the page's main thread held busy (as a loaded machine
    # would) until the Back is waiting beside the drawing of the link's page.
    page.evaluate(
        """() => {
          document.querySelector(".thread a").click();
          history.back();
          const start = performance.now();
          while (performance.now() - start < 300);
        }"""
    )
    expect(page).to_have_url(re.compile(rf"/node/{reply_id}$"))
    expect(page.get_by_role("heading", name="This entry was deleted")).to_be_visible()
    expect(page.get_by_role("link", name="Back to the thread")).to_have_attribute("href", f"/node/{parent_id}")
    expect(page.get_by_text("A reply deleted elsewhere.")).to_have_count(0)


def stored_text(page) -> str:
    """All that the web app keeps in this browser's localStorage, as one string."""
    return page.evaluate("() => JSON.stringify({ ...localStorage })")


def test_drafts_belong_to_one_account_and_logging_out_clears_them(page):
    alice = sign_up(page)
    write_and_open(page, "Something to reply to.")
    reply_draft = "A private reply I have not sent yet."
    page.get_by_label("Your reply").fill(reply_draft)
    page.get_by_role("link", name="Journal", exact=True).click()
    draft = "My unsent private draft about the neighbours."
    page.get_by_label("New entry").fill(draft)
    page.wait_for_function(
        "(texts) => texts.every((t) => Object.values(localStorage).includes(t))", arg=[draft, reply_draft]
    )
    page.reload()
    expect(page.get_by_label("New entry")).to_have_value(draft)

    # The session ends without a logout: the next person on this browser sees none of it...
    page.goto("about:blank")  # first, so that no answer still on its way sets the cookie again
    page.context.clear_cookies()
    page.goto("/")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    bob = sign_up(page)
    expect(page.get_by_label("New entry")).to_have_value("")
    log_out(page)
    # ...while the drafts stay their writer's, for when she is back.
    log_in(page, alice)
    expect(page.get_by_label("New entry")).to_have_value(draft)

    # Logging out forgets them on this browser.
    log_out(page)
    assert draft not in stored_text(page) and reply_draft not in stored_text(page)
    log_in(page, bob)
    expect(page.get_by_label("New entry")).to_have_value("")
    log_out(page)
    log_in(page, alice)
    # The server still keeps hers, so her draft follows her back (and to any other browser).
    expect(page.get_by_label("New entry")).to_have_value(draft)


WRITER_ERROR = "The AI service is not available right now — try again later, or ask the administrator."
OPERATOR_DETAIL = "The OpenAI API key was rejected. Check OPENAI_API_KEY."


def test_a_failed_ai_reply_tells_the_writer_what_to_do_and_folds_the_operator_detail_away(page, fake_ai):
    sign_up(page)
    write_and_open(page, "Ask, and be told plainly when it fails.")

    # The API words a failed job's `error` for the writer and sends `error_detail` to
    # administrators only. The job's JSON is rewritten here to each of those answers, so what is
    # tested is what the card shows for them, whatever this server says.
    detail: dict[str, str | None] = {"for_admins": None}

    def reword(route):
        response = route.fetch()
        job = response.json()
        if job.get("status") == "failed":
            job["error"] = WRITER_ERROR
            job.pop("error_detail", None)
            if detail["for_admins"]:
                job["error_detail"] = detail["for_admins"]
        route.fulfill(response=response, json=job)

    page.route("**/api/jobs/*", reword)
    fake_ai.fail_next(1, status=401)  # a wrong key: the real job fails at once
    page.locator("select[name=model]").select_option("test-gpt")
    expect(page.locator("select[name=model]")).to_have_value("test-gpt")
    page.get_by_role("button", name="Ask AI").click()
    job = page.locator(".job")
    expect(job).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT_MS)
    expect(job.get_by_role("alert")).to_have_text(WRITER_ERROR)
    expect(job.get_by_role("button", name="Try again")).to_be_visible()
    expect(job.get_by_text("Details for administrators")).to_have_count(0)
    expect(job).not_to_contain_text("OPENAI_API_KEY")

    # An answer with the operator's detail (an administrator's) keeps it folded under a disclosure.
    detail["for_admins"] = OPERATOR_DETAIL
    page.reload()
    job = page.locator(".job")
    expect(job).to_have_attribute("data-status", "failed", timeout=JOB_TIMEOUT_MS)
    expect(job.get_by_role("alert")).to_have_text(WRITER_ERROR)
    disclosure = job.get_by_text("Details for administrators")
    expect(disclosure).to_be_visible()
    expect(job.get_by_text(OPERATOR_DETAIL)).to_be_hidden()
    disclosure.click()
    expect(job.get_by_text(OPERATOR_DETAIL)).to_be_visible()
    expect(job.get_by_role("button", name="Try again")).to_be_visible()


class AiExclusionStandIn:
    """Answers about `ai_excluded` as the API does once it stores the setting: each entry keeps
    the value last sent for it. It fills the field in only where the server's answer lacks it, so
    a server that has it is tested as it is."""

    def __init__(self, page):
        self.kept_from_ai: set[int] = set()
        page.route(re.compile(r"/api/(nodes/\d*|dashboard)(\?|$)"), self.answer)

    def answer(self, route):
        response = route.fetch()
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            route.fulfill(response=response)
            return
        sent = route.request.post_data_json if route.request.method in ("POST", "PUT") else None
        if isinstance(sent, dict) and "ai_excluded" in sent and "ai_excluded" not in data:
            if sent["ai_excluded"]:
                self.kept_from_ai.add(data["id"])
            else:
                self.kept_from_ai.discard(data["id"])
        self.fill(data)
        route.fulfill(response=response, json=data)

    def fill(self, value):
        if isinstance(value, list):
            for item in value:
                self.fill(item)
        elif isinstance(value, dict):
            if "node_type" in value:  # an entry, whole or as a preview
                value.setdefault("ai_excluded", value["id"] in self.kept_from_ai)
            for item in value.values():
                self.fill(item)


def test_an_entry_kept_away_from_ai_is_badged_and_not_offered_to_ai(page):
    sign_up(page)
    AiExclusionStandIn(page)
    text = "Only for me, never for a model."
    page.get_by_label("New entry").fill(text)
    page.get_by_label("Keep away from AI").check()
    with page.expect_request(lambda r: r.method == "POST" and r.url.endswith("/api/nodes/")) as sent:
        page.get_by_role("button", name="Save entry").click()
    assert sent.value.post_data_json["ai_excluded"] is True

    preview = page.locator(".entry-list a.preview", has_text=text)
    expect(preview.locator(".tag-no-ai")).to_have_text("kept from AI")
    preview.click()
    expect(page.locator(".entry .tag-no-ai")).to_be_visible()
    expect(page.get_by_role("button", name="Ask AI")).to_be_disabled()
    expect(page.locator(".kept-from-ai")).to_contain_text("no AI model reads it")
    expect(page.locator("select[name=model]")).to_have_count(0)

    # The editor shows the setting and sends a change of mind.
    page.get_by_role("button", name="Edit", exact=True).click()
    editor = page.locator(".editor")
    expect(editor.get_by_label("Keep away from AI")).to_be_checked()
    editor.get_by_label("Keep away from AI").uncheck()
    with page.expect_request(lambda r: r.method == "PUT") as sent:
        editor.get_by_role("button", name="Save", exact=True).click()
    assert sent.value.post_data_json["ai_excluded"] is False
    expect(page.locator(".entry .tag-no-ai")).to_have_count(0)
    expect(page.get_by_role("button", name="Ask AI")).to_be_enabled()
