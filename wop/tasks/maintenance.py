"""Periodic housekeeping run by the scheduler (named entries in wop/jobs/celery_app.py)."""

from celery import shared_task

from ..backup import scheduled_backup
from ..exports.files import expire_old_exports
from ..jobs.reaper import reap
from ..read_aloud import expire_old_parts


@shared_task(name="wop.jobs.reap")
def reap_task() -> dict[str, int]:
    return reap()


@shared_task(name="wop.exports.expire")
def expire_exports_task() -> int:
    return expire_old_exports()


@shared_task(name="wop.read_aloud.expire_parts")
def expire_read_aloud_parts_task() -> int:
    return expire_old_parts()


@shared_task(name="wop.backup.scheduled")
def scheduled_backup_task() -> str:
    """A backup into BACKUP_DIR, keeping the newest BACKUP_KEEP archives there."""
    return str(scheduled_backup())
