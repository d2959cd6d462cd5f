"""Background jobs: read, list, cancel, retry. Answers come from the database only."""
from flask import Blueprint, jsonify, request
from sqlalchemy import select

from ..access import own_job, readable_node
from ..extensions import db
from ..jobs import cancel, retry
from ..models import Job, JobStatus
from ..security import current_user, login_required
from .errors import ApiError

bp = Blueprint("jobs", __name__, url_prefix="/api/jobs")
STATUSES = (JobStatus.PENDING, JobStatus.PROCESSING) + JobStatus.FINISHED


@bp.get("/<task_id>")
@login_required
def get_job(task_id: str):
    """One job (its owner or an admin)."""
    return jsonify(own_job(task_id, current_user()).to_dict(admin=current_user().is_admin))


@bp.get("")
@login_required
def list_jobs():
    """The caller's recent jobs, newest first; filter with ?status= and ?kind=, page with ?limit=&offset=."""
    query = select(Job).where(Job.user_id == current_user().id)
    status, kind = request.args.get("status"), request.args.get("kind")
    if status:
        if status not in STATUSES:
            raise ApiError(400, f"Unknown status '{status}'; use one of: {', '.join(STATUSES)}.")
        query = query.where(Job.status == status)
    if kind:
        query = query.where(Job.kind == kind)
    try:
        limit = min(max(int(request.args.get("limit", 50)), 1), 200)
        offset = max(int(request.args.get("offset", 0)), 0)
    except ValueError:
        raise ApiError(400, "limit and offset must be whole numbers.")
    rows = db.session.scalars(query.order_by(Job.created_at.desc(), Job.id).limit(limit).offset(offset))
    return jsonify(jobs=[j.to_dict() for j in rows], limit=limit, offset=offset)


@bp.post("/<task_id>/cancel")
@login_required
def cancel_job(task_id: str):
    """Cancel a job: at once when pending, at its next checkpoint when running."""
    job = cancel(own_job(task_id, current_user()))
    return jsonify(job.to_dict()), 202 if job.status == JobStatus.PROCESSING else 200


@bp.post("/<task_id>/retry")
@login_required
def retry_job(task_id: str):
    """Run a failed or cancelled job again, as a new job whose retry_of names this one."""
    job = own_job(task_id, current_user())
    if job.node_id is not None:
        readable_node(job.node_id, current_user())  # access is decided now: the entry may have become private
    new = retry(job)
    return jsonify(task_id=new.id, status=new.status, retry_of=new.retry_of), 202
