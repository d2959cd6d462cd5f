"""Job kinds: each task module registers its function and queue here."""

from collections.abc import Callable
from dataclasses import dataclass

from celery import shared_task

from ..queues import Queue
from .run import JobRun

TaskBody = Callable[[JobRun], None]


@dataclass(frozen=True)
class JobKind:
    name: str
    queue: Queue
    run: TaskBody
    max_attempts: int | None = None  # None: JOB_MAX_ATTEMPTS

    @property
    def task_name(self) -> str:
        return task_name(self.name)


KINDS: dict[str, JobKind] = {}


def task_name(kind: str) -> str:
    return f"wop.jobs.{kind}"


def job_kind(name: str, queue: Queue, max_attempts: int | None = None) -> Callable[[TaskBody], TaskBody]:
    """Register `fn(run: JobRun)` as the body of jobs of this kind, and as a Celery task."""

    def decorator(fn: TaskBody) -> TaskBody:
        from .pause import is_paused
        from .runner import run_job

        KINDS[name] = JobKind(name, queue, fn, max_attempts)

        @shared_task(name=task_name(name))
        def task(job_id: str) -> None:
            if is_paused(queue):
                return  # the job stays pending: resuming the queue sends it again (wop/jobs/pause.py)
            run_job(job_id, fn)

        return fn

    return decorator
