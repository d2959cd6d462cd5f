"""Entries: making them, and showing one with its place in the thread. Used by every blueprint
that writes or shows an entry (text entries, voice entries, links)."""

from flask import current_app
from sqlalchemy import select

from .access import can_read, readable_node
from .extensions import db
from .models import Node, User
from .models.node import previews
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
    children, as previews `viewer` may read, their reply counts taken in one query."""
    data = node.to_dict()
    ancestors = node.ancestors()
    children = db.session.scalars(
        select(Node).where(Node.parent_id == node.id).order_by(Node.created_at, Node.id)
    ).all()
    linked = [node.linked_node] if node.linked_node is not None else []
    readable = [n for n in [*ancestors, *children, *linked] if can_read(n, viewer)]
    shown = dict(zip((n.id for n in readable), previews(readable, viewer), strict=True))
    data["ancestors"] = [shown.get(a.id, {"id": a.id, "hidden": True}) for a in ancestors]
    data["children"] = [shown[c.id] for c in children if c.id in shown]
    if linked and linked[0].id in shown:
        data["linked_node"] = shown[linked[0].id]
    return data
