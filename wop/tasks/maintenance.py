"""Periodic housekeeping run by the scheduler."""
from ..jobs.celery_app import celery
from ..jobs.engine import reap

CLEANUPS = []  # other modules append functions that delete expired files


@celery.task(name="wop.jobs.reap")
def reap_task() -> dict:
    counts = reap()
    for cleanup in CLEANUPS:
        cleanup()
    return counts
