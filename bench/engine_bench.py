"""The job engine against raw Celery, on the same Redis and with the same worker concurrency:
round trip (submit → completed) p50/p99 and throughput. A benchmark, not a test.

    .venv/bin/python bench/engine_bench.py [--jobs 100] [--burst 200] [--db sqlite|postgres]

- Engine: an AI reply through gunicorn and the worker (`POST /api/nodes/<id>/llm`), the fake AI
  provider answering at once. Completion is learnt the way the web app learns it: the `job`
  event saying `completed` on the user's live-event stream in Redis (what `GET /api/events`
  follows), read with a blocking XREAD, so the waiting burns no CPU. (Polling
  `GET /api/jobs/<id>` every few ms, as an earlier version of this bench did, keeps a web
  process busy on a 2-core machine and is no fair match for raw Celery's BLPOP.)
  Throughput: `--burst` replies requested back to back, until the last one is completed.
- Raw Celery: `send_task` of a task that only RPUSHes to a Redis list the sender BLPOPs on
  (bench/raw_celery.py); throughput: `--burst` tasks sent back to back, until the last one ran.
- Raw Celery + provider call: the same, with a task that first makes the reply's provider call
  (same SDK, same fake provider): the least any engine that calls the provider can cost here.
- Provider call: the same streamed chat completion the reply makes, sent straight to the fake
  provider, so that engine overhead = engine round trip - raw Celery round trip - provider call.
"""

import argparse
import json
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

from stack_env import stack_env  # noqa: E402

from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import PostgresServer, RedisServer, WebServer, Worker  # noqa: E402

CONCURRENCY = 2


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def raw_celery(
    redis_url: str, folder: Path, jobs: int, burst: int, provider_url: str | None = None
) -> dict[str, float]:
    """Raw Celery's round trip and throughput: of the no-op task, or with `provider_url` of the
    task that calls the provider first."""
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
            if provider_url:
                raw.provider_call.apply_async(args=[key, provider_url], queue="raw")
            else:
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
        try:
            worker.wait(60)
        except subprocess.TimeoutExpired:  # a loaded machine: do not leave it behind
            worker.kill()
            worker.wait()
        log.close()
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "per_second": per_second}


class Completions:
    """Follows one user's live-event stream (wop/events.py) for `job` events of finished jobs."""

    def __init__(self, redis_url: str, user_id: int):
        import redis

        self.client = redis.Redis.from_url(redis_url)
        self.key = f"wop:events:{user_id}"
        self.last = "$"
        self.finished: set[str] = set()

    def start(self) -> None:
        """Events from now on (call before the first request)."""
        newest = self.client.xrevrange(self.key, count=1)
        self.last = newest[0][0].decode() if newest else "0-0"

    def wait(self, tasks: set[str], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not tasks <= self.finished:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{len(tasks - self.finished)} jobs not finished after {timeout} s")
            for _key, entries in self.client.xread({self.key: self.last}, block=1000) or []:
                for entry_id, fields in entries:
                    self.last = entry_id.decode()
                    if fields[b"event"] == b"job":
                        job = json.loads(fields[b"data"])
                        if job["status"] in ("completed", "failed"):
                            self.finished.add(job["task_id"])


def signed_up(web_url: str, redis_url: str) -> tuple[requests.Session, Completions]:
    """A new account's session on the app, and a reader of the completions of its jobs."""
    http = requests.Session()
    signup = http.post(f"{web_url}/auth/signup", json={"username": "bench", "password": "bench password"})
    http.headers["X-CSRF-Token"] = signup.json()["csrf_token"]
    return http, Completions(redis_url, signup.json()["user"]["id"])


def provider_call(base_url: str, calls: int) -> dict[str, float]:
    """The reply's own provider request, straight to the fake provider: its p50 and p99 in ms."""
    import openai

    client = openai.OpenAI(api_key="test-key", base_url=base_url, max_retries=0)
    messages = [{"role": "system", "content": "bench"}, {"role": "user", "content": "bench: entry"}]

    def one() -> None:
        stream = client.chat.completions.create(
            model="bench-model", messages=messages, stream=True, stream_options={"include_usage": True}
        )
        with stream:
            for _chunk in stream:
                pass

    one()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        one()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(times, 50), "p99": percentile(times, 99)}


def engine(env: dict, folder: Path, jobs: int, burst: int) -> dict[str, float]:
    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log", concurrency=CONCURRENCY).start()
    web = WebServer(env, folder / "web.log").start()
    try:
        http, events = signed_up(web.url, env["REDIS_URL"])
        nodes = [
            http.post(f"{web.url}/api/nodes/", json={"content": f"entry {i}"}).json()["id"] for i in range(jobs + 1)
        ]

        def reply(node_id: int) -> str:
            return http.post(f"{web.url}/api/nodes/{node_id}/llm", json={"model": "bench"}).json()["task_id"]

        events.start()
        events.wait({reply(nodes[0])})  # warm up: the worker's first job loads the SDK
        times = []
        for node_id in nodes[1:]:
            started = time.perf_counter()
            events.wait({reply(node_id)})
            times.append((time.perf_counter() - started) * 1000)
        burst_nodes = [http.post(f"{web.url}/api/nodes/", json={"content": "b"}).json()["id"] for _ in range(burst)]
        started = time.perf_counter()
        tasks = {reply(node_id) for node_id in burst_nodes}
        events.wait(tasks)
        per_second = burst / (time.perf_counter() - started)
    finally:
        web.stop()
        worker.stop()
    slowest = sorted(range(len(times)), key=times.__getitem__)[-3:]
    print("engine: slowest round trips (job number: ms)", ", ".join(f"{i}: {times[i]:.0f}" for i in slowest))
    return {"p50": percentile(times, 50), "p99": percentile(times, 99), "per_second": per_second}


def compare(db: str = "sqlite", jobs: int = 100, burst: int = 200) -> dict[str, dict[str, float]]:
    """{"engine": {...}, "raw Celery": {...}, "raw Celery + provider call": {...},
    "provider call": {...}}: p50 and p99 in ms, throughput in jobs/s."""
    folder = Path(tempfile.mkdtemp(prefix="wop-engine-bench-"))
    print(f"logs in {folder}")
    redis, fake = RedisServer(folder / "redis").start(), FakeAI().start()
    pg = PostgresServer().start() if db == "postgres" else None
    env = stack_env(folder, redis.url, fake.openai_base_url, pg.url if pg else None)
    try:
        return {
            "engine": engine(env, folder, jobs, burst),
            "raw Celery": raw_celery(redis.url, folder, jobs, burst),
            "raw Celery + provider call": raw_celery(redis.url, folder, jobs, burst, fake.openai_base_url),
            "provider call": provider_call(fake.openai_base_url, jobs),
        }
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
    eng, raw, call = result["engine"], result["raw Celery"], result["provider call"]
    called = result["raw Celery + provider call"]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {args.db}")
    print("| measure | engine | raw Celery | engine ÷ raw | raw Celery + provider call | engine ÷ that |")
    print("|---|---:|---:|---:|---:|---:|")
    for key, label in [("p50", "round trip p50 ms"), ("p99", "round trip p99 ms"), ("per_second", "jobs/s")]:
        print(
            f"| {label} | {eng[key]:.1f} | {raw[key]:.1f} | {eng[key] / raw[key]:.2f} "
            f"| {called[key]:.1f} | {eng[key] / called[key]:.2f} |"
        )
    print(f"| provider call p50 / p99 ms | {call['p50']:.1f} / {call['p99']:.1f} | | |")
    print(f"| engine p99 ÷ p50 | {eng['p99'] / eng['p50']:.2f} | | |")
    print(f"| engine overhead p50 ms (engine - raw - provider) | {eng['p50'] - raw['p50'] - call['p50']:.1f} | | |")


if __name__ == "__main__":
    main()
