"""Files under DATA_DIR/media. Paths stored in the database are relative to that folder."""
import tempfile
import uuid
from pathlib import Path

from flask import current_app
from werkzeug.security import safe_join

from .config import private_dir


def media_root() -> Path:
    return private_dir(Path(current_app.config["DATA_DIR"]) / "media")


def new_media_path(folder: str, user_id: int, suffix: str) -> tuple[str, Path]:
    """A fresh relative path and its absolute location, e.g. ('audio/7/3f2c….webm', Path)."""
    rel = f"{folder}/{user_id}/{uuid.uuid4().hex}{suffix}"
    absolute = media_root() / rel
    private_dir(absolute.parent)
    return rel, absolute


def resolve(rel: str) -> Path | None:
    """The absolute path of a stored file, or None if `rel` would leave the media folder."""
    joined = safe_join(str(media_root()), rel)
    return Path(joined) if joined else None


def remove(rel: str | None) -> None:
    if rel:
        path = resolve(rel)
        if path is not None:
            path.unlink(missing_ok=True)


def scratch_dir(prefix: str) -> Path:
    """A fresh temporary folder under DATA_DIR/tmp: on the same disk as the media (so finished
    files are moved, not copied) and private to this installation, unlike a shared /tmp."""
    root = private_dir(Path(current_app.config["DATA_DIR"]) / "tmp")
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))
