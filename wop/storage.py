"""Files under DATA_DIR/media. Paths stored in the database are relative to that folder."""

import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app
from werkzeug.security import safe_join

from .data_dir import private_dir


def media_root() -> Path:
    return private_dir(Path(current_app.config["DATA_DIR"]) / "media")


def new_media_path(folder: str, user_id: int, suffix: str) -> tuple[str, Path]:
    """A fresh relative path and its absolute location, e.g. ('audio/7/3f2c….webm', Path)."""
    rel = f"{folder}/{user_id}/{uuid.uuid4().hex}{suffix}"
    absolute = media_root() / rel
    private_dir(absolute.parent)
    return rel, absolute


def new_media_folder(folder: str, user_id: int) -> str:
    """A fresh folder for files that belong together, e.g. 'recordings/7/3f2c…' (relative)."""
    rel = f"{folder}/{user_id}/{uuid.uuid4().hex}"
    private_dir(media_root() / rel)
    return rel


def file_in(folder: str, name: str, unique: bool = False) -> str:
    """The relative path of file `name` in the stored folder `folder`; `unique` adds a random part
    before its extension, so that two writers never write the same file."""
    if unique:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem or ext}-{uuid.uuid4().hex[:12]}{dot}{ext if stem else ''}"
    return f"{folder}/{name}"


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


class StreamTooLarge(Exception):
    """A stream was longer than the limit it was saved with; nothing of it was kept."""


COPY_BLOCK = 64 * 1024


def save_stream(stream: IO[bytes], rel: str, max_bytes: int) -> tuple[int, str, bytes]:
    """Write `stream` to the stored file `rel`, a block at a time (never whole in memory).
    Returns (size, SHA-256 hex digest, first 16 bytes); raises StreamTooLarge, keeping nothing,
    when the stream holds more than `max_bytes`."""
    path = _stored(rel)
    private_dir(path.parent)
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        with open(path, "wb") as out:
            while block := stream.read(COPY_BLOCK):
                size += len(block)
                if size > max_bytes:
                    raise StreamTooLarge(rel)
                if len(head) < 16:
                    head += block[: 16 - len(head)]
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return size, digest.hexdigest(), head


def read_stored(rels: Iterable[str]) -> Iterator[BinaryIO]:
    """The stored files `rels`, opened one after another (each closed before the next opens):
    to stream them, in order, as one. Their paths are resolved at once, so the files may then
    be read from another thread (which has no application context)."""
    return _open_each([_stored(rel) for rel in rels])


def _open_each(paths: list[Path]) -> Iterator[BinaryIO]:
    for path in paths:
        with open(path, "rb") as f:
            yield f


def put_file(local: Path, rel: str) -> None:
    """Move a finished local file (made in a scratch_dir) to the stored file `rel`, replacing it."""
    path = _stored(rel)
    private_dir(path.parent)
    os.replace(local, path)


def remove_folder(rel: str | None) -> None:
    """Remove a stored folder and everything in it."""
    path = resolve(rel) if rel else None
    if path is not None and path != media_root():
        shutil.rmtree(path, ignore_errors=True)


def _stored(rel: str) -> Path:
    path = resolve(rel)
    if path is None:
        raise ValueError(f"{rel!r} is outside the media folder")
    return path
