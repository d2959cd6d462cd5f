"""Queues and the workers' fixed limits: named once here, derived everywhere else. Imports
nothing, so the light processes (the supervisor) may read it."""

from enum import StrEnum


class Queue(StrEnum):
    """Where a job kind's messages wait. `llm` is network-bound (many at once are fine), `audio`
    CPU and memory bound, `export` disk-bound; `maintenance` carries the reaper."""

    LLM = "llm"
    AUDIO = "audio"
    EXPORT = "export"
    MAINTENANCE = "maintenance"


QUEUES = tuple(q.value for q in Queue)
ALL_QUEUES = ",".join(QUEUES)  # what a worker serving everything listens on (`-Q`)

HARD_TIME_LIMIT = 3600  # seconds a task may run before its process is killed
SOFT_TIME_LIMIT = 3300  # seconds before the task is asked to stop (SoftTimeLimitExceeded)
VISIBILITY_TIMEOUT = 2 * HARD_TIME_LIMIT  # Redis redelivers unacknowledged messages after this
# A pool process is replaced after this many tasks, or sooner when its peak resident memory
# passes WORKER_MAX_MEMORY_MB (a setting). Memory is the real bound; the count only catches
# leaks of other things. Replacing every few tasks would cost: a new process pays its imports
# (the provider SDK, 0.3-2 s) on its first job (docs/benchmarks.md, "The round-trip tail").
MAX_TASKS_PER_CHILD = 1000
SOFT_SHUTDOWN_SECONDS = 10.0  # on SIGTERM, running tasks get this long before they are handed back

# Make SIGTERM a soft shutdown: running tasks get SOFT_SHUTDOWN_SECONDS, then their messages go
# back to Redis and another worker takes the jobs over. (Plain SIGTERM would wait for running
# tasks for up to the hard time limit.) Celery reads this at start-up, so every command that
# starts a worker puts it in the worker's environment.
WORKER_ENV = {"REMAP_SIGTERM": "SIGQUIT"}
