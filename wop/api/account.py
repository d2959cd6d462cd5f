"""One's own profile (read, or write it oneself) and deleting all of one's data."""

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..account_deletion import delete_user_data
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..models import UserProfile
from ..security import logged_in_user, login_required
from .pagination import each, paged
from .validation import body

bp = Blueprint("account", __name__, url_prefix="/api")
CONFIRMATION = "DELETE"


class ProfileBody(BaseModel):
    content: str = Field(min_length=1, max_length=200_000)


class DeleteConfirmation(BaseModel):
    confirm: str | None = None


@bp.get("/profile")
@login_required
def get_profile() -> ResponseReturnValue:
    """The caller's latest profile, written by an AI model or by themselves."""
    profile = db.session.scalar(
        select(UserProfile)
        .where(UserProfile.user_id == logged_in_user().id)
        .order_by(UserProfile.created_at.desc(), UserProfile.id.desc())
        .limit(1)
    )
    if profile is None:
        raise NotFound(
            "You have no profile yet: generate one (POST /api/export/generate_profile) "
            "or write your own (PUT /api/profile)."
        )
    return jsonify(profile.to_dict())


@bp.get("/profiles")
@login_required
def list_profiles() -> ResponseReturnValue:
    """Every profile of the caller, newest first (the first is what GET /api/profile shows)."""
    query = (
        select(UserProfile)
        .where(UserProfile.user_id == logged_in_user().id)
        .order_by(UserProfile.created_at.desc(), UserProfile.id.desc())
    )
    return jsonify(paged(query, each(UserProfile.to_dict), default=20, most=100))


@bp.put("/profile")
@login_required
@body(ProfileBody)
def put_profile(body: ProfileBody) -> ResponseReturnValue:
    """Write one's own profile; it becomes the latest (earlier ones are kept)."""
    profile = UserProfile(user_id=logged_in_user().id, content=body.content, generated_by="user", tokens_used=0)
    db.session.add(profile)
    db.session.commit()
    return jsonify(profile.to_dict())


@bp.delete("/delete_my_data")
@login_required
@body(DeleteConfirmation)
def delete_my_data(body: DeleteConfirmation) -> ResponseReturnValue:
    """Delete all of one's entries, versions, profiles, jobs, credits and files; the account stays."""
    if body.confirm != CONFIRMATION:
        raise BadRequest(
            f'This deletes all your writing and cannot be undone. To go ahead, send {{"confirm": "{CONFIRMATION}"}}.'
        )
    return jsonify(deleted=delete_user_data(logged_in_user().id))
