"""Entry point for the scheduler: `celery -A wop.scheduler beat`.

Beat only sends the periodic tasks by name at their times, so it loads the settings, Celery and
the schedule, not the app (Flask, SQLAlchemy, the models, the tasks): a beat that loads
`wop.worker` takes several times its memory."""

import logging
from typing import Any

from celery import Celery
from celery.signals import setup_logging

from .data_dir import secure_data_dir
from .log_format import configure_logging
from .schedule import beat_schedule, broker_settings
from .settings import load_settings

_settings = load_settings()
celery = Celery("wop")
celery.conf.update(
    broker_settings(_settings.redis_url),
    beat_schedule=beat_schedule(_settings.model_dump()),
    beat_schedule_filename=str(secure_data_dir(_settings.DATA_DIR) / "celerybeat-schedule"),
)


@setup_logging.connect
def _logging_is_ours(loglevel: int | str | None = None, **_kwargs: Any) -> None:
    """The same log lines as every other process (LOG_FORMAT), not Celery's own."""
    configure_logging(_settings.LOG_FORMAT)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
