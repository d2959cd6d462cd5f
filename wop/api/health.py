"""Operations: liveness and readiness."""
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db
from ..jobs.celery_app import QUEUES

bp = Blueprint("health", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    """The web process is alive."""
    return jsonify(status="ok")


@bp.get("/ready")
def ready():
    """Database, Redis and workers reachable (503 with details when not)."""
    checks, ok = {}, True
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
    return jsonify(status="ready" if ok else "unavailable", checks=checks, queues=queue_lengths), 200 if ok else 503


def _redis():
    import redis

    try:
        client = redis.Redis.from_url(current_app.config["REDIS_URL"], socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"ok": True}, {name: client.llen(name) for name in QUEUES}
    except Exception as exc:
        return {"ok": False, "error": str(exc)}, {}


def _workers():
    celery = current_app.extensions["celery"]
    try:
        inspect = celery.control.inspect(timeout=1.0)
        replies = inspect.active_queues() or {}
    except Exception as exc:
        return {"ok": False, "error": str(exc)}
    workers = {name: sorted(q["name"] for q in queues) for name, queues in replies.items()}
    if not workers:
        return {"ok": False, "error": "No worker answered within 1 s. Start one with `wop worker`.", "workers": {}}
    return {"ok": True, "workers": workers}
