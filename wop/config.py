"""Every setting, read from the environment (and an optional `.env`), with safe defaults.

The defaults serve one machine with no setup: SQLite and files under DATA_DIR, port 5000.
"""
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip() else default


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    return float(raw) if raw.strip() else default


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def _has_acl(path: Path, kind: str = "system.posix_acl_access") -> bool:
    try:
        return kind in os.listxattr(path)
    except OSError:
        return False


# Everything the service writes is readable by the service user only: folders 0700, files 0600.
PRIVATE_UMASK = 0o077
# What the service keeps directly under DATA_DIR, by name or name prefix (tightened when an
# older DATA_DIR was looser): SQLite's -wal and -shm files, celery beat's .dat/.dir/.bak.
OWN_ENTRIES = ("media", "exports", "tmp", "redis", "secret_key", "wop.sqlite3", "celerybeat-schedule")


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the service user only: mode 0700, unless
    the folder it is made in has a default ACL (an operator granting nginx read access to
    media, say), which then decides as it does for every other file made in it."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    if missing:
        inherit = _has_acl(missing[-1].parent, "system.posix_acl_default")
        for folder in reversed(missing):
            folder.mkdir(mode=0o777 if inherit else 0o700, exist_ok=True)
    return path


def _tighten(path: Path) -> None:
    """Take group and other permissions away from `path` and, for a folder, everything in it."""
    for entry in [path, *(path.rglob("*") if path.is_dir() and not path.is_symlink() else ())]:
        try:
            if not entry.is_symlink():
                entry.chmod(entry.stat().st_mode & 0o700)
        except OSError:
            pass  # not ours (another owner) or gone meanwhile




def secure_data_dir(data_dir: Path) -> Path:
    """Create DATA_DIR private to the service user; tighten one left readable by others (made
    by an older version): the folder itself, and what the service keeps in it. A DATA_DIR with
    an ACL is left as it is: its operator grants access on purpose (e.g. nginx to media)."""
    private_dir(data_dir)
    if data_dir.stat().st_mode & 0o077 and not _has_acl(data_dir):
        for entry in data_dir.iterdir():
            if entry.name.startswith(OWN_ENTRIES):
                _tighten(entry)
        data_dir.chmod(0o700)
    return data_dir


def private_data_dir() -> Path:
    """DATA_DIR as an absolute path, created private to the service user."""
    load_dotenv(override=False)
    return secure_data_dir(Path(_str("DATA_DIR", "./var")).resolve())


def _secret_key(data_dir: Path) -> str:
    """SECRET_KEY from the environment, else one generated once and kept under DATA_DIR."""
    given = _str("SECRET_KEY")
    if given:
        return given
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_config() -> dict:
    folder = private_data_dir()
    database_url = _str("DATABASE_URL", f"sqlite:///{folder / 'wop.sqlite3'}")
    if database_url.startswith("postgres://"):  # the form some hosts hand out
        database_url = "postgresql://" + database_url[len("postgres://"):]
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "DATA_DIR": folder,
        "SECRET_KEY": _secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": _str("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "PORT": _int("PORT", 5000),
        # Accounts
        "REQUIRE_APPROVAL": _bool(os.environ.get("REQUIRE_APPROVAL")),
        "LOGIN_RATE_LIMIT": _str("LOGIN_RATE_LIMIT", "10 per minute"),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("SESSION_COOKIE_SECURE")),
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "DEFAULT_PRIVACY": _str("DEFAULT_PRIVACY", "private"),
        # AI providers
        "OPENAI_API_KEY": _str("OPENAI_API_KEY"),
        "OPENAI_BASE_URL": _str("OPENAI_BASE_URL"),
        "ANTHROPIC_API_KEY": _str("ANTHROPIC_API_KEY"),
        "ANTHROPIC_BASE_URL": _str("ANTHROPIC_BASE_URL"),
        "DEFAULT_LLM_MODEL": _str("DEFAULT_LLM_MODEL"),
        "MODELS_FILE": _str("MODELS_FILE"),
        "EXTRA_MODELS": _str("EXTRA_MODELS"),
        "PROVIDER_TIMEOUT": _float("PROVIDER_TIMEOUT", 120.0),
        "PROVIDER_MAX_RETRIES": _int("PROVIDER_MAX_RETRIES", 3),
        # Jobs
        "JOB_MAX_ATTEMPTS": _int("JOB_MAX_ATTEMPTS", 3),
        "JOB_HEARTBEAT_SECONDS": _float("JOB_HEARTBEAT_SECONDS", 10.0),
        "JOB_STALE_SECONDS": _float("JOB_STALE_SECONDS", 90.0),
        "JOB_RESEND_SECONDS": _float("JOB_RESEND_SECONDS", 600.0),
        "JOB_RETRY_BASE_SECONDS": _float("JOB_RETRY_BASE_SECONDS", 5.0),
        "REAPER_INTERVAL_SECONDS": _float("REAPER_INTERVAL_SECONDS", 15.0),
        # Audio
        "MAX_UPLOAD_MB": _int("MAX_UPLOAD_MB", 100),
        "MAX_AUDIO_MINUTES": _int("MAX_AUDIO_MINUTES", 180),
        "TRANSCRIPTION_PROVIDER": _str("TRANSCRIPTION_PROVIDER", "auto"),
        "TRANSCRIPTION_MODEL": _str("TRANSCRIPTION_MODEL", "gpt-4o-transcribe"),
        "WHISPER_MODEL": _str("WHISPER_MODEL"),
        "TTS_PROVIDER": _str("TTS_PROVIDER", "auto"),
        "TTS_MODEL": _str("TTS_MODEL", "gpt-4o-mini-tts"),
        "TTS_VOICE": _str("TTS_VOICE"),
        "TTS_MAX_CHARS": _int("TTS_MAX_CHARS", 10_000),
        # Exports and profile
        "EXPORT_TTL_HOURS": _float("EXPORT_TTL_HOURS", 24.0),
        "PROFILE_MAX_TOKENS": _int("PROFILE_MAX_TOKENS", 268_500),
        # Serving files: set to a path prefix (e.g. /protected) when nginx serves them
        "X_ACCEL_REDIRECT_PREFIX": _str("X_ACCEL_REDIRECT_PREFIX"),
        # Live updates (GET /api/events): a Redis stream per user, replayed on reconnect
        "EVENTS_KEEPALIVE_SECONDS": _float("EVENTS_KEEPALIVE_SECONDS", 15.0),
        "EVENTS_RETENTION_SECONDS": _int("EVENTS_RETENTION_SECONDS", 600),
        "EVENTS_STREAM_MAXLEN": _int("EVENTS_STREAM_MAXLEN", 5000),
        "EVENTS_MAX_STREAMS_PER_USER": _int("EVENTS_MAX_STREAMS_PER_USER", 10),
    }
