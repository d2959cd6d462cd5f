"""Administration: users, approval, every job with its error detail."""
from flask import Blueprint, jsonify, request
from sqlalchemy import select

from ..errors import NotFound
from ..extensions import db
from ..jobs.view import job_json
from ..models import Job, User
from ..security import admin_required, current_user
from .pagination import page_args

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


@bp.get("/users")
@admin_required
def list_users():
    """Every account, newest first."""
    limit, offset = page_args(50, 500)
    rows = db.session.scalars(select(User).order_by(User.created_at.desc()).limit(limit).offset(offset))
    return jsonify(users=[u.to_dict(private=True) for u in rows])


@bp.post("/users/<int:user_id>/approve")
@admin_required
def approve_user(user_id: int):
    """Let an account that waits for approval in."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    user.approved = True
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))


@bp.get("/jobs")
@admin_required
def list_all_jobs():
    """Every user's jobs, newest first, with error details (?status=, ?kind=)."""
    limit, offset = page_args(50, 500)
    query = select(Job)
    if request.args.get("status"):
        query = query.where(Job.status == request.args["status"])
    if request.args.get("kind"):
        query = query.where(Job.kind == request.args["kind"])
    rows = db.session.scalars(query.order_by(Job.created_at.desc()).limit(limit).offset(offset))
    return jsonify(jobs=[job_json(j, current_user()) for j in rows])
