"""Web responsiveness while the system is busy: 20 slow AI replies in flight (the fake provider
answers after --latency seconds) and 50 concurrent clients, each sending one kind of request
after another for --seconds. p50/p99 per request kind, over real HTTP to gunicorn
(deploy/gunicorn.conf.py), with the Celery worker, Redis and SQLite or PostgreSQL.

The baseline is the design the job engine replaced: a route that calls the same provider inside
the request and answers with its reply. It exists only in this benchmark's app
(create_bench_app), never in the product.

    .venv/bin/python bench/web_bench.py [--clients 50] [--in-flight 20] [--seconds 20]
"""

import argparse
import contextlib
import itertools
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from stack_env import stack_env  # noqa: E402

from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import PostgresServer, RedisServer, Worker, free_port, wait_for_port  # noqa: E402

KINDS = ("GET /api/health", "plain write", "POST …/llm", "job status read", "synchronous AI reply (baseline)")


def create_bench_app():
    """The product's app plus the baseline route (loaded by gunicorn from this file)."""
    from flask import jsonify

    from wop import create_app
    from wop.providers import llm

    app = create_app(migrations=False)

    @app.post("/bench/sync-reply")
    def sync_reply():
        result = llm.complete([llm.ChatMessage("user", "hello")], "bench", app.config)
        return jsonify({"text": result.text})

    return app


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else float("nan")


def session(base: str) -> requests.Session:
    http = requests.Session()
    signup = http.post(f"{base}/auth/signup", json={"username": f"b{time.time_ns()}", "password": "bench password"})
    http.headers["X-CSRF-Token"] = signup.json()["csrf_token"]
    return http


def worker_pss(worker: Worker) -> float:
    """The worker's PSS (main and pool processes), MiB."""
    from idle_memory import pss_mib

    assert worker.proc is not None
    total = 0.0
    for pid in [worker.proc.pid, *worker.pool_pids()]:
        with contextlib.suppress(OSError):  # a pool process replaced meanwhile
            total += pss_mib(pid)
    return total


def measure(db: str = "sqlite", clients: int = 50, in_flight: int = 20, seconds: float = 20.0, latency: float = 2.0):
    """({request kind: [milliseconds, ...]}, {"idle": MiB, "peak": MiB} of the worker) with
    `in_flight` slow AI replies running or queued."""
    folder = Path(tempfile.mkdtemp(prefix="wop-web-bench-"))
    redis, fake = RedisServer(folder / "redis").start(), FakeAI().start()
    pg = PostgresServer().start() if db == "postgres" else None
    port = free_port()
    env = stack_env(
        folder, redis.url, fake.openai_base_url, pg.url if pg else None, PYTHONPATH=f"{ROOT / 'bench'}:{ROOT}"
    )
    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log").start()
    log = open(folder / "web.log", "wb")  # noqa: SIM115 (closed below)
    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
    web = subprocess.Popen(
        [*gunicorn, "--bind", f"127.0.0.1:{port}", "web_bench:create_bench_app()"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_port(port, timeout=60, proc=web)
        while requests.get(f"{base}/api/health", timeout=60).status_code != 200:
            time.sleep(0.1)
        fake.set_latency(latency)
        memory = {"idle": worker_pss(worker), "peak": 0.0}
        owner = session(base)
        for i in range(in_flight):  # the slow replies: they keep the worker busy throughout
            node = owner.post(f"{base}/api/nodes/", json={"content": f"slow {i}"}).json()["id"]
            owner.post(f"{base}/api/nodes/{node}/llm", json={"model": "bench"})
        times: dict[str, list[float]] = {kind: [] for kind in KINDS}
        lock, ready = threading.Lock(), threading.Barrier(clients + 1)
        stop = [0.0]

        def client(kind: str) -> None:
            http = requests.Session()  # one writer's account (signing up is slow on purpose)
            http.cookies.update(owner.cookies)
            http.headers.update(owner.headers)
            job = http.post(f"{base}/api/nodes/{http_node(http)}/llm", json={"model": "bench"}).json()["task_id"]
            ready.wait()
            while time.monotonic() < stop[0]:
                if kind == "POST …/llm":
                    node = http_node(http)
                started = time.perf_counter()
                if kind == "GET /api/health":
                    resp = http.get(f"{base}/api/health")
                elif kind == "plain write":
                    resp = http.post(f"{base}/api/nodes/", json={"content": "a plain entry"})
                elif kind == "POST …/llm":
                    resp = http.post(f"{base}/api/nodes/{node}/llm", json={"model": "bench"})
                elif kind == "job status read":
                    resp = http.get(f"{base}/api/jobs/{job}")
                else:
                    resp = http.post(f"{base}/bench/sync-reply")
                elapsed = (time.perf_counter() - started) * 1000
                assert resp.status_code < 400, (kind, resp.status_code, resp.text[:300])
                with lock:
                    times[kind].append(elapsed)

        def http_node(http: requests.Session) -> int:
            return http.post(f"{base}/api/nodes/", json={"content": "asks for a reply"}).json()["id"]

        threads = [
            threading.Thread(target=client, args=(kind,)) for kind, _ in zip(itertools.cycle(KINDS), range(clients))
        ]
        for t in threads:
            t.start()
        stop[0] = time.monotonic() + seconds + 60  # set again once every client is ready
        ready.wait()
        stop[0] = time.monotonic() + seconds
        while any(t.is_alive() for t in threads):
            memory["peak"] = max(memory["peak"], worker_pss(worker))
            time.sleep(0.2)
        return times, memory
    finally:
        web.terminate()
        web.wait(30)
        log.close()
        worker.stop()
        redis.stop()
        fake.stop()
        if pg:
            pg.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--in-flight", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--latency", type=float, default=2.0, help="the provider's answer time, seconds")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    times, memory = measure(args.db, args.clients, args.in_flight, args.seconds, args.latency)
    print("| request | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|")
    for kind, values in times.items():
        print(f"| {kind} | {len(values)} | {percentile(values, 50):.1f} | {percentile(values, 99):.1f} |")
    print(f"\nWorker PSS (main and pool): idle {memory['idle']:.0f} MiB, peak {memory['peak']:.0f} MiB")


if __name__ == "__main__":
    main()
