"""Job kinds: each kind's task module registers its function and queue here."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class JobKind:
    name: str
    queue: str
    run: Callable
    max_attempts: int | None = None  # None: JOB_MAX_ATTEMPTS

    @property
    def task_name(self) -> str:
        return f"wop.jobs.{self.name}"


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, queue: str, max_attempts: int | None = None):
    """Register `fn(run: JobRun)` as the body of jobs of this kind, and as a Celery task."""

    def decorator(fn):
        from .celery_app import celery
        from .runner import run_job

        KINDS[name] = JobKind(name, queue, fn, max_attempts)

        @celery.task(name=f"wop.jobs.{name}")
        def task(job_id: str) -> None:
            run_job(job_id, fn)

        return fn

    return decorator
