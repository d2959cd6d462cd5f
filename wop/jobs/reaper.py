"""The reaper: no job stays unfinished. Run by the scheduler every REAPER_INTERVAL_SECONDS and
(its recovery half) whenever a worker starts."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db, rows_affected
from ..models import Job, JobStatus
from ..models.base import utcnow
from .enqueue import send
from .live import announce
from .run import finish_cancelled, give_up, owner_is_dead, this_host

# A job created this long ago and never sent (the broker was down) is sent by the reaper.
UNSENT_GRACE_SECONDS = 5


def reap() -> dict[str, int]:
    """Send pending jobs that never reached a worker; recover processing jobs whose worker died."""
    now = utcnow()
    counts = {"resent": 0, "recovered": 0, "failed": 0}
    pending = db.session.scalars(
        select(Job)
        .where(Job.status == JobStatus.PENDING)
        .where(
            ((Job.enqueued_at.is_(None)) & (Job.created_at < now - timedelta(seconds=UNSENT_GRACE_SECONDS)))
            | (Job.enqueued_at < now - timedelta(seconds=current_app.config["JOB_RESEND_SECONDS"]))
        )
    ).all()
    for job in pending:
        counts["resent"] += send(job)
    for key, value in recover_lost_jobs().items():
        counts[key] += value
    return counts


def recover_lost_jobs() -> dict[str, int]:
    """Processing jobs whose owner is known dead (it ran on this host and its process is gone)
    go back to pending at once; elsewhere a heartbeat silent for JOB_STALE_SECONDS is the sign."""
    stale_before = utcnow() - timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    counts = {"recovered": 0, "failed": 0}
    candidates = db.session.scalars(
        select(Job)
        .where(Job.status == JobStatus.PROCESSING)
        .where((Job.heartbeat_at < stale_before) | Job.worker.like(f"{this_host()}:%"))
    ).all()
    for job in candidates:
        silent = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if not (silent or owner_is_dead(job.worker)):
            continue
        if job.cancel_requested:
            finish_cancelled(job.id, job.claim_token)
        elif job.attempts >= job.max_attempts:
            give_up(job.id, job.claim_token, job.attempts)
            counts["failed"] += 1
        else:
            moved = rows_affected(
                update(Job)
                .where(Job.id == job.id, Job.claim_token == job.claim_token)
                .values(
                    status=JobStatus.PENDING,
                    claim_token=None,
                    worker=None,
                    stage="Restarting: the worker running it stopped",
                )
            )
            db.session.commit()
            if moved:
                counts["recovered"] += 1
                send(db.session.get_one(Job, job.id))
                announce(job.id)
    return counts
