"""The job engine against raw Celery, on the same Redis and with the same worker concurrency:
round trip (submit → completed) p50/p99 and throughput. A benchmark, not a test.

    .venv/bin/python bench/engine_bench.py [--jobs 100] [--burst 200] [--db sqlite|postgres]

- Engine: an AI reply through gunicorn and the worker (`POST /api/nodes/<id>/llm`, then
  `GET /api/jobs/<id>` every 2 ms until `completed`), the fake AI provider answering at once.
  Throughput: `--burst` replies requested back to back, until the last one is completed (read
  from the database).
- Raw Celery: `send_task` of a task that only RPUSHes to a Redis list the sender BLPOPs on
  (bench/raw_celery.py); throughput: `--burst` tasks sent back to back, until the last one ran.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import PostgresServer, RedisServer, WebServer, Worker  # noqa: E402

CONCURRENCY = 2


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def raw_celery(redis_url: str, folder: Path, jobs: int, burst: int) -> dict[str, float]:
    import redis

    env = dict(os.environ, REDIS_URL=redis_url, PYTHONPATH=str(ROOT / "bench"))
    log = open(folder / "raw-worker.log", "wb")  # noqa: SIM115 (closed below)
    worker = subprocess.Popen(
        [
            *[sys.executable, "-m", "celery", "-A", "raw_celery", "worker", "-Q", "raw", "-c", str(CONCURRENCY)],
            *["--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
        ],
        env=env,
        cwd=ROOT / "bench",
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ["REDIS_URL"] = redis_url
    import raw_celery as raw

    client = redis.Redis.from_url(redis_url)
    try:

        def one(key: str) -> None:
            raw.noop.apply_async(args=[key], queue="raw")

        warm = f"raw:{uuid.uuid4()}"
        one(warm)
        client.blpop([warm], timeout=60)
        times = []
        for _ in range(jobs):
            key = f"raw:{uuid.uuid4()}"
            started = time.perf_counter()
            one(key)
            client.blpop([key], timeout=60)
            times.append((time.perf_counter() - started) * 1000)
        key = f"raw:{uuid.uuid4()}"
        started = time.perf_counter()
        for _ in range(burst):
            one(key)
        for _ in range(burst):
            client.blpop([key], timeout=60)
        per_second = burst / (time.perf_counter() - started)
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "per_second": per_second}


def engine(env: dict, folder: Path, jobs: int, burst: int) -> dict[str, float]:
    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log", concurrency=CONCURRENCY).start()
    web = WebServer(env, folder / "web.log").start()
    try:
        http = requests.Session()
        signup = http.post(f"{web.url}/auth/signup", json={"username": "bench", "password": "bench password"})
        http.headers["X-CSRF-Token"] = signup.json()["csrf_token"]
        nodes = [
            http.post(f"{web.url}/api/nodes/", json={"content": f"entry {i}"}).json()["id"] for i in range(jobs + 1)
        ]

        def reply(node_id: int) -> str:
            return http.post(f"{web.url}/api/nodes/{node_id}/llm", json={"model": "bench"}).json()["task_id"]

        def wait(task: str, every: float = 0.002) -> None:
            while http.get(f"{web.url}/api/jobs/{task}").json()["status"] not in ("completed", "failed"):
                time.sleep(every)

        wait(reply(nodes[0]))  # warm up: the worker's first job loads the SDK
        times = []
        for node_id in nodes[1:]:
            started = time.perf_counter()
            wait(reply(node_id))
            times.append((time.perf_counter() - started) * 1000)
        burst_nodes = [http.post(f"{web.url}/api/nodes/", json={"content": "b"}).json()["id"] for _ in range(burst)]
        started = time.perf_counter()
        tasks = [reply(node_id) for node_id in burst_nodes]
        for task in tasks:  # polled every 20 ms: the polling must not take the worker's CPU
            wait(task, every=0.02)
        per_second = burst / (time.perf_counter() - started)
    finally:
        web.stop()
        worker.stop()
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "per_second": per_second}


def compare(db: str = "sqlite", jobs: int = 100, burst: int = 200) -> dict[str, dict[str, float]]:
    """{"engine": {...}, "raw Celery": {...}}: p50 and p99 in ms, throughput in jobs/s."""
    folder = Path(tempfile.mkdtemp(prefix="wop-engine-bench-"))
    redis, fake = RedisServer(folder / "redis").start(), FakeAI().start()
    pg = PostgresServer().start() if db == "postgres" else None
    env = dict(
        os.environ,
        DATA_DIR=str(folder / "data"),
        REDIS_URL=redis.url,
        SECRET_KEY="bench",
        DATABASE_URL=pg.url if pg else f"sqlite:///{folder / 'bench.sqlite3'}",
        OPENAI_API_KEY="test-key",
        OPENAI_BASE_URL=fake.openai_base_url,
        EXTRA_MODELS="bench=openai:bench-model:Bench",
    )
    try:
        return {"engine": engine(env, folder, jobs, burst), "raw Celery": raw_celery(redis.url, folder, jobs, burst)}
    finally:
        redis.stop()
        fake.stop()
        if pg:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    result = compare(args.db, args.jobs, args.burst)
    eng, raw = result["engine"], result["raw Celery"]
    print("| measure | engine | raw Celery | engine ÷ raw |\n|---|---:|---:|---:|")
    for key, label in [("p50", "round trip p50 ms"), ("p99", "round trip p99 ms"), ("per_second", "jobs/s")]:
        print(f"| {label} | {eng[key]:.1f} | {raw[key]:.1f} | {eng[key] / raw[key]:.2f} |")


if __name__ == "__main__":
    main()
