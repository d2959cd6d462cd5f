"""Runs one attempt of a job inside a Celery task and turns every outcome into a job state."""

import logging
import time
import traceback
from collections.abc import Callable

from billiard.exceptions import SoftTimeLimitExceeded
from sqlalchemy import select

from ..enums import JobStatus
from ..errors import JobFailed
from ..extensions import db
from ..metrics import JOB_WAIT
from ..models import Job
from ..queues import SOFT_TIME_LIMIT
from .job_log import job_event
from .run import JobCancelled, JobRun, JobSuperseded

log = logging.getLogger(__name__)
UNEXPECTED = "Something went wrong while running this job; the error was recorded for the administrators."


def run_job(job_id: str, fn: Callable[[JobRun], None]) -> None:
    run = JobRun.claim(job_id)
    if run is None:
        return  # finished, cancelled, or owned by a live attempt: this message is stale
    began = time.monotonic()
    job_event("started", job_id, run.kind, run.user_id, run.attempt)
    JOB_WAIT.labels(run.kind).observe(run.waited)
    try:
        fn(run)
    except JobCancelled as stop:
        run.cancelled(stop.reason)
    except JobSuperseded:
        log.info("Job %s was taken over by a newer attempt; this one stops.", job_id)
    except JobFailed as failure:
        if failure.transient:
            run.retry_later(failure.message, failure.detail)
        else:
            run.fail(failure.message, failure.detail)
    except SoftTimeLimitExceeded:
        run.fail(
            f"This job ran past the time limit ({SOFT_TIME_LIMIT // 60} minutes) and was stopped.",
            "soft time limit exceeded",
        )
    except Exception as exc:
        log.exception("Job %s failed", job_id)
        run.fail(UNEXPECTED, "".join(traceback.format_exception(exc)))
    finally:
        run.release()
        job_event(_outcome(run), job_id, run.kind, run.user_id, run.attempt, time.monotonic() - began)


def _outcome(run: JobRun) -> str:
    """How the attempt ended, as the job's row now says (no need to read it after a completion:
    the attempt's own guarded write said so)."""
    if run.completed:
        return str(JobStatus.COMPLETED)
    try:
        row = db.session.execute(select(Job.status, Job.claim_token).where(Job.id == run.job_id)).one_or_none()
        db.session.commit()
    except Exception:  # the database went away: the line is still worth writing
        db.session.rollback()
        return "ended"
    if row is None:
        return "deleted"
    if row.status == JobStatus.PENDING:
        return "retrying"
    if row.status == JobStatus.PROCESSING:
        # Still ours: the worker is stopping and hands the job back (or its process dies).
        return "superseded" if row.claim_token != run.token else "interrupted"
    return str(row.status)
