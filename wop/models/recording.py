"""A recording sent in chunks while it is made, and transcribed piece by piece meanwhile
(wop/recordings.py holds the rules; wop/tasks/recording.py the jobs)."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..enums import PieceStatus, RecordingStatus
from ..extensions import Model
from .base import utcnow


class Recording(Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    # Stored: open, finishing, finished, discarded (`failed` is derived, see RecordingStatus).
    status: Mapped[str] = mapped_column(String(12), default=RecordingStatus.OPEN, nullable=False, index=True)
    # What the entry will be: asked for when the recording starts, applied when it finishes.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)
    privacy: Mapped[str | None] = mapped_column(String(10))
    ai_excluded: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    mime_type: Mapped[str] = mapped_column(String(100), nullable=False)
    extension: Mapped[str] = mapped_column(String(10), nullable=False)
    # Fixed when the recording starts, so every worker cuts it the same way.
    piece_seconds: Mapped[float] = mapped_column(Float, nullable=False)
    # Files: the chunks and pieces live in `folder`; the finished audio at `audio_path`.
    folder: Mapped[str] = mapped_column(String(255), nullable=False)
    audio_path: Mapped[str | None] = mapped_column(String(255))
    bytes_received: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    # Chunks 0 … contiguous_chunks-1 are all stored: that much of the stream can be decoded.
    contiguous_chunks: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    contiguous_bytes: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    # The last cut measured `received_seconds` of audio in the first `measured_bytes` bytes.
    measured_bytes: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    received_seconds: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    chunk_count: Mapped[int | None] = mapped_column(Integer)  # told by finish
    node_id: Mapped[int | None] = mapped_column(ForeignKey("node.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class RecordingChunk(Model):
    """One stored chunk: a byte slice of the recording, number `number` (from 0). A recording
    continued after a pause is made of several streams (segments), each beginning with its own
    container header: `starts_segment` marks the chunk that begins one (chunk 0 always does)."""

    __tablename__ = "recording_chunk"
    __table_args__ = (UniqueConstraint("recording_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recording.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    path: Mapped[str] = mapped_column(String(255), nullable=False)
    starts_segment: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class RecordingPiece(Model):
    """A stretch of the recording transcribed on its own, number `number` (from 1): from
    `start_seconds` to `end_seconds`. Pieces cut where no pause was found overlap: the audio
    transcribed runs `lead_seconds` earlier and `tail_seconds` later, and the words heard twice
    are dropped when the pieces are joined."""

    __tablename__ = "recording_piece"
    __table_args__ = (UniqueConstraint("recording_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recording.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    start_seconds: Mapped[float] = mapped_column(Float, nullable=False)
    end_seconds: Mapped[float] = mapped_column(Float, nullable=False)
    # Audio transcribed before `start_seconds` and after `end_seconds` (overlaps, see wop/audio/pieces.py).
    lead_seconds: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    tail_seconds: Mapped[float] = mapped_column(Float, default=0.0, nullable=False)
    audio_path: Mapped[str] = mapped_column(String(255), nullable=False)
    status: Mapped[str] = mapped_column(String(10), default=PieceStatus.PENDING, nullable=False)
    text: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    job_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
