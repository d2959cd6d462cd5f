"""Exporting a large account: time and peak memory of the streamed JSON export, the thread
export job, the profile token estimate and, last, deleting the account's data. A benchmark,
not a test: prints a markdown table.

    .venv/bin/python bench/export_bench.py [--nodes 1000,10000]

Each account lives in a fresh SQLite database in a temporary folder (removed afterwards):
threads of 1 to 400 entries, branching and up to a few hundred deep, half the replies by an
AI model, 40-400 words per entry, an earlier version for one entry in ten. Every operation
runs in a fresh process, twice: once for the time, once under tracemalloc for the peak of
Python allocations (the deletion only once). "RSS growth" is the rise of the process's
resident high-water mark (/proc/self/status VmHWM, reset through /proc/self/clear_refs)
over its size before the run.
"""

import argparse
import gc
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "the morning light fell across my desk and I wrote about the garden the city my father "
    "a novel that keeps stalling why I run what the river said nothing at all today"
).split()


def prose(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 400)))


def thread_sizes(rng: random.Random, total: int) -> list[int]:
    sizes = []
    while sum(sizes) < total:
        sizes.append(rng.choice([1, 1, 2, 3, 5, 8, 13, 30, 60, 120, 400]))
    sizes[-1] -= sum(sizes) - total
    return [s for s in sizes if s > 0]


def fill(user_id: int, bot_id: int, total: int) -> None:
    """Insert `total` nodes in threads: each reply answers one of the last few entries, so
    threads grow deep, with branches."""
    from sqlalchemy import insert

    from wop.extensions import db
    from wop.models import Node, NodeVersion

    rng, rows, versions = random.Random(7), [], []
    when, next_id = datetime(2025, 1, 1), 1
    for size in thread_sizes(rng, total):
        ids, authors = [], {}
        for i in range(size):
            parent = None if i == 0 else ids[-rng.randint(1, min(3, len(ids)))]
            ai = parent is not None and authors[parent] == "user" and rng.random() < 0.5
            rows.append(
                {
                    "id": next_id,
                    "user_id": bot_id if ai else user_id,
                    "parent_id": parent,
                    "node_type": "llm" if ai else "user",
                    "llm_model": "bench" if ai else None,
                    "content": prose(rng),
                    "created_at": when,
                    "updated_at": when,
                }
            )
            if rng.random() < 0.1:
                versions.append({"node_id": next_id, "content": prose(rng), "reason": "edit", "created_at": when})
            authors[next_id] = "llm" if ai else "user"
            ids.append(next_id)
            next_id += 1
            when += timedelta(minutes=7)
    for start in range(0, len(rows), 2000):
        db.session.execute(insert(Node), rows[start : start + 2000])
    if versions:
        db.session.execute(insert(NodeVersion), versions)
    db.session.commit()


def rss_kib(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def use_folder(folder: Path) -> None:
    os.environ.update(
        DATA_DIR=str(folder),
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        SECRET_KEY="bench",
        REDIS_URL="redis://127.0.0.1:1/0",
    )  # no broker needed


def build_account(nodes: int, folder: Path) -> str:
    """A fresh database holding one account of `nodes` entries; returns its API token."""
    use_folder(folder)
    from flask_migrate import upgrade

    from wop import create_app
    from wop.extensions import db
    from wop.models import User
    from wop.security import issue_token

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
        user = User(username="writer", approved=True)
        bot = User(username="ai:bench", is_bot=True)
        db.session.add_all([user, bot])
        db.session.commit()
        fill(user.id, bot.id, nodes)
        token = issue_token(user)
        db.session.commit()
        db.engine.dispose()
    return token


OPERATIONS = (
    "`GET /api/export`, streamed",
    "`GET /api/export`, whole body in memory (comparison)",
    "thread export job (in-process)",
    "`POST /api/export/estimate_profile_tokens`",
    "`DELETE /api/delete_my_data` (last: it empties the account)",
)


def operations(app, token: str) -> dict:
    """name -> function returning the size of what it produced."""
    from wop.extensions import db
    from wop.jobs.runner import run_job
    from wop.models import Job, JobStatus, User
    from wop.tasks.export_threads import export_threads

    client, auth = app.test_client(), {"Authorization": f"Bearer {token}"}

    def stream_json():
        resp = client.get("/api/export", headers=auth, buffered=False)
        size = sum(len(chunk) for chunk in resp.response)
        resp.close()
        return f"{size / 2**20:.1f} MiB"

    def whole_json():  # the same document held in memory at once, for comparison
        return f"{len(client.get('/api/export', headers=auth).get_data()) / 2**20:.1f} MiB"

    def thread_job():
        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.username == "writer"))
            job = Job(kind="export_threads", user_id=user_id, queue="export", status=JobStatus.PENDING, params={})
            db.session.add(job)
            db.session.commit()
            run_job(job.id, export_threads)
            db.session.refresh(job)
            assert job.status == JobStatus.COMPLETED, job.error_detail
            return f"{job.result['bytes'] / 2**20:.1f} MiB"

    def estimate():
        return f"{client.post('/api/export/estimate_profile_tokens', headers=auth).get_json()['total_tokens']:,} tokens"

    def delete_all():
        resp = client.delete("/api/delete_my_data", headers=auth, json={"confirm": "DELETE"})
        deleted = resp.get_json()["deleted"]
        return f"{deleted['nodes'] + deleted['ai_replies']:,} entries deleted"

    return dict(zip(OPERATIONS, (stream_json, whole_json, thread_job, estimate, delete_all), strict=True))


def measure_in_this_process(folder: Path, token: str, name: str) -> None:
    """Run one operation in this fresh process: first for time and RSS, then under tracemalloc."""
    use_folder(folder)
    from wop import create_app

    fn = operations(create_app({"TESTING": True}), token)[name]
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # restart the high-water mark from here
    before = rss_kib("VmRSS")
    started = time.perf_counter()
    output = fn()
    seconds = time.perf_counter() - started
    rss = rss_kib("VmHWM") - before
    peak = None
    if name != OPERATIONS[-1]:  # the deletion cannot run twice
        gc.collect()
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(json.dumps({"seconds": seconds, "peak": peak, "rss_kib": rss, "output": output}))


def run_self(*args: str) -> str:
    """Run this script in a fresh process (so memory numbers start clean); its last output line."""
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--nodes", default="1000,10000", help="account sizes, comma-separated")
    parser.add_argument("--build", nargs=2, metavar=("NODES", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, metavar=("FOLDER", "TOKEN", "OPERATION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        print(build_account(int(args.build[0]), Path(args.build[1])))
        return
    if args.measure:
        measure_in_this_process(Path(args.measure[0]), args.measure[1], args.measure[2])
        return
    print("| nodes | operation | time | peak Python allocations (tracemalloc) | RSS growth | output |")
    print("| ---: | --- | ---: | ---: | ---: | ---: |")
    for nodes in (int(n) for n in args.nodes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="wop-export-bench-"))
        try:
            token = run_self("--build", str(nodes), str(folder))
            for name in OPERATIONS:
                m = json.loads(run_self("--measure", str(folder), token, name))
                peak = f"{m['peak'] / 2**20:.1f} MiB" if m["peak"] is not None else "–"
                print(
                    f"| {nodes:,} | {name} | {m['seconds']:.2f} s | {peak} "
                    f"| {m['rss_kib'] / 1024:.1f} MiB | {m['output']} |",
                    flush=True,
                )
        finally:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
