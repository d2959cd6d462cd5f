"""How long reading a 1,000-word entry aloud takes with the local provider (espeak-ng), through
the real job code, and how long asking again for the same text takes. A benchmark, not a test:
prints a markdown table.

    .venv/bin/python bench/tts_bench.py [--runs 3] [--words 1000]

Runs in this process against a temporary SQLite database and DATA_DIR (removed at the end):
the job body runs exactly as a worker runs it (claim, progress, complete), without Celery.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROSE = (
    "I woke before the alarm and sat by the window with a cup of tea while the street was still dark. "
    "Writing first thing in the morning has become a habit, and most days it is the best hour I have. "
    "Yesterday's entry was about my grandmother's garden, the rows of beans and the smell of wet soil after rain. "
    "Today I want to think about why some memories stay so sharp while others fade within a week. "
    "Perhaps it is not the memory itself but how often we tell it to ourselves, each telling a little different. "
    "The neighbour's dog has started barking again, which means the postman is early. "
    "I should finish the chapter I promised myself, but the plot keeps wandering off in new directions. "
    "Reading old pages back, I notice how often I worried about things that never happened. "
)


def entry(words: int, run: int) -> str:
    """`words` words of journal prose; each run starts differently so it is never a cache hit."""
    pool = PROSE.split()
    text = [f"Entry {run}."] + [pool[(i + 7 * run) % len(pool)] for i in range(words - 2)]
    return " ".join(text).rstrip(".") + "."


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--words", type=int, default=1000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-tts-bench-"))
    os.environ.update(
        DATA_DIR=str(folder / "data"),
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        SECRET_KEY="bench",
        TTS_PROVIDER="local",
        TTS_VOICE="",
        OPENAI_API_KEY="",
    )
    try:
        rows = measure(args.runs, args.words)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.split("  ")[0]
    print(
        f"{args.words} words, {rows['chars']:,} characters, {rows['parts']} parts, "
        f"{rows['audio']:.0f} s of audio; {espeak.strip()}, {os.cpu_count()} CPUs; median of {args.runs} runs\n"
    )
    print("| step | median | min | max |\n|---|---|---|---|")
    for label, key in (
        ("first read (job: espeak-ng, parts joined)", "first"),
        ("second request, same entry (200 at once)", "again"),
        ("another entry, same text (job, file reused)", "reuse"),
    ):
        times = rows[key]
        print(f"| {label} | {fmt(statistics.median(times))} | {fmt(min(times))} | {fmt(max(times))} |")


def fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms"


def measure(runs: int, words: int) -> dict:
    from flask_migrate import upgrade

    from wop import create_app
    from wop.audio import probe
    from wop.extensions import db
    from wop.jobs.runner import run_job
    from wop.models import Job
    from wop.storage import resolve
    from wop.tasks.tts import tts

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
    client = app.test_client()
    csrf = client.post("/auth/signup", json={"username": "bench", "password": "bench password"}).get_json()[
        "csrf_token"
    ]
    headers = {"X-CSRF-Token": csrf}

    def new_node(text: str) -> dict:
        return client.post("/api/nodes/", json={"content": text}, headers=headers).get_json()

    def run_tts_job(node: dict) -> tuple[float, dict]:
        with app.app_context():
            job = Job(
                kind="tts", user_id=node["user_id"], node_id=node["id"], params={"provider": "local"}, queue="audio"
            )
            db.session.add(job)
            db.session.commit()
            started = time.perf_counter()
            run_job(job.id, tts)
            elapsed = time.perf_counter() - started
            db.session.expire_all()
            done = db.session.get(Job, job.id)
            if done.status != "completed":
                raise SystemExit(f"the job did not complete: {done.error_detail}")
            return elapsed, done.result

    results = {"first": [], "again": [], "reuse": []}
    for run in range(1, runs + 1):
        text = entry(words, run)
        node = new_node(text)
        elapsed, result = run_tts_job(node)
        results["first"].append(elapsed)
        started = time.perf_counter()
        again = client.post(f"/api/nodes/{node['id']}/tts", headers=headers)
        results["again"].append(time.perf_counter() - started)
        assert again.status_code == 200, again.get_json()
        reuse_elapsed, reused = run_tts_job(new_node(text))
        assert reused["cached"], reused
        results["reuse"].append(reuse_elapsed)
    with app.app_context():
        audio = probe(resolve(result["tts_url"].removeprefix("/api/media/"))).duration_seconds
    return {**results, "chars": len(text), "parts": result["parts"], "audio": audio}


if __name__ == "__main__":
    main()
