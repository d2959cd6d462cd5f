"""Exports and the AI profile: the JSON dump, the thread file, the profile's token estimate and job."""

from datetime import timedelta

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    stream_with_context,
)
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..errors import BadRequest, Conflict, Gone, NotFound
from ..exports.account_data import account_json
from ..exports.budget import select_threads
from ..exports.files import export_file, ttl_seconds
from ..extensions import db
from ..jobs import job_status, submit
from ..jobs.view import job_json, latest_job
from ..models import Job, JobStatus, Node
from ..models.base import utcnow
from ..security import logged_in_user, login_required
from ..storage import exports
from .model_choice import usable_model_id
from .validation import body

bp = Blueprint("exports", __name__, url_prefix="/api/export")


class ProfileRequest(BaseModel):
    model: str | None = Field(default=None, max_length=100)


def job_of_kind(task_id: str, kind: str) -> Job:
    """The caller's own job of this kind (not even an admin reads another's writing here);
    any other id looks absent."""
    job = db.session.get(Job, task_id)
    if job is None or job.user_id != logged_in_user().id or job.kind != kind:
        raise NotFound("No such task.")
    return job


@bp.get("")
@login_required
def export_all() -> ResponseReturnValue:
    """All of the caller's data as JSON (user, nodes, AI replies, versions, profiles, jobs), streamed."""
    user = logged_in_user()
    headers = {"Content-Disposition": f'attachment; filename="write-or-perish-{user.username}.json"'}
    return Response(stream_with_context(account_json(user)), mimetype="application/json", headers=headers)


@bp.post("/threads")
@login_required
def export_threads() -> ResponseReturnValue:
    """Start writing every thread the caller started to a text file (a background job)."""
    user = logged_in_user()
    job, created = submit("export_threads", user.id, dedupe_key="export_threads")
    return jsonify(task_id=job.id, status=job_status(job, created)), 202


@bp.get("/download/<task_id>")
@login_required
def download(task_id: str) -> ResponseReturnValue:
    """The text file a completed thread export wrote (its owner only)."""
    job = job_of_kind(task_id, "export_threads")
    if job.status != JobStatus.COMPLETED:
        raise Conflict(f"This export is {job.status}; download it once it has completed.")
    assert job.result is not None and job.finished_at is not None  # a completed job has both
    rel = export_file(job.user_id, job.result["file"])
    expired = job.finished_at < utcnow() - timedelta(seconds=ttl_seconds())
    if expired or not exports().exists(rel):
        hours = current_app.config["EXPORT_TTL_HOURS"]
        raise Gone(f"This export has expired (exports are kept for {hours:g} hours). Export again.")
    name = f"write-or-perish-threads-{logged_in_user().username}-{job.finished_at:%Y-%m-%d}.txt"
    return exports().serve(rel, "text/plain; charset=utf-8", download_name=name)


@bp.post("/estimate_profile_tokens")
@login_required
def estimate_profile_tokens() -> ResponseReturnValue:
    """How many tokens of the caller's writing the AI profile would read, within the budget."""
    budget = current_app.config["PROFILE_MAX_TOKENS"]
    reading = select_threads(logged_in_user().id, budget, count_all=True)
    return jsonify(
        total_tokens=reading.total_tokens,
        max_tokens=budget,
        included_tokens=reading.included_tokens,
        threads_included=reading.threads_included,
        threads_total=reading.threads_total,
    )


@bp.post("/generate_profile")
@login_required
@body(ProfileRequest)
def generate_profile(body: ProfileRequest) -> ResponseReturnValue:
    """Have an AI model write the caller's profile from their newest threads (a background job)."""
    user = logged_in_user()
    model_id = usable_model_id(body.model, user)
    if db.session.scalar(select(Node.id).where(Node.user_id == user.id, Node.parent_id.is_(None)).limit(1)) is None:
        raise BadRequest("There is no writing to read yet: start a thread first.")
    params = {"model": model_id, "max_tokens": current_app.config["PROFILE_MAX_TOKENS"]}
    job, created = submit("profile", user.id, params=params, dedupe_key="profile")
    return jsonify(task_id=job.id, status=job_status(job, created), model=job.params["model"]), 202


@bp.get("/profile-status")
@login_required
def latest_profile_status() -> ResponseReturnValue:
    """Your latest profile job; once completed its result holds the profile."""
    return jsonify(job_json(latest_job("profile", logged_in_user()), logged_in_user()))


@bp.get("/profile-status/<task_id>")
@login_required
def profile_status(task_id: str) -> ResponseReturnValue:
    """One of your profile jobs; once completed its result holds the profile."""
    return jsonify(job_json(job_of_kind(task_id, "profile"), logged_in_user()))
