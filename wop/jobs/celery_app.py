"""Celery, wired the Flask way: the Celery app is made by `init_celery(app)` and every task runs
inside the Flask app context. Task modules declare their tasks with `shared_task` (through
`@job_kind`), so they bind to whichever app was made."""

import gc
import logging
import os
import resource
from typing import Any

from billiard.pool import EX_RECYCLE
from celery import Celery, Task
from celery.signals import (
    setup_logging,
    worker_before_create_process,
    worker_process_init,
    worker_process_shutdown,
    worker_ready,
)
from flask import Flask

from ..queues import HARD_TIME_LIMIT, MAX_TASKS_PER_CHILD, SOFT_SHUTDOWN_SECONDS, SOFT_TIME_LIMIT
from ..schedule import beat_schedule, broker_settings

log = logging.getLogger(__name__)
_flask_app: Flask | None = None  # the app whose Celery is the current one, for the worker signals below


def init_celery(app: Flask) -> Celery[Task[Any, Any]]:
    global _flask_app

    class FlaskTask(Task[Any, Any]):
        def __call__(self, *args: Any, **kwargs: Any) -> Any:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery: Celery[Task[Any, Any]] = Celery(app.import_name, task_cls=FlaskTask, include=["wop.tasks"])
    celery.conf.update(
        broker_settings(app.config["REDIS_URL"]),
        task_ignore_result=True,  # job state lives in our own table
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=HARD_TIME_LIMIT,
        task_soft_time_limit=SOFT_TIME_LIMIT,
        worker_max_tasks_per_child=MAX_TASKS_PER_CHILD,
        worker_max_memory_per_child=app.config["WORKER_MAX_MEMORY_MB"] * 1024,  # Celery counts KiB
        worker_soft_shutdown_timeout=SOFT_SHUTDOWN_SECONDS,
        worker_enable_soft_shutdown_on_idle=True,
        worker_hijack_root_logger=False,
        beat_schedule=_beat_schedule(app),
        beat_schedule_filename=str(app.config["DATA_DIR"] / "celerybeat-schedule"),
    )
    celery.set_default()
    _flask_app = app
    app.extensions["celery"] = celery
    return celery


def _beat_schedule(app: Flask) -> dict[str, dict[str, Any]]:
    """What the scheduler sends, and how often (wop/schedule.py; the scheduler reads it too)."""
    return beat_schedule(app.config)


@setup_logging.connect
def _logging_is_ours(loglevel: int | str | None = None, **_kwargs: Any) -> None:
    """With a receiver here Celery configures no logging of its own: create_app already did
    (wop/log_format.py), and two handlers would write each line twice. The worker's
    `--loglevel` still applies to every logger."""
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@worker_before_create_process.connect
def _share_loaded_objects_with_pool(**_kwargs: Any) -> None:
    """Before a pool process is forked: keep the garbage collector off the objects loaded so
    far, or its first collection in the pool process touches, and so copies, every page it
    shares with this one. The provider SDKs are not loaded here: an idle pool process stays
    small (docs/benchmarks.md, "The round-trip tail", says what that costs)."""
    gc.freeze()


@worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs: Any) -> None:
    """A forked pool process must not share the parent's database connections. It opens its
    own, to the database and to Redis, before it takes a job."""
    app = _flask_app
    if app is not None:
        from ..extensions import db
        from ..redis_client import redis_client

        with app.app_context():
            db.engine.dispose(close=False)
            try:
                with db.engine.connect():
                    pass  # the pool keeps it for the first job
                redis_client().ping()
            except Exception as exc:  # the first job will try again, and say what is wrong
                log.warning("A new pool process could not reach the database or Redis yet: %s", exc)


@worker_process_shutdown.connect
def _metrics_of_ended_pool_process(pid: int | None = None, **_kwargs: Any) -> None:
    """A pool process that ends no longer counts in the metrics' live gauges (its counters stay)."""
    from ..metrics import process_ended

    process_ended(pid or os.getpid())


@worker_process_shutdown.connect
def _say_why_a_pool_process_ends(exitcode: int | None = None, **_kwargs: Any) -> None:
    """Celery replaces a pool process past WORKER_MAX_MEMORY_MB without a word in the log."""
    limit = _flask_app.config["WORKER_MAX_MEMORY_MB"] if _flask_app is not None else None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    if exitcode == EX_RECYCLE and limit is not None and peak > limit:
        log.info("Pool process replaced: its peak memory, %.0f MiB, passed WORKER_MAX_MEMORY_MB (%s).", peak, limit)


@worker_ready.connect
def _recover_jobs_of_dead_workers(**_kwargs: Any) -> None:
    """A worker starting on a host where another one died (killed, crashed machine) takes that
    worker's jobs back at once, instead of waiting for their heartbeats to go silent."""
    app = _flask_app
    if app is not None:
        from .reaper import recover_lost_jobs

        with app.app_context():
            try:
                recover_lost_jobs()
            except Exception:  # never stop a worker from starting
                log.exception("Could not recover the jobs of dead workers")
