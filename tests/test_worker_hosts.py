"""Workers on several hosts: WORKER_ID tells one host's processes from another's to the reaper,
and `wop worker` runs one queue's fleet."""

import subprocess
import sys

import pytest

from tests.services import ROOT
from wop.jobs.run import owner_is_dead, worker_id


@pytest.fixture
def named_host(app):
    with app.app_context():
        before = app.config.get("WORKER_ID")
        app.config["WORKER_ID"] = "host-a"
        yield
        app.config["WORKER_ID"] = before


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_worker_id_names_the_host_and_the_process(named_host):
    host, _, pid = worker_id().rpartition(":")
    assert host == "host-a" and pid.isdigit()


def test_a_process_of_another_host_is_never_judged_dead_from_here(named_host):
    pid = dead_pid()  # no such process on this machine; on host-b it may well be running
    assert owner_is_dead(f"host-a:{pid}")
    assert not owner_is_dead(f"host-b:{pid}")


def wop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wop.cli", *args], cwd=ROOT, capture_output=True, text=True)


def test_worker_command_refuses_an_unknown_queue(service_env):
    result = wop("worker", "--queues", "audio,videos")
    assert result.returncode == 2 and "unknown queue videos" in result.stderr
    result = wop("worker", "--queues", "audio", "--concurrency", "0")
    assert result.returncode == 2 and "--concurrency" in result.stderr
