"""Live updates: GET /api/events, a Server-Sent Events stream of what happens to the caller's jobs.

Each open stream is one idle greenlet waiting on Redis (XREAD BLOCK) under the gevent worker.
It holds no database connection while it waits; at every keepalive it checks again that its
session or token is still valid, renews its place among the user's open streams, and ends
when either is gone. When its worker is told to stop, it ends at once (see
deploy/gunicorn.conf.py): its client reconnects to another worker and misses nothing.
"""

import random
import secrets
import time
import weakref
from collections.abc import Iterator
from typing import cast

import gevent
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue
from greenlet import greenlet
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.local import LocalProxy

from .. import events
from ..errors import BadRequest, DomainError, Unavailable
from ..extensions import db
from ..security import current_user, logged_in_user, login_required

bp = Blueprint("events", __name__, url_prefix="/api")
PLACE_TTL_KEEPALIVES = 3  # a place not renewed for this many keepalives is free again
_serving: "weakref.WeakSet[greenlet]" = weakref.WeakSet()  # this process's open streams


@bp.get("/events")
@login_required
def event_stream() -> ResponseReturnValue:
    """Server-Sent Events: everything that happens to your jobs, replayed after Last-Event-ID."""
    config = current_app.config
    user_id, last_id = logged_in_user().id, _last_event_id()
    keepalive = config["EVENTS_KEEPALIVE_SECONDS"]
    limit, place_ttl = config["EVENTS_MAX_STREAMS_PER_USER"], PLACE_TTL_KEEPALIVES * keepalive
    stream_id = secrets.token_hex(8)
    try:
        cursor, reset = events.resume_point(user_id, last_id)
        if not events.claim_stream_place(user_id, stream_id, limit, place_ttl):
            resp = jsonify(
                code="too_many_requests",
                error=f"You already have {limit} live update streams open, the most allowed "
                f"(EVENTS_MAX_STREAMS_PER_USER). Close some of this site's tabs or windows: "
                f"a closed one frees its place within {place_ttl:g} seconds.",
            )
            resp.headers["Retry-After"] = str(int(keepalive) + 1)
            return resp, 429
    except RedisError as exc:
        current_app.logger.warning("live updates unavailable: %s", exc)
        raise Unavailable(
            "Live updates are unavailable right now (Redis cannot be reached). "
            "The page still works; reload it later to get live updates back."
        ) from exc
    db.session.remove()  # an open stream must not hold a database connection while it waits
    response = Response(
        stream_with_context(_follow(user_id, cursor, reset, stream_id, limit, place_ttl)),
        mimetype="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()  # the app, not its proxy

    def release_place() -> None:  # runs after the request's contexts are gone
        with app.app_context():
            events.release_stream_place(user_id, stream_id)

    response.call_on_close(release_place)
    return response


def _last_event_id() -> str | None:
    # The header is what a browser's EventSource sends when it reconnects by itself.
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id")
    if not raw:
        return None
    try:
        return events.parse_event_id(raw.strip())
    except ValueError:
        raise BadRequest(
            f"Last-Event-ID {raw[:40]!r} is not an event id: send the id of the last event "
            "received (such as 1700000000000-0), or none to start from now."
        ) from None


class _WorkerStopping(gevent.GreenletExit):
    """Raised in a stream's greenlet to end it (gunicorn ignores it if it lands outside)."""


def end_open_streams() -> None:
    """End every open stream of this process now (its worker is stopping)."""
    for serving in list(_serving):
        gevent.kill(serving, _WorkerStopping)


def _follow(user_id: int, cursor: str, reset: bool, stream_id: str, limit: int, place_ttl: float) -> Iterator[str]:
    keepalive = current_app.config["EVENTS_KEEPALIVE_SECONDS"]
    _serving.add(gevent.getcurrent())
    yield ": connected\n\n"  # sends the headers at once: the client knows the stream is open
    db.session.remove()
    if reset:
        yield _frame(events.Event(cursor, "reset", "{}"))
    # The first keepalive comes at a random point of the interval: streams opened together (all
    # tabs reconnecting after a restart) would otherwise wake together to check their sessions.
    next_keepalive = time.monotonic() + keepalive * random.random()
    try:
        while True:
            try:
                batch = events.read(user_id, cursor, next_keepalive - time.monotonic())
            except RedisError as exc:
                current_app.logger.warning("live updates for user %s stopped: %s", user_id, exc)
                return  # the client reconnects with its last id and misses nothing
            for event in batch:
                yield _frame(event)
                cursor = event.id
            if time.monotonic() >= next_keepalive:
                if not _signed_in_as(user_id):
                    return
                try:
                    if not events.claim_stream_place(user_id, stream_id, limit, place_ttl):
                        return
                except RedisError:
                    return
                yield ": keepalive\n\n"
                next_keepalive = time.monotonic() + keepalive
    except _WorkerStopping:
        return  # a clean end: the client reconnects to another worker


def _frame(event: events.Event) -> str:
    return f"id: {event.id}\nevent: {event.event}\ndata: {event.data}\n\n"


def _signed_in_as(user_id: int) -> bool:
    """Whether the stream's session or token still belongs to its user (a logout, an ended
    session or a revoked token ends the stream)."""
    g.pop("user", None)
    try:
        user = current_user()
        return user is not None and user.id == user_id
    except (DomainError, SQLAlchemyError):
        return False
    finally:
        db.session.remove()
