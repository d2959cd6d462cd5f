"""Time from POST /api/nodes/<id>/llm to `completed`, over real HTTP, Redis, Celery and a
zero-latency fake AI provider. A benchmark, not a test: prints a markdown table.

    .venv/bin/python bench/llm_round_trip.py [--replies 50] [--db sqlite|postgres]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from stack_env import stack_env

from tests.fake_ai import FakeAI
from tests.services import PostgresServer, RedisServer, WebServer, Worker


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=50)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-bench-"))
    redis, fake, pg = RedisServer(folder / "redis").start(), FakeAI().start(), None
    if args.db == "postgres":
        pg = PostgresServer().start()
    env = stack_env(folder, redis.url, fake.openai_base_url, pg.url if pg else None)
    import subprocess

    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log").start()
    web = WebServer(env, folder / "web.log").start()
    try:
        http = requests.Session()
        csrf = http.post(f"{web.url}/auth/signup", json={"username": "bench", "password": "bench password"}).json()[
            "csrf_token"
        ]
        http.headers["X-CSRF-Token"] = csrf
        times = []
        for i in range(args.replies):
            node = http.post(f"{web.url}/api/nodes/", json={"content": f"entry {i}"}).json()
            started = time.perf_counter()
            task = http.post(f"{web.url}/api/nodes/{node['id']}/llm", json={"model": "bench"}).json()["task_id"]
            while http.get(f"{web.url}/api/jobs/{task}").json()["status"] not in ("completed", "failed"):
                time.sleep(0.005)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(
            f"| database | replies | median ms | p90 ms | max ms |\n|---|---|---|---|---|\n"
            f"| {args.db} | {len(times)} | {statistics.median(times):.0f} | {times[int(len(times) * 0.9) - 1]:.0f} "
            f"| {times[-1]:.0f} |"
        )
    finally:
        web.stop(), worker.stop(), redis.stop(), fake.stop()
        if pg:
            pg.stop()


if __name__ == "__main__":
    main()
