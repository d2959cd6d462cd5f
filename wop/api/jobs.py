"""Background jobs: read, list, cancel, retry. Answers come from the database only."""

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select

from ..access import own_job, readable_node
from ..errors import BadRequest, NotFound
from ..jobs import cancel, retry
from ..jobs.registry import KINDS
from ..jobs.view import job_json
from ..models import Job, JobStatus
from ..read_aloud import part_file
from ..security import logged_in_user, login_required
from ..storage import media
from .pagination import each, paged

bp = Blueprint("jobs", __name__, url_prefix="/api/jobs")
STATUSES = tuple(JobStatus)


@bp.get("/<task_id>")
@login_required
def get_job(task_id: str) -> ResponseReturnValue:
    """One job (its owner or an admin)."""
    return jsonify(job_json(own_job(task_id, logged_in_user()), logged_in_user()))


def job_filters(query: Select[Job]) -> Select[Job]:
    """?status= and ?kind=, checked against what exists."""
    status, kind = request.args.get("status"), request.args.get("kind")
    if status:
        if status not in STATUSES:
            raise BadRequest(f"Unknown status '{status}'; use one of: {', '.join(STATUSES)}.")
        query = query.where(Job.status == status)
    if kind:
        if kind not in KINDS:
            raise BadRequest(f"Unknown kind '{kind}'; use one of: {', '.join(sorted(KINDS))}.")
        query = query.where(Job.kind == kind)
    return query


@bp.get("")
@login_required
def list_jobs() -> ResponseReturnValue:
    """Your jobs, newest first; filter with ?status= and ?kind=, page with ?page=&per_page=."""
    query = job_filters(select(Job).where(Job.user_id == logged_in_user().id)).order_by(Job.created_at.desc(), Job.id)
    return jsonify(paged(query, each(lambda j: job_json(j, logged_in_user())), default=50, most=200))


@bp.post("/<task_id>/cancel")
@login_required
def cancel_job(task_id: str) -> ResponseReturnValue:
    """Cancel a job: at once when pending, at its next checkpoint when running."""
    job = cancel(own_job(task_id, logged_in_user()))
    # A running job was asked to stop (cancel_requested); its worker may have stopped already by
    # the time this answer is written, so the code follows what was done, not the status now.
    return jsonify(job_json(job, logged_in_user())), 202 if job.cancel_requested else 200


@bp.post("/<task_id>/retry")
@login_required
def retry_job(task_id: str) -> ResponseReturnValue:
    """Run a failed or cancelled job again, as a new job whose retry_of names this one."""
    job = own_job(task_id, logged_in_user())
    if job.node_id is not None:
        readable_node(job.node_id, logged_in_user())  # access is decided now: the entry may have become private
    new = retry(job)
    return jsonify(task_id=new.id, status=new.status, retry_of=new.retry_of), 202


@bp.get("/<task_id>/parts/<int:index>")
@login_required
def get_part(task_id: str, index: int) -> ResponseReturnValue:
    """A part of a read-aloud job's audio, playable while later parts are made (the job's owner,
    while they may read the entry)."""
    user = logged_in_user()
    job = own_job(task_id, user)
    if job.user_id != user.id or job.kind != "tts" or job.node_id is None:
        raise NotFound("No such part.")
    readable_node(job.node_id, user)
    rel = part_file(user.id, job.id, index)
    if not media().exists(rel):
        raise NotFound("No such part: it is not made yet, or it expired (play the whole recording instead).")
    return media().serve(rel, "audio/mpeg")
