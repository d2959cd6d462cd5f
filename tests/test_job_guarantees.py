"""What the job engine promises beyond the happy path: duplicates are per user and survive
retries, an entry deleted mid-job gets nothing, a cancel stops the provider call at once, and a
dead worker's jobs resume as soon as a worker is back. Real worker, Redis and fake AI."""
import threading
import time

import pytest
import requests
from sqlalchemy import event, func, select, update

from wop.extensions import db
from wop.jobs import engine
from wop.models import Job, JobStatus, Node, TokenCredit

MODEL = "test-gpt"

pytestmark = pytest.mark.usefixtures("jobs_ready")


def ask(api, node_id, model=MODEL):
    resp = api.post(f"/api/nodes/{node_id}/llm", json={"model": model})
    assert resp.status_code == 202, resp.get_json()
    return resp.get_json()["task_id"]


def replies_under(app, node_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Node)
                                 .where(Node.parent_id == node_id, Node.node_type == "llm"))


def credit_rows(app, node_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(TokenCredit).where(TokenCredit.node_id == node_id))


def test_duplicate_detection_is_per_user(alice, bob, fake_ai):
    fake_ai.set_latency(1.5)
    node = alice.write("a public question", privacy="public")
    alices = ask(alice, node["id"])
    bobs = ask(bob, node["id"])
    assert bobs != alices  # Bob is never handed Alice's job
    assert bob.get(f"/api/jobs/{bobs}").status_code == 200
    assert bob.get(f"/api/jobs/{alices}").status_code == 404
    assert ask(alice, node["id"]) == alices  # Alice's own duplicate is still caught
    assert alice.wait_job(alices)["status"] == bob.wait_job(bobs)["status"] == "completed"


def test_retries_keep_the_duplicate_key(app, alice, fake_ai):
    node = alice.write("retry me twice")
    fake_ai.fail_next(1, status=401)  # permanent: fails at once
    failed = ask(alice, node["id"])
    assert alice.wait_job(failed)["status"] == "failed"

    fake_ai.set_latency(1.5)
    first = alice.post(f"/api/jobs/{failed}/retry")
    second = alice.post(f"/api/jobs/{failed}/retry")
    fresh = ask(alice, node["id"])
    assert first.status_code == second.status_code == 202
    assert first.get_json()["task_id"] == second.get_json()["task_id"] == fresh
    assert first.get_json()["retry_of"] == failed
    with app.app_context():
        active = db.session.scalar(select(func.count()).select_from(Job).where(
            Job.node_id == node["id"], Job.status.in_(JobStatus.ACTIVE)))
    assert active == 1
    assert alice.wait_job(fresh)["status"] == "completed"
    assert replies_under(app, node["id"]) == 1 and credit_rows(app, node["id"]) == 1


def test_a_race_on_the_duplicate_key_answers_a_job_never_an_error(app, alice):
    """The active duplicate ends between our failed insert and our look-up: insert again."""
    node = alice.write("racing")
    with app.app_context():
        held, created = engine.submit("llm_reply", alice.user["id"], node_id=node["id"],
                                      params={"model": MODEL}, dedupe_key=f"race:{node['id']}")
        assert created

        fired = []

        def finish_the_holder(state):
            """Just before the look-up for the active duplicate, another process finishes it."""
            if state.is_select and not fired:
                fired.append(True)
                with db.engine.begin() as conn:
                    conn.execute(update(Job).where(Job.id == held.id).values(status=JobStatus.COMPLETED))

        event.listen(db.session, "do_orm_execute", finish_the_holder)
        try:
            job, created = engine.submit("llm_reply", alice.user["id"], node_id=node["id"],
                                         params={"model": MODEL}, dedupe_key=f"race:{node['id']}")
        finally:
            event.remove(db.session, "do_orm_execute", finish_the_holder)
        assert fired
        assert created and job.id != held.id and job.dedupe_key == held.dedupe_key


def test_many_identical_requests_at_once_make_one_job(alice, live_server, fake_ai):
    fake_ai.set_latency(1)
    node = alice.write("everyone click at once")
    session = requests.Session()
    session.post(f"{live_server.url}/auth/login", json={"username": alice.username, "password": alice.password})
    csrf = session.get(f"{live_server.url}/auth/csrf").json()["csrf_token"]
    answers = []

    def click():
        answers.append(session.post(f"{live_server.url}/api/nodes/{node['id']}/llm", json={"model": MODEL},
                                    headers={"X-CSRF-Token": csrf}, timeout=30))

    threads = [threading.Thread(target=click) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted({a.status_code for a in answers}) == [202]
    assert len({a.json()["task_id"] for a in answers}) == 1


def test_an_entry_deleted_while_its_job_runs_gets_nothing(app, alice, fake_ai):
    fake_ai.set_latency(2)
    node = alice.write("delete me mid-reply")
    task_id = ask(alice, node["id"])
    alice.wait_job(task_id, until=("processing",))
    while not fake_ai.requests_to("/chat/completions"):
        time.sleep(0.05)
    assert alice.delete(f"/api/nodes/{node['id']}").status_code == 204
    job = alice.wait_job(task_id)
    assert job["status"] == "cancelled"
    assert job["error"] == engine.ENTRY_GONE
    assert replies_under(app, node["id"]) == 0 and credit_rows(app, node["id"]) == 0


def test_cancel_closes_a_streaming_reply_at_once(app, alice, fake_ai):
    fake_ai.set_reply_words(400)
    fake_ai.set_stream_delay(0.05)  # a 20-second reply
    node = alice.write("a long answer, please")
    task_id = ask(alice, node["id"])
    alice.wait_job(task_id, until=("processing",))
    while not fake_ai.requests_to("/chat/completions"):
        time.sleep(0.05)
    time.sleep(0.5)  # the reply is streaming
    assert alice.post(f"/api/jobs/{task_id}/cancel").status_code == 202
    job = alice.wait_job(task_id, timeout=10)  # far sooner than the reply would end
    assert job["status"] == "cancelled"
    deadline = time.monotonic() + 5
    while fake_ai.aborted_streams == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fake_ai.aborted_streams == 1  # our side closed the stream: the vendor stops generating
    assert replies_under(app, node["id"]) == 0 and credit_rows(app, node["id"]) == 0


def test_cancel_interrupts_a_provider_that_has_not_answered_yet(app, alice, fake_ai):
    fake_ai.set_latency(25)  # not even the headers come back for 25 s
    node = alice.write("a provider that hangs")
    task_id = ask(alice, node["id"])
    alice.wait_job(task_id, until=("processing",))
    while not fake_ai.requests_to("/chat/completions"):
        time.sleep(0.05)
    assert alice.post(f"/api/jobs/{task_id}/cancel").status_code == 202
    job = alice.wait_job(task_id, timeout=10)
    assert job["status"] == "cancelled" and replies_under(app, node["id"]) == 0
    fake_ai.set_latency(0)
    # The worker process that was interrupted goes on to run the next job normally.
    assert alice.wait_job(ask(alice, alice.write("next one")["id"]))["status"] == "completed"


def _dedicated_worker(app, worker, service_env, run_dir, name):
    from tests.services import Worker

    doomed = Worker(service_env, run_dir / f"{name}.log", concurrency=1, queues="llm").start()
    app.extensions["celery"].control.cancel_consumer("llm", destination=[worker.name], reply=True)
    return doomed


def test_whole_worker_killed_jobs_resume_when_a_worker_starts(app, alice, fake_ai, worker, service_env, run_dir):
    """No reaper runs here and the heartbeat is not yet stale: the new worker's start finds the
    dead owner and takes its job back."""
    from tests.services import Worker

    control = app.extensions["celery"].control
    doomed = _dedicated_worker(app, worker, service_env, run_dir, "killed-worker")
    try:
        fake_ai.set_latency(3)
        task_id = ask(alice, alice.write("the machine dies, a worker comes back")["id"])
        alice.wait_job(task_id, until=("processing",))
        doomed.kill_all()
        fake_ai.set_latency(0)
        replacement = Worker(service_env, run_dir / "replacement-worker.log", concurrency=1, queues="llm").start()
        try:
            done = alice.wait_job(task_id, timeout=30)
        finally:
            replacement.stop()
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
    assert done["status"] == "completed" and done["attempts"] == 2
    assert replies_under(app, done["node_id"]) == 1


def test_reaper_recovers_a_dead_owners_job_without_waiting_for_silence(app, alice, fake_ai, worker, service_env,
                                                                         run_dir):
    control = app.extensions["celery"].control
    doomed = _dedicated_worker(app, worker, service_env, run_dir, "reaped-worker")
    try:
        fake_ai.set_latency(3)
        task_id = ask(alice, alice.write("reaped at once")["id"])
        alice.wait_job(task_id, until=("processing",))
        doomed.kill_all()
    finally:
        control.add_consumer("llm", destination=[worker.name], reply=True)
    fake_ai.set_latency(0)
    with app.app_context():
        assert engine.reap()["recovered"] >= 1  # the heartbeat is seconds old, the owner is gone
        assert db.session.get(Job, task_id).attempts == 1  # taken back, not yet run again
    done = alice.wait_job(task_id, timeout=30)
    assert done["status"] == "completed" and done["attempts"] == 2
