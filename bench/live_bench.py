"""How soon the web app shows what a job does, measured in real Chromium (Playwright) against the
real stack. A benchmark, not a test: prints markdown tables.

    .venv/bin/python bench/live_bench.py [--jobs 40] [--tokens 20] [--reads 6]

1. Job completed -> visible: an AI reply job (fake provider, answering at once) completes; from
   the job's `finished_at` (set by the worker in the transaction that completes it) to the next
   animation frame after the page shows it completed. The page follows the live stream, or polls
   every second as before (`?events=off`), alternately.
2. Provider's first token -> visible: the fake provider streams a reply a word every 200 ms;
   from the moment it wrote the first word to its socket to the next animation frame after the
   page shows the first words of the reply.
3. Read-aloud of a 1,000-word entry with the local voice (espeak-ng): from the click on "Read
   aloud" to the first `playing` event of the page's player (it plays part 1 while the rest is
   being read), and to the job's `finished_at` (when the joined file exists: what playing had
   to wait for before).

Starts Redis, gunicorn (deploy/gunicorn.conf.py), a Celery worker (2 processes), the fake AI
provider and Chromium, all on 127.0.0.1, with SQLite in a temporary folder; stops them at the
end. Needs the built web app (make frontend). Clocks: the browser's Date.now() and the servers'
wall clock are the same machine's.
"""

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from playwright.sync_api import sync_playwright  # noqa: E402

from tests import fake_ai  # noqa: E402
from tests.services import RedisServer, WebServer, Worker  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
MODEL = "test-gpt"
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "120000"))

# Stamps the first animation frame after the page shows what a run waits for. `window.seen` maps
# a name to Date.now() then; `window.watchFor(name, test)` starts watching (test: () => bool).
WATCH = """
window.seen = {};
window.watching = [];
window.watchFor = (name, test) => { delete window.seen[name]; window.watching.push({ name, test }); };
const check = () => {
  for (const w of [...window.watching]) {
    if (!w.test()) continue;
    window.watching = window.watching.filter((x) => x !== w);
    requestAnimationFrame(() => { window.seen[w.name] = Date.now(); });
  }
};
new MutationObserver(check).observe(document, {
  subtree: true, childList: true, characterData: true, attributes: true,
});
"""

COMPLETED = "() => document.querySelector('.tools .job')?.dataset.status === 'completed'"
FIRST_WORDS = "() => (document.querySelector('.fresh-reply .preview-text')?.textContent ?? '').startsWith('Reply')"


def ms(iso_time: str) -> float:
    """An API time (naive UTC ISO with Z) as milliseconds since the epoch."""
    return datetime.fromisoformat(iso_time.rstrip("Z")).replace(tzinfo=UTC).timestamp() * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} | {percentile(values, 0.99):.0f} | {max(values):.0f}"


class FirstWord:
    """Stamps when the fake provider writes the first word of a streamed reply to its socket."""

    def __init__(self):
        self.stamps: list[float] = []
        original = fake_ai._Handler._stream
        stamps = self.stamps

        def stream(handler, events):
            # Stamped right after the first word is written and flushed to the socket.
            write = handler.wfile.write
            written = {"done": False}

            def write_and_stamp(data: bytes):
                result = write(data)
                text = data.decode(errors="replace")
                if not written["done"] and ('"content": "Reply' in text or '"text": "Reply' in text):
                    handler.wfile.flush()
                    written["done"] = True
                    stamps.append(time.time() * 1000)
                return result

            handler.wfile.write = write_and_stamp
            return original(handler, events)

        fake_ai._Handler._stream = stream


class Page:
    """A logged-in Chromium tab on the app."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(base_url=url)
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.add_init_script(WATCH)
        self.tab = self.context.new_page()
        self.tab.goto("/")
        name = f"bench{random.randrange(10**9)}"
        self.csrf = self.tab.evaluate(
            """async (name) => {
              const r = await fetch("/auth/signup", { method: "POST", headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ username: name, password: "bench password" }) });
              return (await r.json()).csrf_token;
            }""",
            name,
        )
        self.tab.reload()  # the app, now with the session

    def api(self, method: str, path: str, body: dict | None = None) -> dict:
        return self.tab.evaluate(
            """async ([method, path, body, csrf]) => {
              const headers = { "Content-Type": "application/json", "X-CSRF-Token": csrf };
              const r = await fetch(path, { method, headers,
                body: body ? JSON.stringify(body) : undefined });
              return await r.json();
            }""",
            [method, path, body, self.csrf],
        )

    def open_entry(self, content: str, polling: bool = False) -> int:
        node = self.api("POST", "/api/nodes/", {"content": content})
        self.tab.goto(f"/node/{node['id']}{'?events=off' if polling else ''}")
        mode = "polling" if polling else "live"
        self.tab.wait_for_function(f"() => document.documentElement.dataset.events === '{mode}'")
        self.tab.locator("select[name=model]").select_option(MODEL)
        return node["id"]

    def ask_ai(self, watch: str, test: str) -> str:
        self.tab.evaluate(f"() => window.watchFor('{watch}', {test})")
        with self.tab.expect_response(lambda r: r.url.endswith("/llm") and r.request.method == "POST") as started:
            self.tab.get_by_role("button", name="Ask AI").click()
        return started.value.json()["task_id"]

    def seen(self, name: str) -> float:
        self.tab.wait_for_function(f"() => window.seen['{name}'] !== undefined")
        return self.tab.evaluate(f"() => window.seen['{name}']")

    def wait_job(self, task_id: str) -> dict:
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            job = self.api("GET", f"/api/jobs/{task_id}")
            if job["status"] in ("completed", "failed", "cancelled"):
                assert job["status"] == "completed", job
                return job
            time.sleep(0.1)
        raise RuntimeError(f"job {task_id} did not finish")


def completed_to_visible(page: Page, polling: bool) -> float:
    page.open_entry(f"How long until I see it? {random.random()}", polling)
    task_id = page.ask_ai("completed", COMPLETED)
    shown = page.seen("completed")
    return shown - ms(page.wait_job(task_id)["finished_at"])


def first_token_to_visible(page: Page, first_word: FirstWord) -> float:
    page.open_entry(f"Write to me slowly. {random.random()}")
    before = len(first_word.stamps)
    task_id = page.ask_ai("words", FIRST_WORDS)
    shown = page.seen("words")
    page.wait_job(task_id)
    assert len(first_word.stamps) == before + 1, "the provider did not stream the reply"
    return shown - first_word.stamps[-1]


# Recognisable English, varied per run so that no run reuses another's audio.
WORDS = (
    "the morning light came slowly over the hills while I sat with my coffee and wrote about "
    "the small things of the day the garden the letters the long walk by the river and the "
    "people I met on the way home"
).split()

# The time of the page's first `playing` event (media events do not bubble: caught going down).
PLAYING = """() => {
  window.firstPlay = undefined;
  document.addEventListener("playing", () => { window.firstPlay ??= Date.now(); }, { capture: true });
}"""


def read_aloud(page: Page, words: int) -> tuple[float, float, int]:
    rng = random.Random()
    text = " ".join(rng.choice(WORDS) for _ in range(words)) + "."
    page.open_entry(text)
    page.tab.evaluate(PLAYING)
    with page.tab.expect_response(lambda r: r.url.endswith("/tts") and r.request.method == "POST") as started:
        clicked = page.tab.evaluate("() => Date.now()")
        page.tab.get_by_role("button", name="Read aloud").click()
    task_id = started.value.json()["task_id"]
    page.tab.wait_for_function("() => window.firstPlay !== undefined")
    first_play = page.tab.evaluate("() => window.firstPlay")
    job = page.wait_job(task_id)
    return first_play - clicked, ms(job["finished_at"]) - clicked, job["result"]["parts"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=40, help="completed jobs per mode (live, polling)")
    parser.add_argument("--tokens", type=int, default=20, help="streamed replies")
    parser.add_argument("--reads", type=int, default=6, help="1,000-word entries read aloud")
    args = parser.parse_args()
    print_tables(*measure(args.jobs, args.tokens, args.reads))


def measure(jobs: int, token_runs: int, read_runs: int):
    """(completed → visible by mode, first token → visible, read-aloud runs), in ms."""
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is missing: apt-get install espeak-ng")
    folder = Path(tempfile.mkdtemp(prefix="wop-live-bench-"))
    provider = fake_ai.FakeAI().start()
    first_word = FirstWord()
    redis_server, web, worker = RedisServer(folder / "redis").start(), None, None
    try:
        env = dict(
            os.environ,
            DATA_DIR=str(folder / "data"),
            REDIS_URL=redis_server.url,
            SECRET_KEY="bench",
            DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
            OPENAI_API_KEY=fake_ai.API_KEY,
            OPENAI_BASE_URL=provider.openai_base_url,
            EXTRA_MODELS=f"{MODEL}=openai:gpt-test:Test GPT",
            MODELS_FILE=str(ROOT / "tests" / "models.toml"),
            TTS_PROVIDER="local",
        )
        subprocess.run(
            [sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        web = WebServer(env, folder / "web.log").start()
        worker = Worker(env, folder / "worker.log").start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = Page(browser, web.url)
            completed_to_visible(page, polling=False)  # warm up
            results: dict[str, list[float]] = {"live": [], "polling": []}
            for _ in range(jobs):  # alternately, so that the machine's other work falls on both
                results["live"].append(completed_to_visible(page, polling=False))
                results["polling"].append(completed_to_visible(page, polling=True))
            provider.set_reply_words(30)
            provider.set_stream_delay(0.2)
            tokens = [first_token_to_visible(page, first_word) for _ in range(token_runs)]
            provider.reset()
            reads = [read_aloud(page, 1000) for _ in range(read_runs)]
            browser.close()
        return results, tokens, reads
    finally:
        if worker:
            worker.stop()
        if web:
            web.stop()
        redis_server.stop()
        provider.stop()
        shutil.rmtree(folder, ignore_errors=True)


def print_tables(results: dict[str, list[float]], tokens: list[float], reads: list[tuple[float, float, int]]) -> None:
    parts = "/".join(str(n) for n in sorted({r[2] for r in reads}))
    rows = [
        ("job completed -> visible, live stream", results["live"]),
        ("job completed -> visible, polling every second (before)", results["polling"]),
        ("provider's first token -> visible", tokens),
        (f"1,000 words read aloud ({parts} parts): click -> first audio playing", [r[0] for r in reads]),
        ("1,000 words read aloud: click -> whole file made (playing waited for it before)", [r[1] for r in reads]),
    ]
    print(f"\nChromium {CHROMIUM}, SQLite, load average {os.getloadavg()[0]:.1f}\n")
    print("| measure (ms) | runs | p50 | p99 | max |")
    print("|---|---|---|---|---|")
    for name, values in rows:
        print(f"| {name} | {len(values)} | {summary(values)} |")


if __name__ == "__main__":
    main()
