"""What open live-update streams cost the web tier: GET /api/health latency with no streams and
with N open GET /api/events streams, memory per open stream (gunicorn workers and Redis), and
how fast one event reaches every stream. A benchmark, not a test: prints a markdown table.

    .venv/bin/python bench/streams_bench.py [--streams 500] [--rounds 3] [--seconds 10] [--db sqlite|postgres]

Starts Redis, gunicorn with deploy/gunicorn.conf.py and a database in a temporary folder, all on
127.0.0.1, and stops them at the end. The streams are held by a separate client process (asyncio,
raw sockets) whose CPU use is reported, so that it is seen not to be the bottleneck.
"""

import argparse
import asyncio
import http.client
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.services import PostgresServer, RedisServer, WebServer, children_of  # noqa: E402


def hold_streams(port: int, cookie: str, count: int, conn) -> None:
    """Child process: open `count` streams, answer the parent's commands, close them on "stop"."""
    request = (
        f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n"
    ).encode()
    received: list[float] = []

    async def one(opened: asyncio.Semaphore):
        async with opened:  # open a batch at a time, as tabs would, not all in one instant
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 200"), head[:200]
            seen = b""
            while b": connected" not in seen:
                seen += await reader.read(4096)
        return reader, writer

    async def follow(reader):
        while data := await reader.read(4096):
            if b"event: job" in data:
                received.append(time.perf_counter())

    async def main():
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        opened = asyncio.Semaphore(50)
        streams = await asyncio.gather(*(one(opened) for _ in range(count)))
        conn.send(("open", time.perf_counter() - started))
        readers = [asyncio.create_task(follow(r)) for r, _ in streams]
        while (command := await loop.run_in_executor(None, conn.recv)) != "stop":
            if command == "cpu":
                conn.send(time.process_time())
            elif command == "received":
                conn.send(list(received))
        for _, writer in streams:
            writer.close()
        for task in readers:
            task.cancel()
        conn.send("closed")

    asyncio.run(main())


def health_latencies(port: int, seconds: float) -> list[float]:
    """Sequential GET /api/health on one keep-alive connection for `seconds`; milliseconds each."""
    conn, times = http.client.HTTPConnection("127.0.0.1", port, timeout=30), []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        conn.request("GET", "/api/health")
        resp = conn.getresponse()
        resp.read()
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status == 200
    conn.close()
    return times


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def memory_kib(pids: list[int]) -> dict:
    """Sum of Pss and Rss (KiB) over the processes, from /proc/<pid>/smaps_rollup."""
    total = {"Pss": 0, "Rss": 0}
    for pid in pids:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in total:
                total[name] += int(rest.split()[0])
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of (no streams, streams open)")
    parser.add_argument("--seconds", type=float, default=10.0, help="of health requests per phase and round")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="wop-streams-bench-"))
    redis_server, pg, web, holder = RedisServer(folder / "redis").start(), None, None, None
    try:
        if args.db == "postgres":
            pg = PostgresServer().start()
        env = dict(
            os.environ,
            DATA_DIR=str(folder / "data"),
            REDIS_URL=redis_server.url,
            SECRET_KEY="bench",
            DATABASE_URL=pg.url if pg else f"sqlite:///{folder / 'bench.sqlite3'}",
            EVENTS_MAX_STREAMS_PER_USER=str(args.streams + 10),
        )
        subprocess.run(
            [sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        web = WebServer(env, folder / "web.log").start()
        http_session = requests.Session()
        signup = http_session.post(f"{web.url}/auth/signup", json={"username": "bench", "password": "bench password"})
        assert signup.status_code == 201, signup.text
        cookie = "; ".join(f"{c.name}={c.value}" for c in http_session.cookies)
        user_id = signup.json()["user"]["id"]
        workers = children_of(web.proc.pid)
        store = redis.Redis.from_url(redis_server.url)
        os.environ.update({k: env[k] for k in ("DATA_DIR", "REDIS_URL", "SECRET_KEY", "DATABASE_URL")})
        from wop import create_app

        app = create_app()  # to publish through wop.events, as the job engine does

        health_latencies(web.port, 2)  # warm up both workers' connections
        # Phases alternate, so that whatever else the machine does falls on both alike.
        result = {"without": [], "with": [], "fanout": [], "open": [], "cpu": []}
        for round_ in range(args.rounds):
            result["without"] += health_latencies(web.port, args.seconds)
            before = {
                "memory": memory_kib(workers),
                "redis": store.info("memory")["used_memory"],
                "clients": store.info("clients")["connected_clients"],
            }
            parent_end, child_end = multiprocessing.Pipe()
            holder = multiprocessing.Process(target=hold_streams, args=(web.port, cookie, args.streams, child_end))
            holder.start()
            result["open"].append(parent_end.recv()[1])
            wait_for(lambda: store.info("clients")["blocked_clients"] == args.streams, "every stream waiting")
            if round_ == 0:  # later rounds start with the connections and memory the first one left
                result["before"] = before
                result["opened"] = {
                    "memory": memory_kib(workers),
                    "redis": store.info("memory")["used_memory"],
                    "clients": store.info("clients")["connected_clients"],
                }
            parent_end.send("cpu")
            cpu_start, wall_start = parent_end.recv(), time.perf_counter()
            result["with"] += health_latencies(web.port, args.seconds)
            parent_end.send("cpu")
            result["cpu"].append((parent_end.recv() - cpu_start) / (time.perf_counter() - wall_start))
            result["fanout"] += publish_and_wait(app, user_id, parent_end, args.streams)
            parent_end.send("stop")
            assert parent_end.recv() == "closed"
            holder.join(timeout=30)
            # A closed stream ends on the server at its next keepalive (15 s at most).
            wait_for(lambda: store.info("clients")["blocked_clients"] == 0, "every stream ended", timeout=40)
        print_table(args, result, len(workers))
    finally:
        if holder is not None and holder.is_alive():
            holder.kill()
        if web:
            web.stop()
        redis_server.stop()
        if pg:
            pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition, what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"not reached within {timeout} s: {what}")
        time.sleep(0.1)


def publish_and_wait(app, user_id: int, holder, streams: int) -> list[float]:
    """Publish one job event through wop.events; milliseconds until each open stream had it."""
    from wop import events

    with app.app_context():
        sent = time.perf_counter()
        assert events.publish(user_id, "job", {"task_id": "bench", "status": "completed"})
    deadline = time.monotonic() + 10
    while True:
        holder.send("received")
        received = holder.recv()
        if len(received) >= streams or time.monotonic() > deadline:
            return sorted((t - sent) * 1000 for t in received)
        time.sleep(0.1)


def print_table(args, result: dict, workers: int) -> None:
    n, before, opened = args.streams, result["before"], result["opened"]
    without, during, fanout = result["without"], result["with"], sorted(result["fanout"])
    mib = lambda kib: f"{kib / 1024:.1f}"  # noqa: E731
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"{n} open streams, {args.db}; {args.rounds} rounds of {args.seconds:g} s of sequential GET /api/health "
        f"without, then with the streams open; load average at the end {load}\n"
    )
    rows = [
        ("health requests measured", len(without), len(during)),
        ("health p50 ms", f"{statistics.median(without):.2f}", f"{statistics.median(during):.2f}"),
        ("health p99 ms", f"{percentile(without, 0.99):.2f}", f"{percentile(during, 0.99):.2f}"),
        (f"gunicorn workers ({workers}) PSS MiB", mib(before["memory"]["Pss"]), mib(opened["memory"]["Pss"])),
        (f"gunicorn workers ({workers}) RSS MiB", mib(before["memory"]["Rss"]), mib(opened["memory"]["Rss"])),
        ("Redis used memory MiB", f"{before['redis'] / 2**20:.1f}", f"{opened['redis'] / 2**20:.1f}"),
        ("Redis clients", before["clients"], opened["clients"]),
    ]
    print("| measure | no streams | with streams |\n|---|---|---|")
    for name, a, b in rows:
        print(f"| {name} | {a} | {b} |")
    p99_ratio = percentile(during, 0.99) / percentile(without, 0.99)
    print(
        f"\n| per open stream (first round) | |\n|---|---|\n"
        f"| gunicorn PSS KiB | {(opened['memory']['Pss'] - before['memory']['Pss']) / n:.1f} |\n"
        f"| gunicorn RSS KiB | {(opened['memory']['Rss'] - before['memory']['Rss']) / n:.1f} |\n"
        f"| Redis KiB | {(opened['redis'] - before['redis']) / 1024 / n:.1f} |\n\n"
        f"| other | |\n|---|---|\n"
        f"| p99 with streams / without | {p99_ratio:.2f} (target: at most 2) |\n"
        f"| opening {n} streams, 50 at a time | {statistics.median(result['open']):.2f} s (median of rounds) |\n"
        f"| one event reached {len(fanout)} of {n * args.rounds} streams | "
        f"median {statistics.median(fanout):.0f} ms, max {fanout[-1]:.0f} ms |\n"
        f"| stream client's CPU while measuring | {max(result['cpu']) * 100:.1f} % of one core at most |"
    )


if __name__ == "__main__":
    main()
