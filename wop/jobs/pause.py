"""Pausing a queue for maintenance: its jobs wait, and none is lost.

The paused queues are a set in Redis (kept across restarts by Redis's append-only file, like
the queues themselves). A worker that receives a job of a paused queue drops the message
without claiming the job, which stays pending in the database, the place the engine trusts;
resuming sends every pending job of the queue again. Meanwhile the reaper's periodic resend
reaches the worker and is dropped the same way. Jobs already running when a queue is paused
finish. Should Redis be unreachable, a queue counts as not paused: jobs run rather than wait.
"""

import logging

from sqlalchemy import select

from ..extensions import db
from ..models import Job, JobStatus
from ..redis_client import redis_client

log = logging.getLogger(__name__)
PAUSED_KEY = "wop:paused-queues"


def paused_queues() -> set[str]:
    try:
        members = redis_client().smembers(PAUSED_KEY)
    except Exception as exc:
        log.warning("Could not read the paused queues from Redis (%s); taking none as paused.", exc)
        return set()
    return {m.decode() if isinstance(m, bytes) else str(m) for m in members}


def is_paused(queue: str) -> bool:
    return queue in paused_queues()


def pause(queue: str) -> None:
    redis_client().sadd(PAUSED_KEY, queue)


def resume(queue: str) -> int:
    """Take the queue out of the paused set and send its pending jobs again (a job whose message
    is still waiting gets a second one, which the first claim makes stale). Returns how many."""
    from .enqueue import send

    redis_client().srem(PAUSED_KEY, queue)
    pending = db.session.scalars(
        select(Job).where(Job.queue == queue, Job.status == JobStatus.PENDING).order_by(Job.created_at)
    ).all()
    return sum(send(job) for job in pending)
