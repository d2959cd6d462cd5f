"""Who may see or change what. One place, used by every endpoint and every job.

An entry is readable by its author, and by everyone when it is public. An AI reply is readable
by exactly those who can read the entry it answers and every entry it was made from (its
sources: what was sent to the model), decided now: when one of them is made private or deleted,
the reply goes with it, since it may quote it. Administrators get no shortcut: they run the
system, they do not read private writing. (reply_counts in wop.models.node applies the same
rule in SQL.)
"""

from sqlalchemy import select
from sqlalchemy.orm.util import identity_key

from .enums import NodeType, Privacy
from .errors import Forbidden, Gone, NotFound
from .extensions import db
from .models import Job, Node, ReplySource, User


def answered_entry(node: Node) -> Node | None:
    """The person's entry an AI reply answers (through replies to replies); the node itself
    when it is not an AI reply; None when the chain is broken."""
    seen = set()
    while node.node_type == NodeType.LLM and node.parent_id is not None:
        if node.id in seen:
            return None
        seen.add(node.id)
        parent = node.parent
        if parent is None or parent.deleted_at is not None:
            return None  # a deleted entry takes its AI replies with it
        node = parent
    return node


def _own_or_public(node: Node, user: User | None) -> bool:
    return node.privacy == Privacy.PUBLIC or (user is not None and node.user_id == user.id)


def reply_sources(node: Node) -> list[Node | None]:
    """The entries an AI reply was made from; None for one that no longer exists."""
    rows = db.session.execute(
        select(Node)
        .select_from(ReplySource)
        .outerjoin(Node, Node.id == ReplySource.source_id)
        .where(ReplySource.reply_id == node.id)
    ).all()
    return [row[0] for row in rows]


def could_read(node: Node, user: User | None, sources: list[Node | None] | None = None) -> bool:
    """Whether `user` could read `node` were it not deleted itself. `sources`: the node's
    reply_sources, when already fetched."""
    entry = answered_entry(node)
    if entry is None or not _own_or_public(entry, user):
        return False
    if node.node_type != NodeType.LLM:
        return True
    if sources is None:
        sources = reply_sources(node)
    return all(s is not None and s.deleted_at is None and _own_or_public(s, user) for s in sources)


def can_read(node: Node, user: User | None, sources: list[Node | None] | None = None) -> bool:
    return node.deleted_at is None and could_read(node, user, sources)


def sources_by_reply(nodes: list[Node]) -> dict[int, list[Node | None]]:
    """{AI reply id: its reply_sources} for the AI replies among `nodes`, in one query."""
    replies = [n.id for n in nodes if n.node_type == NodeType.LLM]
    sources: dict[int, list[Node | None]] = {i: [] for i in replies}
    if replies:
        rows = db.session.execute(
            select(ReplySource.reply_id, Node)
            .select_from(ReplySource)
            .outerjoin(Node, Node.id == ReplySource.source_id)
            .where(ReplySource.reply_id.in_(replies))
        )
        for reply_id, source in rows:
            sources[reply_id].append(source)
    return sources


def readable_among(nodes: list[Node], user: User | None) -> set[int]:
    """The ids of the nodes `user` may read: can_read for many nodes in a few queries, however
    many there are (the entries AI replies answer, then all their sources, each in one query)."""
    _load_answered_entries(nodes)
    sources = sources_by_reply([n for n in nodes if n.deleted_at is None])
    return {n.id for n in nodes if can_read(n, user, sources.get(n.id))}


def _load_answered_entries(nodes: list[Node]) -> None:
    """Load the parents answered_entry walks through, one query per level of AI replies to AI
    replies, so that it finds them in the session instead of asking once per node. (`loaded`
    keeps them alive until each child holds its parent: the session holds them only weakly.)"""
    seen: set[int] = set()
    loaded: list[Node] = []
    level = [n for n in nodes if n.node_type == NodeType.LLM]
    while level:
        missing = {
            n.parent_id
            for n in level
            if n.parent_id is not None and identity_key(Node, n.parent_id) not in db.session.identity_map
        }
        if missing:
            loaded += db.session.scalars(select(Node).where(Node.id.in_(missing)))
        seen |= {n.id for n in level}
        level = [p for n in level if (p := n.parent) is not None and p.node_type == NodeType.LLM and p.id not in seen]


def kept_from_ai(node: Node, sources: list[Node | None] | None = None) -> bool:
    """Whether the node's text must never reach an AI provider: its author kept it away from AI,
    or it is an AI reply to or made from such an entry (a reply quotes what it was sent).
    `sources`: the node's reply_sources, when already fetched."""
    entry = answered_entry(node)
    if entry is None or entry.ai_excluded:
        return True
    if node.node_type != NodeType.LLM:
        return False
    return any(s is None or s.ai_excluded for s in (reply_sources(node) if sources is None else sources))


def require_author(node: Node, user: User, action: str) -> Node:
    """The node, when `user` wrote it; otherwise 403 saying who may `action`."""
    if node.user_id != user.id:
        raise Forbidden(f"Only the author can {action}.")
    return node


def can_delete(node: Node, user: User) -> bool:
    if user.is_admin or node.user_id == user.id:
        return True
    return node.node_type == NodeType.LLM and node.parent is not None and node.parent.user_id == user.id


def readable_node(node_id: int, user: User | None, deleted_status: int = 404) -> Node:
    """The node if `user` may read it, else 404. With deleted_status=410, a deleted node that
    `user` could otherwise read answers 410, so that the web app can say "deleted"."""
    node = db.session.get(Node, node_id)
    if node is not None and node.deleted_at is not None and deleted_status == 410 and could_read(node, user):
        raise Gone("This entry was deleted.", code="deleted")
    if node is None or not can_read(node, user):
        raise NotFound(f"Node {node_id} was not found.")
    return node


def own_job(task_id: str, user: User) -> Job:
    """A job the caller owns (or any job, for an admin: admins see jobs, not writing).
    Others' jobs look absent."""
    job = db.session.get(Job, task_id)
    if job is None or (job.user_id != user.id and not user.is_admin):
        raise NotFound("No such task.")
    return job
