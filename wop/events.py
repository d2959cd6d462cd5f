"""Live events: what happens to a user's jobs, kept in one bounded Redis stream per user.

Publishers (the job engine) call `publish` or one of its typed helpers; `GET /api/events`
(wop/api/events.py) replays and follows the stream. The database stays the source of truth:
events are best effort, a client that missed too much is told to reload (`reset`).

A stream keeps the events of the last EVENTS_RETENTION_SECONDS, and at most about
EVENTS_STREAM_MAXLEN of them; it disappears after that long without events. Entry ids are
Redis's own (`<milliseconds>-<sequence>`), so they also say when an event happened.
"""

import contextlib
import json
import logging
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from flask import current_app
from redis.exceptions import RedisError, ResponseError
from redis.typing import EncodableT

from .redis_client import blocking_redis_client, redis_client

if TYPE_CHECKING:
    from redis.client import Pipeline

log = logging.getLogger(__name__)
EVENTS = ("job", "text", "part", "restart", "reset")
_EVENT_ID = re.compile(r"([0-9]{1,20})-([0-9]{1,20})")
_MAX_ID_PART = 2**64 - 1
READ_BATCH = 100

# Claims (or renews) one of a user's open-stream places: a sorted set of stream id -> expiry
# (Redis's clock, in ms). Expired places are dropped first, so a web process that died without
# releasing its places gives them back after one TTL.
_CLAIM_PLACE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
"""


class Event(NamedTuple):
    id: str
    event: str
    data: str  # JSON text


def stream_key(user_id: int) -> str:
    return f"wop:events:{user_id}"


def _places_key(user_id: int) -> str:
    return f"wop:event-streams:{user_id}"


def publish(user_id: int, event: str, data: dict[str, Any], mark: str | None = None) -> str | None:
    """Append an event to the user's stream; its id, or None when Redis is unreachable (logged,
    never raised: the caller's work must not fail because a live update could not be sent).
    `mark`: a key set first, which keeps out an earlier event still on its way (`publishing`)."""
    try:
        pipe = redis_client().pipeline(transaction=False)
        if mark is not None:  # before the event: a `pending` on its way then finds it
            pipe.set(mark, 1, ex=current_app.config["EVENTS_RETENTION_SECONDS"])
        xadd = len(pipe)  # where queue_publish's XADD comes
        queue_publish(pipe, user_id, event, data)
        entry_id = pipe.execute()[xadd]
    except RedisError as exc:
        log.warning("live event %s for user %s not sent: %s", event, user_id, exc)
        return None
    return entry_id.decode()


def queue_publish(pipe: "Pipeline", user_id: int, event: str, data: dict[str, Any]) -> None:
    """Queue the publishing of an event on `pipe` (its XADD is the first command queued here), so
    a caller with other Redis writes to make sends them all in one round trip."""
    for command in _publish_commands(user_id, event, data):
        pipe.execute_command(*command)


@contextlib.contextmanager
def publishing(user_id: int, event: str, data: dict[str, Any], unless: str) -> Iterator[None]:
    """Publish an event around a block that waits on Redis anyway (the broker's send): the
    event is sent before the block and Redis's answer read after it, so both share one wait.
    The two go on different connections, so what the block sends may still be done first; the
    event is then dropped if the key `unless` exists by the time it is done (a later event sets
    it first, so this one cannot follow it). Never raises for Redis."""
    command = _publish_unless_command(user_id, event, data, unless)
    pool = redis_client().connection_pool
    connection = None
    try:
        connection = pool.get_connection()
        connection.send_command(*command)
    except RedisError as exc:
        log.warning("live event %s for user %s not sent: %s", event, user_id, exc)
        if connection is not None:
            connection.disconnect()
            pool.release(connection)
            connection = None
    try:
        yield
    finally:
        if connection is not None:
            try:
                connection.read_response()
            except RedisError as exc:
                log.warning("live event %s for user %s not sent: %s", event, user_id, exc)
                connection.disconnect()  # answers may be left unread on it
            finally:
                pool.release(connection)


# _publish_commands' three, done only while KEYS[2] does not exist (in one step: nothing can
# come between the check and the add).
_PUBLISH_UNLESS = """
if redis.call('EXISTS', KEYS[2]) == 1 then return false end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'event', ARGV[2], 'data', ARGV[3])
redis.call('XTRIM', KEYS[1], 'MINID', '~', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return id
"""


def _publish_unless_command(user_id: int, event: str, data: dict[str, Any], unless: str) -> tuple[EncodableT, ...]:
    key, maxlen, body, minid, retention = _event_fields(user_id, event, data)
    return ("EVAL", _PUBLISH_UNLESS, 2, key, unless, maxlen, event, body, minid, retention)


def _publish_commands(user_id: int, event: str, data: dict[str, Any]) -> list[tuple[EncodableT, ...]]:
    """The commands that publish an event: add it to the stream (about EVENTS_STREAM_MAXLEN
    kept), drop what is older than the retention, and let the stream expire when quiet."""
    key, maxlen, body, minid, retention = _event_fields(user_id, event, data)
    return [
        ("XADD", key, "MAXLEN", "~", maxlen, "*", "event", event, "data", body),
        ("XTRIM", key, "MINID", "~", minid),
        ("EXPIRE", key, retention),
    ]


def _event_fields(user_id: int, event: str, data: dict[str, Any]) -> tuple[str, int, str, int, int]:
    """The stream, its length kept, the event's JSON, the oldest id kept, the retention (s)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event!r}; use one of {', '.join(EVENTS)}")
    config = current_app.config
    retention = config["EVENTS_RETENTION_SECONDS"]
    body = json.dumps(data, separators=(",", ":"), default=str)
    return stream_key(user_id), config["EVENTS_STREAM_MAXLEN"], body, int((time.time() - retention) * 1000), retention


def publish_text(user_id: int, task_id: str, node_id: int | None, offset: int, delta: str) -> str | None:
    """Text generated so far grew by `delta`, which starts at character `offset`."""
    return publish(user_id, "text", {"task_id": task_id, "node_id": node_id, "offset": offset, "delta": delta})


def publish_part(
    user_id: int,
    task_id: str,
    kind: str,
    index: int,
    count: int,
    *,
    url: str | None = None,
    text: str | None = None,
    seconds: float | None = None,
) -> str | None:
    """Part `index` of `count` is ready (an audio part's `url`, a transcript part's `text`)."""
    data = {"task_id": task_id, "kind": kind, "index": index, "count": count}
    data.update({k: v for k, v in (("url", url), ("text", text), ("seconds", seconds)) if v is not None})
    return publish(user_id, "part", data)


def publish_restart(user_id: int, task_id: str) -> str | None:
    """A retried attempt starts its text again: clients drop what they had of this job."""
    return publish(user_id, "restart", {"task_id": task_id})


def parse_event_id(raw: str) -> str:
    """The id in Redis's form; ValueError unless it is one (`<milliseconds>-<sequence>`)."""
    match = _EVENT_ID.fullmatch(raw)
    if not match or max(int(match[1]), int(match[2])) > _MAX_ID_PART:
        raise ValueError(raw)
    return f"{int(match[1])}-{int(match[2])}"


def id_tuple(raw) -> tuple[int, int]:
    """(milliseconds, sequence): ids compare in this form as Redis orders them."""
    ms, seq = (raw.decode() if isinstance(raw, bytes) else raw).split("-")
    return int(ms), int(seq)


def resume_point(user_id: int, last_id: str | None) -> tuple[str, bool]:
    """Where a client's stream continues, and whether it must reload first (`reset`).

    A fresh client (no last id) starts at the newest event. A client that last saw `last_id`
    continues after it, unless events after it may be gone: it is older than the retention
    window, events after it were deleted or trimmed, or this stream never gave it (Redis lost
    its data). Then it starts again at the newest event, after a `reset`.
    """
    pipe = redis_client().pipeline(transaction=False)
    pipe.time()
    pipe.xinfo_stream(stream_key(user_id))
    (seconds, micros), info = pipe.execute(raise_on_error=False)
    if isinstance(info, ResponseError):  # no such stream: no event in the retention window
        info = None
    elif isinstance(info, Exception):
        raise info
    now_ms = seconds * 1000 + micros // 1000
    # With no stream yet, start just before now: any event published from now on is newer.
    newest = id_tuple(info["last-generated-id"]) if info else (now_ms - 1, 0)
    start = f"{newest[0]}-{newest[1]}"
    if last_id is None:
        return start, False
    last = id_tuple(last_id)
    retention_ms = current_app.config["EVENTS_RETENTION_SECONDS"] * 1000
    if last[0] < now_ms - retention_ms:
        return start, True
    if info is None:
        return last_id, False
    # Trimming leaves no trace but the first entry kept (max-deleted-entry-id tracks XDEL only);
    # entries-added > length says something was removed, and then anything before the first
    # entry kept (or before the newest, when none is kept) may have been missed.
    removed = info["entries-added"] > info["length"]
    kept_from = id_tuple(info["recorded-first-entry-id"]) if info["length"] else newest
    gone = last < id_tuple(info["max-deleted-entry-id"]) or (removed and last < kept_from)
    if gone or last > newest:
        return start, True
    return last_id, False


def read(user_id: int, after_id: str, block_seconds: float) -> list[Event]:
    """The events after `after_id`, waiting up to `block_seconds` (at most the keepalive
    interval) for the first one; [] when none came."""
    client = blocking_redis_client(current_app.config["EVENTS_KEEPALIVE_SECONDS"])
    reply = cast(  # XREAD's answer for one stream, without decode_responses
        "list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]",
        client.xread({stream_key(user_id): after_id}, count=READ_BATCH, block=max(1, int(block_seconds * 1000))),
    )  # BLOCK 0 would wait forever
    if not reply:
        return []
    return [
        Event(entry_id.decode(), fields[b"event"].decode(), fields[b"data"].decode())
        for entry_id, fields in reply[0][1]
    ]


def claim_stream_place(user_id: int, stream_id: str, limit: int, ttl_seconds: float) -> bool:
    """Take (or renew) one of the user's `limit` open-stream places for `ttl_seconds`; False
    when all are taken."""
    claim = redis_client().register_script(_CLAIM_PLACE)
    return bool(claim(keys=[_places_key(user_id)], args=[stream_id, limit, int(ttl_seconds * 1000)]))


def release_stream_place(user_id: int, stream_id: str) -> None:
    with contextlib.suppress(RedisError):  # otherwise the place expires by itself
        redis_client().zrem(_places_key(user_id), stream_id)
