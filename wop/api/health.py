"""Operations: liveness and readiness."""

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from ..extensions import db
from ..queues import QUEUES
from ..security import current_user

bp = Blueprint("health", __name__, url_prefix="/api")
LOOPBACK = {"127.0.0.1", "::1"}
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded")
Check = dict[str, Any]  # {"ok": bool, "error"?: str, ...}


@bp.get("/health")
def health() -> ResponseReturnValue:
    """The web process is alive."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready() -> ResponseReturnValue:
    """Database, Redis and workers reachable (503 when not); details for operators only."""
    checks: dict[str, Check] = {}
    ok = True
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = {"ok": True}
    except Exception as exc:
        ok = False
        checks["database"] = {"ok": False, "error": str(exc).splitlines()[0]}
    checks["redis"], queue_lengths = _redis()
    ok &= checks["redis"]["ok"]
    checks["workers"] = _workers() if checks["redis"]["ok"] else {"ok": False, "error": "Redis is unreachable"}
    ok &= checks["workers"]["ok"]
    status, code = ("ready", 200) if ok else ("unavailable", 503)
    if not operator_may_see():
        return jsonify(status=status), code
    return jsonify(status=status, checks=checks, queues=queue_lengths), code


def operator_may_see() -> bool:
    """Worker names, queues and error texts are for operators: a caller on this machine that no
    proxy relayed, or an administrator."""
    if request.remote_addr in LOOPBACK and not any(request.headers.get(h) for h in PROXY_HEADERS):
        return True
    try:
        user = current_user()
    except Exception:  # a bad token, or no database to ask: no details
        db.session.rollback()
        return False
    return bool(user and user.is_admin)


def _redis() -> tuple[Check, dict[str, int]]:
    import redis

    try:
        client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"ok": True}, {name: client.llen(name) for name in QUEUES}
    except Exception as exc:
        return {"ok": False, "error": str(exc)}, {}


def _workers() -> Check:
    """The workers that answer a broadcast, and their queues. A broadcast waits its whole timeout
    for answers: ask for 0.25 s first (a worker answers within milliseconds), and for 1 s only
    when none did, so that a ready system says so in a quarter of a second."""
    celery = current_app.extensions["celery"]
    replies: dict[str, Any] = {}
    for attempt, timeout in enumerate([0.25, 1.0]):
        try:
            replies = celery.control.inspect(timeout=timeout).active_queues() or {}
        except Exception as exc:
            if attempt:  # the first failure may be a pooled connection that died with a restarted Redis
                return {"ok": False, "error": str(exc)}
        if replies:
            break
    workers = {name: sorted(q["name"] for q in queues) for name, queues in replies.items()}
    if not workers:
        return {"ok": False, "error": "No worker answered within 1 s. Start one with `wop worker`.", "workers": {}}
    return {"ok": True, "workers": workers}
