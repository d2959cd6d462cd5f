"""`make bench`: the benchmarks of bench/ in one run, as ONE markdown table, each figure beside
the baseline measured in the same run (the machine is shared and noisy: compare within a run).
The table is printed and written into docs/benchmarks.md between the markers below.

    .venv/bin/python bench/run_all.py [--only web,engine,threads,memory,live] [--no-write]

Sections (each reuses its script's function; see that script for the method):
- web: 50 concurrent clients while 20 slow AI replies are in flight (web_bench.py); baseline:
  a route that calls the provider inside the request, built only in the benchmark's app.
- engine: AI reply round trip and throughput against raw Celery, as a no-op and making the same
  provider call (engine_bench.py).
- threads: reading and replying at depth 10, 100 and 1,000 on SQLite and PostgreSQL
  (threads_bench.py); baseline: the same request at depth 10.
- memory: the whole idle system, per process (idle_memory.py), and the worker idle and at its
  peak during the web section.
- live: job completed → visible, first token → visible, read aloud (live_bench.py, Chromium).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import engine_bench  # noqa: E402
import idle_memory  # noqa: E402
import threads_bench  # noqa: E402
import web_bench  # noqa: E402

from tests.services import PostgresServer, RedisServer  # noqa: E402

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
SECTIONS = ("web", "engine", "threads", "memory", "live")
Row = tuple[str, str, float, float | None, str, str]  # area, measure, figure, baseline, what the baseline is, unit


def web(rows: list[Row], memory: dict[str, float]) -> None:
    times, worker = web_bench.measure("sqlite", clients=50, in_flight=20, seconds=15)
    memory.update(worker)
    sync = times["synchronous AI reply (baseline)"]
    for kind in ("GET /api/health", "plain write", "POST …/llm", "job status read"):
        for p in (50, 99):
            base = web_bench.percentile(sync, p)
            rows.append(
                ("web, 50 clients", f"{kind} p{p}", web_bench.percentile(times[kind], p), base, "sync AI route", "ms")
            )
    rows.append(
        (
            "web, 50 clients",
            "POST …/llm p99 (enqueue tail)",
            web_bench.percentile(times["POST …/llm"], 99),
            web_bench.percentile(times["plain write"], 99),
            "plain write p99",
            "ms",
        )
    )


def engine(rows: list[Row]) -> None:
    result = engine_bench.compare("sqlite", jobs=100, burst=200)
    eng, raw = result["engine"], result["raw Celery"]
    rows.append(("jobs", "AI reply round trip p50", eng["p50"], raw["p50"], "raw Celery no-op", "ms"))
    rows.append(("jobs", "AI reply round trip p99", eng["p99"], raw["p99"], "raw Celery no-op", "ms"))
    rows.append(("jobs", "round trip p99 ÷ p50", eng["p99"] / eng["p50"], raw["p99"] / raw["p50"], "raw Celery", "x"))
    rows.append(("jobs", "throughput, 200 at once", eng["per_second"], raw["per_second"], "raw Celery", "jobs/s"))
    # The least an engine that calls the provider can cost here: raw Celery making the same call.
    called, with_call = result["raw Celery + provider call"], "raw Celery + provider call"
    rows.append(("jobs", "AI reply round trip p50", eng["p50"], called["p50"], with_call, "ms"))
    rows.append(("jobs", "throughput, 200 at once", eng["per_second"], called["per_second"], with_call, "jobs/s"))


def threads(rows: list[Row]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="wop-bench-threads-"))
    redis, postgres = RedisServer(folder / "redis").start(), PostgresServer().start()
    args = Namespace(depths="10,100,1000", repeat=5, wide=1000, cpu=False)
    try:
        for n, kind in enumerate(("sqlite", "postgres")):
            if kind == "postgres":
                url = threads_bench.new_postgres_database(postgres, "bench_all")
            else:
                url = f"sqlite:///{folder / 'bench.sqlite3'}"
            result = threads_bench.run(ROOT, url, redis.url, folder / f"data_{n}", args)
            for name, seconds in result.items():
                op = "read" if name.startswith("read") else "reply"
                base = result[f"{op}, depth 10"]
                rows.append((f"threads, {kind}", name, seconds * 1000, base * 1000, f"{op}, depth 10", "ms"))
    finally:
        postgres.stop()
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


def memory_rows(rows: list[Row], worker: dict[str, float]) -> None:
    sizes = idle_memory.measure(ROOT, settle=10)
    ready = sizes.pop("start-up to ready (s)")[0]
    rows.append(("memory", "start-up to ready (installed)", ready, 5.0, "goal", "s"))
    for name, values in sizes.items():
        rows.append(("memory", f"idle PSS: {name} ({len(values)})", sum(values), None, "", "MiB"))
    total = sum(sum(v) for v in sizes.values())
    rows.append(("memory", "idle PSS: whole system", total, 300.0, "goal", "MiB"))
    if worker:
        rows.append(
            ("memory", "worker PSS at peak (web section)", worker["peak"], worker["idle"], "worker idle", "MiB")
        )


def live(rows: list[Row]) -> None:
    import live_bench

    results, tokens, reads = live_bench.measure(jobs=10, token_runs=5, read_runs=2)
    p = web_bench.percentile
    rows.append(
        ("live", "job completed → visible p50", p(results["live"], 50), p(results["polling"], 50), "polling 1 s", "ms")
    )
    rows.append(
        ("live", "job completed → visible max", max(results["live"]), max(results["polling"]), "polling 1 s", "ms")
    )
    rows.append(("live", "first token → visible p50", p(tokens, 50), 300.0, "goal", "ms"))
    rows.append(
        (
            "live",
            "read aloud: click → first audio p50",
            p([r[0] for r in reads], 50),
            p([r[1] for r in reads], 50),
            "whole file made",
            "ms",
        )
    )


def number(value: float, unit: str) -> str:
    if value != value:  # NaN: nothing measured
        return "–"
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{digits}f} {unit}"


def table(rows: list[Row]) -> str:
    lines = ["| area | measure | figure | baseline | baseline is | figure ÷ baseline |", "|---|---|---:|---:|---|---:|"]
    for area, measure, figure, base, what, unit in rows:
        ratio = f"{figure / base:.2f}" if base else "–"
        base_text = number(base, unit) if base else "–"
        lines.append(f"| {area} | {measure} | {number(figure, unit)} | {base_text} | {what} | {ratio} |")
    return "\n".join(lines)


def write_into_doc(text: str) -> None:
    doc = DOC.read_text()
    block = f"{START}\n{text}\n{END}"
    if START in doc and END in doc:
        doc = doc[: doc.index(START)] + block + doc[doc.index(END) + len(END) :]
    else:
        doc = doc.rstrip("\n") + "\n\n## `make bench`\n\n" + block + "\n"
    DOC.write_text(doc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"some of {','.join(SECTIONS)}")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args()
    chosen = args.only.split(",")
    rows: list[Row] = []
    worker: dict[str, float] = {}
    started = time.monotonic()
    steps = {
        "web": lambda: web(rows, worker),
        "engine": lambda: engine(rows),
        "threads": lambda: threads(rows),
        "memory": lambda: memory_rows(rows, worker),
        "live": lambda: live(rows),
    }
    for name in SECTIONS:
        if name in chosen:
            print(f"== {name}", file=sys.stderr, flush=True)
            steps[name]()
    minutes = (time.monotonic() - started) / 60
    load = os.getloadavg()[0]
    heading = (
        f"`make bench`, {time.strftime('%Y-%m-%d')}: {minutes:.1f} minutes, 2 cores, "
        f"load average {load:.1f} at the end. Ratios compare figures of this same run."
    )
    text = f"{heading}\n\n{table(rows)}"
    print(text)
    if not args.no_write:
        write_into_doc(text)


if __name__ == "__main__":
    main()
