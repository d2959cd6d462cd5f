"""The web side of the engine: record a job and send it; cancel; retry.

Duplicates: a job may carry a dedupe key (kind, entry, model …, always prefixed with the
user's id, so one person's request never answers with another's job). A partial unique index
allows one active job per key; the key stays on the row when the job ends, so a retry carries
it on and two retries of one job plus a fresh request still make one active job.
"""

import logging
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict
from ..extensions import db, rows_affected
from ..models import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobStatus
from ..models.base import utcnow
from ..redis_client import redis_client
from .job_log import job_event
from .live import announce, announcing
from .registry import KINDS
from .session import commit_keeping_loaded
from .watcher import cancel_key

log = logging.getLogger(__name__)
SUBMIT_TRIES = 5  # inserts raced by a duplicate that ended in between
RETRYABLE = (JobStatus.FAILED, JobStatus.CANCELLED)


def submit(
    kind: str,
    user_id: int,
    *,
    node_id: int | None = None,
    params: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
) -> tuple[Job, bool]:
    """Record a job, commit, then send it. Returns (job, created); an active duplicate of the
    same user's is returned as is."""
    key = f"{user_id}:{dedupe_key}" if dedupe_key else None
    return _submit(kind, user_id, node_id, params or {}, key, retry_of=None)


def _submit(
    kind: str, user_id: int, node_id: int | None, params: dict[str, Any], key: str | None, retry_of: str | None
) -> tuple[Job, bool]:
    spec = KINDS[kind]
    for _ in range(SUBMIT_TRIES):
        job = Job(
            kind=kind,
            user_id=user_id,
            node_id=node_id,
            params=params,
            queue=spec.queue,
            dedupe_key=key,
            retry_of=retry_of,
            stage="Waiting for a worker",
            max_attempts=spec.max_attempts or current_app.config["JOB_MAX_ATTEMPTS"],
            # Written with the row rather than after the send, to save a second commit; a send
            # that fails clears it again, so the reaper sends the job within seconds.
            enqueued_at=utcnow(),
        )
        db.session.add(job)
        try:
            commit_keeping_loaded()  # the job is what was just written: no need to read it back
        except IntegrityError:
            db.session.rollback()
            if key is None:
                raise
            active = active_job(key)
            if active is not None:
                return active, False
            continue  # the active duplicate ended between our insert and our look: insert again
        # The owner is told as the job is sent, both in one wait on Redis; this `pending` never
        # reaches the owner after the worker's `processing` (it is dropped if it would).
        with announcing(job):
            sent = send_message(job)
        if not sent:
            db.session.execute(
                update(Job).where(Job.id == job.id, Job.status == JobStatus.PENDING).values(enqueued_at=None)
            )
            commit_keeping_loaded()
        job_event("queued", job.id, kind, user_id, 0)
        return job, True
    raise RuntimeError(f"could not record a {kind} job: its duplicate key kept changing hands")


def job_status(job: Job, created: bool) -> JobStatus:
    """The status to answer a request with: a new job is pending even if a worker already took it."""
    return JobStatus.PENDING if created else JobStatus(job.status)


def active_job(dedupe_key: str | None) -> Job | None:
    if dedupe_key is None:
        return None
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(ACTIVE_STATUSES)))


def send(job: Job, countdown: float | None = None) -> bool:
    """Hand the job to Celery and record when (or, for a retry, when it is due). If the broker is
    unreachable the job stays pending for the reaper."""
    if not send_message(job, countdown):
        return False
    sent_at = utcnow() + timedelta(seconds=countdown or 0)
    db.session.execute(update(Job).where(Job.id == job.id, Job.status == JobStatus.PENDING).values(enqueued_at=sent_at))
    db.session.commit()
    return True


def send_message(job: Job, countdown: float | None = None) -> bool:
    """Only the Celery message; False when the broker could not be reached."""
    try:
        current_app.extensions["celery"].send_task(
            KINDS[job.kind].task_name,
            args=[job.id],
            task_id=job.id,
            queue=job.queue,
            countdown=countdown,
            retry=False,
        )
    except Exception as exc:  # broker down: not an error for the caller
        log.warning("Could not send job %s to the broker (%s); the reaper will send it later.", job.id, exc)
        return False
    return True


def cancel(job: Job) -> Job:
    """A pending job is cancelled at once; a running one stops within about a second (its
    worker listens for the signal) or at its next checkpoint."""
    if job.status in FINISHED_STATUSES:
        raise Conflict(f"This task has already {job.status}; there is nothing to cancel.")
    done = rows_affected(
        update(Job)
        .where(Job.id == job.id, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, stage="Cancelled", finished_at=utcnow())
    )
    if not done:
        db.session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True, stage="Cancelling"))
    db.session.commit()
    if not done:
        _signal_cancel(job.id)
    else:
        job_event("cancelled", job.id, job.kind, job.user_id, job.attempts)
    announce(job.id)
    db.session.refresh(job)
    return job


def _signal_cancel(job_id: str) -> None:
    """Best effort: the database flag is the truth; the worker also reads it at its heartbeat."""
    try:
        pipe = redis_client().pipeline()
        pipe.rpush(cancel_key(job_id), "1")
        pipe.expire(cancel_key(job_id), 3600)
        pipe.execute()
    except Exception as exc:
        log.warning(
            "Could not signal the cancel of job %s through Redis (%s); the worker sees it at its next heartbeat.",
            job_id,
            exc,
        )


def retry(job: Job) -> Job:
    """Run a failed or cancelled job again, as a new job whose `retry_of` names it. Retrying a job
    that was already retried answers with that newer job (or retries it, when it failed too), so
    retries never pile up."""
    newest = job
    while (
        later := db.session.scalar(
            select(Job).where(Job.retry_of == newest.id).order_by(Job.created_at.desc()).limit(1)
        )
    ) is not None:
        newest = later
    if newest.status not in RETRYABLE:
        if newest is not job:
            return newest
        raise Conflict(f"Only failed or cancelled tasks can be retried; this one is {job.status}.")
    new, _created = _submit(
        newest.kind, newest.user_id, newest.node_id, dict(newest.params or {}), newest.dedupe_key, retry_of=newest.id
    )
    return new
