"""`wop up`: every process of the system as children of one foreground command.

Ctrl-C (or SIGTERM) stops them all, by PID, newest first. When REDIS_URL is not set, a
private Redis is started under DATA_DIR on REDIS_PORT (default: a free loopback port).
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from .config import load_config

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_command(data_dir: Path, port: int) -> list[str]:
    exe = shutil.which("redis-server")
    if exe is None:
        raise SystemExit(
            "redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install redis-server) "
            "or set REDIS_URL to a Redis you run."
        )
    folder = data_dir / "redis"
    folder.mkdir(parents=True, exist_ok=True)
    return [exe, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--daemonize", "no",
            "--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction", "--protected-mode", "yes"]


def beat_command(loglevel: str = "INFO") -> list[str]:
    cfg = load_config()
    return [sys.executable, "-m", "celery", "-A", "wop.worker", "beat", "--loglevel", loglevel,
            "--schedule", str(cfg["DATA_DIR"] / "celerybeat-schedule"), "--pidfile", ""]


def wait_for_port(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop_once(_signum, _frame) -> None:
    """Ctrl-C or SIGTERM: stop everything. Further signals are ignored so the stop is not cut short."""
    _ignore_signals()
    raise KeyboardInterrupt


def _ignore_signals() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def run_all() -> int:
    from .jobs.celery_app import WORKER_ENV

    cfg = load_config()
    env = {**os.environ, **WORKER_ENV}
    signal.signal(signal.SIGINT, _stop_once)
    signal.signal(signal.SIGTERM, _stop_once)
    children: list[tuple[str, subprocess.Popen]] = []

    def start(name: str, args: list[str]) -> None:
        print(f"[wop] starting {name}: {' '.join(args[:6])} …", flush=True)
        # A session of its own: Ctrl-C reaches only this supervisor, which then stops each child
        # exactly once (a second signal would turn the worker's soft shutdown into a hard one).
        children.append((name, subprocess.Popen(args, env=env, cwd=ROOT, start_new_session=True)))

    def stop_all() -> None:
        # Newest first, each gone before the next: the worker must still reach Redis while it
        # hands unfinished work back (its soft shutdown takes up to 10 s).
        _ignore_signals()
        for name, proc in reversed(children):
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                print(f"[wop] {name} did not stop in time; killing it", flush=True)
                proc.kill()
                proc.wait()

    try:
        if not os.environ.get("REDIS_URL"):
            port = int(os.environ.get("REDIS_PORT") or free_port())
            start("redis", redis_command(cfg["DATA_DIR"], port))
            if not wait_for_port(port):
                print("[wop] the private Redis did not start", flush=True)
                return 1
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
        subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, cwd=ROOT, check=True)
        start("web", [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"),
                      "wop:create_app()"])
        start("worker", [sys.executable, "-m", "celery", "-A", "wop.worker", "worker", "--loglevel", "INFO",
                         "-Q", "llm,audio,export,maintenance"])
        start("scheduler", beat_command())
        print(f"[wop] Write or Perish is running on http://127.0.0.1:{cfg['PORT']}  (Ctrl-C stops everything)",
              flush=True)
        while True:
            for name, proc in children:
                if proc.poll() is not None:
                    print(f"[wop] {name} exited with code {proc.returncode}; stopping the rest", flush=True)
                    return proc.returncode or 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\n[wop] stopping…", flush=True)
        return 0
    finally:
        stop_all()


if __name__ == "__main__":
    sys.exit(run_all())
