"""DATA_DIR and everything the service writes in it stay private to the service user:
folders 0700, files 0600 (PRIVATE_UMASK), unless an operator's default ACL says otherwise."""

import os
from pathlib import Path

# Everything the service writes is readable by the service user only: folders 0700, files 0600.
PRIVATE_UMASK = 0o077
# What the service keeps directly under DATA_DIR, by name or name prefix (tightened when an
# older DATA_DIR was looser): SQLite's -wal and -shm files, celery beat's .dat/.dir/.bak.
OWN_ENTRIES = ("media", "exports", "tmp", "redis", "secret_key", "wop.sqlite3", "celerybeat-schedule", "metrics")


def _has_acl(path: Path, kind: str = "system.posix_acl_access") -> bool:
    try:
        return kind in os.listxattr(path)
    except OSError:
        return False


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


PRIVATE_REDIS_URL_FILE = "redis/url"  # under DATA_DIR, written by `wop up` while it runs its own Redis


def private_redis_url(data_dir: Path) -> str | None:
    """The address of the private Redis a running `wop up` keeps for `data_dir`, if any."""
    try:
        return (data_dir / PRIVATE_REDIS_URL_FILE).read_text().strip() or None
    except OSError:
        return None
