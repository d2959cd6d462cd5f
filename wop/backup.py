"""Backups: one tar archive holding a consistent snapshot of the database and every stored file
under DATA_DIR, made while the system runs; and restoring one into an empty installation.

Archive layout: `manifest.json`, `database/wop.sqlite3` (SQLite's online backup API) or
`database/wop.pgdump` (`pg_dump --format=custom`), and `data/...`, DATA_DIR's files. With an
object store (STORAGE_URL) its objects go in as `data/media/...` and `data/exports/...`, just
where the local folders would put them, so an archive restores into either kind of storage.

The database is copied first, then the files: every file a row of the snapshot refers to was
already written (files are written before their rows are committed), so the archive is
consistent for the snapshot; a file that arrived later is merely an extra.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from .data_dir import private_dir, secure_data_dir

if TYPE_CHECKING:
    from .storage import Store

FORMAT = 1
ARCHIVE_PREFIX = "wop-backup-"
ARCHIVE_SUFFIX = ".tar"
# Top-level names under DATA_DIR that are not copied as files: the SQLite database (snapshotted
# on its own), scratch space of running jobs, the private Redis (queue messages; the state of
# every job is in the database, and the reaper sends pending jobs again), the scheduler's state,
# the processes' metrics (counts of the running processes, meaningless to another run).
NOT_COPIED = ("wop.sqlite3", "tmp", "redis", "celerybeat-schedule", "metrics")
NO_STORES: "Mapping[str, Store]" = MappingProxyType({})  # files under DATA_DIR only


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and what to do."""


def create_backup(
    database_url: str,
    data_dir: Path,
    destination: Path,
    skip: Iterable[Path] = (),
    stores: "Mapping[str, Store]" = NO_STORES,
) -> Path:
    """Write an archive into `destination` (a folder, or a file name ending in .tar) and return
    its path. Folders in `skip` (where backups are kept) are left out. `stores` are the object
    stores by area ('media', 'exports') when files are kept in one (wop.storage.object_stores)."""
    if destination.suffix == ARCHIVE_SUFFIX:
        target = destination
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = destination / f"{ARCHIVE_PREFIX}{stamp}{ARCHIVE_SUFFIX}"
    private_dir(target.parent)
    skipped = {p.resolve() for p in (*skip, target.parent)}
    partial = target.with_name(target.name + ".partial")  # never a half-written archive under the final name
    with tempfile.TemporaryDirectory(prefix="wop-backup-") as scratch:
        kind, dump = _dump_database(database_url, Path(scratch))
        files = 0
        with tarfile.open(partial, "w") as tar:
            tar.add(dump, arcname=f"database/{dump.name}")
            for path in _stored_files(data_dir, skipped):
                files += _add_file(tar, path, "data/" + path.relative_to(data_dir).as_posix())
            for area, store in stores.items():
                for stored in store.files():
                    files += _add_object(tar, store, stored.rel, stored.size, f"data/{area}/{stored.rel}")
            manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "database": kind, "files": files}
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    os.replace(partial, target)
    return target


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` archives made by `create_backup` in `folder`."""
    archives = sorted(folder.glob(f"{ARCHIVE_PREFIX}*{ARCHIVE_SUFFIX}"))  # the names sort by time
    doomed = archives[:-keep] if keep > 0 else archives
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def restore_backup(
    archive: Path, database_url: str, data_dir: Path, force: bool = False, stores: "Mapping[str, Store]" = NO_STORES
) -> dict[str, Any]:
    """Restore `archive` into the database and DATA_DIR (and the object `stores`, when files are
    kept in one). All must be empty unless `force`, which replaces what is there. Stop every
    process of the installation first."""
    if not archive.is_file():
        raise BackupError(f"{archive} is not a file.")
    with tarfile.open(archive) as tar:
        try:
            member = tar.extractfile("manifest.json")
            manifest = json.load(member) if member else None
        except (KeyError, ValueError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise BackupError(f"{archive} is not a Write or Perish backup (no readable manifest.json).")
        kind = _database_kind(database_url)
        if manifest["database"] != kind:
            raise BackupError(
                f"The backup holds a {manifest['database']} database but DATABASE_URL is {kind}: "
                f"restore into a {manifest['database']} database."
            )
        in_the_way = _existing_data(database_url, data_dir) + _existing_objects(stores)
        if in_the_way and not force:
            raise BackupError(
                f"Not restoring over existing data ({'; '.join(in_the_way)}). "
                "Restore into an empty DATA_DIR and database, or pass --force to replace them."
            )
        private_dir(data_dir)
        with tempfile.TemporaryDirectory(prefix=".restore-", dir=data_dir) as scratch:
            tar.extractall(scratch, filter="data")
            _restore_database(Path(scratch) / "database", database_url, replace=force)
            _restore_objects(Path(scratch) / "data", stores)
            _restore_files(Path(scratch) / "data", data_dir)
    secure_data_dir(data_dir)
    return manifest


# The database


def _database_kind(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgresql"


def _sqlite_path(database_url: str) -> Path:
    name = make_url(database_url).database
    if not name or name == ":memory:":
        raise BackupError("Only a SQLite database in a file can be backed up.")
    return Path(name)


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump and pg_restore, and the environment carrying its password (so
    the password does not show in the process list)."""
    url = make_url(database_url)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _dump_database(database_url: str, scratch: Path) -> tuple[str, Path]:
    kind = _database_kind(database_url)
    if kind == "sqlite":
        source = _sqlite_path(database_url)
        if not source.exists():
            raise BackupError(f"The database {source} does not exist.")
        target = scratch / "wop.sqlite3"
        # The online backup API copies a consistent snapshot while other processes write.
        with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        src.close()
        dst.close()
        return kind, target
    target = scratch / "wop.pgdump"
    url, env = _libpq(database_url)
    _run([_pg_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(target), url], env)
    return kind, target


def _restore_database(folder: Path, database_url: str, replace: bool) -> None:
    if _database_kind(database_url) == "sqlite":
        target = _sqlite_path(database_url)
        private_dir(target.parent)
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        shutil.move(folder / "wop.sqlite3", target)
        return
    url, env = _libpq(database_url)
    args = [_pg_program("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    if replace:
        args += ["--clean", "--if-exists"]
    _run([*args, "--dbname", url, str(folder / "wop.pgdump")], env)


def _existing_data(database_url: str, data_dir: Path) -> list[str]:
    """What a restore would overwrite: tables in the database, files in DATA_DIR."""
    found = []
    if _database_kind(database_url) == "sqlite":
        path = _sqlite_path(database_url)
        if path.exists() and path.stat().st_size > 0:
            with sqlite3.connect(path) as lite:
                tables = lite.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            lite.close()
            if tables:
                found.append(f"{tables} tables in {path}")
    else:
        from sqlalchemy import create_engine, text

        engine = create_engine(database_url)
        try:
            with engine.connect() as conn:
                tables = conn.scalar(
                    text("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
                )
        finally:
            engine.dispose()
        if tables:
            found.append(f"{tables} tables in the database")
    if data_dir.exists():
        entries = sorted(e.name for e in data_dir.iterdir() if not e.name.startswith((*NOT_COPIED, ".restore-")))
        if entries:
            found.append(f"{', '.join(entries)} in {data_dir}")
    return found


def _pg_program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} is missing: install PostgreSQL's client (`apt-get install postgresql-client`).")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {proc.stderr.strip()[-2000:]}")


# The files


def _stored_files(data_dir: Path, skipped: set[Path]) -> Iterator[Path]:
    if not data_dir.exists():
        return
    for root, dirs, files in os.walk(data_dir):
        here = Path(root)
        top = here == data_dir
        dirs[:] = sorted(
            d
            for d in dirs
            if (here / d).resolve() not in skipped and not (top and d.startswith((*NOT_COPIED, ".restore-")))
        )
        for name in sorted(files):
            if (top and name.startswith(NOT_COPIED)) or name.startswith(ARCHIVE_PREFIX):
                continue  # an archive (kept in DATA_DIR, say) never goes into the next one
            yield here / name


def _add_file(tar: tarfile.TarFile, path: Path, arcname: str) -> int:
    """Add one file as it is now; 0 when it was deleted meanwhile (an expired export, say)."""
    try:
        with open(path, "rb") as f:
            info = tar.gettarinfo(arcname=arcname, fileobj=f)
            tar.addfile(info, f)  # exactly the size seen when opened, even if the file grows meanwhile
    except FileNotFoundError:
        return 0
    return 1


def _add_object(tar: tarfile.TarFile, store: "Store", rel: str, size: int, arcname: str) -> int:
    """Add one stored object as listed; 0 when it was deleted meanwhile."""
    info = tarfile.TarInfo(arcname)
    info.size, info.mode, info.mtime = size, 0o600, int(datetime.now(UTC).timestamp())
    try:
        with store.open(rel) as body:
            tar.addfile(info, body)
    except FileNotFoundError:
        return 0
    return 1


def _existing_objects(stores: "Mapping[str, Store]") -> list[str]:
    return [f"files in the object store ({area})" for area, store in stores.items() if next(store.files(), None)]


def _restore_objects(data: Path, stores: "Mapping[str, Store]") -> None:
    """Put the archive's data/<area>/ files into the object stores (so they do not land in
    DATA_DIR); a forced restore first empties the stores."""
    for area, store in stores.items():
        for stored in list(store.files()):
            store.delete(stored.rel)
        folder = data / area
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                store.put_file(path, path.relative_to(folder).as_posix())
        shutil.rmtree(folder, ignore_errors=True)


def _add_bytes(tar: tarfile.TarFile, arcname: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(arcname)
    info.size, info.mode, info.mtime = len(data), 0o600, int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _restore_files(folder: Path, data_dir: Path) -> None:
    if not folder.exists():
        return
    for entry in folder.iterdir():
        target = data_dir / entry.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        os.replace(entry, target)


def scheduled_backup() -> Path:
    """The scheduler's backup: into BACKUP_DIR, then only the newest BACKUP_KEEP are kept."""
    from flask import current_app

    from .storage import object_stores

    folder = Path(current_app.config["BACKUP_DIR"])
    config = current_app.config
    archive = create_backup(
        config["SQLALCHEMY_DATABASE_URI"], Path(config["DATA_DIR"]), folder, stores=object_stores(config)
    )
    prune_backups(folder, int(current_app.config["BACKUP_KEEP"]))
    return archive
