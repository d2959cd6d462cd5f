"""The one place that changes job rows.

Web side: submit() inserts and commits, then sends; cancel(); retry().
Worker side: JobRun claims a job, reports progress, and finishes it. Every write that ends
an attempt is guarded by the attempt's claim token, so a stale or duplicate message can
never overwrite the work of a newer attempt.
"""
import logging
import os
import random
import socket
import threading
import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..api.errors import ApiError
from ..extensions import db
from ..models import Job, JobStatus
from ..models.base import utcnow
from .registry import KINDS

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 1.0  # seconds between percentage-only progress writes


class JobCancelled(Exception):
    """Raised at a checkpoint when the owner cancelled the job."""


class JobSuperseded(Exception):
    """Raised when this attempt no longer owns the job (the reaper handed it on)."""


# ---------------------------------------------------------------- web side

def submit(kind: str, user_id: int, *, node_id: int | None = None, params: dict | None = None,
           dedupe_key: str | None = None, retry_of: str | None = None) -> tuple[Job, bool]:
    """Record a job, commit, then send it. Returns (job, created); an active duplicate is returned as is."""
    spec = KINDS[kind]
    job = Job(
        kind=kind, user_id=user_id, node_id=node_id, params=params or {}, queue=spec.queue,
        dedupe_key=dedupe_key, retry_of=retry_of, stage="Waiting for a worker",
        max_attempts=spec.max_attempts or current_app.config["JOB_MAX_ATTEMPTS"],
    )
    db.session.add(job)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        active = active_job(dedupe_key)
        if active is None:
            raise
        return active, False
    send(job)
    return job, True


def job_status(job: Job, created: bool) -> str:
    """The status to answer a request with: a new job is pending even if a worker already took it."""
    return JobStatus.PENDING if created else job.status


def active_job(dedupe_key: str | None) -> Job | None:
    if dedupe_key is None:
        return None
    return db.session.scalar(select(Job).where(Job.dedupe_key == dedupe_key, Job.status.in_(JobStatus.ACTIVE)))


def send(job: Job, countdown: float | None = None) -> bool:
    """Hand the job to Celery. If the broker is unreachable the job stays pending for the reaper."""
    from .celery_app import celery

    try:
        celery.send_task(
            KINDS[job.kind].task_name, args=[job.id], task_id=job.id, queue=job.queue,
            countdown=countdown, retry=False,
        )
    except Exception as exc:  # broker down: not an error for the caller
        log.warning("Could not send job %s to the broker (%s); the reaper will send it later.", job.id, exc)
        return False
    sent_at = utcnow() + timedelta(seconds=countdown or 0)
    db.session.execute(update(Job).where(Job.id == job.id, Job.status == JobStatus.PENDING).values(enqueued_at=sent_at))
    db.session.commit()
    return True


def cancel(job: Job) -> Job:
    """A pending job is cancelled at once; a running one stops at its next checkpoint."""
    if job.status in JobStatus.FINISHED:
        raise ApiError(409, f"This task has already {job.status}; there is nothing to cancel.")
    now = utcnow()
    done = db.session.execute(
        update(Job).where(Job.id == job.id, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, stage="Cancelled", finished_at=now, dedupe_key=None)
    ).rowcount
    if not done:
        db.session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True, stage="Cancelling"))
    db.session.commit()
    db.session.refresh(job)
    return job


def retry(job: Job) -> Job:
    """A failed or cancelled job runs again as a new job whose `retry_of` names the old one."""
    if job.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        raise ApiError(409, f"Only failed or cancelled tasks can be retried; this one is {job.status}.")
    new, _created = submit(job.kind, job.user_id, node_id=job.node_id, params=dict(job.params or {}),
                           dedupe_key=job.dedupe_key, retry_of=job.id)
    return new


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter: base, 2*base, 4*base ... capped at 5 minutes."""
    base = current_app.config["JOB_RETRY_BASE_SECONDS"]
    return min(300.0, base * 2 ** max(0, attempt - 1)) * random.uniform(0.5, 1.0)


# ---------------------------------------------------------------- worker side

def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_is_dead(worker: str | None) -> bool:
    """True when the owning process ran on this host and no longer exists."""
    if not worker or ":" not in worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    if _is_zombie(int(pid)):  # exited, but nobody has reaped it yet
        return True
    return int(pid) == os.getpid()  # a message for a job this very process was running: it was lost


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        return False


class JobRun:
    """One attempt at a job, held by the worker process that claimed it."""

    def __init__(self, job: Job, token: str):
        self.job_id, self.token = job.id, token
        self.kind, self.user_id, self.node_id = job.kind, job.user_id, job.node_id
        self.params = dict(job.params or {})
        self.attempt, self.max_attempts = job.attempts, job.max_attempts
        self._stage, self._last_write = job.stage, 0.0
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._beat = None

    # -- claiming
    @classmethod
    def claim(cls, job_id: str) -> "JobRun | None":
        """Take the job if it is waiting, or if its owner died on this host. None: nothing to do."""
        job = db.session.get(Job, job_id)
        if job is None or job.status in JobStatus.FINISHED:
            return None
        guard = Job.status == JobStatus.PENDING
        if job.status == JobStatus.PROCESSING:
            if not _owner_is_dead(job.worker):
                return None  # a live attempt owns it; this message is a stale duplicate
            guard = (Job.status == JobStatus.PROCESSING) & (Job.claim_token == job.claim_token)
        if job.cancel_requested:
            _finish_cancelled(job_id, job.claim_token)
            return None
        if job.attempts >= job.max_attempts:
            _give_up(job_id, job.claim_token, job.attempts)
            return None
        token, now = str(uuid.uuid4()), utcnow()
        claimed = db.session.execute(
            update(Job).where(Job.id == job_id, guard).values(
                status=JobStatus.PROCESSING, attempts=Job.attempts + 1, claim_token=token,
                worker=_worker_id(), started_at=now, heartbeat_at=now, stage="Started",
                error=None, error_detail=None,
            )
        ).rowcount
        db.session.commit()
        if not claimed:
            return None
        db.session.expire_all()
        run = cls(db.session.get(Job, job_id), token)
        run._start_heartbeat()
        return run

    def _start_heartbeat(self) -> None:
        app = current_app._get_current_object()
        interval = app.config["JOB_HEARTBEAT_SECONDS"]

        def beat():
            with app.app_context():
                while not self._stop.wait(interval):
                    with db.engine.begin() as conn:
                        alive = conn.execute(
                            update(Job).where(Job.id == self.job_id, Job.claim_token == self.token)
                            .values(heartbeat_at=utcnow())
                        ).rowcount
                    if not alive:
                        self._lost.set()
                        return

        self._beat = threading.Thread(target=beat, name=f"heartbeat-{self.job_id}", daemon=True)
        self._beat.start()

    def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)

    # -- during the work
    def check_cancelled(self) -> None:
        if self._lost.is_set():
            raise JobSuperseded()
        row = db.session.execute(
            select(Job.cancel_requested, Job.claim_token).where(Job.id == self.job_id)
        ).one_or_none()
        db.session.commit()
        if row is None or row.claim_token != self.token:
            raise JobSuperseded()
        if row.cancel_requested:
            raise JobCancelled()

    def progress(self, percent: float, stage: str | None = None) -> None:
        """Report progress; a checkpoint too (raises JobCancelled when the owner cancelled)."""
        stage_changed = stage is not None and stage != self._stage
        now = time.monotonic()
        if not stage_changed and now - self._last_write < PROGRESS_INTERVAL:
            return
        self.check_cancelled()
        values = {"progress": max(0, min(99, int(percent))), "heartbeat_at": utcnow()}
        if stage is not None:
            values["stage"] = stage
            self._stage = stage
        db.session.execute(update(Job).where(Job.id == self.job_id, Job.claim_token == self.token).values(**values))
        db.session.commit()
        self._last_write = now

    # -- ending the attempt
    def complete(self, apply=None, result: dict | None = None) -> dict | None:
        """Write the domain result (`apply()` may add rows and return the result dict) and mark
        the job completed, in one transaction. If the job was cancelled or taken over meanwhile,
        nothing is written."""
        try:
            if apply is not None:
                result = apply() or result
            done = db.session.execute(
                update(Job).where(
                    Job.id == self.job_id, Job.claim_token == self.token,
                    Job.status == JobStatus.PROCESSING, Job.cancel_requested.is_(False),
                ).values(status=JobStatus.COMPLETED, progress=100, stage="Done", result=result,
                         finished_at=utcnow(), dedupe_key=None)
            ).rowcount
            if not done:
                db.session.rollback()
                self.check_cancelled()  # raises JobCancelled or JobSuperseded
                raise JobSuperseded()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        return result

    def fail(self, message: str, detail: str | None = None) -> None:
        _fail(self.job_id, self.token, message, detail)

    def cancelled(self) -> None:
        _finish_cancelled(self.job_id, self.token)

    def retry_later(self, message: str, detail: str | None = None) -> None:
        """A transient failure: put the job back with backoff, or give up after max_attempts."""
        if self.attempt >= self.max_attempts:
            self.fail(f"{message} Gave up after {self.attempt} attempts; try again later.", detail)
            return
        delay = backoff_seconds(self.attempt)
        moved = db.session.execute(
            update(Job).where(Job.id == self.job_id, Job.claim_token == self.token).values(
                status=JobStatus.PENDING, claim_token=None, worker=None, error=message, error_detail=detail,
                stage=f"Retrying in {delay:.0f} s (attempt {self.attempt} of {self.max_attempts} failed)",
            )
        ).rowcount
        db.session.commit()
        if moved:
            send(db.session.get(Job, self.job_id), countdown=delay)


def _fail(job_id: str, token: str | None, message: str, detail: str | None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.claim_token == token, Job.status.in_(JobStatus.ACTIVE)).values(
            status=JobStatus.FAILED, error=message, error_detail=detail or message,
            stage="Failed", finished_at=utcnow(), dedupe_key=None,
        )
    )
    db.session.commit()


def _finish_cancelled(job_id: str, token: str | None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.claim_token == token, Job.status.in_(JobStatus.ACTIVE)).values(
            status=JobStatus.CANCELLED, stage="Cancelled", finished_at=utcnow(), dedupe_key=None,
        )
    )
    db.session.commit()


def _give_up(job_id: str, token: str | None, attempts: int) -> None:
    _fail(job_id, token,
          f"This job was interrupted {attempts} times (the worker stopped or restarted) and was given up. "
          "Use retry to run it again.", None)


# ---------------------------------------------------------------- the reaper

def reap() -> dict:
    """Send pending jobs that never reached a worker; recover processing jobs whose heartbeat stopped."""
    cfg = current_app.config
    now = utcnow()
    counts = {"resent": 0, "recovered": 0, "failed": 0}
    pending = db.session.scalars(
        select(Job).where(Job.status == JobStatus.PENDING).where(
            ((Job.enqueued_at.is_(None)) & (Job.created_at < now - timedelta(seconds=5)))
            | (Job.enqueued_at < now - timedelta(seconds=cfg["JOB_RESEND_SECONDS"]))
        )
    ).all()
    for job in pending:
        counts["resent"] += send(job)
    stale = db.session.scalars(
        select(Job).where(Job.status == JobStatus.PROCESSING,
                          Job.heartbeat_at < now - timedelta(seconds=cfg["JOB_STALE_SECONDS"]))
    ).all()
    for job in stale:
        if job.cancel_requested:
            _finish_cancelled(job.id, job.claim_token)
        elif job.attempts >= job.max_attempts:
            _give_up(job.id, job.claim_token, job.attempts)
            counts["failed"] += 1
        else:
            moved = db.session.execute(
                update(Job).where(Job.id == job.id, Job.claim_token == job.claim_token).values(
                    status=JobStatus.PENDING, claim_token=None, worker=None,
                    stage="Restarting: the worker running it stopped responding",
                )
            ).rowcount
            db.session.commit()
            if moved:
                counts["recovered"] += 1
                send(db.session.get(Job, job.id))
    return counts
