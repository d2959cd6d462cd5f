"""What the engine tells a job's owner while it runs (through their event stream, wop/events.py):
the job itself after every change of state, stage or progress; an AI reply's text as the model
writes it; each part of read-aloud audio or of a transcript as soon as it is done.

The text and the parts so far are also kept in Redis for a while, so a page opened mid-job shows
them at once (`GET /api/jobs/<task_id>` adds them) and then follows the stream. All of it is best
effort: the job row stays the truth, and a client that misses events reloads it.
"""

import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from sqlalchemy import select

from .. import events
from ..extensions import db
from ..models import Job, User
from ..redis_client import redis_client

if TYPE_CHECKING:
    from .run import JobRun

log = logging.getLogger(__name__)
TEXT_BATCH_SECONDS = 0.05  # a reply's pieces are sent at most this often
PARTIAL_TTL_SECONDS = 3600  # how long the text and parts so far are kept for a late page


def announce(job_id: str, job: Job | None = None, owner: User | None = None, claimed: bool = False) -> None:
    """Send the job, as its owner sees it, to the owner's stream. `job`: the row as just written,
    when the caller has it (its owner is then most often loaded too, or given as `owner`).
    `claimed`: a worker took it, which keeps out a `pending` event still on its way."""
    if job is None:
        # One read for both: this runs after a job's commits, which expire what was loaded.
        row = db.session.execute(select(Job, User).join(User, User.id == Job.user_id).where(Job.id == job_id)).first()
        job, owner = row if row is not None else (None, None)
    made = _job_event(job, owner) if job is not None else None
    if made is not None:
        events.publish(*made, mark=_key(job_id, "claimed") if claimed else None)


@contextmanager
def announcing(job: Job) -> Iterator[None]:
    """announce(job) of a job just submitted, around its broker send: both share one wait on
    Redis (events.publishing). Should the worker's claim be told first, this `pending` is
    dropped rather than follow it."""
    made = _job_event(job)
    unless = _key(job.id, "claimed")
    with events.publishing(*made, unless=unless) if made is not None else nullcontext():
        yield


def _job_event(job: Job, owner: User | None = None) -> tuple[int, str, dict[str, Any]] | None:
    """(user id, "job", the job as its owner sees it); None when the owner is gone."""
    from .view import job_json

    owner = owner if owner is not None else db.session.get(User, job.user_id)
    return None if owner is None else (owner.id, "job", job_json(job, owner, so_far=False))


def _key(job_id: str, what: str) -> str:
    return f"wop:job:{job_id}:{what}"


def partial(job_id: str) -> dict[str, Any]:
    """What a running job has made so far: `partial_text` of a reply, `parts` of read-aloud or a
    transcript; {} when there is nothing (or Redis is away)."""
    try:
        pipe = redis_client().pipeline(transaction=False)
        pipe.get(_key(job_id, "text"))
        pipe.lrange(_key(job_id, "parts"), 0, -1)
        text, parts = pipe.execute()
    except RedisError:
        return {}
    found: dict[str, Any] = {}
    if text is not None:
        found["partial_text"] = text.decode()
    if parts:
        found["parts"] = [json.loads(p) for p in parts]
    return found


def start_attempt(run: "JobRun") -> None:
    """A new attempt starts from nothing: what an earlier one sent is dropped, and clients are
    told to drop it too."""
    if run.attempt > 1:
        try:
            pipe = redis_client().pipeline(transaction=False)
            pipe.delete(_key(run.job_id, "text"), _key(run.job_id, "parts"))
            events.queue_publish(pipe, run.user_id, "restart", {"task_id": run.job_id})
            pipe.execute()
        except RedisError as exc:
            log.warning("could not clear the partial results of job %s: %s", run.job_id, exc)


def add_part(run: "JobRun", index: int, count: int, **made: Any) -> None:
    """Part `index` (from 1) of `count` is done: `url` of its audio, or its `text`, `seconds`."""
    data = {"task_id": run.job_id, "kind": run.kind, "index": index, "count": count}
    data.update({k: v for k, v in made.items() if v is not None})
    try:  # kept and told in one round trip
        pipe = redis_client().pipeline(transaction=False)
        pipe.rpush(_key(run.job_id, "parts"), json.dumps(data))
        pipe.expire(_key(run.job_id, "parts"), PARTIAL_TTL_SECONDS)
        events.queue_publish(pipe, run.user_id, "part", data)
        pipe.execute()
    except RedisError as exc:
        log.warning("could not keep or send part %s of job %s: %s", index, run.job_id, exc)


class TextStream:
    """A reply's text as the model writes it: pieces are collected and sent together, at most
    every TEXT_BATCH_SECONDS, each with the offset where it starts. Use as the provider's
    `on_text`, then `flush()` what is left before the reply is saved."""

    def __init__(self, run: "JobRun"):
        self.run = run
        self.offset = 0  # characters already sent
        self.pending: list[str] = []
        self.sent_at = 0.0

    def __call__(self, piece: str) -> None:
        self.run.stop_if_cancelled()
        self.pending.append(piece)
        if time.monotonic() - self.sent_at >= TEXT_BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        delta = "".join(self.pending)
        if not delta:
            return
        self.pending.clear()
        key = _key(self.run.job_id, "text")
        run = self.run
        try:  # kept and told in one round trip
            pipe = redis_client().pipeline(transaction=False)
            pipe.append(key, delta)
            pipe.expire(key, PARTIAL_TTL_SECONDS)
            text = {"task_id": run.job_id, "node_id": run.node_id, "offset": self.offset, "delta": delta}
            events.queue_publish(pipe, run.user_id, "text", text)
            pipe.execute()
        except RedisError as exc:
            log.warning("could not keep or send the text so far of job %s: %s", run.job_id, exc)
        self.offset += len(delta)
        self.sent_at = time.monotonic()
