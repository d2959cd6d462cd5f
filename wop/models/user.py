from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from .base import iso, utcnow


class User(Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(String(128))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    # AI models write replies under an account of their own; it cannot log in.
    is_bot: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    approved: Mapped[bool] = mapped_column(Boolean, default=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    accepted_terms_at: Mapped[datetime | None] = mapped_column(DateTime)
    # An administrator may deactivate an account: it cannot log in, and its sessions and tokens end.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true(), nullable=False)
    # The writer's own defaults (NULL: the server's): see preferences() and wop/writing.py.
    default_model: Mapped[str | None] = mapped_column(String(100))
    default_privacy: Mapped[str | None] = mapped_column(String(10))
    default_ai_excluded: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false(), nullable=False)
    # The web app's colour theme ("system", "light" or "dark"), so it follows the writer to every
    # browser; NULL: never chosen, each browser keeps its own.
    theme: Mapped[str | None] = mapped_column(String(10))

    def preferences(self) -> dict:
        return {
            "default_model": self.default_model,
            "default_privacy": self.default_privacy,
            "default_ai_excluded": self.default_ai_excluded,
            "theme": self.theme,
        }

    def to_dict(self, private: bool = False) -> dict:
        data = {
            "id": self.id,
            "username": self.username,
            "description": self.description,
            "is_bot": self.is_bot,
            "created_at": iso(self.created_at),
        }
        if private:
            data.update(
                email=self.email,
                is_admin=self.is_admin,
                approved=self.approved,
                active=self.active,
                accepted_terms_at=iso(self.accepted_terms_at),
            )
        return data


class ApiToken(Model):
    """A personal API token. Only its SHA-256 is stored; revoking sets revoked_at."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": iso(self.created_at),
            "last_used_at": iso(self.last_used_at),
            "revoked": self.revoked_at is not None,
        }


class UserSession(Model):
    """A logged-in browser. The signed cookie carries a random key whose SHA-256 is stored here;
    the session lives only while its row does, so deleting the row ends it at once."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)
    user_agent: Mapped[str | None] = mapped_column(String(255))
    ip: Mapped[str | None] = mapped_column(String(45))

    def to_dict(self, current: bool = False) -> dict:
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "last_seen_at": iso(self.last_seen_at),
            "user_agent": self.user_agent,
            "ip": self.ip,
            "current": current,
        }


class UserProfile(Model):
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), nullable=False, index=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    generated_by: Mapped[str] = mapped_column(String(100), nullable=False)  # a model id, or "user"
    tokens_used: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    # The job that wrote it; unique so a re-run never stores a second profile.
    source_job_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "content": self.content,
            "generated_by": self.generated_by,
            "tokens_used": self.tokens_used,
            "created_at": iso(self.created_at),
        }
