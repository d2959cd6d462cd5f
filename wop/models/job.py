import uuid
from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import ACTIVE_STATUSES, JobStatus
from ..extensions import Model
from .base import utcnow

_ACTIVE_SQL = "status IN ({})".format(", ".join(f"'{s.value}'" for s in ACTIVE_STATUSES))


class Job(Model):
    """One background operation. Rows change only through wop.jobs."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=JobStatus.PENDING, nullable=False, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    stage: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    error_detail: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3, nullable=False)
    params: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)
    result: Mapped[dict | None] = mapped_column(JSON)
    queue: Mapped[str] = mapped_column(String(20), nullable=False)
    # Same kind, node and model: while one such job is active a second request gets it back.
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # Who runs it now: a fresh token per attempt, plus host and pid to tell a dead owner.
    claim_token: Mapped[str | None] = mapped_column(String(36))
    worker: Mapped[str | None] = mapped_column(String(200))
    retry_of: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index(
            "uq_job_active_dedupe",
            "dedupe_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )
