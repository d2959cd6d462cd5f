"""`wop storage migrate --to s3://…`: copy every stored file into another store and verify each
copy by size and SHA-256, so that a single-host install can move its files to an object store.
Running it again copies only what is missing or different."""

import hashlib
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .storage import AREAS, COPY_BLOCK, Store, make_store, scratch_dir


@dataclass
class Migration:
    copied: int = 0
    already_there: int = 0
    bytes_copied: int = 0
    failed: list[str] = field(default_factory=list)


def digest(store: Store, rel: str) -> tuple[int, str] | None:
    """(size, SHA-256 hex) of a stored file, read whole; None when it is not stored."""
    sha, size = hashlib.sha256(), 0
    try:
        with store.open(rel) as f:
            while block := f.read(COPY_BLOCK):
                sha.update(block)
                size += len(block)
    except FileNotFoundError:
        return None
    return size, sha.hexdigest()


def migrate(config: Mapping[str, Any], to_url: str) -> Migration:
    """Copy the files of the configured stores (STORAGE_URL, default DATA_DIR) to `to_url`."""
    result = Migration()
    folder = scratch_dir("storage-migrate-")
    try:
        for area in AREAS:
            source, target = make_store(config, area), make_store(config, area, url=to_url)
            for stored in source.files():
                _copy_one(source, target, stored.rel, f"{area}/{stored.rel}", folder, result)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return result


def _copy_one(source: Store, target: Store, rel: str, name: str, folder: Any, result: Migration) -> None:
    wanted = digest(source, rel)
    if wanted is None:
        return  # deleted meanwhile (an expired export)
    if target.size(rel) == wanted[0] and digest(target, rel) == wanted:
        result.already_there += 1
        return
    local = source.local_copy(rel, folder)
    if local.parent == folder:  # a copy made for this: upload it and let it go
        target.put_file(local, rel)
    else:  # the source's own file: leave it where it is
        target.upload(local, rel)
    if digest(target, rel) != wanted:
        result.failed.append(name)
        return
    result.copied += 1
    result.bytes_copied += wanted[0]
