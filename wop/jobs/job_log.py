"""One log line per job event: queued, started, and how the attempt ended (completed, failed,
cancelled, retrying, superseded). Only ids, the kind, the attempt and the duration: never the
job's parameters, results or errors, which may hold what a user wrote. Each event is counted
in the Prometheus metrics too (wop/metrics.py)."""

import logging
from typing import Any

from ..metrics import count_job_event

log = logging.getLogger("wop.jobs.events")


def job_event(event: str, job_id: str, kind: str, user_id: int, attempt: int, duration: float | None = None) -> None:
    fields: dict[str, Any] = {"event": event, "job_id": job_id, "kind": kind, "user_id": user_id, "attempt": attempt}
    if duration is not None:
        fields["duration_s"] = round(duration, 3)
    count_job_event(event, kind, duration)
    log.info("job %s", " ".join(f"{key}={value}" for key, value in fields.items()), extra={"fields": fields})
