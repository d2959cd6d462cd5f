"""One thread per worker process that keeps the running job's heartbeat and listens for its cancel.

Started once per process (not once per job): a pool process runs one job at a time, and the
thread follows whichever job that is. It waits on the job's Redis cancel list (BLPOP, so a
cancel arrives within milliseconds) and, every JOB_HEARTBEAT_SECONDS, proves the attempt is
alive in the database — which also reads the cancel flag, so a cancel still arrives when Redis
was unreachable at the moment it was asked for.
"""

import logging
import os
import signal
import threading
import time
from typing import cast

from flask import Flask, current_app
from sqlalchemy import update
from werkzeug.local import LocalProxy

from ..extensions import db
from ..models import Job
from ..models.base import utcnow
from ..redis_client import redis_client
from .run import ABORT_SIGNAL, JobRun

log = logging.getLogger(__name__)
LISTEN_SECONDS = 1.0  # longest wait on Redis before looking at the current job again

_lock = threading.Lock()
_changed = threading.Event()
_current: JobRun | None = None  # the attempt being worked on in this process
_thread_pid: int | None = None


def cancel_key(job_id: str) -> str:
    """A Redis list the worker running the job listens on: a push there stops it at once."""
    return f"wop:job:{job_id}:cancel"


def current_run() -> JobRun | None:
    return _current


def watch(run: JobRun) -> None:
    global _current
    _ensure_thread(cast("LocalProxy[Flask]", current_app)._get_current_object())  # the app, not its proxy
    with _lock:
        _current = run
    _changed.set()


def unwatch(run: JobRun) -> None:
    global _current
    with _lock:
        if _current is run:
            _current = None


def _ensure_thread(app: Flask) -> None:
    """Threads do not survive a fork: start one in each process that runs jobs."""
    global _thread_pid
    with _lock:
        if _thread_pid == os.getpid():
            return
        _thread_pid = os.getpid()
    threading.Thread(target=_loop, args=(app,), name="job-watcher", daemon=True).start()


def _loop(app: Flask) -> None:
    with app.app_context():
        interval = float(app.config["JOB_HEARTBEAT_SECONDS"])
        wait = min(LISTEN_SECONDS, interval)
        while True:
            run = _current
            if run is None:
                _changed.wait()
                _changed.clear()
                continue
            try:
                _listen(run, wait)
                if run is _current and time.monotonic() - run.last_beat >= interval:
                    _beat(run)
            except Exception:  # the watcher must outlive any Redis or database hiccup
                log.exception("The job watcher hit an error; it carries on.")
                time.sleep(wait)


def _listen(run: JobRun, wait: float) -> None:
    try:
        popped = redis_client().blpop([cancel_key(run.job_id)], timeout=wait)
    except Exception:  # Redis away: the database heartbeat still sees the cancel
        time.sleep(wait)
        return
    if popped and run is _current:
        _cancel(run)


def _beat(run: JobRun) -> None:
    beat = utcnow()
    with db.engine.begin() as conn:
        row = conn.execute(
            update(Job)
            .where(Job.id == run.job_id, Job.claim_token == run.token)
            .values(heartbeat_at=beat)
            .returning(Job.cancel_requested)
        ).first()
    run.last_beat = time.monotonic()
    if row is not None:
        run.beat_at = beat  # the owner's next event shows it
    if row is None:
        run.lost.set()
    elif row.cancel_requested:
        _cancel(run)


def _cancel(run: JobRun) -> None:
    run.cancel_seen.set()
    if run.abortable_depth > 0:
        # Interrupt the provider call where it waits: the handler raises JobCancelled there.
        main = threading.main_thread().ident
        assert main is not None  # the main thread is always running
        signal.pthread_kill(main, ABORT_SIGNAL)
