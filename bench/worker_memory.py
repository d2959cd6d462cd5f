"""A worker's memory idle and over many mixed jobs: start a real Celery worker (prefork, every
queue, the concurrency given) against a private Redis, SQLite and the fake AI provider, read
each pool process's resident (RSS), proportional (PSS) and private (USS) memory from
/proc/<pid>/smaps_rollup once it is idle, then run --jobs jobs through the web app over HTTP
(AI replies, read-aloud and transcriptions by the OpenAI-compatible fake, thread exports), a
few at a time, and read them again every --every jobs. A pool process is replaced after
MAX_TASKS_PER_CHILD tasks (wop/queues.py), or sooner past WORKER_MAX_MEMORY_MB: the table
counts the pool processes seen. A benchmark, not a test: prints markdown tables.

    .venv/bin/python bench/worker_memory.py [--jobs 1000] [--concurrency 2] [--every 100]
"""

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.audio_samples import make_tone  # noqa: E402
from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import RedisServer, WebServer, Worker, children_of  # noqa: E402
from wop.queues import MAX_TASKS_PER_CHILD  # noqa: E402

MiB = 1024


def memory(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private pages) of one process, in MiB."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / MiB
    return {"rss": fields["Rss"], "pss": fields["Pss"], "uss": fields["Private_Clean"] + fields["Private_Dirty"]}


def pool(worker: Worker) -> dict[int, dict[str, float]]:
    """The pool processes of the worker (the main process's children), by pid."""
    assert worker.proc is not None
    found = {}
    for pid in children_of(worker.proc.pid):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # replaced just now
            found[pid] = memory(pid)
    return found


class Client:
    def __init__(self, base: str):
        self.base, self.http = base, requests.Session()
        answer = self.http.post(f"{base}/auth/signup", json={"username": "bench", "password": "bench password"})
        self.http.headers["X-CSRF-Token"] = answer.json()["csrf_token"]

    def post(self, path: str, **kw) -> dict:
        answer = self.http.post(f"{self.base}{path}", timeout=60, **kw)
        assert answer.status_code in (200, 201, 202), (path, answer.status_code, answer.text[:300])
        return answer.json()

    def wait(self, task_id: str) -> str:
        while True:
            status = self.http.get(f"{self.base}/api/jobs/{task_id}", timeout=60).json()["status"]
            if status in ("completed", "failed", "cancelled"):
                return status
            time.sleep(0.02)


def one_job(client: Client, i: int, recording: Path) -> tuple[str, str]:
    """Job number i: an AI reply, read-aloud, a transcription or an export, in turn."""
    kind = ["llm_reply", "tts", "transcription", "export_threads"][i % 4]
    if kind == "transcription":
        with open(recording, "rb") as audio:
            task = client.post("/api/nodes/", files={"audio_file": ("note.wav", audio, "audio/wav")})["task_id"]
    elif kind == "export_threads":
        task = client.post("/api/export/threads")["task_id"]
    else:
        node = client.post("/api/nodes/", json={"content": f"Entry {i}: " + "a few words to work on. " * 20})
        if kind == "llm_reply":
            task = client.post(f"/api/nodes/{node['id']}/llm", json={"model": "bench"})["task_id"]
        else:
            answer = client.post(f"/api/nodes/{node['id']}/tts")
            task = answer["task_id"]
    return kind, client.wait(task)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--every", type=int, default=100, help="read the pool's memory after this many jobs")
    parser.add_argument("--in-flight", type=int, default=4)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-worker-memory-"))
    redis, fake = RedisServer(folder / "redis").start(), FakeAI().start()
    env = dict(
        os.environ,
        DATA_DIR=str(folder / "data"),
        REDIS_URL=redis.url,
        SECRET_KEY="bench",
        DATABASE_URL=f"sqlite:///{folder / 'bench.sqlite3'}",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake.openai_base_url,
        EXTRA_MODELS="bench=openai:bench-model:Bench",
        TRANSCRIPTION_PROVIDER="openai",
        TTS_PROVIDER="openai",
    )
    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log", concurrency=args.concurrency).start()
    web = WebServer(env, folder / "web.log").start()
    recording = make_tone(folder / "note.wav", 2.0)
    try:
        time.sleep(5)  # let the pool settle
        assert worker.proc is not None
        idle = pool(worker)
        main_idle = memory(worker.proc.pid)
        print(f"Worker idle (concurrency {args.concurrency}), MiB:\n")
        print("| process | RSS | PSS | USS |\n| --- | ---: | ---: | ---: |")
        print(f"| main | {main_idle['rss']:.1f} | {main_idle['pss']:.1f} | {main_idle['uss']:.1f} |")
        for pid, m in idle.items():
            print(f"| pool process {pid} | {m['rss']:.1f} | {m['pss']:.1f} | {m['uss']:.1f} |")

        client = Client(web.url)
        seen: set[int] = set(idle)
        outcomes: dict[tuple[str, str], int] = {}
        rows = []
        started = time.monotonic()
        with ThreadPoolExecutor(args.in_flight) as running:
            for done in range(0, args.jobs, args.every):
                batch = range(done, min(done + args.every, args.jobs))
                for kind, status in running.map(lambda i: one_job(client, i, recording), batch):
                    outcomes[(kind, status)] = outcomes.get((kind, status), 0) + 1
                now = pool(worker)
                seen |= set(now)
                rows.append((batch[-1] + 1, now, len(seen), memory(worker.proc.pid)))
        minutes = (time.monotonic() - started) / 60

        print(f"\n{args.jobs} mixed jobs in {minutes:.1f} minutes, {args.in_flight} at a time; pool processes")
        print(f"are replaced after {MAX_TASKS_PER_CHILD} tasks or past WORKER_MAX_MEMORY_MB (default 512).")
        print(f"Memory after each {args.every} jobs, MiB:\n")
        print("| jobs done | pool RSS (each) | pool USS (each) | pool processes seen | main RSS |")
        print("| ---: | --- | --- | ---: | ---: |")
        for count, now, seen_so_far, main_now in rows:
            rss = " + ".join(f"{m['rss']:.0f}" for m in now.values())
            uss = " + ".join(f"{m['uss']:.0f}" for m in now.values())
            print(f"| {count:,} | {rss} | {uss} | {seen_so_far} | {main_now['rss']:.0f} |")
        print("\n| job | outcome | count |\n| --- | --- | ---: |")
        for (kind, status), count in sorted(outcomes.items()):
            print(f"| {kind} | {status} | {count} |")
    finally:
        web.stop()
        worker.stop()
        fake.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
