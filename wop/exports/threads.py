"""The threads a user started, as readable text: the thread export and the profile's reading.

A thread is one of the user's top-level entries with every reply under it, numbered like an
outline (1, 1.1, 1.2, 1.2.1 …). Thread 1 is the newest. Replies the user may not read (other
people's private entries) are left out with everything under them, as are AI replies to deleted
entries; deleted entries keep their place, marked, so the replies under them still make sense.
For the AI profile (`for_ai`), entries kept away from AI keep their place without their text.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from ..access import kept_from_ai
from ..enums import NodeType, Privacy
from ..extensions import db
from ..models import Node


@dataclass
class Entry:
    label: str  # "1.2.1"
    node: Node
    branch: tuple[int, int] | None  # (2, 3): the second of three replies to the same entry


def thread_root_ids(user_id: int) -> list[int]:
    """The user's top-level entries, newest first (ids only: small even for huge accounts)."""
    return list(
        db.session.scalars(
            select(Node.id)
            .where(Node.user_id == user_id, Node.parent_id.is_(None))
            .order_by(Node.created_at.desc(), Node.id.desc())
        )
    )


@lru_cache(maxsize=1)
def _thread_query():
    """The root and all its descendants, in one recursive query (built once: building it costs
    more than running it)."""
    tree = select(Node.id).where(Node.id == bindparam("root_id")).cte("tree", recursive=True)
    child = aliased(Node)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return select(Node).where(Node.id.in_(select(tree.c.id)))


def thread_nodes(root_id: int) -> list[Node]:
    return list(db.session.scalars(_thread_query(), {"root_id": root_id}))


def visible_to_owner(node: Node, parent: Node, owner_id: int) -> bool:
    """Whether the thread's owner may read this reply to `parent` (shown, or deleted and marked):
    as in wop.access, an AI reply goes with the entry it answers."""
    if node.node_type == NodeType.LLM:
        return parent.deleted_at is None
    return node.user_id == owner_id or node.privacy == Privacy.PUBLIC


def thread_entries(number: int, nodes: list[Node], owner_id: int) -> list[Entry]:
    """Depth first, replies oldest first; iterative so that very deep threads are fine."""
    by_id = {n.id: n for n in nodes}
    children: defaultdict[int, list[Node]] = defaultdict(list)
    root = None
    for node in sorted(nodes, key=lambda n: (n.created_at, n.id)):
        if node.parent_id is not None and node.parent_id in by_id:
            children[node.parent_id].append(node)
        else:
            root = node
    assert root is not None  # a thread always has its top-level entry
    entries: list[Entry] = []
    stack: list[tuple[str, Node, tuple[int, int] | None]] = [(str(number), root, None)]
    while stack:
        label, node, branch = stack.pop()
        entries.append(Entry(label, node, branch))
        kids = [c for c in children[node.id] if visible_to_owner(c, node, owner_id)]
        for i in range(len(kids), 0, -1):
            stack.append((f"{label}.{i}", kids[i - 1], (i, len(kids)) if len(kids) > 1 else None))
    return entries


def stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


def author_of(node: Node) -> str:
    if node.node_type == NodeType.LLM:
        return f"AI ({node.llm_model})"
    return node.author.username if node.author else "unknown"


def body_of(node: Node, for_ai: bool = False) -> str:
    if node.deleted_at is not None:
        return "[deleted]"
    if for_ai and kept_from_ai(node):
        return "[kept away from AI]"
    if node.node_type == NodeType.LINK:
        return f"(a link to entry {node.linked_node_id})" if node.linked_node_id else "(a link to a deleted entry)"
    return node.content


def format_entry(entry: Entry, for_ai: bool = False) -> str:
    parts = [f"[{entry.label}] {author_of(entry.node)}", stamp(entry.node.created_at)]
    if entry.branch:
        parts.append(f"branch {entry.branch[0]} of {entry.branch[1]}")
    return " · ".join(parts) + "\n" + body_of(entry.node, for_ai).rstrip() + "\n"


def format_thread(number: int, entries: list[Entry], for_ai: bool = False) -> str:
    count = f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"
    header = f"=== Thread {number} · started {stamp(entries[0].node.created_at)} · {count} ===\n"
    return header + "\n" + "\n".join(format_entry(e, for_ai) for e in entries)


def thread_texts(user_id: int, for_ai: bool = False) -> Iterator[tuple[int, int, str]]:
    """(number, how many threads, text) for each thread the user started, newest first.
    `for_ai`: the text goes to an AI provider, so entries kept away from AI are left blank."""
    root_ids = thread_root_ids(user_id)
    for number, root_id in enumerate(root_ids, 1):
        nodes = thread_nodes(root_id)
        if nodes:  # empty when the thread was deleted meanwhile
            yield number, len(root_ids), format_thread(number, thread_entries(number, nodes, user_id), for_ai)


def file_header(username: str, thread_count: int, exported_at: datetime) -> str:
    return (
        f"Write or Perish · threads started by {username}\n"
        f"Exported {stamp(exported_at)} · {thread_count} thread{'' if thread_count == 1 else 's'}, newest first\n"
        "Numbers give each entry's place: 1.2 is the second reply to entry 1. "
        '"branch 2 of 3" marks one of several replies to the same entry.\n\n'
    )
