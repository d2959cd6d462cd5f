"""A node's place in its thread in a bounded number of queries, however deep the thread or
however many replies: one recursive query for the path up to the root, one for the reply
counts under the highest entry shown, one for a page of replies. Readability follows
wop.access (counts and the replies' filter: its SQL twin, readable_sql)."""

from functools import cache

from sqlalchemy import DateTime, Integer, Select, and_, bindparam, cast, literal_column, or_, select
from sqlalchemy.orm import aliased

from .access import readable_among
from .errors import BadRequest
from .extensions import db
from .models import Node, User
from .models.node import VIEWER, readable_sql, reply_counts, viewer_param
from .threads import load_text, nodes_by_ids, path_ids, path_to

ANCESTORS_SHOWN = 50  # the nearest ancestors an entry is read with; GET …/thread pages the rest
CHILDREN_SHOWN = 50  # the first replies an entry is read with; GET …/children pages the rest
MAX_CHILDREN_PAGE = 200


def ancestor_path(node: Node) -> list[Node]:
    """The node's ancestors, root first, with their text: two queries at any depth."""
    ancestors = path_to(node)[:-1]
    load_text(ancestors)
    return ancestors


@cache
def _subtree_query() -> Select:
    """Built once, run with parameters (building it costs more than running it)."""
    one = literal_column("1", Integer)
    tree = (
        select(
            Node.id.label("id"),
            Node.parent_id.label("parent_id"),
            one.label("depth"),
            readable_sql(Node, cast(bindparam("top_readable"), Integer), VIEWER).label("readable"),
        )
        .where(Node.parent_id == bindparam("top_id"))
        .cte("subtree", recursive=True)
    )
    child = aliased(Node)
    tree = tree.union_all(
        select(child.id, child.parent_id, tree.c.depth + 1, readable_sql(child, tree.c.readable, VIEWER)).where(
            child.parent_id == tree.c.id
        )
    )
    return select(tree.c.id, tree.c.parent_id, tree.c.depth, tree.c.readable)


def subtree_counts(top: Node, top_readable: bool, viewer: User | None) -> dict[int, tuple[int, int]]:
    """{node id: (readable replies, readable descendants)} for `top` and every node under it,
    taken in one recursive query over that subtree and summed here, so that a path of any
    length costs no more than the subtree above it (counting each entry's subtree apart costs
    the square of the depth). The rule is reply_counts': readability carried down from `top`,
    whose own readability (wop.access's rule) is `top_readable`."""
    params = {"top_id": top.id, "top_readable": int(top_readable), **viewer_param(viewer)}
    rows = db.session.execute(_subtree_query(), params).all()
    replies: dict[int, int] = {}
    descendants: dict[int, int] = {}
    for node_id, parent_id, _depth, readable in sorted(rows, key=lambda row: -row[2]):  # deepest first
        replies[parent_id] = replies.get(parent_id, 0) + readable
        descendants[parent_id] = descendants.get(parent_id, 0) + readable + descendants.get(node_id, 0)
    return {node_id: (replies[node_id], descendants[node_id]) for node_id in replies}


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


def reply_previews(node: Node, viewer: User | None, after: int | None, limit: int) -> dict:
    """GET …/children: a page of `node`'s readable replies as previews with their counts."""
    children, next_after = reply_page(node, viewer, after, limit)
    counts = reply_counts([c.id for c in children], viewer)
    return {"items": [c.to_preview(viewer, counts.get(c.id, (0, 0))) for c in children], "next": next_after}


def node_in_thread(node: Node, viewer: User | None) -> dict:
    """The node (which `viewer` may read) with its nearest ANCESTORS_SHOWN ancestors (root
    first; unreadable ones as {id, hidden}; `ancestor_count` says how many there are in all),
    its first CHILDREN_SHOWN readable replies (`children_count` in all, `children_next` the
    cursor of the rest) and its linked node, as previews `viewer` may read, in a bounded number
    of queries."""
    data = node.to_dict()
    ids = path_ids(node)
    ancestors = nodes_by_ids(ids[:-1][-ANCESTORS_SHOWN:])
    children, next_after = reply_page(node, viewer, None, CHILDREN_SHOWN)
    linked = [node.linked_node] if node.linked_node is not None else []
    readable = readable_among([*ancestors, *linked], viewer)
    # Every count shown lies under the highest entry shown: its subtree is walked once.
    top = ancestors[0] if ancestors else node
    counts = subtree_counts(top, top.id in readable or top is node, viewer)
    if linked and linked[0].id in readable:
        counts[linked[0].id] = reply_counts([linked[0].id], viewer).get(linked[0].id, (0, 0))

    def preview(n: Node) -> dict:
        return n.to_preview(viewer, counts.get(n.id, (0, 0)))

    data["ancestor_count"] = len(ids) - 1
    data["ancestors"] = [preview(a) if a.id in readable else {"id": a.id, "hidden": True} for a in ancestors]
    data["children"] = [preview(c) for c in children]
    data["children_count"] = counts.get(node.id, (0, 0))[0]
    data["children_next"] = next_after
    if linked and linked[0].id in readable:
        data["linked_node"] = preview(linked[0])
    return data
