from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import iso, utcnow


def writing_place(parent_id: int | None) -> str:
    """The draft place of a new entry under `parent_id` (None: a new thread)."""
    return "new" if parent_id is None else f"reply:{parent_id}"


def edit_place(node_id: int) -> str:
    return f"edit:{node_id}"


class Draft(Model):
    """Unsaved writing, kept on the server for its writer only: one per user and place, where a
    place is `new` (a new thread), `reply:<node id>` or `edit:<node id>` (wop/api/drafts.py)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False)
    place: Mapped[str] = mapped_column(String(40), nullable=False)
    content: Mapped[str] = mapped_column(Text, default="", nullable=False)
    privacy: Mapped[str | None] = mapped_column(String(10))
    ai_excluded: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)

    __table_args__ = (UniqueConstraint("user_id", "place"),)

    def to_dict(self) -> dict:
        kind, _, node_id = self.place.partition(":")
        return {
            "place": self.place,
            "kind": kind,
            "node_id": int(node_id) if node_id else None,
            "content": self.content,
            "privacy": self.privacy,
            "ai_excluded": self.ai_excluded,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
        }
