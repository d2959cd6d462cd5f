"""Dashboards: one's own writing and tokens, another writer's public page, one's description."""

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..access import readable_among
from ..errors import BadRequest, NotFound
from ..extensions import db
from ..models import Node, Privacy, User
from ..models.base import utcnow
from ..models.node import previews
from ..security import current_user, logged_in_user, login_optional, login_required
from ..stats import GLOBAL_DAILY_TARGET, token_summary, tokens_per_day
from .fields import OptionalEmail
from .pagination import MAX_PAGE, paged, whole_arg
from .validation import body

bp = Blueprint("dashboard", __name__, url_prefix="/api/dashboard")
DEFAULT_DAYS, MAX_DAYS = 30, 365


class UserUpdate(BaseModel):
    description: str | None = Field(default=None, max_length=128)
    email: OptionalEmail = None


def _entries_of(user: User, public_only: bool) -> dict[str, Any]:
    """A page of the user's entries, newest first, as the caller may read them."""
    query = select(Node).where(Node.user_id == user.id, Node.deleted_at.is_(None))
    if public_only:
        query = query.where(Node.privacy == Privacy.PUBLIC)
    viewer = current_user()
    return paged(
        query.order_by(Node.created_at.desc(), Node.id.desc()),
        lambda rows: _readable_previews(rows, viewer),
    )


def _readable_previews(rows: list[Node], viewer: User | None) -> list[dict[str, Any]]:
    readable = readable_among(rows, viewer)
    return previews([n for n in rows if n.id in readable], viewer)


@bp.get("")
@login_required
def own_dashboard() -> ResponseReturnValue:
    """The caller's entries, newest first, with today's and all-time tokens and the global daily total."""
    user = logged_in_user()
    return jsonify(
        user=user.to_dict(private=True), entries=_entries_of(user, public_only=False), **token_summary(user.id)
    )


@bp.get("/tokens")
@login_required
def daily_tokens() -> ResponseReturnValue:
    """Your tokens and everyone's per UTC day for the last ?days= days (1-365, default 30), oldest first."""
    days = whole_arg("days", DEFAULT_DAYS, MAX_PAGE)
    if not 1 <= days <= MAX_DAYS:
        raise BadRequest(f"days must be a whole number from 1 to {MAX_DAYS}.")
    return jsonify(days=days, daily=tokens_per_day(logged_in_user().id, days), global_daily_target=GLOBAL_DAILY_TARGET)


@bp.get("/<username>")
@login_optional
def user_dashboard(username: str) -> ResponseReturnValue:
    """A writer's page: their description, public entries and tokens (an admin sees no more; no
    login needed). The writer sees all their entries."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"No user named '{username}'.")
    me = current_user()
    public_only = me is None or me.id != user.id
    return jsonify(user=user.to_dict(), entries=_entries_of(user, public_only), **token_summary(user.id))


@bp.put("/user")
@login_required
@body(UserUpdate)
def update_user(body: UserUpdate) -> ResponseReturnValue:
    """Change one's description (at most 128 characters) or email."""
    user = logged_in_user()
    for field in body.model_fields_set:
        setattr(user, field, getattr(body, field) or None)
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))


@bp.post("/accept_terms")
@login_required
def accept_terms() -> ResponseReturnValue:
    """Record that the caller accepted the terms."""
    user = logged_in_user()
    user.accepted_terms_at = user.accepted_terms_at or utcnow()
    db.session.commit()
    return jsonify(user=user.to_dict(private=True))
