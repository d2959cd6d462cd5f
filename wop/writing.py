"""Entries: making them, and showing one with its place in the thread. Used by every blueprint
that writes or shows an entry (text entries, voice entries, links)."""

from flask import current_app

from .access import readable_node
from .extensions import db
from .models import Node, User
from .thread_queries import node_in_thread
from .tokens import count_tokens


def new_node(user: User, parent_id: int | None, privacy: str | None, **fields: object) -> Node:
    """A new entry of `user`'s under a parent they may read (added, not committed). Replies take
    their parent's privacy unless told otherwise; top-level entries DEFAULT_PRIVACY."""
    parent = readable_node(parent_id, user) if parent_id is not None else None
    node = Node(
        user_id=user.id,
        parent_id=parent.id if parent else None,
        privacy=privacy or (parent.privacy if parent else current_app.config["DEFAULT_PRIVACY"]),
        **fields,
    )
    node.token_count = count_tokens(node.content)
    db.session.add(node)
    return node


def node_detail(node: Node, viewer: User | None) -> dict:
    """The entry with its ancestors (root first; unreadable ones as {id, hidden}) and its
    children, as previews `viewer` may read (wop.thread_queries: bounded queries at any depth)."""
    return node_in_thread(node, viewer)
