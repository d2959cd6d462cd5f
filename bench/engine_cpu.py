"""Where the CPU of one AI reply goes, by process: the web app (gunicorn and its workers), the
worker's main process, its pool processes, Redis, and this process (the HTTP client, the live
event reader and the fake provider, which runs in a thread here). Read from /proc/<pid>/stat
(user + system time) before and after --jobs replies sent one after another, the way
bench/engine_bench.py sends them. On a 2-core machine the total bounds the throughput: at most
2,000 ms ÷ total jobs a second. A benchmark, not a test.

    .venv/bin/python bench/engine_cpu.py [--jobs 400] [--db sqlite|postgres]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from engine_bench import signed_up  # noqa: E402
from stack_env import stack_env  # noqa: E402

from tests.fake_ai import FakeAI  # noqa: E402
from tests.services import PostgresServer, RedisServer, WebServer, Worker, children_of  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid: int) -> float:
    """User + system CPU time of one process so far, in ms."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS * 1000


def with_children(pid: int) -> list[int]:
    return [pid, *(p for child in children_of(pid) for p in with_children(child))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=400)
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-engine-cpu-"))
    redis, fake = RedisServer(folder / "redis").start(), FakeAI().start()
    pg = PostgresServer().start() if args.db == "postgres" else None
    env = stack_env(folder, redis.url, fake.openai_base_url, pg.url if pg else None)
    subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = Worker(env, folder / "worker.log", concurrency=2).start()
    web = WebServer(env, folder / "web.log").start()
    try:
        http, events = signed_up(web.url, env["REDIS_URL"])
        warm_up = 4  # each pool process's first reply imports the SDK
        nodes = [
            http.post(f"{web.url}/api/nodes/", json={"content": f"entry {i}"}).json()["id"]
            for i in range(args.jobs + warm_up)
        ]

        def reply(node_id: int) -> None:
            task = http.post(f"{web.url}/api/nodes/{node_id}/llm", json={"model": "bench"}).json()["task_id"]
            events.wait({task})

        events.start()
        for node_id in nodes[:warm_up]:
            reply(node_id)
        assert worker.proc is not None and web.proc is not None and redis.proc is not None
        groups = {
            "web (gunicorn and its workers)": with_children(web.proc.pid),
            "worker main process": [worker.proc.pid],
            "worker pool processes": children_of(worker.proc.pid),
            "Redis": [redis.proc.pid],
        }
        before = {name: sum(cpu_ms(p) for p in pids) for name, pids in groups.items()}
        mine, started = time.process_time() * 1000, time.perf_counter()
        for node_id in nodes[warm_up:]:
            reply(node_id)
        wall = (time.perf_counter() - started) * 1000 / args.jobs
        spent = {name: (sum(cpu_ms(p) for p in pids) - before[name]) / args.jobs for name, pids in groups.items()}
        spent["this process (client, event reader, fake provider)"] = (time.process_time() * 1000 - mine) / args.jobs
    finally:
        web.stop()
        worker.stop()
        redis.stop()
        fake.stop()
        if pg:
            pg.stop()
    total = sum(spent.values())
    print(f"{args.jobs} AI replies one after another, {args.db}, {wall:.1f} ms each (wall), load average")
    print(f"{os.getloadavg()[0]:.1f} at the end. CPU per reply:\n")
    print("| process | CPU ms per reply | share |\n| --- | ---: | ---: |")
    for name, ms in spent.items():
        print(f"| {name} | {ms:.2f} | {ms / total:.0%} |")
    print(f"| total | {total:.2f} | |")
    print(f"\nAt most {2000 / total:.0f} replies a second on 2 cores.")


if __name__ == "__main__":
    main()
