"""Deep threads: how long reading an entry and replying to it take at depths 10, 100 and 1,000,
and reading an entry with 1,000 direct replies, on SQLite and PostgreSQL. A benchmark, not a
test: prints a markdown table.

    .venv/bin/python bench/threads_bench.py [--depths 10,100,1000] [--before /path/to/checkout]

Each run is a fresh process with a fresh database (a temporary SQLite file, or a database in a
throwaway PostgreSQL cluster) and a private Redis; requests go through the Flask app in that
process (the test client: routing, login, access rules, SQL; no network). The thread is one
chain, every other entry an AI reply made from the entry above it, as in a long conversation.
Each figure is the median of --repeat requests (one request when it takes over 3 s). `--cpu`
gives the CPU time the app's process spent instead of the time each request took: steadier
on a loaded machine, but without PostgreSQL's own work (SQLite's is in the process).
`--before DIR` runs the same measurements with the `wop` package of another checkout (for
example the main branch before a change) and prints its column beside this one.
"""

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("WOP_BENCH_CHILD"):  # a child imports `wop` from the checkout it measures
    sys.path.insert(0, str(ROOT))

from tests.services import PostgresServer, RedisServer  # noqa: E402


def measure(depths: list[int], repeat: int, wide: int, cpu: bool = False) -> dict[str, float]:
    """In a child process: build the threads and time the requests (seconds, medians)."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from wop import create_app
    from wop.enums import NodeType, Privacy
    from wop.extensions import db
    from wop.models import Node, ReplySource, User

    app = create_app({"TESTING": True})
    with app.app_context():
        upgrade()
    client = app.test_client()
    signup = client.post("/auth/signup", json={"username": "bench", "password": "bench password"})
    assert signup.status_code == 201, signup.get_json()
    headers = {"X-CSRF-Token": signup.get_json()["csrf_token"]}
    user_id = signup.get_json()["user"]["id"]

    with app.app_context():
        bot = User(username="ai:bench", is_bot=True, approved=True)
        db.session.add(bot)
        db.session.flush()
        chain: list[int] = []
        for i in range(max(depths)):
            is_ai = i % 2 == 1
            node = Node(
                user_id=bot.id if is_ai else user_id,
                parent_id=chain[-1] if chain else None,
                node_type=NodeType.LLM if is_ai else NodeType.USER,
                privacy=Privacy.PRIVATE,
                content=f"entry {i} " + "words " * 40,
            )
            db.session.add(node)
            db.session.flush()
            if is_ai:
                db.session.add(ReplySource(reply_id=node.id, source_id=chain[-1]))
            chain.append(node.id)
        top = Node(user_id=user_id, privacy=Privacy.PRIVATE, content="an entry with many replies")
        db.session.add(top)
        db.session.flush()
        for i in range(wide):
            db.session.add(Node(user_id=user_id, parent_id=top.id, privacy=Privacy.PRIVATE, content=f"reply {i}"))
        db.session.commit()
        top_id = top.id
        # Table statistics, as PostgreSQL's autovacuum would have gathered them by now: without
        # them it walks the tree with a sequential scan per level.
        db.session.execute(text("ANALYZE"))
        db.session.commit()

    clock = time.process_time if cpu else time.perf_counter

    def timed(call) -> float:
        times: list[float] = []
        while len(times) < repeat:
            start = clock()
            resp = call()
            times.append(clock() - start)
            assert resp.status_code in (200, 201), resp.get_json()
            if times[-1] > 3:
                break
        return statistics.median(times)

    client.get(f"/api/nodes/{chain[0]}")  # warm up: first-request set-up is not what is measured
    # As in a gunicorn worker (deploy/gunicorn.conf.py freezes what the master loaded before it
    # forks): a full collection then skips the app's objects instead of taking 100-250 ms.
    gc.collect()
    gc.freeze()
    results = {}
    for depth in depths:
        node_id = chain[depth - 1]
        results[f"read, depth {depth:,}"] = timed(lambda node_id=node_id: client.get(f"/api/nodes/{node_id}"))
        results[f"reply, depth {depth:,}"] = timed(
            lambda node_id=node_id: client.post(
                "/api/nodes/", json={"content": "a reply", "parent_id": node_id}, headers=headers
            )
        )
    results[f"read, {wide:,} direct replies"] = timed(lambda: client.get(f"/api/nodes/{top_id}"))
    return results


def run(code: Path, database_url: str, redis_url: str, data_dir: Path, args: argparse.Namespace) -> dict[str, float]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DATA_DIR=str(data_dir),
        SECRET_KEY="bench",
        PYTHONPATH=str(code),
        WOP_BENCH_CHILD="1",
    )
    cmd = [sys.executable, __file__, "--depths", args.depths, "--repeat", str(args.repeat), "--wide", str(args.wide)]
    cmd += ["--cpu"] if args.cpu else []
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{code}: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def new_postgres_database(server: PostgresServer, name: str) -> str:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{server.port}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql+psycopg://postgres@127.0.0.1:{server.port}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--depths", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--wide", type=int, default=1000, help="direct replies of the wide entry")
    parser.add_argument("--before", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--cpu", action="store_true", help="the app process's CPU time instead of elapsed time")
    args = parser.parse_args()
    depths = [int(d) for d in args.depths.split(",")]
    if os.environ.get("WOP_BENCH_CHILD"):
        import wop

        assert Path(wop.__file__).resolve().is_relative_to(Path(os.environ["PYTHONPATH"]).resolve()), wop.__file__
        print(json.dumps(measure(depths, args.repeat, args.wide, args.cpu)))
        return

    folder = Path(tempfile.mkdtemp(prefix="wop-threads-bench-"))
    redis = RedisServer(folder / "redis").start()
    postgres = PostgresServer().start() if "postgres" in args.db else None
    codes = {"this checkout": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    table: dict[tuple[str, str], dict[str, float]] = {}
    try:
        for kind in args.db.split(","):
            for n, (label, code) in enumerate(codes.items()):
                if kind == "postgres":
                    assert postgres is not None
                    url = new_postgres_database(postgres, f"bench_{n}")
                else:
                    url = f"sqlite:///{folder / f'bench_{n}.sqlite3'}"
                table[(kind, label)] = run(code, url, redis.url, folder / f"data_{kind}_{n}", args)
                print(f"  {kind}, {label}: done", file=sys.stderr)
    finally:
        if postgres is not None:
            postgres.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)

    columns = list(table)
    print("| request | " + " | ".join(f"{kind}, {label}" for kind, label in columns) + " |")
    print("| --- |" + " ---: |" * len(columns))
    for row in table[columns[0]]:
        print(f"| {row} | " + " | ".join(f"{table[c][row] * 1000:,.1f} ms" for c in columns) + " |")
    if args.before:
        print()
        print("| request | " + " | ".join(f"{kind}: before ÷ now" for kind in args.db.split(",")) + " |")
        print("| --- |" + " ---: |" * len(args.db.split(",")))
        for row in table[columns[0]]:
            ratios = [table[(kind, "before")][row] / table[(kind, "this checkout")][row] for kind in args.db.split(",")]
            print(f"| {row} | " + " | ".join(f"{r:,.1f}x" for r in ratios) + " |")


if __name__ == "__main__":
    main()
