"""The job engine: the one place that changes job rows.

Every slow operation is a job: a row in the `job` table (the single source of truth) and a
Celery message that carries only its id. The row moves through `JobStatus`; only this package
moves it:

- `submit` (web side) inserts and commits the row, then sends the message; `cancel`, `retry`.
- `JobRun` (worker side) claims the job, reports progress and finishes it. Every write that
  ends an attempt is guarded by the attempt's claim token, so a stale or duplicate message can
  never overwrite the work of a newer attempt, and a result is written exactly once.
- `reap` sends what never reached a worker and takes back what a dead worker held.

A task body is `fn(run: JobRun) -> None`, registered with `@job_kind`. It does the domain work,
calls `run.progress(...)`, raises `JobFailed` when it cannot finish, and ends with
`run.complete(apply)`, where `apply` writes its result in the same transaction that marks the
job completed.
"""

from .enqueue import cancel, job_status, retry, submit
from .registry import job_kind
from .run import JobCancelled, JobRun

__all__ = ["JobCancelled", "JobRun", "cancel", "job_kind", "job_status", "retry", "submit"]
