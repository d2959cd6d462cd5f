"""What a job costs the database on its hot path, counted in process (the engine's calls, with
Celery's send_task recorded instead of sent). Counts, not timings: a query or a commit added
to every progress report would go unnoticed otherwise."""

from contextlib import contextmanager

from sqlalchemy import event

from tests.unit import test_engine
from tests.unit.test_engine import claim, fresh, submit
from wop.extensions import db
from wop.models import JobStatus

engine_app, ctx = test_engine.engine_app, test_engine.ctx  # the engine tests' app and job fixtures


@contextmanager
def round_trips():
    """{"statements": [...], "commits": n} sent while open."""
    seen: dict = {"statements": [], "commits": 0}

    def statement(conn, cursor, sql, *args):
        seen["statements"].append(sql)

    def commit(conn):
        seen["commits"] += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)


def _selects_of_job(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM job" in s)


def test_a_progress_stage_is_one_write_and_one_commit(ctx):
    _sent, user, node = ctx
    job, _ = submit(user, node)
    run = claim(job.id)
    try:
        with round_trips() as seen:
            run.progress(40, "Thinking")
        writes = [s for s in seen["statements"] if "job" in s and not s.lstrip().upper().startswith("SELECT")]
        before_event = seen["statements"][: seen["statements"].index(writes[0]) + 1]
        # The checkpoint rides on the write (its WHERE holds the claim and the cancel flag): no
        # separate read and commit before it.
        assert len(writes) == 1 and _selects_of_job(before_event) == 0, seen["statements"]
        assert fresh(job.id).stage == "Thinking"
    finally:
        run.release()
    assert run.complete(result={"ok": True}) == {"ok": True}
    assert fresh(job.id).status == JobStatus.COMPLETED


def test_telling_the_owner_reads_the_job_and_its_owner_at_once(ctx):
    """announce runs after each of a job's commits (submit, claim, completion), when the job
    and its owner loaded before are expired: one statement reads both again."""
    from wop.jobs.live import announce

    _sent, user, node = ctx
    job_id = submit(user, node)[0].id
    db.session.commit()  # expires everything loaded, as the engine's own commits do
    with round_trips() as seen:
        announce(job_id)
    assert len(seen["statements"]) == 1, seen["statements"]


def test_a_completed_job_is_not_read_again_to_log_how_it_ended(ctx):
    """The completing write is guarded by the attempt's claim: once it committed, the attempt
    knows the job is completed, and neither its event (made from what the attempt wrote and the
    owner it read at the claim) nor its log line needs a read."""
    from wop.jobs import JobRun
    from wop.jobs.runner import run_job

    _sent, user, node = ctx
    job_id = submit(user, node)[0].id

    def body(run: JobRun) -> None:
        run.complete(result={"ok": True})

    with round_trips() as seen:
        run_job(job_id, body)
    assert fresh(job_id).status == JobStatus.COMPLETED
    statements = seen["statements"]
    completing = max(i for i, s in enumerate(statements) if s.lstrip().startswith("UPDATE job") and "finished_at" in s)
    assert statements[completing + 1 :] == []
