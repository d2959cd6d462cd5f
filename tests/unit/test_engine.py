"""The job engine's rules, fast: SQLite in a temporary folder, Celery's sending replaced by a
recorder, no Redis and no worker. Each test drives the engine the way a request and a worker
would and checks the rows it leaves."""

import os
import socket
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from wop.commands import reap as reap_command
from wop.errors import Conflict, JobFailed
from wop.extensions import db
from wop.jobs import enqueue, reaper
from wop.jobs import run as run_module
from wop.jobs.run import ENTRY_GONE, JobCancelled, JobRun, JobSuperseded
from wop.jobs.runner import UNEXPECTED, run_job
from wop.models import Job, JobStatus, Node, User
from wop.models.base import utcnow


class Sent:
    """Stands in for Celery's send_task: records what would have gone to the broker."""

    def __init__(self):
        self.messages: list[dict] = []
        self.broken = False

    def __call__(self, name, args=None, task_id=None, queue=None, countdown=None, retry=None):
        if self.broken:
            raise ConnectionError("broker unreachable")
        self.messages.append({"name": name, "job_id": args[0], "queue": queue, "countdown": countdown})

    def ids(self) -> list[str]:
        return [m["job_id"] for m in self.messages]


@pytest.fixture(scope="module")
def engine_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    os.environ.setdefault("DATA_DIR", str(folder))
    from wop import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATA_DIR": folder,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'engine.sqlite3'}",
            "REDIS_URL": "redis://127.0.0.1:9/0",  # nothing listens: cancel signals fall back to the database
            "JOB_MAX_ATTEMPTS": 3,
            "JOB_RETRY_BASE_SECONDS": 5.0,
            "JOB_STALE_SECONDS": 90.0,
            "JOB_HEARTBEAT_SECONDS": 3600.0,  # the watcher never beats during these tests
        }
    )
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def ctx(engine_app):
    sent = Sent()
    engine_app.extensions["celery"].send_task = sent
    with engine_app.app_context():
        db.session.execute(delete(Job))  # every test starts with no jobs
        user = User(username=f"u{time.time_ns()}", password_hash="x")
        db.session.add(user)
        db.session.commit()
        node = Node(user_id=user.id, content="an entry")
        db.session.add(node)
        db.session.commit()
        yield sent, user, node
        db.session.rollback()


def fresh(job_id: str) -> Job:
    db.session.expire_all()
    return db.session.get_one(Job, job_id)


def claim(job_id: str) -> JobRun:
    """Claim a job this test expects to be free to claim."""
    run = JobRun.claim(job_id)
    assert run is not None
    return run


def submit(user, node=None, key="k", kind="llm_reply") -> tuple[Job, bool]:
    return enqueue.submit(kind, user.id, node_id=node.id if node else None, params={"model": "m"}, dedupe_key=key)


# -- submitting ------------------------------------------------------------------------------------


def test_submit_commits_then_sends_once(ctx):
    sent, user, node = ctx
    job, created = submit(user, node)
    assert created and fresh(job.id).status == JobStatus.PENDING and fresh(job.id).enqueued_at is not None
    assert sent.ids() == [job.id] and sent.messages[0]["queue"] == "llm"


def test_an_active_duplicate_is_answered_per_user(ctx, engine_app):
    sent, user, node = ctx
    first, _ = submit(user, node)
    again, created = submit(user, node)
    assert again.id == first.id and not created and sent.ids() == [first.id]
    other = User(username=f"o{time.time_ns()}", password_hash="x")
    db.session.add(other)
    db.session.commit()
    theirs, created = submit(other, node)
    assert created and theirs.id != first.id


def test_broker_down_leaves_the_job_pending_for_the_reaper(ctx):
    sent, user, node = ctx
    sent.broken = True
    job, created = submit(user, node)
    assert created and fresh(job.id).enqueued_at is None
    sent.broken = False
    assert reaper.reap()["resent"] == 0  # too new: the request may still be sending it
    db.session.execute(update(Job).where(Job.id == job.id).values(created_at=utcnow() - timedelta(seconds=30)))
    db.session.commit()
    assert reaper.reap()["resent"] == 1 and sent.ids() == [job.id]


# -- claiming and stale messages -------------------------------------------------------------------


def test_claim_takes_a_pending_job_once(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    try:
        row = fresh(job.id)
        assert row.status == JobStatus.PROCESSING and row.attempts == 1 and row.claim_token == run.token
        assert row.worker == f"{socket.gethostname()}:{os.getpid()}"
        # The same message again, while this (live) process holds the job: not ours to run...
        db.session.execute(update(Job).where(Job.id == job.id).values(worker="elsewhere:1"))
        db.session.commit()
        assert JobRun.claim(job.id) is None
    finally:
        run.release()


def test_a_message_for_a_job_whose_owner_died_here_takes_it_over(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    first = claim(job.id)
    first.release()
    gone = f"{socket.gethostname()}:{_dead_pid()}"
    db.session.execute(update(Job).where(Job.id == job.id).values(worker=gone))
    db.session.commit()
    second = claim(job.id)
    try:
        assert second.token != first.token and fresh(job.id).attempts == 2
        with pytest.raises(JobSuperseded):
            first.check_cancelled()  # the old attempt may write nothing any more
    finally:
        second.release()


def test_finished_jobs_ignore_their_messages(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    run.complete(result={"ok": True})
    run.release()
    assert JobRun.claim(job.id) is None and fresh(job.id).attempts == 1


# -- progress and completion -----------------------------------------------------------------------


def test_progress_writes_stages_at_once_and_percentages_once_a_second(ctx, monkeypatch):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    try:
        run.progress(10, "Reading")
        run.progress(20)  # within the interval: not written
        assert (fresh(job.id).progress, fresh(job.id).stage) == (10, "Reading")
        run.progress(30, "Writing")  # a new stage is always written
        assert (fresh(job.id).progress, fresh(job.id).stage) == (30, "Writing")
        monkeypatch.setattr(run_module, "PROGRESS_INTERVAL", 0.0)
        run.progress(150)
        assert fresh(job.id).progress == 99  # 100 means done, and only completion says so
    finally:
        run.release()


def test_complete_writes_the_result_with_the_status_and_returns_it(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    try:
        assert run.complete(lambda: {"answer": 42}) == {"answer": 42}
    finally:
        run.release()
    row = fresh(job.id)
    assert (row.status, row.progress, row.result) == (JobStatus.COMPLETED, 100, {"answer": 42})


def test_a_cancelled_job_writes_nothing(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    enqueue.cancel(fresh(job.id))

    def half_written() -> dict[str, Any]:
        db.session.add(Node(user_id=user.id, content="half"))
        return {}

    try:
        with pytest.raises(JobCancelled):
            run.progress(50, "Still going")
        with pytest.raises(JobCancelled):
            run.complete(half_written)
    finally:
        run.release()
    assert db.session.scalar(select(Node).where(Node.content == "half")) is None


def test_cancel_of_a_pending_job_is_at_once_and_of_a_finished_one_a_conflict(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    assert enqueue.cancel(fresh(job.id)).status == JobStatus.CANCELLED
    with pytest.raises(Conflict):
        enqueue.cancel(fresh(job.id))
    assert JobRun.claim(job.id) is None


def test_an_entry_deleted_meanwhile_cancels_the_job_and_nothing_is_written(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    fresh_node = db.session.get_one(Node, node.id)
    fresh_node.deleted_at = utcnow()
    db.session.commit()

    def run_job_body(attempt: JobRun) -> None:
        attempt.complete(lambda: {"llm_node_id": 1})

    run.release()
    db.session.execute(update(Job).where(Job.id == job.id).values(status="pending", claim_token=None))
    db.session.commit()
    run_job(job.id, run_job_body)
    row = fresh(job.id)
    assert row.status == JobStatus.CANCELLED and row.error == ENTRY_GONE and row.result is None


# -- failures, retries and the reaper --------------------------------------------------------------


def test_failures_become_job_states(ctx):
    sent, user, node = ctx
    cases = [
        (JobFailed("The AI service is busy.", "429 from vendor", transient=True), JobStatus.PENDING),
        (JobFailed("This recording could not be read.", "ffmpeg: bad header"), JobStatus.FAILED),
        (RuntimeError("a bug"), JobStatus.FAILED),
        (JobCancelled("The entry was deleted, so nothing was written."), JobStatus.CANCELLED),
    ]
    for i, (raised, status) in enumerate(cases):
        job, _ = submit(user, node, key=f"case{i}")

        def body(_run, raised=raised):
            raise raised

        run_job(job.id, body)
        row = fresh(job.id)
        assert row.status == status, (raised, row.status)
        if isinstance(raised, JobFailed):
            assert (row.error, row.error_detail) == (raised.message, raised.detail)
    retried = [m for m in sent.messages if m["countdown"] is not None]
    assert len(retried) == 1 and 2.5 <= retried[0]["countdown"] <= 5.0  # backoff with jitter


def test_an_unexpected_error_keeps_the_traceback_for_administrators(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)

    def body(_run):
        raise KeyError("llm_node_id")

    run_job(job.id, body)
    row = fresh(job.id)
    assert row.error == UNEXPECTED and "KeyError" in (row.error_detail or "")


def test_transient_failures_give_up_after_max_attempts(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    for _ in range(3):
        run_job(job.id, lambda _run: (_ for _ in ()).throw(JobFailed("Busy.", transient=True)))
    row = fresh(job.id)
    assert row.status == JobStatus.FAILED and row.attempts == 3 and "Gave up after 3 attempts" in (row.error or "")


def test_retry_is_a_new_job_keeping_the_key_and_retrying_twice_gives_the_same(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run_job(job.id, lambda _run: (_ for _ in ()).throw(JobFailed("No.")))
    first = enqueue.retry(fresh(job.id))
    second = enqueue.retry(fresh(job.id))
    fresh_request, created = submit(user, node)
    assert first.id == second.id == fresh_request.id and not created
    assert first.retry_of == job.id and first.dedupe_key == fresh(job.id).dedupe_key
    with pytest.raises(Conflict):
        enqueue.retry(first)  # pending: nothing to retry


def test_reaper_takes_back_silent_and_dead_owned_jobs_and_gives_up_at_the_limit(ctx):
    sent, user, node = ctx
    silent, _ = submit(user, node, key="silent")
    dead, _ = submit(user, node, key="dead")
    hopeless, _ = submit(user, node, key="hopeless")
    now = utcnow()
    rows = {
        silent.id: {"worker": "other-host:1", "heartbeat_at": now - timedelta(minutes=10), "attempts": 1},
        dead.id: {"worker": f"{socket.gethostname()}:{_dead_pid()}", "heartbeat_at": now, "attempts": 1},
        hopeless.id: {"worker": "other-host:1", "heartbeat_at": now - timedelta(minutes=10), "attempts": 3},
    }
    for job_id, values in rows.items():
        db.session.execute(update(Job).where(Job.id == job_id).values(status="processing", claim_token="t", **values))
    db.session.commit()
    counts = reaper.reap()
    assert counts["recovered"] == 2 and counts["failed"] == 1
    assert fresh(silent.id).status == fresh(dead.id).status == JobStatus.PENDING
    assert fresh(hopeless.id).status == JobStatus.FAILED and "interrupted 3 times" in (fresh(hopeless.id).error or "")
    assert sent.ids()[-2:] == sorted([silent.id, dead.id], key=sent.ids().index)


def test_the_reap_command_runs_the_reaper_once(ctx, engine_app):
    """`wop reap`: a job that never reached a worker is sent, and the counts are printed."""
    sent, user, node = ctx
    job, _ = submit(user, node)
    db.session.execute(
        update(Job).where(Job.id == job.id).values(enqueued_at=None, created_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    result = engine_app.test_cli_runner().invoke(reap_command)
    assert result.exit_code == 0, result.output
    assert "'resent': 1" in result.output and sent.ids().count(job.id) == 2


def _dead_pid() -> int:
    """A pid that no process has: one just reaped."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid
