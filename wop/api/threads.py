"""Threads: one as a conversation, and journals grouped by thread (one's own, a writer's public ones)."""

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select

from ..access import readable_node
from ..errors import NotFound
from ..extensions import db
from ..models import User
from ..security import current_user, logged_in_user, login_optional, login_required
from ..threads import DEFAULT_LIMIT, MAX_LIMIT, conversation, public_threads_of, thread_cards, threads_of
from .pagination import MAX_PAGE, envelope, page_args, whole_arg
from .validation import MAX_ID

bp = Blueprint("threads", __name__, url_prefix="/api")


@bp.get("/nodes/<int:node_id>/thread")
@login_optional
def thread(node_id: int) -> ResponseReturnValue:
    """The path from the thread's root to this entry, as full entries, oldest first, paged from the
    entry backwards (?limit=, ?before=); each says where the thread forks."""
    viewer = current_user()
    node = readable_node(node_id, viewer, deleted_status=410)
    limit = min(max(whole_arg("limit", DEFAULT_LIMIT, MAX_PAGE), 1), MAX_LIMIT)
    before = whole_arg("before", 0, MAX_ID) or None
    return jsonify(conversation(node, viewer, before, limit))


@bp.get("/threads")
@login_required
def my_threads() -> ResponseReturnValue:
    """Your threads (those holding an entry of yours), one card each, newest activity first."""
    return jsonify(_cards(threads_of(logged_in_user())))


@bp.get("/users/<username>/threads")
@login_optional
def writer_threads(username: str) -> ResponseReturnValue:
    """A writer's public threads, one card each, newest activity first (no login needed)."""
    writer = db.session.scalar(select(User).where(User.username == username, User.is_bot.is_(False)))
    if writer is None:
        raise NotFound(f"No writer named '{username}'.")
    return jsonify(_cards(public_threads_of(writer)))


def _cards(roots: Select[int]) -> dict[str, Any]:
    """A page of thread cards in the list envelope (wop/api/pagination.py)."""
    viewer = current_user()
    page, per_page = page_args()
    cards = thread_cards(roots, viewer, offset=(page - 1) * per_page, limit=per_page + 1)
    return envelope([c.to_dict(viewer) for c in cards[:per_page]], page, per_page, has_more=len(cards) > per_page)
