"""The job engine end to end: real Redis, a real Celery worker, the fake AI provider over HTTP."""

import os
import signal
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from wop.extensions import db
from wop.jobs import enqueue, reaper
from wop.models import Job, Node, TokenCredit
from wop.models.base import utcnow
from wop.providers.errors import UNAVAILABLE

OPENAI_MODEL = "test-gpt"
ANTHROPIC_MODEL = "test-claude"


pytestmark = pytest.mark.usefixtures("jobs_ready")


def reply_nodes(app, job_id):
    with app.app_context():
        return db.session.scalars(select(Node).where(Node.source_job_id == job_id)).all()


def credits(app, job_id):
    with app.app_context():
        return db.session.scalar(
            select(func.coalesce(func.sum(TokenCredit.tokens), 0)).where(TokenCredit.job_id == job_id)
        )


def ask(api, node_id, model=OPENAI_MODEL):
    resp = api.post(f"/api/nodes/{node_id}/llm", json={"model": model})
    assert resp.status_code == 202, resp.get_json()
    body = resp.get_json()
    assert body["status"] == "pending" and body["node_id"] == node_id
    return body["task_id"]


def wait_status(api, task_id, status, timeout=30):
    return api.wait_job(task_id, timeout=timeout, until=(status,))


@pytest.mark.parametrize(("model", "path"), [(OPENAI_MODEL, "/chat/completions"), (ANTHROPIC_MODEL, "/messages")])
def test_reply_end_to_end(app, alice, fake_ai, model, path):
    node = alice.write("What should I write about today?")
    task_id = ask(alice, node["id"], model)
    job = alice.wait_job(task_id)
    assert job["status"] == "completed", job
    status = alice.get(f"/api/nodes/{node['id']}/llm-status").get_json()
    assert status["task_id"] == task_id and status["progress"] == 100
    reply = status["result"]["node"]  # the one job shape: outputs live in `result`
    assert status == {**job, "result": status["result"]} and status["result"]["llm_node_id"] == reply["id"]
    assert reply["parent_id"] == node["id"] and reply["node_type"] == "llm" and reply["llm_model"] == model
    assert reply["author"] == f"ai:{model}"
    assert reply["content"].startswith("Reply from")
    assert len(fake_ai.requests_to(path)) == 1
    # The tokens the call used went to the one human node of the thread.
    used = job["result"]["total_tokens"]
    assert used > 0 and credits(app, task_id) == used
    assert alice.get(f"/api/nodes/{node['id']}").get_json()["distributed_tokens"] == used


def test_thread_is_sent_oldest_first_with_roles_and_authors(app, alice, bob, fake_ai):
    root = alice.write("Alice starts the thread.", privacy="public")
    first = alice.wait_job(ask(alice, root["id"]))
    reply_id = first["result"]["llm_node_id"]
    follow = bob.write("Bob joins in.", parent_id=reply_id, privacy="public")
    fake_ai.reset()
    job = bob.wait_job(ask(bob, follow["id"]))
    assert job["status"] == "completed"
    sent = fake_ai.requests_to("/chat/completions")[0].json["messages"]
    convo = [m for m in sent if m["role"] != "system"]
    assert [m["role"] for m in convo] == ["user", "assistant", "user"]
    assert convo[0]["content"] == f"{alice.username}: Alice starts the thread."
    assert convo[1]["content"].startswith("Reply from")
    assert convo[2]["content"] == f"{bob.username}: Bob joins in."
    # Credit is shared in proportion to length between Alice's and Bob's nodes.
    with app.app_context():
        rows = db.session.scalars(select(TokenCredit).where(TokenCredit.job_id == job["task_id"])).all()
    shares = {r.user_id: r.tokens for r in rows}
    assert sum(shares.values()) == job["result"]["total_tokens"]
    assert shares[alice.user["id"]] > shares[bob.user["id"]] > 0


def test_transient_errors_are_retried(alice, fake_ai):
    fake_ai.fail_next(1, status=429)  # absorbed by the SDK's own retry
    job = alice.wait_job(ask(alice, alice.write("rate limited")["id"]))
    assert job["status"] == "completed" and job["attempts"] == 1
    fake_ai.reset()
    fake_ai.fail_next(2, status=503)  # outlasts the SDK's retry: the engine retries the job
    job = alice.wait_job(ask(alice, alice.write("server error")["id"]))
    assert job["status"] == "completed" and job["attempts"] == 2
    assert len(fake_ai.requests_to("/chat/completions")) == 3


def test_persistent_outage_fails_with_a_clear_message(alice, fake_ai):
    fake_ai.fail_next(100, status=503)
    job = alice.wait_job(ask(alice, alice.write("never answered")["id"]))
    assert job["status"] == "failed" and job["attempts"] == job["max_attempts"]
    assert "Gave up after" in job["error"] and "error_detail" not in job


def test_rejected_key_fails_at_once(alice, fake_ai):
    fake_ai.fail_next(1, status=401)
    job = alice.wait_job(ask(alice, alice.write("bad key")["id"]))
    assert job["status"] == "failed" and job["attempts"] == 1
    # The writer is told what to do in their terms; which key is wrong is for administrators.
    assert job["error"] == UNAVAILABLE and "error_detail" not in job
    assert len(fake_ai.requests_to("/chat/completions")) == 1


def test_operator_detail_of_a_failure_is_for_administrators_only(alice, make_user, fake_ai):
    fake_ai.fail_next(1, status=401)
    task_id = ask(alice, alice.write("bad key again")["id"])
    job = alice.wait_job(task_id)
    assert "OPENAI_API_KEY" not in str(job)
    admin = make_user(admin=True)
    seen = admin.get(f"/api/jobs/{task_id}").get_json()
    assert seen["error"] == UNAVAILABLE
    assert "The OpenAI API key was rejected. Check OPENAI_API_KEY." in seen["error_detail"]


def test_unknown_model_is_refused_up_front(alice):
    resp = alice.post(f"/api/nodes/{alice.write('x')['id']}/llm", json={"model": "no-such-model"})
    assert resp.status_code == 400 and "no-such-model" in resp.get_json()["error"]


def test_duplicate_request_returns_the_active_job(alice, fake_ai):
    fake_ai.set_latency(1.5)
    node = alice.write("once please")
    first = ask(alice, node["id"])
    again = alice.post(f"/api/nodes/{node['id']}/llm", json={"model": OPENAI_MODEL})
    assert again.status_code == 202 and again.get_json()["task_id"] == first
    assert again.get_json()["status"] in ("pending", "processing")
    assert ask(alice, node["id"], ANTHROPIC_MODEL) != first  # another model is another job
    assert alice.wait_job(first)["status"] == "completed"
    assert ask(alice, node["id"]) != first  # once finished, a new request makes a new job


def test_killed_pool_process_mid_job_still_completes_once(app, alice, fake_ai, worker):
    fake_ai.set_latency(3)
    node = alice.write("survive a crash")
    task_id = ask(alice, node["id"])
    wait_status(alice, task_id, "processing")
    with app.app_context():
        owner = db.session.get_one(Job, task_id).worker
    assert owner is not None
    pid = int(owner.rpartition(":")[2])
    assert pid in worker.pool_pids()
    os.kill(pid, signal.SIGKILL)
    fake_ai.set_latency(0)
    done = alice.wait_job(task_id, timeout=60)
    assert done["status"] == "completed" and done["attempts"] == 2, done
    assert len(reply_nodes(app, task_id)) == 1
    assert credits(app, task_id) == done["result"]["total_tokens"]
    # A stale copy of the message arriving later changes nothing.
    with app.app_context():
        enqueue.send(db.session.get_one(Job, task_id))
    time.sleep(1.0)
    assert len(reply_nodes(app, task_id)) == 1 and credits(app, task_id) == done["result"]["total_tokens"]
    assert alice.get(f"/api/jobs/{task_id}").get_json()["attempts"] == 2


def test_whole_worker_killed_job_is_recovered_by_the_reaper(app, alice, fake_ai, worker, service_env, run_dir):
    """The main process dies too: Redis will not redeliver for hours, so the heartbeat and reaper must."""
    from tests.services import Worker

    control = app.extensions["celery"].control
    doomed = Worker(service_env, run_dir / "doomed-worker.log", concurrency=1, queues="llm").start()
    control.cancel_consumer("llm", destination=[worker.name], reply=True)
    try:
        fake_ai.set_latency(3)
        task_id = ask(alice, alice.write("the machine dies")["id"])
        wait_status(alice, task_id, "processing")
        with app.app_context():
            owner = db.session.get_one(Job, task_id).worker
            assert owner is not None and int(owner.rpartition(":")[2]) in doomed.pool_pids()
        doomed.kill_all()
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
    fake_ai.set_latency(0)
    time.sleep(float(service_env["JOB_STALE_SECONDS"]) + 1.5)  # the heartbeat goes silent
    with app.app_context():
        assert reaper.reap()["recovered"] >= 1
    done = alice.wait_job(task_id, timeout=60)
    assert done["status"] == "completed" and done["attempts"] == 2
    assert len(reply_nodes(app, task_id)) == 1 and credits(app, task_id) == done["result"]["total_tokens"]


def test_pool_process_over_the_memory_limit_is_replaced_after_its_job(
    app, alice, fake_ai, worker, service_env, run_dir
):
    """WORKER_MAX_MEMORY_MB bounds a pool process: past it, the process is replaced once its
    job is done. (Under it, a process serves many jobs: the next test.)"""
    from tests.services import Worker

    control = app.extensions["celery"].control
    env = dict(service_env, WORKER_MAX_MEMORY_MB="1")
    tight = Worker(env, run_dir / "tight-worker.log", concurrency=1, queues="llm").start()
    control.cancel_consumer("llm", destination=[worker.name], reply=True)
    try:
        owners: list[str | None] = []
        for text in ("first", "second"):
            done = alice.wait_job(ask(alice, alice.write(text)["id"]), timeout=60)
            assert done["status"] == "completed"
            with app.app_context():
                owners.append(db.session.get_one(Job, done["task_id"]).worker)
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
        tight.stop()
    first, second = (int((owner or "").rpartition(":")[2]) for owner in owners)
    assert first != second
    assert "passed WORKER_MAX_MEMORY_MB (1)" in tight.log_path.read_text()  # the log says why


def test_pool_process_under_the_memory_limit_serves_job_after_job(app, alice, fake_ai, worker, service_env, run_dir):
    from tests.services import Worker

    control = app.extensions["celery"].control
    roomy = Worker(service_env, run_dir / "roomy-worker.log", concurrency=1, queues="llm").start()
    control.cancel_consumer("llm", destination=[worker.name], reply=True)
    try:
        owners = set()
        for text in ("first", "second", "third"):
            done = alice.wait_job(ask(alice, alice.write(text)["id"]), timeout=60)
            with app.app_context():
                owners.add(db.session.get_one(Job, done["task_id"]).worker)
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
        roomy.stop()
    assert len(owners) == 1
    assert "passed WORKER_MAX_MEMORY_MB" not in roomy.log_path.read_text()


def test_worker_stopped_for_a_deploy_hands_its_job_over(app, alice, fake_ai, worker, service_env, run_dir):
    """SIGTERM is a soft shutdown: after 10 s the running task's message goes back to Redis and
    the other worker takes the job over at once, instead of waiting for the slow call to end."""
    from tests.services import Worker

    control = app.extensions["celery"].control
    leaving = Worker(service_env, run_dir / "leaving-worker.log", concurrency=1, queues="llm").start()
    control.cancel_consumer("llm", destination=[worker.name], reply=True)
    try:
        fake_ai.set_latency(60)  # far longer than the soft shutdown allows
        task_id = ask(alice, alice.write("deploy time")["id"])
        wait_status(alice, task_id, "processing")
        while not fake_ai.requests_to("/chat/completions"):  # the slow call is under way
            time.sleep(0.05)
        assert leaving.proc is not None
        leaving.proc.send_signal(signal.SIGTERM)
        fake_ai.set_latency(0)  # the call in flight keeps its 60 s; the next attempt's is quick
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
    assert leaving.proc is not None
    leaving.proc.wait(timeout=45)
    log = leaving.log_path.read_text()
    assert "Soft Shutdown" in log and "Restoring 1 unacknowledged message" in log
    done = alice.wait_job(task_id, timeout=60)
    assert done["status"] == "completed" and done["attempts"] == 2
    assert len(reply_nodes(app, task_id)) == 1 and credits(app, task_id) == done["result"]["total_tokens"]


def test_stale_processing_job_is_recovered_by_the_reaper(app, alice):
    node = alice.write("stuck job")
    with app.app_context():
        job = Job(
            kind="llm_reply",
            user_id=alice.user["id"],
            node_id=node["id"],
            params={"model": OPENAI_MODEL},
            queue="llm",
            status="processing",
            attempts=1,
            claim_token="old",
            worker="gone-host:1",
            heartbeat_at=utcnow() - timedelta(minutes=10),
            started_at=utcnow() - timedelta(minutes=10),
        )
        db.session.add(job)
        db.session.commit()
        task_id = job.id
        assert reaper.reap()["recovered"] >= 1
    done = alice.wait_job(task_id)
    assert done["status"] == "completed" and done["attempts"] == 2
    assert len(reply_nodes(app, task_id)) == 1


def test_job_interrupted_too_often_is_failed_by_the_reaper(app, alice):
    node = alice.write("hopeless")
    with app.app_context():
        job = Job(
            kind="llm_reply",
            user_id=alice.user["id"],
            node_id=node["id"],
            params={"model": OPENAI_MODEL},
            queue="llm",
            status="processing",
            attempts=3,
            max_attempts=3,
            claim_token="old",
            worker="gone-host:1",
            heartbeat_at=utcnow() - timedelta(minutes=10),
        )
        db.session.add(job)
        db.session.commit()
        task_id = job.id
        reaper.reap()
    failed = alice.get(f"/api/jobs/{task_id}").get_json()
    assert failed["status"] == "failed" and "interrupted 3 times" in failed["error"]


def test_cancel_pending_and_running_then_retry(app, alice, fake_ai):
    fake_ai.set_latency(2.5)
    running = [ask(alice, alice.write(f"busy {i}")["id"]) for i in range(2)]
    for task_id in running:
        wait_status(alice, task_id, "processing")
    waiting = ask(alice, alice.write("queued")["id"])
    assert alice.get(f"/api/jobs/{waiting}").get_json()["status"] == "pending"

    resp = alice.post(f"/api/jobs/{waiting}/cancel")
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    resp = alice.post(f"/api/jobs/{running[0]}/cancel")
    assert resp.status_code == 202 and resp.get_json()["cancel_requested"] is True

    cancelled = alice.wait_job(running[0])
    assert cancelled["status"] == "cancelled"
    assert reply_nodes(app, running[0]) == [] and credits(app, running[0]) == 0  # no half-made result
    assert alice.wait_job(running[1])["status"] == "completed"
    assert alice.post(f"/api/jobs/{running[1]}/cancel").status_code == 409

    fake_ai.set_latency(0)
    retry = alice.post(f"/api/jobs/{waiting}/retry")
    assert retry.status_code == 202
    new_id = retry.get_json()["task_id"]
    assert new_id != waiting and retry.get_json()["retry_of"] == waiting
    done = alice.wait_job(new_id)
    assert done["status"] == "completed" and done["retry_of"] == waiting
    assert alice.post(f"/api/jobs/{new_id}/retry").status_code == 409  # only failed or cancelled


def test_jobs_list_is_own_newest_first_and_filterable(alice, bob):
    first = ask(alice, alice.write("a")["id"])
    second = ask(alice, alice.write("b")["id"])
    alice.wait_job(first), alice.wait_job(second)
    ids = [j["task_id"] for j in alice.get("/api/jobs?kind=llm_reply").get_json()["items"]]
    assert ids.index(second) < ids.index(first)
    assert all(j["status"] == "completed" for j in alice.get("/api/jobs?status=completed").get_json()["items"])
    assert alice.get("/api/jobs?status=bogus").status_code == 400
    assert first not in [j["task_id"] for j in bob.get("/api/jobs").get_json()["items"]]


def test_other_users_cannot_see_or_touch_a_job(alice, bob, make_user):
    node = alice.write("alice's question", privacy="public")
    task_id = ask(alice, node["id"])
    assert bob.get(f"/api/jobs/{task_id}").status_code == 404
    assert bob.post(f"/api/jobs/{task_id}/cancel").status_code == 404
    assert bob.post(f"/api/jobs/{task_id}/retry").status_code == 404
    assert bob.get(f"/api/nodes/{node['id']}/llm-status").status_code == 404
    admin = make_user(admin=True)
    seen = admin.get(f"/api/jobs/{task_id}").get_json()
    assert seen["task_id"] == task_id and "error_detail" in seen
    assert alice.wait_job(task_id)["status"] == "completed"
    private = alice.write("private question")
    assert bob.post(f"/api/nodes/{private['id']}/llm", json={}).status_code == 404


def test_redis_down_at_request_time_job_runs_after_it_returns(app, alice, redis_server):
    node = alice.write("while redis sleeps")
    redis_server.stop()
    try:
        started = time.monotonic()
        resp = alice.post(f"/api/nodes/{node['id']}/llm", json={"model": OPENAI_MODEL})
        elapsed = time.monotonic() - started
        assert resp.status_code == 202, resp.get_json()
        task_id = resp.get_json()["task_id"]
        assert alice.get(f"/api/jobs/{task_id}").get_json()["status"] == "pending"
        assert elapsed < 20
    finally:
        redis_server.start()
    with app.app_context():
        db.session.execute(update(Job).where(Job.id == task_id).values(created_at=utcnow() - timedelta(seconds=30)))
        db.session.commit()
        assert reaper.reap()["resent"] >= 1
    assert alice.wait_job(task_id, timeout=90)["status"] == "completed"
