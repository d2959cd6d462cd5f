"""The operator's view of the running system (GET /api/admin/operations) and pausing a queue."""

import time

import pytest
import redis


def test_operations_are_for_administrators(alice):
    assert alice.get("/api/admin/operations").status_code == 403
    for action in ("pause", "resume"):
        refused = alice.post(f"/api/admin/queues/llm/{action}")
        assert refused.status_code == 403 and refused.get_json()["error"]


def test_an_unknown_queue_is_named_in_the_answer(make_user):
    admin = make_user(admin=True)
    resp = admin.post("/api/admin/queues/nope/pause")
    assert resp.status_code == 404
    assert "llm" in resp.get_json()["error"]


@pytest.mark.usefixtures("jobs_ready")
def test_operations_show_queues_kinds_workers_and_redis(alice, make_user, worker):
    entry = alice.write("an entry for the operations page")
    job = alice.wait_job(alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"])
    assert job["status"] == "completed"
    admin = make_user(admin=True)
    resp = admin.get("/api/admin/operations")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    queues = {q["name"]: q for q in body["queues"]}
    assert set(queues) == {"llm", "audio", "export", "maintenance"}
    assert {"waiting", "running", "failed_24h", "messages", "paused"} <= set(queues["llm"])
    replies = {k["kind"]: k for k in body["kinds"]}["llm_reply"]
    assert replies["completed"] >= 1 and 0 < replies["success_rate"] <= 1
    assert 0 <= replies["median_seconds"] <= replies["p95_seconds"]
    assert body["workers"]["ok"]
    ours = {w["name"]: w for w in body["workers"]["list"]}[worker.name]
    assert "llm" in ours["queues"] and ours["processes"] == worker.concurrency
    assert ours["memory_bytes"] > 0 and ours["current_jobs"] == []
    assert body["redis"]["ok"] and body["redis"]["used_memory_bytes"] > 0
    assert body["redis"]["maxmemory_policy"] == "noeviction"


def message_taken(client: redis.Redis, job_id: str) -> bool:
    """The worker took the job's message and acknowledged it: it is neither waiting in the queue
    nor held unacknowledged."""
    waiting = any(job_id.encode() in m for m in client.lrange("llm", 0, -1))
    unacked = any(job_id.encode() in m for m in client.hvals("unacked"))
    return not waiting and not unacked


@pytest.mark.usefixtures("jobs_ready")
def test_a_paused_queue_keeps_its_jobs_waiting_until_resumed(app, alice, make_user):
    admin = make_user(admin=True)
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    assert admin.post("/api/admin/queues/llm/pause").get_json() == {"queue": "llm", "paused": True}
    try:
        entry = alice.write("written while the AI queue is paused")
        job_id = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"]
        deadline = time.monotonic() + 60
        while not message_taken(client, job_id):
            assert time.monotonic() < deadline, "the worker never took the job's message"
            time.sleep(0.05)
        job = alice.get(f"/api/jobs/{job_id}").get_json()
        assert job["status"] == "pending" and job["attempts"] == 0
        ops = admin.get("/api/admin/operations").get_json()
        llm = {q["name"]: q for q in ops["queues"]}["llm"]
        assert llm["paused"] and llm["waiting"] >= 1
        assert ops["oldest_pending"] is not None
    finally:
        resumed = admin.post("/api/admin/queues/llm/resume").get_json()
    assert resumed["paused"] is False and resumed["sent"] >= 1
    assert alice.wait_job(job_id)["status"] == "completed"
    assert {q["name"]: q for q in admin.get("/api/admin/operations").get_json()["queues"]}["llm"]["paused"] is False


def test_a_pending_job_cancelled_by_its_owner_is_logged_and_counted(app, alice, make_user, caplog):
    """Held in a paused queue, a job is cancelled while pending: the web process writes the
    job's `cancelled` event and counts it, as a worker does for a running one."""
    from prometheus_client import REGISTRY

    admin = make_user(admin=True)
    labels = {"kind": "llm_reply", "outcome": "cancelled"}
    before = REGISTRY.get_sample_value("wop_jobs_finished_total", labels) or 0.0
    assert admin.post("/api/admin/queues/llm/pause").status_code == 200
    try:
        entry = alice.write("cancelled while it waits")
        job_id = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()["task_id"]
        with caplog.at_level("INFO", logger="wop.jobs.events"):
            assert alice.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    finally:
        admin.post("/api/admin/queues/llm/resume")
    assert alice.get(f"/api/jobs/{job_id}").get_json()["status"] == "cancelled"
    assert any(f"event=cancelled job_id={job_id}" in r.getMessage() for r in caplog.records)
    assert REGISTRY.get_sample_value("wop_jobs_finished_total", labels) == before + 1
