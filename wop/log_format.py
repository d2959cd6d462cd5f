"""The log lines of every process (web, worker, scheduler): text for people, or one JSON object
per line (LOG_FORMAT=json) for log collectors. One handler on the root logger: our own records
(`wop.*`) and Celery's at INFO, other libraries' from WARNING. gunicorn keeps its own loggers
(its access and error logs); Celery is told to leave logging to us (wop/jobs/celery_app.py), so
every line is written once. Structured fields travel in a record's `fields` (see
wop/jobs/job_log.py) and become keys of the JSON object."""

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

INFO_LOGGERS = ("wop", "celery")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _OurHandler(logging.StreamHandler):
    """Marks the handler this module installed, so configuring again replaces it."""


def configure_logging(log_format: str) -> logging.Handler:
    """Write log records to stderr in `log_format` ("text" or "json")."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(old)
    handler = _OurHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    for name in INFO_LOGGERS:
        if logging.getLogger(name).level == logging.NOTSET:
            logging.getLogger(name).setLevel(logging.INFO)
    return handler
