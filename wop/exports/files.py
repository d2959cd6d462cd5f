"""Export files live under DATA_DIR/exports/<user_id>/ and expire after EXPORT_TTL_HOURS."""
import time
from pathlib import Path

from flask import current_app

from ..config import private_dir


def exports_root() -> Path:
    return Path(current_app.config["DATA_DIR"]) / "exports"


def user_export_dir(user_id: int) -> Path:
    return private_dir(exports_root() / str(user_id))


def ttl_seconds() -> float:
    return float(current_app.config["EXPORT_TTL_HOURS"]) * 3600


def expire_old_exports() -> int:
    """Delete export files (finished or abandoned halfway) older than the TTL; returns how many."""
    root = exports_root()
    if not root.is_dir():
        return 0
    cutoff = time.time() - ttl_seconds()
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                pass  # a concurrent cleanup or account deletion got there first
    return removed
