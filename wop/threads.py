"""Threads: a conversation (the path from a thread's root to one entry, and where it forks) and
the cards of a journal grouped by thread.

Both cost a bounded number of queries whatever the depth: one recursive query walks a path or
a set of threads, and what each entry needs (readability, replies, siblings) is fetched for
all of them at once. Who may read what is wop/access.py's rule (and its SQL twin,
wop.models.node.readable_sql).
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import DateTime, Integer, Select, and_, bindparam, case, func, literal_column, or_, select
from sqlalchemy.orm import aliased, defer

from .access import can_read, could_read, sources_by_reply
from .enums import Privacy
from .errors import BadRequest
from .extensions import db
from .models import Node, User
from .models.base import iso
from .models.node import VIEWER, previews, readable_sql, viewer_param

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
CHILDREN_SHOWN = 50  # the first replies an entry is read with; GET …/children pages the rest
MAX_CHILDREN_PAGE = 200


@cache
def _path_query() -> Select:
    """Built once, run with parameters (building a statement costs more than running this one)."""
    up = select(Node.id, Node.parent_id).where(Node.id == bindparam("node_id")).cte("path_up", recursive=True)
    parent = aliased(Node)
    # UNION, not UNION ALL: a row seen twice ends the walk, so even a broken chain cannot loop.
    up = up.union(select(parent.id, parent.parent_id).join(up, parent.id == up.c.parent_id))
    return select(up.c.id, up.c.parent_id)


def path_ids(node: Node) -> list[int]:
    """The ids of the thread's entries from its root down to `node`, root first, in one
    recursive query that loads no entries (a path may be thousands of entries long)."""
    parent_of: dict[int, int | None] = dict(db.session.execute(_path_query(), {"node_id": node.id}).all())
    chain: list[int] = []
    current: int | None = node.id
    while current is not None and current in parent_of:
        chain.append(current)
        current = parent_of.pop(current)  # popped: a loop ends the walk
    return chain[::-1]


def nodes_by_ids(ids: list[int], with_text: bool = True) -> list[Node]:
    """The entries with these ids, in that order, in one query."""
    if not ids:
        return []
    query = select(Node).where(Node.id.in_(ids))
    if not with_text:
        query = query.options(defer(Node.content))
    by_id = {n.id: n for n in db.session.scalars(query).unique()}
    return [by_id[i] for i in ids if i in by_id]


def path_to(node: Node) -> list[Node]:
    """The thread's entries from its root down to `node`, root first, in two queries. Their
    text is not loaded (a path may be thousands of entries long)."""
    return nodes_by_ids(path_ids(node), with_text=False)


def load_text(nodes: list[Node]) -> None:
    """Load the text of `nodes` (loaded without it), in one query."""
    if nodes:
        db.session.scalars(
            select(Node).where(Node.id.in_([n.id for n in nodes])).execution_options(populate_existing=True)
        ).unique().all()


def _children(parent_ids: list[int], with_text: bool) -> dict[int, list[Node]]:
    """Every reply (readable or not) of each parent, oldest first, in one query."""
    found: dict[int, list[Node]] = {pid: [] for pid in parent_ids}
    if not parent_ids:
        return found
    query = select(Node).where(Node.parent_id.in_(parent_ids)).order_by(Node.created_at, Node.id)
    if not with_text:
        query = query.options(defer(Node.content))
    for child in db.session.scalars(query).unique():
        assert child.parent_id is not None  # selected by parent
        found[child.parent_id].append(child)
    return found


@cache
def _reply_page_query(after: bool) -> Select:
    """The readable replies to an entry the viewer may read, oldest first, from a cursor when
    `after`; built once per shape, run with parameters."""
    readable = readable_sql(Node, literal_column("1", Integer), VIEWER) == 1
    query = select(Node).where(Node.parent_id == bindparam("node_id"), readable)
    if after:
        created, last_id = bindparam("after_created_at", type_=DateTime), bindparam("after_id", type_=Integer)
        query = query.where(or_(Node.created_at > created, and_(Node.created_at == created, Node.id > last_id)))
    return query.order_by(Node.created_at, Node.id).limit(bindparam("limit", type_=Integer))


def reply_page(node: Node, viewer: User | None, after: int | None, limit: int) -> tuple[list[Node], int | None]:
    """The replies to `node` (which `viewer` may read) that `viewer` may read, oldest first: the
    first `limit`, or the `limit` after the reply `after`; and the `after` of the next page
    (None when there is none). One query, however many replies."""
    params: dict = {"node_id": node.id, "limit": limit + 1, **viewer_param(viewer)}
    if after is not None:
        last = db.session.get(Node, after)
        if last is None or last.parent_id != node.id:
            raise BadRequest(f"after must be a reply to entry {node.id}; {after} is not.")
        params |= {"after_created_at": last.created_at, "after_id": last.id}
    page = db.session.scalars(_reply_page_query(after is not None), params).unique().all()
    return list(page[:limit]), page[limit - 1].id if len(page) > limit else None


@cache
def _reply_count_query() -> Select:
    readable = readable_sql(Node, literal_column("1", Integer), VIEWER) == 1
    return select(func.count()).select_from(Node).where(Node.parent_id == bindparam("node_id"), readable)


def readable_reply_count(node: Node, viewer: User | None) -> int:
    """How many replies to `node` (which `viewer` may read) `viewer` may read: one query."""
    return db.session.execute(_reply_count_query(), {"node_id": node.id, **viewer_param(viewer)}).scalar_one()


def conversation(node: Node, viewer: User | None, before: int | None, limit: int) -> dict[str, Any]:
    """The path from the root to `node` as full entries, oldest first: the newest `limit` of
    them, or the `limit` just above the entry `before`. Each entry says where the thread forks
    (`children_count`, `siblings`); `children` are `node`'s replies the viewer may read."""
    ids = path_ids(node)
    end = len(ids)
    if before is not None:
        if before not in ids:
            raise BadRequest(f"before must be an entry of this thread above entry {node.id}; {before} is not.")
        end = ids.index(before)
    start = max(0, end - limit)
    # Only the page and the entry above it are loaded, however long the path.
    loaded = nodes_by_ids(ids[max(0, start - 1) : end])
    page = loaded[1:] if start > 0 else loaded
    above = loaded[0] if start > 0 else None  # the parent of the page's first entry
    replies = _children([n.id for n in page if n.id != node.id] + ([above.id] if above else []), with_text=False)
    # The entry's own replies, however many: their number, and the first ones as previews.
    children, children_next = reply_page(node, viewer, None, CHILDREN_SHOWN)
    own_replies = readable_reply_count(node, viewer) if node in page else 0
    links = _linked_targets(page)
    all_replies = [c for kids in replies.values() for c in kids]
    sources = sources_by_reply([*page, *all_replies, *links.values()])
    readable = {n.id for n in [*page, *all_replies, *links.values()] if can_read(n, viewer, sources.get(n.id))}
    link_previews = _previews_by_id([t for t in links.values() if t.id in readable], viewer)

    def readable_replies(parent_id: int, keep: int | None = None) -> list[int]:
        return [c.id for c in replies.get(parent_id, []) if c.id in readable or c.id == keep]

    entries = []
    for i, entry in enumerate(page):
        parent = page[i - 1] if i > 0 else above
        siblings = readable_replies(parent.id, keep=entry.id) if parent is not None else [entry.id]
        fork = {
            "children_count": own_replies if entry.id == node.id else len(readable_replies(entry.id)),
            "siblings": {"ids": siblings, "index": siblings.index(entry.id)},
        }
        if entry.id in readable:
            data = {**entry.to_dict(), **fork}
            if entry.linked_node_id in link_previews:
                data["linked_node"] = link_previews[entry.linked_node_id]
            entries.append(data)
        elif entry.deleted_at is not None and could_read(entry, viewer, sources.get(entry.id)):
            entries.append(_deleted(entry) | fork)
        else:
            entries.append({"id": entry.id, "hidden": True})
    return {
        "node_id": node.id,
        "entries": entries,
        "has_earlier": start > 0,
        "earlier": page[0].id if start > 0 and page else None,
        "depth": len(ids),
        "children": previews(children, viewer),
        "children_next": children_next,
    }


def _deleted(entry: Node) -> dict[str, Any]:
    """A deleted entry in a path: where it was and who wrote it, never its text."""
    return {
        "id": entry.id,
        "deleted": True,
        "parent_id": entry.parent_id,
        "author": entry.author.username if entry.author else None,
        "node_type": entry.node_type,
        "created_at": iso(entry.created_at),
    }


def _linked_targets(nodes: list[Node]) -> dict[int, Node]:
    ids = {n.linked_node_id for n in nodes if n.linked_node_id is not None}
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(Node).where(Node.id.in_(ids))).unique()}


def _previews_by_id(nodes: list[Node], viewer: User | None) -> dict[int, dict[str, Any]]:
    return {p["id"]: p for p in previews(nodes, viewer)}


@dataclass
class ThreadCard:
    root: Node
    entries: int  # what the viewer may read in the thread, the root included
    replies: int  # readable replies to the root
    last_activity_at: datetime | None  # the newest readable entry

    def to_dict(self, viewer: User | None) -> dict[str, Any]:
        descendants = self.entries - (1 if can_read(self.root, viewer) else 0)
        return {
            "root": self.root.to_preview(viewer, counts=(self.replies, descendants)),
            "entry_count": self.entries,
            "last_activity_at": iso(self.last_activity_at),
        }


def threads_of(user: User) -> Select[int]:
    """The roots of the threads `user` took part in: every thread holding an entry of theirs
    that is not deleted (threads they started, and others' threads they replied in)."""
    mine = (
        select(Node.id, Node.parent_id)
        .where(Node.user_id == user.id, Node.deleted_at.is_(None))
        .cte("mine_up", recursive=True)
    )
    parent = aliased(Node)
    mine = mine.union(select(parent.id, parent.parent_id).join(mine, parent.id == mine.c.parent_id))
    return select(mine.c.id).where(mine.c.parent_id.is_(None))


def public_threads_of(writer: User) -> Select[int]:
    """The roots of the public threads `writer` started."""
    return select(Node.id).where(
        Node.user_id == writer.id,
        Node.parent_id.is_(None),
        Node.privacy == Privacy.PUBLIC,
        Node.deleted_at.is_(None),
    )


def thread_cards(roots: Select[int], viewer: User | None, offset: int, limit: int) -> list[ThreadCard]:
    """Cards of the threads under `roots` whose root the viewer may read and that hold an entry
    they may read, newest activity first, from `offset`. One recursive query walks the threads."""
    viewer_id = viewer.id if viewer is not None else None
    one, zero = literal_column("1", Integer), literal_column("0", Integer)
    tree = (
        select(
            Node.id.label("root_id"),
            Node.id.label("id"),
            zero.label("depth"),
            readable_sql(Node, one, viewer_id).label("readable"),
            Node.created_at.label("created_at"),
        )
        .where(Node.id.in_(roots))
        .cte("thread_tree", recursive=True)
    )
    child = aliased(Node)
    tree = tree.union_all(
        select(
            tree.c.root_id,
            child.id,
            tree.c.depth + 1,
            readable_sql(child, tree.c.readable, viewer_id),
            child.created_at,
        ).where(child.parent_id == tree.c.id)
    )
    entries = func.sum(tree.c.readable)
    last = func.max(case((tree.c.readable == 1, tree.c.created_at)))
    totals = (
        select(
            tree.c.root_id,
            entries.label("entries"),
            func.sum(case((tree.c.depth == 1, tree.c.readable), else_=0)).label("replies"),
            last.label("last_activity_at"),
        )
        .group_by(tree.c.root_id)
        .having(entries > 0)
        .subquery()
    )
    root = aliased(Node)
    own_or_public = root.privacy == Privacy.PUBLIC
    if viewer_id is not None:
        own_or_public = or_(own_or_public, root.user_id == viewer_id)
    rows = db.session.execute(
        select(root, totals.c.entries, totals.c.replies, totals.c.last_activity_at)
        .join(totals, totals.c.root_id == root.id)
        .where(own_or_public)
        .order_by(totals.c.last_activity_at.desc(), root.id.desc())
        .limit(limit)
        .offset(offset)
    ).unique()
    return [ThreadCard(node, int(n or 0), int(r or 0), _as_datetime(last)) for node, n, r, last in rows]


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """SQLite hands back an aggregate of timestamps as text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value
