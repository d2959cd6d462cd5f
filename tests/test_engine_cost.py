"""What one AI reply costs the database and Redis, from the request to the job completed: the
statements, commits and connection checkouts, and the Redis round trips, on the web side
(`POST /api/nodes/<id>/llm`) and on the worker side (the job run in this process). Counts, not
timings: a round trip added to every job fails here, on SQLite and PostgreSQL alike.

The broker's send is recorded instead of sent (one round trip to Redis in production), so no
worker of the test session takes the job."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from redis.connection import AbstractConnection
from sqlalchemy import event

from wop.extensions import db
from wop.jobs.runner import run_job
from wop.models import Job, JobStatus
from wop.redis_client import redis_client
from wop.tasks.llm_reply import llm_reply

# The budget of one AI reply to a root entry (docs/benchmarks.md, "The job engine's cost").
# Web: the session, the user and the entry are read, the job inserted and committed once (with
# its enqueued_at), the owner told in one Redis round trip (the broker's send is one more; the
# two share one wait: wop/events.py, publishing).
WEB = {"statements": 4, "commits": 1, "checkouts": 1, "redis": 1}
# Worker: the claim is one UPDATE … RETURNING, its owner read once; the thread is read; the
# "Asking" stage is one write; the reply, its sources and token credit and the job's completion
# are one transaction. The owner's events are made from what the attempt wrote (no reading the
# job back); the completed one shows the reply, checked as readable (its entry and sources).
# Redis: the owner is told of the claim, the stage and the completion, one round trip each, and
# of the reply's text (kept and told in one round trip) at its first piece and at its end.
WORKER = {"statements": 15, "commits": 3, "checkouts": 4, "redis": 5}


@dataclass
class Cost:
    statements: list[str] = field(default_factory=list)
    commits: int = 0
    checkouts: int = 0  # transactions: each costs a ping and a BEGIN on PostgreSQL besides its statements
    redis: int = 0  # round trips: a pipeline is one

    def counts(self) -> dict[str, int]:
        return {
            "statements": len(self.statements),
            "commits": self.commits,
            "checkouts": self.checkouts,
            "redis": self.redis,
        }


@contextmanager
def counting(app) -> Iterator[Cost]:
    """Counts what this thread sends (not the job watcher's thread, which waits on its own)."""
    cost, here = Cost(), threading.get_ident()

    def mine() -> bool:
        return threading.get_ident() == here

    def statement(_conn, _cursor, sql, *_args):
        if mine():
            cost.statements.append(sql)

    def commit(_conn):
        if mine():
            cost.commits += 1

    def checkout(*_args):
        if mine():
            cost.checkouts += 1

    real_send = AbstractConnection.send_packed_command

    def send(self, command, check_health=True):
        if mine():
            cost.redis += 1
        return real_send(self, command, check_health)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    event.listen(engine.pool, "checkout", checkout)
    AbstractConnection.send_packed_command = send  # type: ignore[method-assign]
    try:
        yield cost
    finally:
        AbstractConnection.send_packed_command = real_send  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)
        event.remove(engine.pool, "checkout", checkout)


@pytest.fixture
def recorded_sends(app):
    celery = app.extensions["celery"]
    sent: list[str] = []
    real = celery.send_task
    celery.send_task = lambda name, args=None, **_kw: sent.append(args[0])
    yield sent
    celery.send_task = real


def test_one_ai_reply_costs_a_bounded_number_of_round_trips(app, alice, fake_ai, recorded_sends):
    entry = alice.write("What should I write about today?")
    alice.post(f"/api/nodes/{entry['id']}/llm", json={"model": "test-gpt"})  # warm: the model's account
    with app.app_context():
        job_id = recorded_sends[-1]
        run_job(job_id, llm_reply)
    second = alice.write("And tomorrow?")

    with counting(app) as web:
        resp = alice.post(f"/api/nodes/{second['id']}/llm", json={"model": "test-gpt"})
    assert resp.status_code == 202, resp.get_json()
    job_id = resp.get_json()["task_id"]
    assert recorded_sends[-1] == job_id
    with app.app_context(), counting(app) as worker:
        run_job(job_id, llm_reply)
    with app.app_context():
        job = db.session.get_one(Job, job_id)
        assert job.status == JobStatus.COMPLETED, job.error_detail
        assert job.enqueued_at is not None  # the reaper tells a sent job from an unsent one by it

    for name, budget in WEB.items():
        assert web.counts()[name] <= budget, (name, web.counts(), web.statements)
    for name, budget in WORKER.items():
        assert worker.counts()[name] <= budget, (name, worker.counts(), worker.statements)


def test_the_job_events_made_from_the_attempt_show_the_job_as_it_is_read(app, make_user, fake_ai, recorded_sends):
    """The worker tells the owner of its writes from what it wrote, without reading the job back:
    each `job` event must still be the job as `GET /api/jobs/<id>` shows it (an administrator,
    who sees more of it, included; and a job long enough for the watcher to write heartbeats on
    its own thread, JOB_HEARTBEAT_SECONDS being 1 here)."""
    from wop import events

    for admin, provider_wait in ((False, 0.0), (True, 0.0), (False, 2.5)):
        fake_ai.set_latency(provider_wait)
        owner = make_user(admin=admin)
        entry = owner.write("What did I miss?")
        resp = owner.post(f"/api/nodes/{entry['id']}/llm", json={"model": "test-gpt"})
        job_id = resp.get_json()["task_id"]
        with app.app_context():
            run_job(job_id, llm_reply)
            sent = [json.loads(e.data) for e in events.read(owner.user["id"], "0-0", 0.01) if e.event == "job"]
        shown = owner.get(f"/api/jobs/{job_id}").get_json()
        told = [e for e in sent if e["task_id"] == job_id]
        assert [e["status"] for e in told] == ["pending", "processing", "processing", "completed"]
        assert told[-1] == shown
        assert shown["result"]["node"]["content"]  # the reply itself, as its owner reads it
        claimed, asking = told[1], told[2]
        assert claimed["started_at"] == shown["started_at"] and claimed["stage"] == "Started"
        assert asking["stage"].startswith("Asking") and asking["progress"] == 10
        assert asking["heartbeat_at"] >= claimed["heartbeat_at"]
        if provider_wait:  # the watcher's beats came after the stage's write
            assert shown["heartbeat_at"] > asking["heartbeat_at"]
        assert all(("worker" in e) == admin for e in told[1:])  # what only administrators see
        with app.app_context():  # the claim keeps out a `pending` of this job that comes late
            assert redis_client().exists(f"wop:job:{job_id}:claimed")
