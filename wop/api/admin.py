"""Administration: accounts (approval, deactivation), every job with its error detail (never anyone's writing)."""

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from ..errors import Conflict, NotFound
from ..extensions import db
from ..jobs.view import job_json
from ..models import Job, User
from ..security import admin_required, end_sessions_and_tokens, logged_in_user
from .jobs import job_filters
from .pagination import each, paged

bp = Blueprint("admin", __name__, url_prefix="/api/admin")


@bp.get("/users")
@admin_required
def list_users() -> ResponseReturnValue:
    """Every account, newest first."""
    query = select(User).order_by(User.created_at.desc(), User.id.desc())
    return jsonify(paged(query, each(lambda u: u.to_dict(private=True)), default=50, most=500))


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.")
    return user


@bp.post("/users/<int:user_id>/approve")
@admin_required
def approve_user(user_id: int) -> ResponseReturnValue:
    """Let an account that waits for approval in."""
    user = _user(user_id)
    user.approved = True
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int) -> ResponseReturnValue:
    """Lock an account: it cannot log in, its sessions end and its API tokens are revoked now.
    Its writing stays as it is."""
    user = _user(user_id)
    if user.id == logged_in_user().id:
        raise Conflict("You cannot deactivate your own account; another administrator can.")
    user.active = False
    end_sessions_and_tokens(user.id)
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int) -> ResponseReturnValue:
    """Let a deactivated account log in again (its old sessions and tokens stay ended)."""
    user = _user(user_id)
    user.active = True
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))


@bp.get("/jobs")
@admin_required
def list_all_jobs() -> ResponseReturnValue:
    """Every user's jobs, newest first, with error details (?status=, ?kind=)."""
    query = job_filters(select(Job)).order_by(Job.created_at.desc(), Job.id)
    return jsonify(paged(query, each(lambda j: job_json(j, logged_in_user())), default=50, most=500))
