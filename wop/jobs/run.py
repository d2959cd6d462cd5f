"""The worker side of the engine: one attempt at a job, from claim to its end.

An attempt claims the job with a fresh token and records which process holds it (`host:pid`).
Every write that ends the attempt is guarded by that token, so a stale or duplicate message
can never overwrite the work of a newer attempt; the domain result is written in the same
transaction that marks the job completed, so it exists exactly once.
"""

import os
import random
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import select, update

from ..extensions import db, rows_affected
from ..models import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobStatus, Node, User
from ..models.base import utcnow
from .live import announce, start_attempt
from .session import commit_keeping_loaded

PROGRESS_INTERVAL = 1.0  # seconds between percentage-only progress writes
BACKOFF_CAP_SECONDS = 300.0
ENTRY_GONE = "The entry was deleted, so nothing was written."
# SIGUSR2 is free in Celery's pool processes (SIGUSR1 is the soft time limit).
ABORT_SIGNAL = signal.SIGUSR2


class JobCancelled(Exception):
    """Raised at a checkpoint when the owner cancelled the job (or its entry went away)."""

    def __init__(self, reason: str | None = None):
        super().__init__(reason or "cancelled")
        self.reason = reason


class JobSuperseded(Exception):
    """Raised when this attempt no longer owns the job (the reaper handed it on)."""


def this_host() -> str:
    """The name that tells this host's processes from another's: WORKER_ID, else the host name
    (set WORKER_ID where hosts or containers share a name)."""
    return str(current_app.config.get("WORKER_ID") or socket.gethostname())


def worker_id() -> str:
    return f"{this_host()}:{os.getpid()}"


def owner_is_dead(worker: str | None) -> bool:
    """True when the owning process ran on this host and no longer exists."""
    if not worker or ":" not in worker:
        return False
    host, _, pid = worker.rpartition(":")
    if host != this_host() or not pid.isdigit():
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


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter: base, 2*base, 4*base ... capped at 5 minutes."""
    base: float = current_app.config["JOB_RETRY_BASE_SECONDS"]
    return min(BACKOFF_CAP_SECONDS, base * 2.0 ** max(0, attempt - 1)) * random.uniform(0.5, 1.0)


class JobRun:
    """One attempt at a job, held by the worker process that claimed it."""

    def __init__(self, job: Job, token: str):
        self.job_id, self.token = job.id, token
        self.kind, self.user_id, self.node_id = job.kind, job.user_id, job.node_id
        self.params: dict[str, Any] = dict(job.params or {})
        self.attempt, self.max_attempts = job.attempts, job.max_attempts
        # Seconds from being sent (or due, for a retry) to this claim: the wait-time metric.
        self.waited = max(0.0, ((job.started_at or utcnow()) - (job.enqueued_at or job.created_at)).total_seconds())
        self._stage, self._last_write = job.stage, 0.0
        self.last_beat = time.monotonic()
        self.lost = threading.Event()  # the reaper handed the job to a newer attempt
        self.cancel_seen = threading.Event()  # the owner cancelled: stop at the next chance
        self.abortable_depth = 0  # > 0 while a provider call may be interrupted by a signal
        self.completed = False  # this attempt wrote the job's result (so the job needs no reading to say so)
        # The job as this attempt last wrote it, and its owner: what the owner's events are made
        # from, with no reading back (every write of the attempt is guarded by its claim, so
        # what it wrote is what the row holds). Both are detached from the session, so its
        # commits do not expire them; set by claim().
        self.job: Job | None = None
        self.owner: User | None = None
        self.beat_at: datetime | None = None  # the watcher's last heartbeat written (its own thread)

    # -- claiming
    @classmethod
    def claim(cls, job_id: str) -> "JobRun | None":
        """Take the job if it is waiting, or if its owner died on this host. None: nothing to do."""
        token = str(uuid.uuid4())
        # The usual case in one statement: a waiting job, not cancelled, with attempts left.
        job = _take(
            job_id,
            token,
            (Job.status == JobStatus.PENDING) & Job.cancel_requested.is_(False) & (Job.attempts < Job.max_attempts),
        )
        if job is None:
            db.session.rollback()  # the UPDATE that matched nothing: end its transaction
            job = _take_unusual(job_id, token)
            if job is None:
                return None
        commit_keeping_loaded()  # the claimed row is what RETURNING gave: no need to read it back
        run = cls(job, token)
        run.owner = db.session.get_one(User, job.user_id)
        db.session.expunge(job)
        db.session.expunge(run.owner)
        run.job = job
        from .watcher import watch

        watch(run)
        start_attempt(run)
        announce(job_id, job, run.owner, claimed=True)
        return run

    def _announce(self, **written: Any) -> None:
        """Tell the owner of what this attempt just wrote to the job's row."""
        if self.job is None:  # a run made without claim(): read the row
            announce(self.job_id)
            return
        for name, value in written.items():
            setattr(self.job, name, value)
        beat = self.beat_at
        if beat is not None and (self.job.heartbeat_at is None or beat > self.job.heartbeat_at):
            self.job.heartbeat_at = beat
        announce(self.job_id, self.job, self.owner)

    def release(self) -> None:
        """The attempt is over: the process's watcher stops beating and listening for it."""
        from .watcher import unwatch

        unwatch(self)

    # -- during the work
    def check_cancelled(self) -> None:
        """A checkpoint: raises JobCancelled when the owner cancelled, JobSuperseded when the
        job was handed to a newer attempt."""
        self.stop_if_cancelled()
        row = db.session.execute(
            select(Job.cancel_requested, Job.claim_token).where(Job.id == self.job_id)
        ).one_or_none()
        db.session.commit()
        if row is None or row.claim_token != self.token:
            raise JobSuperseded()
        if row.cancel_requested:
            raise JobCancelled()

    def stop_if_cancelled(self, *_args: object) -> None:
        """A cheap checkpoint (no database): for callbacks that run many times, such as each
        piece of a streamed reply."""
        if self.lost.is_set():
            raise JobSuperseded()
        if self.cancel_seen.is_set():
            raise JobCancelled()

    @contextmanager
    def abortable(self) -> Iterator[None]:
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
        """Report progress; a checkpoint too (raises JobCancelled when the owner cancelled).
        A new stage is always written, a percentage at most once a second."""
        stage_changed = stage is not None and stage != self._stage
        now = time.monotonic()
        if not stage_changed and now - self._last_write < PROGRESS_INTERVAL:
            return
        self.stop_if_cancelled()
        values: dict[str, Any] = {"progress": max(0, min(99, int(percent))), "heartbeat_at": utcnow()}
        if stage is not None:
            values["stage"] = stage
        # The checkpoint rides on the write: it changes the row only while this attempt owns
        # the job and no cancel was asked for; otherwise check_cancelled says which.
        written = rows_affected(
            update(Job)
            .where(Job.id == self.job_id, Job.claim_token == self.token, Job.cancel_requested.is_(False))
            .values(**values)
        )
        db.session.commit()
        if not written:
            self.check_cancelled()  # raises JobCancelled or JobSuperseded
            return  # the row changed back in between: nothing written, the next call tries again
        if stage is not None:
            self._stage = stage
        self._last_write = self.last_beat = now
        self._announce(**values)

    # -- ending the attempt
    def complete(
        self, apply: Callable[[], dict[str, Any] | None] | None = None, result: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """Write the domain result (`apply()` may add rows and returns the result dict) and mark
        the job completed, in one transaction; returns the result. If the job was cancelled or
        taken over meanwhile, or its entry was deleted, nothing is written."""
        try:
            self._lock_entry()
            if apply is not None:
                result = apply()
            values = {
                "status": JobStatus.COMPLETED,
                "progress": 100,
                "stage": "Done",
                "result": result,
                "finished_at": utcnow(),
            }
            done = rows_affected(
                update(Job)
                .where(
                    Job.id == self.job_id,
                    Job.claim_token == self.token,
                    Job.status == JobStatus.PROCESSING,
                    Job.cancel_requested.is_(False),
                )
                .values(**values)
            )
            if not done:
                db.session.rollback()
                self.check_cancelled()  # raises JobCancelled or JobSuperseded
                raise JobSuperseded()
            # What `apply` added (the reply, its author) is what the owner is told about next.
            commit_keeping_loaded()
        except Exception:
            db.session.rollback()
            raise
        self.completed = True
        self._announce(**values)
        return result

    def _lock_entry(self) -> None:
        """The job's entry must still exist when its result is written. On PostgreSQL the row
        stays locked until the commit, so a deletion waits for the result or wins outright."""
        if self.node_id is None:
            return
        alive = db.session.scalar(
            select(Node.id).where(Node.id == self.node_id, Node.deleted_at.is_(None)).with_for_update()
        )
        if alive is None:
            raise JobCancelled(ENTRY_GONE)

    def fail(self, message: str, detail: str | None = None) -> None:
        fail(self.job_id, self.token, message, detail)

    def cancelled(self, reason: str | None = None) -> None:
        finish_cancelled(self.job_id, self.token, reason)

    def retry_later(self, message: str, detail: str | None = None) -> None:
        """A transient failure: put the job back with backoff, or give up after max_attempts."""
        from .enqueue import send

        if self.attempt >= self.max_attempts:
            self.fail(f"{message.rstrip('.')}. Gave up after {self.attempt} attempts; try again later.", detail)
            return
        delay = backoff_seconds(self.attempt)
        moved = rows_affected(
            update(Job)
            .where(Job.id == self.job_id, Job.claim_token == self.token)
            .values(
                status=JobStatus.PENDING,
                claim_token=None,
                worker=None,
                error=message,
                error_detail=detail,
                stage=f"Retrying in {delay:.0f} s (attempt {self.attempt} of {self.max_attempts} failed)",
            )
        )
        db.session.commit()
        if moved:
            send(db.session.get_one(Job, self.job_id), countdown=delay)
            announce(self.job_id)


def _take(job_id: str, token: str, guard: Any) -> Job | None:
    """Claim the job for this process with `token` if `guard` holds; the claimed row, or None."""
    now = utcnow()
    claim = (
        update(Job)
        .where(Job.id == job_id, guard)
        .values(
            status=JobStatus.PROCESSING,
            attempts=Job.attempts + 1,
            claim_token=token,
            worker=worker_id(),
            started_at=now,
            heartbeat_at=now,
            stage="Started",
            error=None,
            error_detail=None,
        )
        .returning(Job)
        # The returned row replaces whatever of it the session had loaded.
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return db.session.scalars(claim).first()


def _take_unusual(job_id: str, token: str) -> Job | None:
    """A job the usual claim did not take: finished, owned by a live attempt (a stale duplicate
    message), owned by a dead one, cancelled while waiting to retry, or out of attempts."""
    job = db.session.get(Job, job_id)
    if job is None or job.status in FINISHED_STATUSES:
        return None
    guard = Job.status == JobStatus.PENDING
    if job.status == JobStatus.PROCESSING:
        if not owner_is_dead(job.worker):
            return None  # a live attempt owns it; this message is a stale duplicate
        guard = (Job.status == JobStatus.PROCESSING) & (Job.claim_token == job.claim_token)
    if job.cancel_requested:
        finish_cancelled(job_id, job.claim_token)
        return None
    if job.attempts >= job.max_attempts:
        give_up(job_id, job.claim_token, job.attempts)
        return None
    claimed = _take(job_id, token, guard)
    if claimed is None:
        db.session.commit()  # another process took it first
    return claimed


_abort_handler_installed = False


def _install_abort_handler() -> None:
    global _abort_handler_installed
    if not _abort_handler_installed:
        signal.signal(ABORT_SIGNAL, _on_abort_signal)
        _abort_handler_installed = True


def _on_abort_signal(_signum: int, _frame: object) -> None:
    from .watcher import current_run

    run = current_run()
    # Raise only inside an abortable call, and only for a cancel that really arrived.
    if run is not None and run.abortable_depth > 0 and run.cancel_seen.is_set():
        raise JobCancelled()


def fail(job_id: str, token: str | None, message: str, detail: str | None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.claim_token == token, Job.status.in_(ACTIVE_STATUSES))
        .values(
            status=JobStatus.FAILED,
            error=message,
            error_detail=detail or message,
            stage="Failed",
            finished_at=utcnow(),
        )
    )
    db.session.commit()
    announce(job_id)


def finish_cancelled(job_id: str, token: str | None, reason: str | None = None) -> None:
    db.session.rollback()
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.claim_token == token, Job.status.in_(ACTIVE_STATUSES))
        .values(
            status=JobStatus.CANCELLED,
            stage="Cancelled",
            finished_at=utcnow(),
            error=reason,
        )
    )
    db.session.commit()
    announce(job_id)


def give_up(job_id: str, token: str | None, attempts: int) -> None:
    fail(
        job_id,
        token,
        f"This job was interrupted {attempts} times (the worker stopped or restarted) and was given up. "
        "Use retry to run it again.",
        None,
    )
