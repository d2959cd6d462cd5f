"""The job engine: Celery app, job kinds, the engine that owns job state, the reaper."""
from .engine import JobRun, cancel, job_status, reap, retry, submit
from .registry import job_kind

__all__ = ["JobRun", "cancel", "job_status", "job_kind", "reap", "retry", "submit"]
