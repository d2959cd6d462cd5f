"""The one place that changes job rows.

Web side: submit() inserts and commits, then sends; cancel(); retry().
Worker side: JobRun claims a job, reports progress, and finishes it. Every write that ends
an attempt is guarded by the attempt's claim token, so a stale or duplicate message can
never overwrite the work of a newer attempt.

Duplicates: a job may carry a dedupe key (kind, entry, model …, always prefixed with the
user's id, so one person's request never answers with another's job). A partial unique index
allows one active job per key; the key stays on the row when the job ends, so a retry carries
it on and two retries of one job plus a fresh request still make one active job.
"""
import logging
import os
import random
import signal
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..api.errors import ApiError
from ..extensions import db
from ..models import Job, JobStatus, Node
from ..models.base import utcnow
from ..redis_client import redis_client
from .registry import KINDS

log = logging.getLogger(__name__)
PROGRESS_INTERVAL = 1.0  # seconds between percentage-only progress writes
SUBMIT_TRIES = 5  # inserts raced by a job that ended in between
ENTRY_GONE = "The entry was deleted while this job was running, so nothing was written."


class JobCancelled(Exception):
    """Raised at a checkpoint when the owner cancelled the job (or its entry went away)."""

    def __init__(self, reason: str | None = None):
        super().__init__(reason or "cancelled")
        self.reason = reason


class JobSuperseded(Exception):
    """Raised when this attempt no longer owns the job (the reaper handed it on)."""


def cancel_key(job_id: str) -> str:
    """A Redis list the worker running the job listens on: a push there stops it at once."""
    return f"wop:job:{job_id}:cancel"


# ---------------------------------------------------------------- web side

def submit(kind: str, user_id: int, *, node_id: int | None = None, params: dict | None = None,
           dedupe_key: str | None = None) -> tuple[Job, bool]:
    """Record a job, commit, then send it. Returns (job, created); an active duplicate of the
    same user's is returned as is."""
    key = f"{user_id}:{dedupe_key}" if dedupe_key else None
    return _submit(kind, user_id, node_id, params or {}, key, retry_of=None)


def _submit(kind: str, user_id: int, node_id: int | None, params: dict, key: str | None,
            retry_of: str | None) -> tuple[Job, bool]:
    spec = KINDS[kind]
    for _ in range(SUBMIT_TRIES):
        job = Job(
            kind=kind, user_id=user_id, node_id=node_id, params=params, queue=spec.queue, dedupe_key=key,
            retry_of=retry_of, stage="Waiting for a worker",
            max_attempts=spec.max_attempts or current_app.config["JOB_MAX_ATTEMPTS"],
        )
        db.session.add(job)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if key is None:
                raise
            active = active_job(key)
            if active is not None:
                return active, False
            continue  # the active duplicate ended between our insert and our look: insert again
        send(job)
        return job, True
    raise RuntimeError(f"could not record a {kind} job: its duplicate key kept changing hands")


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
    """A pending job is cancelled at once; a running one stops within about a second (the worker
    listens for the signal) or at its next checkpoint."""
    if job.status in JobStatus.FINISHED:
        raise ApiError(409, f"This task has already {job.status}; there is nothing to cancel.")
    now = utcnow()
    done = db.session.execute(
        update(Job).where(Job.id == job.id, Job.status == JobStatus.PENDING)
        .values(status=JobStatus.CANCELLED, stage="Cancelled", finished_at=now)
    ).rowcount
    if not done:
        db.session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True, stage="Cancelling"))
    db.session.commit()
    if not done:
        _signal_cancel(job.id)
    db.session.refresh(job)
    return job


def _signal_cancel(job_id: str) -> None:
    """Best effort: the database flag is the truth, the worker also reads it at its heartbeat."""
    try:
        pipe = redis_client().pipeline()
        pipe.rpush(cancel_key(job_id), "1")
        pipe.expire(cancel_key(job_id), 3600)
        pipe.execute()
    except Exception as exc:
        log.warning("Could not signal the cancel of job %s through Redis (%s); the worker sees it at its "
                    "next heartbeat.", job_id, exc)


def retry(job: Job) -> Job:
    """Run a failed or cancelled job again, as a new job whose `retry_of` names it. Retrying a job
    that was already retried answers with that newer job (or retries it, when it failed too), so
    retries never pile up."""
    newest = job
    while (later := db.session.scalar(select(Job).where(Job.retry_of == newest.id)
                                      .order_by(Job.created_at.desc()).limit(1))) is not None:
        newest = later
    if newest.status not in (JobStatus.FAILED, JobStatus.CANCELLED):
        if newest is not job:
            return newest
        raise ApiError(409, f"Only failed or cancelled tasks can be retried; this one is {job.status}.")
    new, _created = _submit(newest.kind, newest.user_id, newest.node_id, dict(newest.params or {}),
                            newest.dedupe_key, retry_of=newest.id)
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
        self.last_beat = time.monotonic()
        self.lost = threading.Event()  # the reaper handed the job to a newer attempt
        self.cancel_seen = threading.Event()  # the owner cancelled: stop at the next chance
        self.abortable_depth = 0  # > 0 while a provider call may be interrupted by a signal

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
        from .watcher import watch

        watch(run)
        return run

    def release(self) -> None:
        """The attempt is over: the process's watcher stops beating and listening for it."""
        from .watcher import unwatch

        unwatch(self)

    # -- during the work
    def check_cancelled(self) -> None:
        if self.lost.is_set():
            raise JobSuperseded()
        if self.cancel_seen.is_set():
            raise JobCancelled()
        row = db.session.execute(
            select(Job.cancel_requested, Job.claim_token).where(Job.id == self.job_id)
        ).one_or_none()
        db.session.commit()
        if row is None or row.claim_token != self.token:
            raise JobSuperseded()
        if row.cancel_requested:
            raise JobCancelled()

    def stop_if_cancelled(self, *_args) -> None:
        """A cheap checkpoint (no database): for callbacks that run many times, such as each
        piece of a streamed reply."""
        if self.lost.is_set():
            raise JobSuperseded()
        if self.cancel_seen.is_set():
            raise JobCancelled()

    @contextmanager
    def abortable(self):
        """Run a slow call (a provider request) that a cancel may interrupt at once: when the
        owner cancels, the watcher signals this thread and JobCancelled is raised wherever the
        call is waiting (connecting, reading, backing off), which closes its connection.
        Only the main thread can be interrupted; elsewhere the call ends at its next checkpoint."""
        main = threading.current_thread() is threading.main_thread()
        if main:
            _install_abort_handler()
            self.abortable_depth += 1
        try:
            self.stop_if_cancelled()
            yield
        finally:
            if main:
                self.abortable_depth -= 1

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
        self._last_write = self.last_beat = now

    # -- ending the attempt
    def complete(self, apply=None, result: dict | None = None) -> dict | None:
        """Write the domain result (`apply()` may add rows and return the result dict) and mark
        the job completed, in one transaction. If the job was cancelled or taken over meanwhile,
        or its entry was deleted, nothing is written."""
        try:
            self._lock_entry()
            if apply is not None:
                result = apply() or result
            done = db.session.execute(
                update(Job).where(
                    Job.id == self.job_id, Job.claim_token == self.token,
                    Job.status == JobStatus.PROCESSING, Job.cancel_requested.is_(False),
                ).values(status=JobStatus.COMPLETED, progress=100, stage="Done", result=result,
                         finished_at=utcnow())
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

    def _lock_entry(self) -> None:
        """The job's entry must still exist when its result is written. On PostgreSQL the row
        stays locked until the commit, so a deletion waits for the result or wins outright."""
        if self.node_id is None:
            return
        alive = db.session.scalar(
            select(Node.id).where(Node.id == self.node_id, Node.deleted_at.is_(None)).with_for_update())
        if alive is None:
            raise JobCancelled(ENTRY_GONE)

    def fail(self, message: str, detail: str | None = None) -> None:
        _fail(self.job_id, self.token, message, detail)

    def cancelled(self, reason: str | None = None) -> None:
        _finish_cancelled(self.job_id, self.token, reason)

    def retry_later(self, message: str, detail: str | None = None) -> None:
        """A transient failure: put the job back with backoff, or give up after max_attempts."""
        if self.attempt >= self.max_attempts:
            self.fail(f"{message.rstrip('.')}. Gave up after {self.attempt} attempts; try again later.", detail)
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


_abort_handler_installed = False


def _install_abort_handler() -> None:
    global _abort_handler_installed
    if not _abort_handler_installed:
        signal.signal(ABORT_SIGNAL, _on_abort_signal)
        _abort_handler_installed = True


# SIGUSR2 is free in Celery's pool processes (SIGUSR1 is the soft time limit).
ABORT_SIGNAL = signal.SIGUSR2


def _on_abort_signal(_signum, _frame) -> None:
    from .watcher import current_run

    run = current_run()
    # Raise only inside an abortable call, and only for a cancel that really arrived.
    if run is not None and run.abortable_depth > 0 and run.cancel_seen.is_set():
        raise JobCancelled()


def _fail(job_id: str, token: str | None, message: str, detail: str | None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.claim_token == token, Job.status.in_(JobStatus.ACTIVE)).values(
            status=JobStatus.FAILED, error=message, error_detail=detail or message,
            stage="Failed", finished_at=utcnow(),
        )
    )
    db.session.commit()


def _finish_cancelled(job_id: str, token: str | None, reason: str | None = None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job).where(Job.id == job_id, Job.claim_token == token, Job.status.in_(JobStatus.ACTIVE)).values(
            status=JobStatus.CANCELLED, stage="Cancelled", finished_at=utcnow(), error=reason,
        )
    )
    db.session.commit()


def _give_up(job_id: str, token: str | None, attempts: int) -> None:
    _fail(job_id, token,
          f"This job was interrupted {attempts} times (the worker stopped or restarted) and was given up. "
          "Use retry to run it again.", None)


# ---------------------------------------------------------------- the reaper

def reap() -> dict:
    """Send pending jobs that never reached a worker; recover processing jobs whose worker died."""
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
    for key, value in recover_lost_jobs().items():
        counts[key] += value
    return counts


def recover_lost_jobs() -> dict:
    """Processing jobs whose owner is known dead (it ran on this host and its process is gone)
    go back to pending at once; elsewhere a heartbeat silent for JOB_STALE_SECONDS is the sign.
    Run by every reaper pass and when a worker starts."""
    cfg = current_app.config
    stale_before = utcnow() - timedelta(seconds=cfg["JOB_STALE_SECONDS"])
    counts = {"recovered": 0, "failed": 0}
    candidates = db.session.scalars(
        select(Job).where(Job.status == JobStatus.PROCESSING).where(
            (Job.heartbeat_at < stale_before) | Job.worker.like(f"{socket.gethostname()}:%"))
    ).all()
    for job in candidates:
        silent = job.heartbeat_at is None or job.heartbeat_at < stale_before
        if not (silent or _owner_is_dead(job.worker)):
            continue
        if job.cancel_requested:
            _finish_cancelled(job.id, job.claim_token)
        elif job.attempts >= job.max_attempts:
            _give_up(job.id, job.claim_token, job.attempts)
            counts["failed"] += 1
        else:
            moved = db.session.execute(
                update(Job).where(Job.id == job.id, Job.claim_token == job.claim_token).values(
                    status=JobStatus.PENDING, claim_token=None, worker=None,
                    stage="Restarting: the worker running it stopped",
                )
            ).rowcount
            db.session.commit()
            if moved:
                counts["recovered"] += 1
                send(db.session.get(Job, job.id))
    return counts
