"""Administration of the running system: queues, job kinds over 24 h, workers, Redis, and
pausing a queue for maintenance (wop/jobs/pause.py)."""

import math
import os
import socket
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..jobs import pause
from ..models import Job, JobStatus
from ..models.base import utcnow
from ..queues import QUEUES
from ..redis_client import redis_client
from ..security import admin_required

bp = Blueprint("operations", __name__, url_prefix="/api/admin")
RECENT = timedelta(hours=24)
INSPECT_SECONDS = 1.0  # each of the three worker questions waits this long for replies
FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


@bp.get("/operations")
@admin_required
def operations() -> ResponseReturnValue:
    """Queues, job kinds over the last 24 h, workers, Redis and the oldest pending job."""
    redis_info = _redis()
    body = {
        "queues": _queues(redis_info.get("lengths", {})),
        "kinds": _kinds(),
        "workers": _workers(),
        "redis": {k: v for k, v in redis_info.items() if k != "lengths"},
        "oldest_pending": _oldest_pending(),
    }
    db.session.commit()
    return jsonify(body)


@bp.post("/queues/<name>/pause")
@admin_required
def pause_queue(name: str) -> ResponseReturnValue:
    """Jobs of this queue wait (pending) until it is resumed; running ones finish."""
    pause.pause(_queue(name))
    return jsonify(queue=name, paused=True)


@bp.post("/queues/<name>/resume")
@admin_required
def resume_queue(name: str) -> ResponseReturnValue:
    """The queue's jobs run again: every pending one is sent to the workers."""
    sent = pause.resume(_queue(name))
    return jsonify(queue=name, paused=False, sent=sent)


def _queue(name: str) -> str:
    if name not in QUEUES:
        raise NotFound(f"There is no queue '{name}'; the queues are {', '.join(QUEUES)}.")
    return name


def _queues(lengths: dict[str, int]) -> list[dict[str, Any]]:
    counts: dict[tuple[str, str], int] = {}
    active = select(Job.queue, Job.status, func.count()).where(
        Job.status.in_((JobStatus.PENDING, JobStatus.PROCESSING))
    )
    failed = select(Job.queue, Job.status, func.count()).where(
        Job.status == JobStatus.FAILED, Job.finished_at >= utcnow() - RECENT
    )
    for query in (active, failed):
        for queue, status, count in db.session.execute(query.group_by(Job.queue, Job.status)):
            counts[(queue, str(status))] = count
    paused = pause.paused_queues()
    return [
        {
            "name": name,
            "waiting": counts.get((name, "pending"), 0),
            "running": counts.get((name, "processing"), 0),
            "failed_24h": counts.get((name, "failed"), 0),
            "messages": lengths.get(name),
            "paused": name in paused,
        }
        for name in QUEUES
    ]


def _kinds() -> list[dict[str, Any]]:
    """Per job kind over the last 24 h: how many ended how, the share of completed among those
    that completed or failed (cancelled ones left out), and the run time of completed ones."""
    rows = db.session.execute(
        select(Job.kind, Job.status, Job.started_at, Job.finished_at).where(
            Job.status.in_(FINISHED), Job.finished_at >= utcnow() - RECENT
        )
    ).all()
    kinds: dict[str, dict[str, Any]] = {}
    durations: dict[str, list[float]] = {}
    for kind, status, started, finished in rows:
        entry = kinds.setdefault(kind, {"kind": kind, "completed": 0, "failed": 0, "cancelled": 0})
        entry[str(status)] += 1
        if status == JobStatus.COMPLETED and started and finished:
            durations.setdefault(kind, []).append((finished - started).total_seconds())
    for kind, entry in kinds.items():
        decided = entry["completed"] + entry["failed"]
        entry["success_rate"] = round(entry["completed"] / decided, 4) if decided else None
        times = sorted(durations.get(kind, []))
        entry["median_seconds"] = _percentile(times, 50)
        entry["p95_seconds"] = _percentile(times, 95)
    return sorted(kinds.values(), key=lambda k: str(k["kind"]))


def _percentile(values: list[float], percent: int) -> float | None:
    """Nearest rank: the smallest value with at least `percent`% of the values at or below it."""
    if not values:
        return None
    return round(values[max(0, math.ceil(percent / 100 * len(values)) - 1)], 3)


def _workers() -> dict[str, Any]:
    """Each worker that answers: its queues, the jobs it runs now, its memory."""
    inspect = current_app.extensions["celery"].control.inspect(timeout=INSPECT_SECONDS)
    try:
        queues = inspect.active_queues() or {}
        active = inspect.active() or {}
        stats = inspect.stats() or {}
    except Exception as exc:
        return {"ok": False, "error": f"Could not ask the workers: {exc}", "list": []}
    found = []
    for name in sorted(set(queues) | set(stats)):
        info = stats.get(name, {})
        found.append(
            {
                "name": name,
                "queues": sorted(q["name"] for q in queues.get(name, [])),
                "current_jobs": [
                    {"id": task["id"], "kind": str(task.get("name", "")).removeprefix("wop.jobs.")}
                    for task in active.get(name, [])
                ],
                "processes": len(info.get("pool", {}).get("processes", [])),
                "memory_bytes": _local_memory(name, info),
                "max_rss_bytes": info.get("rusage", {}).get("maxrss", 0) * 1024 or None,
            }
        )
    return {"ok": True, "list": found}


def _local_memory(name: str, info: dict[str, Any]) -> int | None:
    """Resident memory of the worker and its pool processes now, read from /proc when the worker
    runs on this machine (None elsewhere: its max_rss_bytes is what Celery reports)."""
    if name.rpartition("@")[2] != socket.gethostname() or not info.get("pid"):
        return None
    total = 0
    for pid in [info["pid"], *info.get("pool", {}).get("processes", [])]:
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
    return total or None


def _redis() -> dict[str, Any]:
    try:
        client = redis_client()
        memory = client.info("memory")
        lengths = {name: int(client.llen(name)) for name in QUEUES}
    except Exception as exc:
        return {"ok": False, "error": f"Redis is unreachable: {exc}"}
    return {
        "ok": True,
        "used_memory_bytes": memory.get("used_memory"),
        "maxmemory_bytes": memory.get("maxmemory") or None,
        "maxmemory_policy": memory.get("maxmemory_policy"),
        "lengths": lengths,
    }


def _oldest_pending() -> dict[str, Any] | None:
    job = db.session.scalar(
        select(Job).where(Job.status == JobStatus.PENDING).order_by(Job.created_at, Job.id).limit(1)
    )
    if job is None:
        return None
    return {
        "id": job.id,
        "kind": job.kind,
        "queue": job.queue,
        "age_seconds": round((utcnow() - job.created_at).total_seconds(), 1),
    }
