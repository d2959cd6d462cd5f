"""Real services for the test run, started as child processes on loopback and stopped by PID."""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from wop.queues import ALL_QUEUES, WORKER_ENV

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 30.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def children_of(pid: int) -> list[int]:
    found = []
    for task in glob.glob(f"/proc/{pid}/task/*/children"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in Path(task).read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


class RedisServer:
    def __init__(self, folder: Path, port: int | None = None):
        self.folder, self.port = folder, port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        exe = shutil.which("redis-server")
        assert exe, "redis-server is missing: apt-get install redis-server"
        with open(self.folder / "redis.log", "ab") as log:
            self.proc = subprocess.Popen(
                [
                    exe,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.folder),
                    "--save",
                    "",
                    "--appendonly",
                    "yes",
                    "--maxmemory-policy",
                    "noeviction",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, proc=self.proc)
        return self

    def stop(self) -> None:
        stop(self.proc)


def _pg_bin(name: str) -> str:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]
    assert found, f"{name} is missing: apt-get install postgresql"
    return found if isinstance(found, str) else found[0]


class PostgresServer:
    """A throwaway cluster: initdb into a temporary folder, trust auth, loopback port."""

    def __init__(self):
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="wop-pg-"))
        self.user = "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/wop_test"

    def start(self) -> "PostgresServer":
        data = self.folder / "data"
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        subprocess.run(
            [_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            user=self.user,
            stdout=subprocess.DEVNULL,
        )
        with open(self.folder / "postgres.log", "ab") as log:
            self.proc = subprocess.Popen(
                [
                    _pg_bin("postgres"),
                    "-D",
                    str(data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.folder),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "max_connections=200",
                ],
                user=self.user,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, proc=self.proc)
        import psycopg

        for _ in range(50):
            try:
                with psycopg.connect(
                    f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
                ) as conn:
                    conn.execute("CREATE DATABASE wop_test")
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        return self

    def stop(self) -> None:
        stop(self.proc, signal.SIGINT)  # fast shutdown
        shutil.rmtree(self.folder, ignore_errors=True)


class Worker:
    """A real Celery worker (prefork) serving every queue."""

    def __init__(self, env: dict, log_path: Path, concurrency: int = 2, queues: str = ALL_QUEUES):
        self.env, self.log_path, self.concurrency, self.queues = env, log_path, concurrency, queues
        self.proc: subprocess.Popen[bytes] | None = None
        self.name = f"test-{os.getpid()}-{time.time_ns()}@{socket.gethostname()}"

    def start(self, timeout: float = 60.0) -> "Worker":
        # A session of its own, so a test can kill the whole worker as a crashed machine would.
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "wop.worker",
                    "worker",
                    "-Q",
                    self.queues,
                    "--concurrency",
                    str(self.concurrency),
                    "--loglevel",
                    "INFO",
                    "-n",
                    self.name,
                    "--without-gossip",
                    "--without-mingle",
                ],
                env={**self.env, **WORKER_ENV},
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            if b" ready." in self.log_path.read_bytes() and len(self.pool_pids()) >= self.concurrency:
                return self
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready: {self.log_path.read_text()[-3000:]}")

    def pool_pids(self) -> list[int]:
        return children_of(self.proc.pid) if self.proc else []

    def kill_all(self) -> None:
        """SIGKILL the main process and its pool at once, leaving its messages unacknowledged;
        return once every one of them is dead (gone, or a zombie nobody reaps)."""
        assert self.proc is not None, "the worker was never started"
        pool = self.pool_pids()
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in pool) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        stop(self.proc, signal.SIGTERM, timeout=30)


class WebServer:
    """gunicorn serving the app, as in production."""

    def __init__(self, env: dict, log_path: Path):
        self.env, self.log_path, self.port = env, log_path, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "WebServer":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "wop:create_app()",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=30, proc=self.proc)
        self.wait_until_answering()
        return self

    def wait_until_answering(self, timeout: float = 120.0) -> None:
        """gunicorn binds its port before its workers have loaded the app (seconds on a busy
        machine): wait for an answer, so that a test's first request is not the one that waits."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/api/health", timeout=timeout) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline or (self.proc is not None and self.proc.poll() is not None):
                    raise
            time.sleep(0.1)

    def stop(self) -> None:
        stop(self.proc)


OBJECT_STORE_KEYS = {"STORAGE_ACCESS_KEY_ID": "test-key", "STORAGE_SECRET_ACCESS_KEY": "test-secret"}


class ObjectStore:
    """An S3-compatible object store (moto's server mode) on loopback, with one bucket."""

    def __init__(self, log_path: Path, bucket: str = "wop-test"):
        self.log_path, self.bucket, self.port = log_path, bucket, free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self, prefix: str) -> dict[str, str]:
        """The settings that keep an installation's files under `prefix` in the bucket."""
        return {
            "STORAGE_URL": f"s3://{self.bucket}/{prefix}",
            "STORAGE_ENDPOINT_URL": self.endpoint,
            "STORAGE_REGION": "us-east-1",
            **OBJECT_STORE_KEYS,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=OBJECT_STORE_KEYS["STORAGE_ACCESS_KEY_ID"],
            aws_secret_access_key=OBJECT_STORE_KEYS["STORAGE_SECRET_ACCESS_KEY"],
        )

    def keys(self, prefix: str) -> dict[str, bytes]:
        """Every object under `prefix/`, by key relative to it, with its bytes."""
        s3, found = self.client(), {}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=f"{prefix}/"):
            for item in page.get("Contents", []):
                body = s3.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                found[item["Key"].removeprefix(f"{prefix}/")] = body
        return found

    def start(self) -> "ObjectStore":
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=60, proc=self.proc)
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def stop(self) -> None:
        stop(self.proc)
