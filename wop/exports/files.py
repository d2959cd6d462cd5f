"""Export files are stored as <user_id>/<file> in the exports store (wop/storage.py: by default
DATA_DIR/exports) and expire after EXPORT_TTL_HOURS."""

import time

from flask import current_app

from ..storage import exports


def export_file(user_id: int, name: str) -> str:
    return f"{user_id}/{name}"


def ttl_seconds() -> float:
    return float(current_app.config["EXPORT_TTL_HOURS"]) * 3600


def expire_old_exports() -> int:
    """Delete export files older than the TTL; returns how many."""
    cutoff = time.time() - ttl_seconds()
    old = [stored.rel for stored in exports().files() if stored.mtime < cutoff]
    for rel in old:
        exports().delete(rel)  # gone already (a concurrent cleanup, an account deletion): no harm
    return len(old)
