"""Celery, wired the Flask way: every task runs inside the app context."""
from celery import Celery, Task
from celery.signals import worker_process_init, worker_ready
from flask import Flask
from kombu import Queue

QUEUES = ("llm", "audio", "export", "maintenance")
HARD_TIME_LIMIT = 3600
SOFT_TIME_LIMIT = 3300

# Make SIGTERM a soft shutdown: running tasks get worker_soft_shutdown_timeout seconds, then
# their messages go back to Redis and another worker takes the jobs over. (Plain SIGTERM would
# wait for running tasks for up to the hard time limit.) Celery reads this at start-up, so every
# command that starts a worker puts it in the worker's environment.
WORKER_ENV = {"REMAP_SIGTERM": "SIGQUIT"}

celery = Celery("wop", include=["wop.tasks"])


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = FlaskTask
    celery.flask_app = app
    celery.conf.update(
        broker_url=app.config["REDIS_URL"],
        broker_connection_retry_on_startup=True,
        # Fail fast when Redis is down while a request enqueues: the reaper sends it later.
        broker_transport_options={
            "visibility_timeout": 2 * HARD_TIME_LIMIT,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
        },
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,  # job state lives in our own table
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_time_limit=HARD_TIME_LIMIT,
        task_soft_time_limit=SOFT_TIME_LIMIT,
        worker_max_tasks_per_child=50,
        worker_soft_shutdown_timeout=10.0,
        worker_enable_soft_shutdown_on_idle=True,
        worker_hijack_root_logger=False,
        task_queues=[Queue(name) for name in QUEUES],
        task_default_queue="llm",
        beat_schedule={
            "reap-jobs": {
                "task": "wop.jobs.reap",
                "schedule": app.config["REAPER_INTERVAL_SECONDS"],
                "options": {"queue": "maintenance", "expires": app.config["REAPER_INTERVAL_SECONDS"]},
            }
        },
        beat_schedule_filename=str(app.config["DATA_DIR"] / "celerybeat-schedule"),
    )
    app.extensions["celery"] = celery
    return celery


@worker_process_init.connect
def _fresh_connections_after_fork(**_kwargs):
    """A forked pool process must not share the parent's database connections."""
    app = getattr(celery, "flask_app", None)
    if app is not None:
        from ..extensions import db

        with app.app_context():
            db.engine.dispose(close=False)


@worker_ready.connect
def _recover_jobs_of_dead_workers(**_kwargs):
    """A worker starting on a host where another one died (killed, crashed machine) takes that
    worker's jobs back at once, instead of waiting for their heartbeats to go silent."""
    app = getattr(celery, "flask_app", None)
    if app is not None:
        from .engine import recover_lost_jobs

        with app.app_context():
            try:
                recover_lost_jobs()
            except Exception:  # never stop a worker from starting
                import logging

                logging.getLogger(__name__).exception("Could not recover the jobs of dead workers")
