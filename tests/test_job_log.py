"""One log line per job event, with ids, kind, attempt and duration and never what the user
wrote; JSON lines with LOG_FORMAT=json."""

import json
import logging
import subprocess
import sys
import time
import uuid

import pytest


def wait_for_line(path, needle: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        for line in path.read_text(errors="replace").splitlines():
            if needle in line:
                return line
        if time.monotonic() > deadline:
            raise AssertionError(f"no line with {needle!r} in {path}")
        time.sleep(0.1)


@pytest.mark.usefixtures("jobs_ready")
def test_worker_logs_each_job_event_without_user_text(app, alice, worker, run_dir, caplog):
    caplog.set_level(logging.INFO, logger="wop.jobs.events")
    secret = f"my secret diary {uuid.uuid4().hex}"
    entry = alice.write(secret)
    job_id = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"]
    assert alice.wait_job(job_id)["status"] == "completed"

    queued = [r for r in caplog.records if getattr(r, "fields", {}).get("job_id") == job_id]
    assert [r.fields["event"] for r in queued] == ["queued"]
    log = run_dir / "worker.log"
    started = wait_for_line(log, f"event=started job_id={job_id}")
    done = wait_for_line(log, f"event=completed job_id={job_id}")
    for line in (started, done):
        assert f"kind=llm_reply user_id={alice.user['id']} attempt=1" in line
    assert "duration_s=" in done
    text = log.read_text(errors="replace")
    assert text.count(f"job_id={job_id}") == 2  # one line per event
    assert "secret diary" not in text


@pytest.mark.usefixtures("jobs_ready")
def test_failed_attempt_is_logged_as_failed(app, alice, fake_ai, run_dir):
    fake_ai.fail_next(10, status=400)  # a permanent provider error
    entry = alice.write("a short entry")
    job_id = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"]
    assert alice.wait_job(job_id)["status"] == "failed"
    line = wait_for_line(run_dir / "worker.log", f"job_id={job_id} kind=llm_reply", timeout=5)
    assert "event=started" in line
    wait_for_line(run_dir / "worker.log", f"event=failed job_id={job_id}")


def test_json_lines_when_log_format_is_json(service_env, tmp_path):
    script = (
        "from wop import create_app; create_app();"
        "from wop.jobs.job_log import job_event; job_event('completed', 'abc', 'tts', 7, 2, 1.23456)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        env={**service_env, "LOG_FORMAT": "json"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stderr.splitlines() if line.startswith("{")]
    event = next(line for line in lines if line["logger"] == "wop.jobs.events")
    assert event["level"] == "INFO" and event["time"].endswith("+00:00")
    assert {k: event[k] for k in ("event", "job_id", "kind", "user_id", "attempt", "duration_s")} == {
        "event": "completed",
        "job_id": "abc",
        "kind": "tts",
        "user_id": 7,
        "attempt": 2,
        "duration_s": 1.235,
    }


def test_log_format_must_be_text_or_json(service_env, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "wop.cli", "doctor", "--json"],
        env={**service_env, "LOG_FORMAT": "xml"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "LOG_FORMAT" in json.loads(proc.stdout)["checks"][0]["detail"]
