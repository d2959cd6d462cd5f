"""`wop up`: every process of the system as children of one foreground command.

- A child that exits on its own is started again after a pause that doubles from 1 s up to
  30 s (and is reset once it has run for a minute); the others keep running. Only a crash
  loop (5 exits of one child within a minute) ends `wop up`, with a message naming the child.
- Ctrl-C (or SIGTERM) stops them all, one by one, newest role first (the worker, with the
  scheduler it runs, then web, then Redis), each by PID; further signals are ignored while
  stopping.
- Each child runs in a session of its own, so Ctrl-C in the terminal reaches only this
  supervisor, which then signals each child exactly once: a second signal would turn the
  worker's soft shutdown (REMAP_SIGTERM=SIGQUIT) into a hard one.
- When REDIS_URL is not set, a private Redis keeps its data under DATA_DIR/redis and listens on
  REDIS_PORT (default: a free loopback port chosen once, so a restarted Redis comes back on
  the same port and the other children reconnect). Its process title ends in
  `wop:<DATA_DIR>`, so `ps` tells which installation it belongs to.

The supervisor imports neither Flask nor the app, nor the settings' library: it reads the few
settings it needs in a short-lived child (read_settings).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .data_dir import PRIVATE_REDIS_URL_FILE, PRIVATE_UMASK, private_dir, secure_data_dir
from .metrics_files import use_metrics_dir
from .queues import ALL_QUEUES, WORKER_ENV

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
    folder = private_dir(data_dir / "redis")
    return [
        exe,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(folder),
        "--daemonize",
        "no",
        "--appendonly",
        "yes",
        "--save",
        "",
        "--maxmemory-policy",
        "noeviction",
        "--protected-mode",
        "yes",
        "--proc-title-template",
        f"{{title}} {{listen-addr}} wop:{data_dir}",
    ]


def beat_command(data_dir: Path, loglevel: str = "INFO") -> list[str]:
    """The scheduler of a system run as separate services (`wop scheduler`); `wop up` runs it
    inside the worker instead (worker_command)."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "wop.scheduler",
        "beat",
        "--loglevel",
        loglevel,
        "--schedule",
        str(schedule_file(data_dir)),
        "--pidfile",
        "",
    ]


def schedule_file(data_dir: Path) -> Path:
    return secure_data_dir(data_dir) / "celerybeat-schedule"


def web_command() -> list[str]:
    app = "wop:create_app(migrations=False)"  # the supervisor migrates before starting it
    return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), app]


def worker_command(data_dir: Path) -> list[str]:
    """The worker, with the scheduler (celery beat) inside it (`--beat`): one machine runs one
    worker, so there is one scheduler, and the scheduler forked from the worker shares its
    memory instead of being a process of its own (about 45 MiB). Without mingle (at start, a
    worker waits a second for others to tell it the tasks they revoked: nothing here revokes
    tasks) and gossip (events about other workers, which nothing here reads)."""
    return [
        *[sys.executable, "-m", "celery", "-A", "wop.worker", "worker", "--loglevel", "INFO", "-Q", ALL_QUEUES],
        *["--beat", "--schedule", str(schedule_file(data_dir)), "--without-mingle", "--without-gossip"],
    ]


def say(message: str) -> None:
    try:
        print(f"[wop] {message}", flush=True)
    except OSError:  # whoever read the output went away: keep supervising, and stopping, silently
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@dataclass
class Child:
    """One supervised process: how to start it, and its recent history."""

    name: str
    args: list[str]
    proc: subprocess.Popen | None = None
    started_at: float = 0.0
    restart_at: float | None = None  # set while it waits to be started again
    delay: float = 0.0
    exits: deque = field(default_factory=deque)  # when it last exited on its own (monotonic)


class Supervisor:
    def __init__(
        self,
        env: dict,
        *,
        first_delay: float = 1.0,
        max_delay: float = 30.0,
        crash_loop: tuple[int, float] = (5, 60.0),
        steady_after: float = 60.0,
        stop_timeout: float = 30.0,
    ):
        self.env = env
        self.children: list[Child] = []
        self.first_delay, self.max_delay, self.steady_after = first_delay, max_delay, steady_after
        self.crash_exits, self.crash_window = crash_loop
        self.stop_timeout = stop_timeout
        self.stopping = self.handles_signals = False

    # Signals: the first one asks for a stop; the loop notices it within a fraction of a second.
    def install_signal_handlers(self) -> None:
        self.handles_signals = True
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)

    def _on_signal(self, _signum, _frame) -> None:
        self.stopping = True
        self._ignore_signals()

    def _ignore_signals(self) -> None:
        if self.handles_signals:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, max(deadline - time.monotonic(), 0)))

    def add(self, name: str, args: list[str]) -> Child:
        child = Child(name, args, delay=self.first_delay)
        self.children.append(child)
        self._start(child)
        return child

    def _start(self, child: Child) -> None:
        # A session of its own: see the module docstring.
        child.proc = subprocess.Popen(child.args, env=self.env, cwd=ROOT, start_new_session=True)
        child.started_at, child.restart_at = time.monotonic(), None
        say(f"started {child.name} (pid {child.proc.pid})")

    def check(self) -> str | None:
        """Restart what exited, when its pause is over. Returns why to give up, or None."""
        now = time.monotonic()
        for child in self.children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    self._start(child)
                continue
            proc = child.proc
            assert proc is not None  # started, and not waiting to be started again
            code = proc.poll()
            if code is None:
                if now - child.started_at >= self.steady_after:
                    child.delay = self.first_delay  # it has been up a while: the next crash is a fresh one
                continue
            child.exits.append(now)
            while child.exits and now - child.exits[0] > self.crash_window:
                child.exits.popleft()
            if len(child.exits) >= self.crash_exits:
                return (
                    f"{child.name} exited {len(child.exits)} times within {self.crash_window:g} s "
                    f"(last exit code {code}); giving up. Its output above says why."
                )
            say(f"{child.name} (pid {proc.pid}) exited with code {code}; restarting it in {child.delay:g} s")
            child.restart_at = now + child.delay
            child.delay = min(child.delay * 2, self.max_delay)
        return None

    def run(self) -> int:
        """Watch the children until a signal (0) or a crash loop (1)."""
        while not self.stopping:
            reason = self.check()
            if reason:
                say(reason)
                return 1
            self.sleep(0.2)
        say("stopping…")
        return 0

    def stop_all(self) -> None:
        """Newest role first, each gone before the next: the worker must still reach Redis while
        it hands unfinished work back (its soft shutdown takes up to 10 s)."""
        self.stopping = True
        self._ignore_signals()
        for child in reversed(self.children):
            proc = child.proc
            if proc is None:
                continue
            if proc.poll() is None:
                say(f"stopping {child.name} (pid {proc.pid})")
                proc.terminate()
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                say(f"{child.name} did not stop in time; killing it")
                proc.kill()
                proc.wait()


def wait_for(ready: Callable[[], bool], supervisor: Supervisor, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not supervisor.stopping and time.monotonic() < deadline:
        if ready():
            return True
        supervisor.sleep(0.1)
    return False


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class UpSettings:
    """The few settings the supervisor itself uses."""

    DATA_DIR: Path
    REDIS_URL: str | None
    REDIS_PORT: int | None
    PORT: int
    MIGRATED: bool  # the database is at the newest migration already


def read_settings() -> UpSettings:
    """The settings, validated in a forked child: the supervisor runs as long as the system
    does, and the settings' library (pydantic) would hold about 20 MiB in it all that time; the
    child also says whether the database needs migrating (SQLAlchemy and Alembic stay out of the
    supervisor too). Raises SystemExit with the child's message when a setting is bad."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: read, answer in one JSON line, and leave without cleaning up
        os.close(read_end)
        try:
            from .migration_state import at_newest_migration
            from .settings import SettingsError, load_settings

            try:
                s = load_settings()
                answer = {
                    "DATA_DIR": str(s.DATA_DIR),
                    "REDIS_URL": s.REDIS_URL,
                    "REDIS_PORT": s.REDIS_PORT,
                    "PORT": s.PORT,
                    "MIGRATED": at_newest_migration(s.database_url),
                }
            except SettingsError as bad:
                answer = {"error": str(bad)}
            os.write(write_end, json.dumps(answer).encode())
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        text = pipe.read()
    os.waitpid(pid, 0)
    answer = json.loads(text or '{"error": "reading the settings failed; the output above says why"}')
    if "error" in answer:
        raise SystemExit(answer["error"])
    return UpSettings(**{**answer, "DATA_DIR": Path(answer["DATA_DIR"])})


def run_all() -> int:
    from dotenv import load_dotenv

    os.umask(PRIVATE_UMASK)  # inherited by every child: what they write under DATA_DIR is private
    load_dotenv(override=False)  # the children read .env's settings too, wherever they start
    try:
        settings = read_settings()
    except SystemExit as bad:
        say(str(bad))
        return 2
    data_dir = secure_data_dir(settings.DATA_DIR)
    use_metrics_dir(data_dir)  # in the children's environment; an earlier run's counts removed
    env = {**os.environ, **WORKER_ENV}
    supervisor = Supervisor(env)
    supervisor.install_signal_handlers()
    try:
        if not settings.REDIS_URL:
            port = settings.REDIS_PORT or free_port()
            say(
                f"private Redis on 127.0.0.1:{port}, data in {data_dir / 'redis'} "
                f"(process title: redis-server 127.0.0.1:{port} wop:{data_dir})"
            )
            supervisor.add("redis", redis_command(data_dir, port))
            if not wait_for(lambda: port_open(port), supervisor, 15.0):
                if supervisor.stopping:
                    return 0
                say("the private Redis did not start; its output above says why")
                return 1
            env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            url_file = data_dir / PRIVATE_REDIS_URL_FILE
            url_file.write_text(env["REDIS_URL"] + "\n")  # for `wop doctor` and other commands meanwhile
        if not settings.MIGRATED:
            migrate = subprocess.run([sys.executable, "-m", "wop.cli", "db", "upgrade"], env=env, cwd=ROOT)
            if migrate.returncode != 0:
                say(f"migrating the database failed (exit code {migrate.returncode}); its output above says why")
                return 1
        if supervisor.stopping:
            return 0
        supervisor.add("web", web_command())
        supervisor.add("worker", worker_command(data_dir))
        say(f"Write or Perish is running on http://127.0.0.1:{settings.PORT}  (Ctrl-C stops everything)")
        return supervisor.run()
    finally:
        supervisor.stop_all()
        if not settings.REDIS_URL:
            (data_dir / PRIVATE_REDIS_URL_FILE).unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(run_all())
