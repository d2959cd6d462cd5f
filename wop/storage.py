"""Every stored file: recordings and their chunks and pieces, read-aloud audio, exports.

Files are named by relative paths (the database keeps them) inside one of two stores: `media()`
(audio, kept) and `exports()` (thread exports, expired after EXPORT_TTL_HOURS). Where the bytes
live is STORAGE_URL's choice:

- unset (the default): folders on this machine, DATA_DIR/media and DATA_DIR/exports;
- `s3://bucket/prefix`: an S3-compatible object store (AWS S3, MinIO, R2, B2; wop/storage_s3.py),
  objects `prefix/media/<path>` and `prefix/exports/<path>`, so that web servers and workers on
  different hosts share files without sharing a disk.

No other module touches the folders under DATA_DIR/media or DATA_DIR/exports. Work that needs a
local file (ffmpeg) makes it in `scratch_dir()`, this process's own temporary folder, and stores
the result with `put_file`.
"""

import hashlib
import os
import shutil
import tempfile
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

from flask import Response, current_app, send_file
from werkzeug.security import safe_join

from .data_dir import private_dir

COPY_BLOCK = 64 * 1024
AREAS = ("media", "exports")


class StreamTooLarge(Exception):
    """A stream was longer than the limit it was saved with; nothing of it was kept."""


@dataclass(frozen=True)
class StoredFile:
    rel: str
    size: int
    mtime: float  # seconds since the epoch, when it was stored


class Store(ABC):
    """One area of stored files, named by relative paths ('audio/7/3f2c….webm')."""

    @abstractmethod
    def open(self, rel: str) -> BinaryIO:
        """The file for reading, as a stream; FileNotFoundError when it is not stored."""

    @abstractmethod
    def put_file(self, local: Path, rel: str) -> None:
        """Store the finished local file `local` as `rel`, replacing it; `local` is consumed."""

    @abstractmethod
    def exists(self, rel: str) -> bool: ...

    @abstractmethod
    def size(self, rel: str) -> int | None:
        """Its size in bytes, or None when it is not stored."""

    @abstractmethod
    def delete(self, rel: str) -> None:
        """Delete the file; nothing happens when it is not stored."""

    @abstractmethod
    def delete_folder(self, rel: str) -> None:
        """Delete every file whose path starts with `rel/`."""

    @abstractmethod
    def files(self, prefix: str = "") -> Iterator[StoredFile]:
        """Every stored file under the folder `prefix` ('' for all)."""

    @abstractmethod
    def folders(self) -> list[str]:
        """The names of the top-level folders ('audio', 'tts', ...)."""

    @abstractmethod
    def serve(self, rel: str, mime: str | None, download_name: str | None = None) -> Response:
        """The file as the response to a browser whose permission the caller checked: with range
        requests; `download_name` makes it an attachment."""

    def browser_origin(self) -> str | None:
        """Another origin the browser is sent to for a file (presigned URLs), or None when every
        file comes from our own."""
        return None

    @abstractmethod
    def write(self, stream: IO[bytes], rel: str, max_bytes: int) -> tuple[int, str, bytes]:
        """Store `stream` as `rel`, a block at a time (never whole in memory). Returns (size,
        SHA-256 hex digest, first 16 bytes); raises StreamTooLarge, keeping nothing, when the
        stream holds more than `max_bytes`."""

    def local_copy(self, rel: str, folder: Path) -> Path:
        """A local file with the stored file's bytes, for tools that need a path (ffmpeg): made in
        `folder` (a scratch_dir the caller removes). FileNotFoundError when it is not stored."""
        local = folder / Path(rel).name  # the same name as where it is stored (a provider sees it)
        if local.exists():
            local = folder / f"{uuid.uuid4().hex[:12]}-{local.name}"
        with self.open(rel) as source, open(local, "wb") as out:
            shutil.copyfileobj(source, out, COPY_BLOCK)
        return local

    @abstractmethod
    def upload(self, local: Path, rel: str) -> None:
        """Store a copy of the local file `local` as `rel` (the local file stays)."""


class LocalStore(Store):
    """Files in a folder on this machine (DATA_DIR/media, DATA_DIR/exports)."""

    def __init__(self, root: Path, accel_prefix: str | None = None):
        self.root = root
        self.accel_prefix = accel_prefix  # nginx sends the bytes (X-Accel-Redirect, deploy/nginx.conf)

    def path(self, rel: str) -> Path:
        """The absolute path of `rel`; ValueError when `rel` would leave the folder."""
        joined = safe_join(str(self.root), rel)
        if not joined or not rel:
            raise ValueError(f"{rel!r} is outside the stored files")
        return Path(joined)

    def open(self, rel: str) -> BinaryIO:
        return open(self.path(rel), "rb")

    def write(self, stream: IO[bytes], rel: str, max_bytes: int) -> tuple[int, str, bytes]:
        path = self.path(rel)
        private_dir(path.parent)
        return _copy_limited(stream, path, max_bytes, rel)

    def put_file(self, local: Path, rel: str) -> None:
        path = self.path(rel)
        private_dir(path.parent)
        try:
            os.replace(local, path)  # the file appears whole or not at all
        except OSError:  # another disk: copy beside the target, then rename
            shutil.copyfile(local, path.with_name(path.name + ".part"))
            path.with_name(path.name + ".part").replace(path)
            local.unlink(missing_ok=True)

    def upload(self, local: Path, rel: str) -> None:
        path = self.path(rel)
        private_dir(path.parent)
        shutil.copyfile(local, path.with_name(path.name + ".part"))
        path.with_name(path.name + ".part").replace(path)

    def exists(self, rel: str) -> bool:
        try:
            return self.path(rel).is_file()
        except ValueError:
            return False

    def size(self, rel: str) -> int | None:
        try:
            return self.path(rel).stat().st_size
        except (ValueError, FileNotFoundError):
            return None

    def delete(self, rel: str) -> None:
        with suppress(ValueError):  # a path outside the store names nothing stored
            self.path(rel).unlink(missing_ok=True)

    def delete_folder(self, rel: str) -> None:
        try:
            path = self.path(rel)
        except ValueError:
            return
        if path != self.root:
            shutil.rmtree(path, ignore_errors=True)

    def files(self, prefix: str = "") -> Iterator[StoredFile]:
        top = self.path(prefix) if prefix else self.root
        for folder, _dirs, names in os.walk(top):
            for name in names:
                path = Path(folder) / name
                try:
                    stat = path.stat()
                except FileNotFoundError:
                    continue  # deleted meanwhile
                yield StoredFile(path.relative_to(self.root).as_posix(), stat.st_size, stat.st_mtime)

    def folders(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []

    def local_copy(self, rel: str, folder: Path) -> Path:
        path = self.path(rel)  # already local: ffmpeg reads it where it is
        if not path.is_file():
            raise FileNotFoundError(rel)
        return path

    def serve(self, rel: str, mime: str | None, download_name: str | None = None) -> Response:
        if self.accel_prefix and download_name is None:
            return Response(
                headers={"X-Accel-Redirect": f"{self.accel_prefix.rstrip('/')}/{rel}", "Content-Type": mime or ""}
            )
        return send_file(
            self.path(rel),
            mimetype=mime or "application/octet-stream",
            conditional=True,
            max_age=0,
            as_attachment=download_name is not None,
            download_name=download_name,
        )


class MeasuredReader:
    """A stream read through: counted, hashed, its first bytes kept; StreamTooLarge past `max_bytes`."""

    def __init__(self, stream: IO[bytes], max_bytes: int, rel: str):
        self.stream, self.max_bytes, self.rel = stream, max_bytes, rel
        self.size, self.digest, self.head = 0, hashlib.sha256(), b""

    def read(self, n: int = -1) -> bytes:
        block = self.stream.read(n)
        self.size += len(block)
        if self.size > self.max_bytes:
            raise StreamTooLarge(self.rel)
        if len(self.head) < 16:
            self.head += block[: 16 - len(self.head)]
        self.digest.update(block)
        return block

    def result(self) -> tuple[int, str, bytes]:
        return self.size, self.digest.hexdigest(), self.head


def _copy_limited(stream: IO[bytes], path: Path, max_bytes: int, rel: str) -> tuple[int, str, bytes]:
    reader = MeasuredReader(stream, max_bytes, rel)
    try:
        with open(path, "wb") as out:
            while block := reader.read(COPY_BLOCK):
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return reader.result()


def make_store(config: Mapping[str, Any], area: str, url: str | None = None) -> Store:
    """The store of `area` ('media' or 'exports') at `url` (default: STORAGE_URL)."""
    url = url if url is not None else config.get("STORAGE_URL")
    if url:
        from .storage_s3 import S3Store

        return S3Store.from_url(url, area, config)
    root = private_dir(Path(config["DATA_DIR"]) / area)
    return LocalStore(root, config.get("X_ACCEL_REDIRECT_PREFIX") if area == "media" else None)


def object_stores(config: Mapping[str, Any]) -> dict[str, Store]:
    """The object stores by area when STORAGE_URL names one; {} when files are under DATA_DIR
    (where backups find them with DATA_DIR's other files)."""
    return {area: make_store(config, area) for area in AREAS} if config.get("STORAGE_URL") else {}


def _store(area: str) -> Store:
    # One per process: an S3 client made before a fork is not used after it.
    stores = current_app.extensions.setdefault("storage", {})
    key = (area, os.getpid())
    if key not in stores:
        stores[key] = make_store(current_app.config, area)
    return stores[key]


def media() -> Store:
    return _store("media")


def exports() -> Store:
    return _store("exports")


def new_media_path(folder: str, user_id: int, suffix: str) -> str:
    """A fresh relative path, e.g. 'audio/7/3f2c….webm'."""
    return f"{folder}/{user_id}/{uuid.uuid4().hex}{suffix}"


def new_media_folder(folder: str, user_id: int) -> str:
    """A fresh folder for files that belong together, e.g. 'recordings/7/3f2c…'."""
    return f"{folder}/{user_id}/{uuid.uuid4().hex}"


def file_in(folder: str, name: str, unique: bool = False) -> str:
    """The relative path of file `name` in the stored folder `folder`; `unique` adds a random part
    before its extension, so that two writers never write the same file."""
    if unique:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem or ext}-{uuid.uuid4().hex[:12]}{dot}{ext if stem else ''}"
    return f"{folder}/{name}"


def resolve(rel: str) -> Path | None:
    """The absolute path of a media file when files are kept in DATA_DIR/media; else None."""
    store = media()
    if not isinstance(store, LocalStore):
        return None
    try:
        return store.path(rel)
    except ValueError:
        return None


def remove(rel: str | None) -> None:
    if rel:
        media().delete(rel)


def remove_folder(rel: str | None) -> None:
    """Remove a stored media folder and everything in it."""
    if rel:
        media().delete_folder(rel)


def save_stream(stream: IO[bytes], rel: str, max_bytes: int) -> tuple[int, str, bytes]:
    return media().write(stream, rel, max_bytes)


def put_file(local: Path, rel: str) -> None:
    media().put_file(local, rel)


def read_stored(rels: Iterable[str]) -> Iterator[BinaryIO]:
    """The stored media files `rels`, opened one after another (each closed before the next
    opens): to stream them, in order, as one. The store is found at once, so the files may then be
    read from another thread (which has no application context)."""
    return _open_each(media(), list(rels))


def _open_each(store: Store, rels: list[str]) -> Iterator[BinaryIO]:
    for rel in rels:
        with store.open(rel) as f:
            yield f


def scratch_dir(prefix: str) -> Path:
    """A fresh temporary folder under this process's DATA_DIR/tmp, private to this installation
    (unlike a shared /tmp); whoever makes one removes it."""
    root = private_dir(Path(current_app.config["DATA_DIR"]) / "tmp")
    return Path(tempfile.mkdtemp(prefix=prefix, dir=root))
