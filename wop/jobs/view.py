"""The one shape of a job in the API.

`GET /api/jobs/<task_id>` answers it, and so do the per-entry status routes, the profile status,
the jobs list and the live events. Kind-specific outputs (the reply, the transcript, the profile)
are added to `result` when the job is read — for its owner only, and only while they may read
them — so a job row never keeps a copy of anyone's writing, and an administrator looking at
jobs sees no text.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from ..access import can_read
from ..errors import NotFound
from ..extensions import db
from ..models import Job, JobStatus, Node, User, UserProfile
from ..models.base import iso
from .live import partial


def _reply(job: Job, viewer: User) -> dict[str, Any]:
    reply_id = (job.result or {}).get("llm_node_id")
    reply = db.session.get(Node, reply_id) if reply_id is not None else None
    return {"node": reply.to_dict() if reply is not None and can_read(reply, viewer) else None}


def _transcript(job: Job, viewer: User) -> dict[str, Any]:
    entry = db.session.get(Node, job.node_id) if job.node_id is not None else None
    return {"content": entry.content if entry is not None and can_read(entry, viewer) else None}


def _profile(job: Job, _viewer: User) -> dict[str, Any]:
    profile = db.session.scalar(select(UserProfile).where(UserProfile.source_job_id == job.id))
    return {"profile": profile.to_dict() if profile is not None else None}


# What each kind adds to a completed job's result when its owner reads it.
OUTPUTS: dict[str, Callable[[Job, User], dict[str, Any]]] = {
    "llm_reply": _reply,
    "transcription": _transcript,
    "profile": _profile,
}


def job_json(job: Job, viewer: User, *, outputs: bool = True, so_far: bool = True) -> dict[str, Any]:
    """The job as `viewer` (its owner, or an administrator) may see it. `so_far`: add what a
    running job has made so far (read from Redis); its live events leave it out, since the
    `text` and `part` events carry it."""
    result = dict(job.result) if job.result is not None else None
    if outputs and result is not None and job.status == JobStatus.COMPLETED and job.user_id == viewer.id:
        add = OUTPUTS.get(job.kind)
        if add is not None:
            result.update(add(job, viewer))
    data: dict[str, Any] = {
        "task_id": job.id,
        "kind": job.kind,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "error": job.error,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "node_id": job.node_id,
        "params": job.params,
        "result": result,
        "queue": job.queue,
        "retry_of": job.retry_of,
        "cancel_requested": job.cancel_requested,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "heartbeat_at": iso(job.heartbeat_at),
        "finished_at": iso(job.finished_at),
    }
    if so_far and job.status == JobStatus.PROCESSING and job.user_id == viewer.id:
        data.update(partial(job.id))  # the reply's text or the parts so far, for a page opened mid-job
    if viewer.is_admin:
        data.update(error_detail=job.error_detail, user_id=job.user_id, worker=job.worker)
    return data


def latest_job(kind: str, owner: User, node: Node | None = None) -> Job:
    """The owner's latest job of this kind (for this entry): what a status route answers. Only
    one's own, administrators included, since a job's outputs lead to writing."""
    query = select(Job).where(Job.kind == kind, Job.user_id == owner.id)
    if node is not None:
        query = query.where(Job.node_id == node.id)
    job = db.session.scalar(query.order_by(Job.created_at.desc(), Job.id.desc()).limit(1))
    if job is None:
        where = " for this entry" if node is not None else ""
        raise NotFound(f"No {kind.replace('_', ' ')} task exists{where}.", code="no_job")
    return job
