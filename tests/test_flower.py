"""Flower, Celery's web monitor (the optional `flower` extra), runs against our broker and
lists our worker."""

import subprocess
import sys
import time

import pytest
import requests

from tests.services import ROOT, free_port, stop, wait_for_port

pytest.importorskip("flower", reason="Flower is an optional extra: pip install -e '.[flower]'")


def flower_command(broker: str, port: int) -> list[str]:
    """What docs/operations.md gives: Flower on loopback, knowing only the broker."""
    return [sys.executable, "-m", "celery", "--broker", broker, "flower", "--address=127.0.0.1", f"--port={port}"]


def test_flower_lists_our_worker(worker, service_env, tmp_path):
    port = free_port()
    # Its API answers without a login only when told to; here it listens on loopback for this test.
    env = {**service_env, "FLOWER_UNAUTHENTICATED_API": "true"}
    with open(tmp_path / "flower.log", "wb") as log:
        proc = subprocess.Popen(
            flower_command(service_env["REDIS_URL"], port), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_for_port(port, timeout=60, proc=proc)
        deadline = time.monotonic() + 60
        while True:
            resp = requests.get(f"http://127.0.0.1:{port}/api/workers", params={"refresh": "true"}, timeout=30)
            assert resp.status_code == 200, resp.text
            if worker.name in resp.json():
                break
            assert time.monotonic() < deadline, f"Flower never listed {worker.name}: {resp.json()}"
            time.sleep(0.5)
        queues = {q["name"] for q in resp.json()[worker.name]["active_queues"]}
        assert {"llm", "audio", "export", "maintenance"} <= queues
    finally:
        stop(proc)
