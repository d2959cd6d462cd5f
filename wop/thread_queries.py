"""A node's place in its thread in a bounded number of queries, however deep the thread or
however many replies: one recursive query for the path up to the root, one for the reply
counts of the whole thread. Readability follows wop.access (counts: reply_counts' rule)."""

from sqlalchemy import Integer, literal_column, select
from sqlalchemy.orm import aliased

from .access import readable_among
from .extensions import db
from .models import Node, User
from .models.node import readable_sql, reply_counts
from .threads import load_text, nodes_by_ids, path_ids, path_to

ANCESTORS_SHOWN = 50  # the nearest ancestors an entry is read with; GET …/thread pages the rest


def ancestor_path(node: Node) -> list[Node]:
    """The node's ancestors, root first, with their text: two queries at any depth."""
    ancestors = path_to(node)[:-1]
    load_text(ancestors)
    return ancestors


def thread_counts(root_id: int, viewer: User | None) -> dict[int, tuple[int, int]]:
    """{node id: (readable replies, readable descendants)} for every node of the thread under
    `root_id`, taken in one recursive query over the thread and summed here, so that a path of
    any length costs no more than its thread (counting each ancestor's subtree apart costs the
    square of the depth). The rule is reply_counts': readability carried down from the root."""
    viewer_id = viewer.id if viewer is not None else None
    one = literal_column("1", Integer)
    tree = (
        select(
            Node.id.label("id"),
            Node.parent_id.label("parent_id"),
            one.label("depth"),
            readable_sql(Node, one, viewer_id).label("readable"),
        )
        .where(Node.parent_id == root_id)
        .cte("thread", recursive=True)
    )
    child = aliased(Node)
    tree = tree.union_all(
        select(child.id, child.parent_id, tree.c.depth + 1, readable_sql(child, tree.c.readable, viewer_id)).where(
            child.parent_id == tree.c.id
        )
    )
    rows = db.session.execute(select(tree.c.id, tree.c.parent_id, tree.c.depth, tree.c.readable)).all()
    replies: dict[int, int] = {}
    descendants: dict[int, int] = {}
    for node_id, parent_id, _depth, readable in sorted(rows, key=lambda row: -row[2]):  # deepest first
        replies[parent_id] = replies.get(parent_id, 0) + readable
        descendants[parent_id] = descendants.get(parent_id, 0) + readable + descendants.get(node_id, 0)
    return {node_id: (replies[node_id], descendants[node_id]) for node_id in replies}


def node_in_thread(node: Node, viewer: User | None) -> dict:
    """The node with its nearest ANCESTORS_SHOWN ancestors (root first; unreadable ones as
    {id, hidden}; `ancestor_count` says how many there are in all), its children and its linked
    node, as previews `viewer` may read, in a bounded number of queries."""
    data = node.to_dict()
    ids = path_ids(node)
    ancestors = nodes_by_ids(ids[:-1][-ANCESTORS_SHOWN:])
    children = db.session.scalars(
        select(Node).where(Node.parent_id == node.id).order_by(Node.created_at, Node.id)
    ).all()
    linked = [node.linked_node] if node.linked_node is not None else []
    readable = readable_among([*ancestors, *children, *linked], viewer)
    counts = thread_counts(ids[0], viewer)
    if linked and linked[0].id in readable:
        counts[linked[0].id] = reply_counts([linked[0].id], viewer).get(linked[0].id, (0, 0))

    def preview(n: Node) -> dict:
        return n.to_preview(viewer, counts.get(n.id, (0, 0)))

    data["ancestor_count"] = len(ids) - 1
    data["ancestors"] = [preview(a) if a.id in readable else {"id": a.id, "hidden": True} for a in ancestors]
    data["children"] = [preview(c) for c in children if c.id in readable]
    if linked and linked[0].id in readable:
        data["linked_node"] = preview(linked[0])
    return data
