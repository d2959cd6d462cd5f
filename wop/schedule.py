"""What the scheduler (celery beat) sends and how Celery reaches the broker: shared by the
worker's Celery app (wop/jobs/celery_app.py) and the scheduler's (wop/scheduler.py). Imports
nothing heavy, so the scheduler stays small."""

from collections.abc import Mapping
from typing import Any

from .queues import QUEUES, VISIBILITY_TIMEOUT, Queue

EXPORT_EXPIRY_SECONDS = 600  # how often expired thread exports are deleted


def broker_settings(redis_url: str) -> dict[str, Any]:
    """The Celery settings every process that sends or receives messages agrees on."""
    from kombu import Queue as KombuQueue

    return {
        "broker_url": redis_url,
        "broker_connection_retry_on_startup": True,
        # Fail fast when Redis is down while a request enqueues: the reaper sends it later.
        "broker_transport_options": {
            "visibility_timeout": VISIBILITY_TIMEOUT,
            "socket_connect_timeout": 2,
            "socket_timeout": 10,
        },
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_queues": [KombuQueue(name) for name in QUEUES],
        "task_default_queue": Queue.LLM.value,
    }


def beat_schedule(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """What the scheduler sends, and how often; `config` holds the settings by name."""
    reap_every = config["REAPER_INTERVAL_SECONDS"]
    schedule: dict[str, dict[str, Any]] = {
        "reap-jobs": {
            "task": "wop.jobs.reap",
            "schedule": reap_every,
            "options": {"queue": Queue.MAINTENANCE.value, "expires": reap_every},
        },
        "expire-read-aloud-parts": {
            "task": "wop.read_aloud.expire_parts",
            "schedule": EXPORT_EXPIRY_SECONDS,
            "options": {"queue": Queue.MAINTENANCE.value, "expires": EXPORT_EXPIRY_SECONDS},
        },
        "expire-exports": {
            "task": "wop.exports.expire",
            "schedule": EXPORT_EXPIRY_SECONDS,
            "options": {"queue": Queue.MAINTENANCE.value, "expires": EXPORT_EXPIRY_SECONDS},
        },
    }
    if config.get("BACKUP_DIR"):
        every = config["BACKUP_INTERVAL_HOURS"] * 3600
        schedule["backup"] = {
            "task": "wop.backup.scheduled",
            "schedule": every,
            "options": {"queue": Queue.MAINTENANCE.value, "expires": every},
        }
    return schedule
