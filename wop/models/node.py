from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    bindparam,
    case,
    false,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from ..enums import NodeType, Privacy
from ..extensions import Model, db
from .base import iso, utcnow

if TYPE_CHECKING:
    from .user import User

PREVIEW_CHARS = 200


class Node(Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), index=True)
    # Indexed, as is TokenCredit.node_id: deleting a node looks up the rows that refer to it.
    linked_node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)
    node_type: Mapped[str] = mapped_column(String(10), default=NodeType.USER, nullable=False)
    llm_model: Mapped[str | None] = mapped_column(String(100))
    privacy: Mapped[str] = mapped_column(String(10), default=Privacy.PRIVATE, nullable=False)
    # The author's choice to keep this entry away from every AI provider (context, read-aloud,
    # transcription, profile). Replies do not inherit it.
    ai_excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    content: Mapped[str] = mapped_column(Text, default="", nullable=False)
    token_count: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    distributed_tokens: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # Audio: paths are relative to DATA_DIR; URLs are derived in to_dict().
    audio_original_path: Mapped[str | None] = mapped_column(String(255))
    audio_mime_type: Mapped[str | None] = mapped_column(String(100))
    audio_duration_seconds: Mapped[float | None] = mapped_column(Float)
    audio_tts_path: Mapped[str | None] = mapped_column(String(255))
    # Hash of the text the TTS audio was made from; a different hash means the audio is stale.
    audio_tts_hash: Mapped[str | None] = mapped_column(String(64))
    # The job that wrote this node (AI replies); unique so a re-run never writes a second one.
    source_job_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime)

    author = relationship("User", lazy="joined")
    parent = relationship("Node", remote_side=[id], foreign_keys=[parent_id])
    linked_node = relationship("Node", remote_side=[id], foreign_keys=[linked_node_id])

    def ancestors(self) -> list["Node"]:
        """Root first, excluding this node (one query, however deep)."""
        from ..thread_queries import ancestor_path  # it builds on this module

        return ancestor_path(self)

    def save_version(self, reason: str) -> None:
        """Keep the current text before it is replaced (edit, transcription, deletion)."""
        db.session.add(NodeVersion(node_id=self.id, content=self.content, reason=reason))

    def preview(self) -> str:
        text = "[deleted]" if self.deleted_at else self.content
        return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS].rstrip() + "…"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "author": self.author.username if self.author else None,
            "parent_id": self.parent_id,
            "linked_node_id": self.linked_node_id,
            "node_type": self.node_type,
            "llm_model": self.llm_model,
            "privacy": self.privacy,
            "ai_excluded": self.ai_excluded,
            "content": "[deleted]" if self.deleted_at else self.content,
            "deleted": self.deleted_at is not None,
            "token_count": self.token_count,
            "distributed_tokens": self.distributed_tokens,
            "audio_original_url": media_url(self.audio_original_path),
            "audio_mime_type": self.audio_mime_type,
            "audio_duration_seconds": self.audio_duration_seconds,
            "tts_url": media_url(self.audio_tts_path),
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }

    def to_preview(self, viewer: "User | None", counts: tuple[int, int] | None = None) -> dict:
        """A short form for lists; the reply counts are what `viewer` may read. Pass `counts`
        (from reply_counts) when previewing many nodes, so that one query serves them all."""
        if counts is None:
            counts = reply_counts([self.id], viewer).get(self.id, (0, 0))
        return {
            "id": self.id,
            "author": self.author.username if self.author else None,
            "node_type": self.node_type,
            "llm_model": self.llm_model,
            "privacy": self.privacy,
            "ai_excluded": self.ai_excluded,
            "preview": self.preview(),
            "deleted": self.deleted_at is not None,
            "created_at": iso(self.created_at),
            "child_count": counts[0],
            "descendant_count": counts[1],
        }


def previews(nodes: "Iterable[Node]", viewer: "User | None") -> list[dict]:
    """Previews of nodes the viewer may read, their counts taken in one query."""
    nodes = list(nodes)
    counts = reply_counts([n.id for n in nodes], viewer)
    return [n.to_preview(viewer, counts.get(n.id, (0, 0))) for n in nodes]


# The viewer bound into the prebuilt statements below when no one is logged in: no account has id 0.
NOBODY = 0


def viewer_param(viewer: "User | None") -> dict[str, int]:
    """The `viewer_id` parameter of a statement built with VIEWER."""
    return {"viewer_id": viewer.id if viewer is not None else NOBODY}


VIEWER = bindparam("viewer_id", type_=Integer)


def readable_sql(node, parent_readable, viewer_id):
    """1 when `viewer_id` may read `node`, else 0: wop.access.can_read in SQL. An AI reply is
    readable when the entry it answers is (`parent_readable`) and so is every entry it was made
    from. `viewer_id`: an id, None (no one logged in) or VIEWER (bound when run)."""

    def own_or_public(n):
        if viewer_id is None:
            return n.privacy == Privacy.PUBLIC
        return or_(n.privacy == Privacy.PUBLIC, n.user_id == viewer_id)

    source = aliased(Node)
    unreadable_source = (
        select(ReplySource.id)
        .outerjoin(source, source.id == ReplySource.source_id)
        .where(ReplySource.reply_id == node.id)
        .where(or_(source.id.is_(None), source.deleted_at.is_not(None), ~own_or_public(source)))
        .exists()
    )
    return case(
        (node.deleted_at.is_not(None), 0),
        (node.node_type == NodeType.LLM, case((unreadable_source, 0), else_=parent_readable)),
        (own_or_public(node), 1),
        else_=0,
    )


@cache
def _reply_counts_query() -> Select:
    """Built once, run with parameters: building a statement this size costs more than running it."""
    one = literal_column("1", Integer)
    tree = (
        select(
            Node.parent_id.label("top_id"),
            Node.id.label("id"),
            one.label("depth"),
            readable_sql(Node, one, VIEWER).label("readable"),
        )
        .where(Node.parent_id.in_(bindparam("node_ids", expanding=True)))
        .cte("reply_tree", recursive=True)
    )
    child = aliased(Node)
    tree = tree.union_all(
        select(tree.c.top_id, child.id, tree.c.depth + 1, readable_sql(child, tree.c.readable, VIEWER)).where(
            child.parent_id == tree.c.id
        )
    )
    return select(
        tree.c.top_id, func.sum(case((tree.c.depth == 1, tree.c.readable), else_=0)), func.sum(tree.c.readable)
    ).group_by(tree.c.top_id)


def reply_counts(node_ids: list[int], viewer: "User | None") -> dict[int, tuple[int, int]]:
    """{node id: (readable replies, readable descendants)} for nodes the viewer may read.

    One recursive query walks every subtree, carrying whether each node is readable so that an
    AI reply counts only when the entry it answers does; a deleted entry is not counted, but the
    replies under it are."""
    if not node_ids:
        return {}
    rows = db.session.execute(_reply_counts_query(), {"node_ids": list(node_ids), **viewer_param(viewer)})
    return {top: (int(children or 0), int(descendants or 0)) for top, children, descendants in rows}


def media_url(path: str | None) -> str | None:
    return f"/api/media/{path}" if path else None


class ReplySource(Model):
    """An entry whose words an AI reply was made from (what was sent to the model). The reply is
    readable only while every one of its sources is: one made private, deleted or gone (the row
    keeps a NULL) hides the reply, which may quote it."""

    __tablename__ = "reply_source"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reply_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), nullable=False, index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)


class NodeVersion(Model):
    """A node's earlier text, kept whenever it is edited, transcribed over or deleted."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("node.id", ondelete="CASCADE"), nullable=False, index=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    reason: Mapped[str] = mapped_column(String(20), default="edit", nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "node_id": self.node_id,
            "content": self.content,
            "reason": self.reason,
            "created_at": iso(self.created_at),
        }


class TokenCredit(Model):
    """Tokens an AI call used, credited to one human-written node of the thread."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)
    job_id: Mapped[str | None] = mapped_column(String(36), index=True)
    tokens: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
