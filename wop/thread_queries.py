"""A node's place in its thread in a bounded number of queries, however deep the thread or
however many replies: one recursive query for the path up to the root, one for the reply
counts under the highest entry shown, one for a page of replies. Readability follows
wop.access (counts and the replies' filter: its SQL twin, readable_sql)."""

from functools import cache

from sqlalchemy import Integer, Select, bindparam, cast, literal_column, select
from sqlalchemy.orm import aliased

from .access import readable_among
from .extensions import db
from .models import Node, User
from .models.node import VIEWER, readable_sql, reply_counts, viewer_param
from .threads import CHILDREN_SHOWN, load_text, nodes_by_ids, path_ids, path_to, reply_page

ANCESTORS_SHOWN = 50  # the nearest ancestors an entry is read with; GET …/thread pages the rest


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
