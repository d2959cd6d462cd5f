"""`wop up` heals itself: a killed child comes back while the others keep serving.

The end-to-end test runs the real `wop up` (its own DATA_DIR, web port, private Redis and
database) as a child of the test, kills its worker's whole process group and its Redis with
SIGKILL, and checks that /api/health never fails meanwhile, that a new worker answers
/api/ready again, and that SIGTERM leaves no process behind.
"""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.services import children_of, free_port
from wop.settings import Settings
from wop.supervisor import Supervisor

ROOT = Path(__file__).resolve().parent.parent


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def gone(pid: int) -> bool:
    """Not running: no such process, or a zombie (dead, waiting only to be reaped by init)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def child_pid(supervisor: subprocess.Popen, match) -> int | None:
    for pid in children_of(supervisor.pid):
        if not gone(pid) and match(cmdline(pid).split()):
            return pid
    return None


def running_child(supervisor: subprocess.Popen, match) -> int:
    """The pid of the child `match` picks, which must be running."""
    pid = child_pid(supervisor, match)
    assert pid is not None, "the child process is not running"
    return pid


def is_worker(args: list[str]) -> bool:
    """`celery -A wop.worker worker …` (under `wop up` it runs the scheduler too: `--beat`)."""
    return "wop.worker" in args and args[args.index("wop.worker") + 1 :][:1] == ["worker"]


def is_redis(args: list[str]) -> bool:
    return any("redis-server" in a for a in args[:1])


def wait_until(condition, timeout: float, what: str, proc: subprocess.Popen | None = None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise AssertionError(
                f"wop up exited ({proc.returncode}) while waiting for {what}:\n{log.read_text()[-4000:] if log else ''}"
            )
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {timeout} s:\n{log.read_text()[-4000:] if log else ''}")


def ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/api/ready", timeout=5).status_code == 200
    except requests.RequestException:
        return False


class HealthPoller(threading.Thread):
    """GET /api/health over and over; records every status code (or the error instead)."""

    def __init__(self, base: str):
        super().__init__(daemon=True)
        self.base, self.done = base, threading.Event()
        self.seen: list[int | str] = []  # status codes, or the errors of requests that failed

    def run(self):
        while not self.done.is_set():
            try:
                self.seen.append(requests.get(f"{self.base}/api/health", timeout=5).status_code)
            except requests.RequestException as exc:
                self.seen.append(repr(exc))
            time.sleep(0.05)

    def stop(self) -> list:
        self.done.set()
        self.join(10)
        return self.seen


def up_database(database_url: str, data_dir: Path) -> str:
    """A database of its own: the scheduler of this `wop up` must not reap other tests' jobs."""
    if not database_url.startswith("postgresql"):
        return f"sqlite:///{data_dir / 'wop.sqlite3'}"
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    name = f"wop_up_{os.getpid()}_{time.time_ns() % 10**6}"
    with psycopg.connect(host=url.host, port=url.port, user=url.username, dbname="postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def wop_up(tmp_path, database_url):
    data_dir = tmp_path / "data"
    port, redis_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DATA_DIR=str(data_dir),
        PORT=str(port),
        REDIS_PORT=str(redis_port),
        WEB_CONCURRENCY="1",
        SECRET_KEY="supervisor-test",
        DATABASE_URL=up_database(database_url, data_dir),
    )
    log = tmp_path / "wop-up.log"
    with open(log, "ab") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "wop"), "up"],
            env=env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        yield proc, base, log, data_dir, redis_port
    finally:
        if proc.poll() is None:  # the test failed halfway: stop it as an operator would
            proc.terminate()
            try:
                proc.wait(90)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def test_wop_up_restarts_a_killed_worker_and_redis_and_stops_everything(wop_up):
    proc, base, log, data_dir, redis_port = wop_up
    wait_until(lambda: ready(base), 120, "/api/ready 200", proc, log)
    seen_pids = set(children_of(proc.pid))

    # The private Redis says whose it is.
    redis_pid = running_child(proc, is_redis)
    wait_until(lambda: f"127.0.0.1:{redis_port} wop:{data_dir}" in cmdline(redis_pid), 30, "Redis's process title")
    assert f"wop:{data_dir}" in log.read_text()
    # Commands run meanwhile (`wop doctor`, `wop backup`) find it through DATA_DIR.
    url_file = data_dir / "redis" / "url"
    assert url_file.read_text().strip() == f"redis://127.0.0.1:{redis_port}/0"
    assert Settings.of(DATA_DIR=data_dir).redis_url == f"redis://127.0.0.1:{redis_port}/0"

    # Kill the worker's whole process group, as a crashed machine would.
    worker_pid = running_child(proc, is_worker)
    seen_pids |= {worker_pid, *children_of(worker_pid)}
    poller = HealthPoller(base)
    poller.start()
    killed_at = time.monotonic()
    os.killpg(worker_pid, signal.SIGKILL)
    new_worker = wait_until(
        lambda: (pid := child_pid(proc, is_worker)) not in (None, worker_pid) and pid,
        60,
        "new worker process",
        proc,
        log,
    )
    wait_until(lambda: ready(base), 90, "a new worker answering /api/ready", proc, log)
    serving_after = time.monotonic() - killed_at
    codes = poller.stop()
    print(
        f"worker SIGKILL: a new worker served after {serving_after:.1f} s; /api/health codes: "
        f"{ {c: codes.count(c) for c in set(codes)} }"
    )
    assert codes and set(codes) == {200}, codes
    assert "worker (pid" in log.read_text() and "restarting it in 1 s" in log.read_text()
    seen_pids |= {new_worker, *children_of(new_worker)}

    # Redis comes back on the same port, and the others reconnect to it.
    os.kill(redis_pid, signal.SIGKILL)
    new_redis = wait_until(
        lambda: (pid := child_pid(proc, is_redis)) not in (None, redis_pid) and pid, 60, "new Redis process", proc, log
    )
    # Redis sets its process title a moment after it starts.
    wait_until(lambda: f"127.0.0.1:{redis_port} wop:{data_dir}" in cmdline(new_redis), 30, "Redis's process title")
    wait_until(lambda: ready(base), 90, "/api/ready after Redis came back", proc, log)
    assert requests.get(f"{base}/api/health", timeout=5).status_code == 200

    # SIGTERM stops every child (a second signal is ignored, not a harder stop).
    for pid in children_of(proc.pid):
        seen_pids |= {pid, *children_of(pid)}
    proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(120) == 0, log.read_text()[-4000:]
    left = [(pid, cmdline(pid)) for pid in seen_pids if not gone(pid)]
    assert left == [], left
    text = log.read_text()
    order = [text.index(f"stopping {name} (pid") for name in ("worker", "web", "redis")]
    assert order == sorted(order)
    assert not url_file.exists()  # no address of a Redis that is gone


def test_a_crash_loop_gives_up_and_stops_the_rest(capsys):
    steady = [sys.executable, "-c", "import time; time.sleep(120)"]
    crasher = [sys.executable, "-c", "import sys; print('cannot start: missing setting'); sys.exit(3)"]
    supervisor = Supervisor(dict(os.environ), first_delay=0.05, max_delay=0.2, crash_loop=(5, 60.0))
    try:
        kept = supervisor.add("steady", steady)
        supervisor.add("crasher", crasher)
        assert supervisor.run() == 1
    finally:
        supervisor.stop_all()
    out = capsys.readouterr().out
    assert (
        out.count("exited with code 3; restarting it in") == 4
        and "restarting it in 0.05 s" in out
        and "restarting it in 0.1 s" in out
    )
    assert "crasher exited 5 times within 60 s (last exit code 3); giving up" in out
    assert kept.proc is not None and kept.proc.returncode == -signal.SIGTERM  # never restarted, stopped only at the end
    assert out.count("started steady") == 1


def test_a_supervisor_whose_output_is_gone_keeps_supervising_and_stops_everything():
    # Its output's reader (a terminal, a pipe to a log) goes away; a child then exits, and the
    # message about it cannot be written. It used to raise, and stopping raised again before the
    # other children were stopped, leaving them running.
    script = (
        "import os, sys\n"
        "from wop.supervisor import Supervisor\n"
        "s = Supervisor(dict(os.environ), first_delay=0.05, max_delay=0.2, crash_loop=(1000, 60.0))\n"
        "s.install_signal_handlers()\n"
        "try:\n"
        "    s.add('steady', [sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "    s.add('crasher', [sys.executable, '-c', 'import time; time.sleep(0.3)'])\n"
        "    sys.exit(s.run())\n"
        "finally:\n"
        "    s.stop_all()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    out = proc.stdout
    assert out is not None
    try:
        first = out.readline()
        assert "started steady (pid " in first, first
        steady = int(first.split("(pid ")[1].rstrip(")\n"))
        out.close()  # the reader goes away
        time.sleep(2)  # the crasher exits (and is restarted) a few times meanwhile
        assert proc.poll() is None, "the supervisor died when its output went away"
        assert not gone(steady)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0
        deadline = time.monotonic() + 10
        while not gone(steady) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(steady), "a child was left running"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_the_supervisor_is_light_and_keeps_the_soft_shutdown(tmp_path):
    # It reads its settings (in a child: the settings' library, pydantic, stays out of it too).
    code = (
        "import sys, wop.supervisor as s; s.read_settings(); "
        "heavy = sorted(m for m in ('flask', 'sqlalchemy', 'celery', 'openai', 'anthropic', 'wop.api', 'pydantic') "
        "if m in sys.modules); print(heavy); assert not heavy"
    )
    env = {**os.environ, "DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    from wop.queues import WORKER_ENV
    from wop.supervisor import worker_command

    assert WORKER_ENV == {"REMAP_SIGTERM": "SIGQUIT"}  # SIGTERM is the worker's soft shutdown
    command = worker_command(tmp_path)
    assert command[command.index("-Q") + 1] == "llm,audio,export,maintenance"  # every queue, named once in wop.queues
    assert "--beat" in command  # one machine, one worker: the scheduler runs inside it
    assert {"--without-mingle", "--without-gossip"} <= set(command)  # no second of waiting for other workers at start


def test_readiness_survives_a_redis_restart(app, worker, redis_server):
    """After Redis comes back (as under `wop up`), the first readiness check must not trip over
    a broker connection that died with the old Redis."""
    from celery import Celery

    client = app.test_client()
    assert client.get("/api/ready").status_code == 200  # a pooled broker connection now exists
    redis_server.stop()
    redis_server.start()
    # Wait for the worker to reconnect, asking through a connection of our own.
    outside = Celery(broker=redis_server.url)
    wait_until(lambda: outside.control.ping(timeout=1.0), 60, "the worker back on the restarted Redis")
    resp = client.get("/api/ready")
    assert resp.status_code == 200, resp.get_json()
