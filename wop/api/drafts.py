"""Drafts kept on the server: unsaved writing, one per writer and place, seen by its writer only.

A place is `new` (a new thread), `reply:<node id>` (a reply to that entry) or `edit:<node id>`
(an edit of one's own entry). Saving the entry's text (POST /api/nodes/, PUT /api/nodes/<id>)
deletes its draft.
"""

import re

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..access import readable_node, require_author
from ..enums import Privacy
from ..errors import InvalidFields, NotFound
from ..extensions import db
from ..models import Draft, User
from ..security import logged_in_user, login_required
from .nodes import MAX_CONTENT_CHARS
from .pagination import each, paged
from .validation import MAX_ID, body, whole_numbers_up_to

bp = Blueprint("drafts", __name__, url_prefix="/api/drafts")
PLACE = re.compile(rf"^(?:new|(?:reply|edit):{whole_numbers_up_to(MAX_ID)})$")
PLACE_HELP = "use 'new', 'reply:<entry id>' or 'edit:<entry id>'"


class DraftBody(BaseModel):
    content: str = Field(max_length=MAX_CONTENT_CHARS, description="the unsaved text (may be empty)")
    privacy: Privacy | None = Field(default=None, description="the privacy chosen for the entry, if any")
    ai_excluded: bool | None = Field(default=None, description="the AI choice made for the entry, if any")


def checked_place(place: str) -> str:
    """The place, when well formed; 422 naming `place` otherwise."""
    if not PLACE.match(place):
        raise InvalidFields({"place": PLACE_HELP})
    return place


def may_draft_at(place: str, user: User) -> None:
    """A reply needs an entry the writer may read; an edit, an entry of their own."""
    kind, _, node_id = place.partition(":")
    if kind == "reply":
        readable_node(int(node_id), user)
    elif kind == "edit":
        require_author(readable_node(int(node_id), user), user, "edit this entry")


def _draft(user: User, place: str) -> Draft | None:
    return db.session.scalar(select(Draft).where(Draft.user_id == user.id, Draft.place == place))


@bp.get("")
@login_required
def list_drafts() -> ResponseReturnValue:
    """Your drafts, most recently saved first."""
    query = select(Draft).where(Draft.user_id == logged_in_user().id).order_by(Draft.updated_at.desc(), Draft.id.desc())
    return jsonify(paged(query, each(Draft.to_dict), default=50, most=200))


@bp.get("/<place>")
@login_required
def get_draft(place: str) -> ResponseReturnValue:
    """Your draft for this place; 404 when there is none."""
    draft = _draft(logged_in_user(), checked_place(place))
    if draft is None:
        raise NotFound(f"You have no draft for '{place}'.")
    return jsonify(draft.to_dict())


@bp.put("/<place>")
@login_required
@body(DraftBody)
def put_draft(place: str, body: DraftBody) -> ResponseReturnValue:
    """Save your draft for this place (made or replaced): {content, privacy?, ai_excluded?}."""
    user = logged_in_user()
    may_draft_at(checked_place(place), user)
    try:
        draft = _save(user, place, body)
    except IntegrityError:  # the same draft was made at the same moment (another tab): update that one
        db.session.rollback()
        draft = _save(user, place, body)
    return jsonify(draft.to_dict())


def _save(user: User, place: str, body: DraftBody) -> Draft:
    draft = _draft(user, place)
    if draft is None:
        draft = Draft(user_id=user.id, place=place)
        db.session.add(draft)
    draft.content, draft.privacy, draft.ai_excluded = body.content, body.privacy, body.ai_excluded
    db.session.commit()
    return draft


@bp.delete("/<place>")
@login_required
def delete_draft(place: str) -> ResponseReturnValue:
    """Delete your draft for this place (204 also when there was none)."""
    user = logged_in_user()
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.place == checked_place(place)))
    db.session.commit()
    return "", 204
