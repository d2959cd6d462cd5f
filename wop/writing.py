"""Entries: making them, showing one with its place in the thread, and restoring an earlier
text. Used by every blueprint that writes or shows an entry (text entries, voice entries, links)."""

from flask import current_app
from sqlalchemy import delete

from .access import readable_node
from .extensions import db
from .models import Draft, Node, NodeVersion, User
from .thread_queries import node_in_thread
from .tokens import count_tokens


def new_node(
    user: User, parent_id: int | None, privacy: str | None, ai_excluded: bool | None = None, **fields: object
) -> Node:
    """A new entry of `user`'s under a parent they may read (added, not committed). Replies take
    their parent's privacy unless told otherwise; top-level entries the writer's default_privacy,
    else DEFAULT_PRIVACY. `ai_excluded` not given is the writer's default_ai_excluded."""
    parent = readable_node(parent_id, user) if parent_id is not None else None
    node = Node(
        user_id=user.id,
        parent_id=parent.id if parent else None,
        privacy=privacy
        or (parent.privacy if parent else user.default_privacy or current_app.config["DEFAULT_PRIVACY"]),
        ai_excluded=user.default_ai_excluded if ai_excluded is None else ai_excluded,
        **fields,
    )
    node.token_count = count_tokens(node.content)
    db.session.add(node)
    return node


def discard_draft(user: User, place: str) -> None:
    """Saving the entry a draft was for ends the draft (in the same transaction)."""
    db.session.execute(delete(Draft).where(Draft.user_id == user.id, Draft.place == place))


def edit_text(node: Node, content: str, reason: str) -> None:
    """Replace the entry's text, keeping the current one as a version (when it differs)."""
    if content == node.content:
        return
    node.save_version(reason)
    node.content = content
    node.token_count = count_tokens(content)


def restore_version(node: Node, version: NodeVersion) -> None:
    """The entry's text becomes that earlier version's; the current text is kept as a version."""
    edit_text(node, version.content, "restore")


def node_detail(node: Node, viewer: User | None) -> dict:
    """The entry with its ancestors (root first; unreadable ones as {id, hidden}) and its
    children, as previews `viewer` may read (wop.thread_queries: bounded queries at any depth)."""
    return node_in_thread(node, viewer)
