"""The whole system's idle memory: start `wop up` (supervisor, private Redis, gunicorn, Celery
worker, Celery beat) on a fresh DATA_DIR whose database is installed (migrated) already, as
it is at every start but the first, time it until it answers /api/ready, let it settle, and
read each process's proportional set size (PSS: shared pages divided among the processes that
share them, so the column adds up) from /proc/<pid>/smaps_rollup. A benchmark, not a test:
prints a markdown table.

    .venv/bin/python bench/idle_memory.py [--before /path/to/checkout] [--settle 20]

`--before DIR` measures the `wop` package of another checkout too (same interpreter and
libraries; the processes import `wop` from DIR) and prints its column beside this one.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.services import children_of, free_port  # noqa: E402


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def role(pid: int, parent_role: str | None) -> str:
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    line = " ".join(a.decode(errors="replace") for a in args if a)
    if "redis-server" in line:
        return "redis"
    if "wop.cli up" in line:
        return "supervisor (wop up)"
    if "gunicorn" in line:
        return "web: gunicorn worker" if parent_role and parent_role.startswith("web") else "web: gunicorn master"
    if " beat" in line:
        return "scheduler (celery beat)"
    if " worker" in line or "celery" in line:
        return (
            "worker: pool processes and embedded beat"
            if parent_role and parent_role.startswith("worker")
            else "worker: main"
        )
    return line[:40]


def tree(pid: int, parent_role: str | None = None) -> list[tuple[str, int]]:
    mine = role(pid, parent_role)
    found = [(mine, pid)]
    for child in children_of(pid):
        found += tree(child, mine)
    return found


def measure(code: Path, settle: float) -> dict[str, list[float]]:
    folder = Path(tempfile.mkdtemp(prefix="wop-idle-"))
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL", "WEB_CONCURRENCY", "PYTHONPATH")
    }
    env.update(DATA_DIR=str(folder / "data"), PORT=str(port), PYTHONPATH=str(code), PYTHONUNBUFFERED="1")
    install = [sys.executable, "-m", "wop.cli", "db", "upgrade"]
    subprocess.run(install, env=env, cwd=code, check=True, capture_output=True)
    log = open(folder / "wop-up.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([sys.executable, "-m", "wop.cli", "up"], env=env, cwd=code, stdout=log, stderr=log)
    try:
        started = time.monotonic()
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/ready", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() - started > 300:
                raise SystemExit(f"wop up did not get ready: {(folder / 'wop-up.log').read_text()[-3000:]}")
            time.sleep(0.2)
        ready_after = time.monotonic() - started
        time.sleep(settle)
        sizes: dict[str, list[float]] = {"start-up to ready (s)": [ready_after]}
        for name, pid in tree(proc.pid):
            sizes.setdefault(name, []).append(pss_mib(pid))
        return sizes
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--settle", type=float, default=20.0, help="seconds to wait once ready")
    args = parser.parse_args()
    runs = {"this checkout": measure(ROOT, args.settle)}
    if args.before:
        runs["before"] = measure(args.before.resolve(), args.settle)
    labels = list(runs)
    rows = list(dict.fromkeys(name for run in runs.values() for name in run))
    print("| process | " + " | ".join(f"PSS, {label}" for label in labels) + " |")
    print("| --- |" + " ---: |" * len(labels))

    def cell(values: list[float] | None, seconds: bool = False) -> str:
        if not values:
            return "–"
        if seconds:
            return f"{values[0]:.1f} s"
        each = " + ".join(f"{v:.0f}" for v in values) if len(values) > 1 else ""
        return f"{sum(values):.0f} MiB" + (f" ({each})" if each else "")

    for row in rows:
        seconds = row.startswith("start-up")
        print(f"| {row} | " + " | ".join(cell(runs[label].get(row), seconds) for label in labels) + " |")
    totals = [sum(sum(v) for k, v in runs[label].items() if not k.startswith("start-up")) for label in labels]
    print("| **total** | " + " | ".join(f"**{t:.0f} MiB**" for t in totals) + " |")


if __name__ == "__main__":
    main()
