"""The `wop` commands other than `wop up`: users, workers, the scheduler, migrations, checks and
backups (Flask's CLI)."""

import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from . import create_app
from .data_dir import PRIVATE_UMASK
from .queues import ALL_QUEUES, QUEUES, WORKER_ENV


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_version_option=False, load_dotenv=True)
def cli():
    """Write or Perish."""


@cli.group()
def user():
    """Manage accounts."""


@user.command("create")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@click.option("--password", envvar="WOP_PASSWORD", help="Password (or set WOP_PASSWORD); asked for when missing.")
@click.option("--email", default=None)
@with_appcontext
def create_user(username, admin, password, email):
    """Create an account (approved)."""
    from .extensions import db
    from .models import User
    from .security import hash_password

    if db.session.scalar(select(User).where(User.username == username)):
        raise click.ClickException(f"The username '{username}' is taken.")
    if not password:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 8:
        raise click.ClickException("The password needs at least 8 characters.")
    db.session.add(
        User(username=username, email=email, password_hash=hash_password(password), is_admin=admin, approved=True)
    )
    db.session.commit()
    click.echo(f"Created {'administrator' if admin else 'user'} {username}.")


@cli.command()
@click.option("--queues", "-Q", default=ALL_QUEUES, show_default=True, help="Comma-separated: llm, audio, export, ...")
@click.option(
    "--concurrency",
    "-c",
    type=click.IntRange(min=1),
    default=None,
    envvar="WORKER_CONCURRENCY",
    help="Worker processes (or set WORKER_CONCURRENCY; default: number of CPUs).",
)
@click.option("--loglevel", default="INFO")
def worker(queues, concurrency, loglevel):
    """Run a Celery worker for the given queues (one fleet per queue: docs/scaling.md)."""
    unknown = sorted({q.strip() for q in queues.split(",")} - set(QUEUES))
    if unknown:
        raise click.BadParameter(f"unknown queue {', '.join(unknown)}; use {ALL_QUEUES}", param_hint="--queues")
    # A node name per queue set, so that per-queue workers on one host do not share a name.
    name = f"{queues.replace(',', '-')}@%h"
    args = [sys.executable, "-m", "celery", "-A", "wop.worker", "worker", "-Q", queues, "-n", name]
    args += ["--loglevel", loglevel]
    if concurrency:
        args += ["--concurrency", str(concurrency)]
    os.execve(sys.executable, args, {**os.environ, **WORKER_ENV})


@cli.command()
@click.option("--loglevel", default="INFO")
def scheduler(loglevel):
    """Run the scheduler (celery beat): the reaper and file expiry."""
    from .settings import load_settings
    from .supervisor import beat_command

    os.execv(sys.executable, beat_command(load_settings().DATA_DIR, loglevel))


@cli.group()
def storage():
    """Stored files (recordings, read-aloud audio, exports)."""


@storage.command("migrate")
@click.option("--to", "to_url", required=True, help="The new store: s3://bucket/prefix.")
@with_appcontext
def storage_migrate(to_url):
    """Copy every stored file to another store and verify each copy (size and SHA-256). Safe to
    run again: files already copied are skipped. Then set STORAGE_URL to the new store."""
    from flask import current_app

    from .storage_migrate import migrate

    if not to_url.startswith("s3://") or not to_url[len("s3://") :].strip("/"):
        raise click.BadParameter("use s3://bucket or s3://bucket/prefix", param_hint="--to")
    if to_url.rstrip("/") == (current_app.config.get("STORAGE_URL") or "").rstrip("/"):
        raise click.BadParameter("this is where the files are already (STORAGE_URL)", param_hint="--to")
    result = migrate(current_app.config, to_url)
    click.echo(
        f"Copied {result.copied} files ({result.bytes_copied} bytes); {result.already_there} were there already."
    )
    if result.failed:
        listed = ", ".join(result.failed[:20])
        raise click.ClickException(f"{len(result.failed)} copies differ from their source (run again): {listed}")
    click.echo(f"Every file is in {to_url}. Stop the processes, set STORAGE_URL={to_url}, and start them again.")


@cli.command()
@with_appcontext
def reap():
    """Run the reaper once: re-send lost jobs, recover stalled ones."""
    from .jobs.reaper import reap as reap_jobs

    click.echo(reap_jobs())


@cli.command()
def up():
    """Migrate the database, then run web, worker, scheduler (and a private Redis when REDIS_URL is unset)."""
    from .supervisor import run_all

    sys.exit(run_all())


@cli.command(with_appcontext=False)
@click.option("--online", is_flag=True, help="Also make one cheap call to each configured AI provider.")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON, for scripts.")
def doctor(online, as_json):
    """Check the installation; print each problem with its fix. Exit code 1 when something is wrong."""
    import json

    from .doctor import as_json as checks_json
    from .doctor import report, run_checks

    checks = run_checks(online=online)
    result = checks_json(checks)
    click.echo(json.dumps(result, indent=2) if as_json else report(checks))
    sys.exit(0 if result["ok"] else 1)


@cli.command(with_appcontext=False)
@click.argument("path", required=False, type=click.Path(path_type=Path))
def backup(path):
    """Write a backup archive (database snapshot and stored files) into PATH: a folder (default:
    BACKUP_DIR, else the current folder) or a file name ending in .tar. Safe while running."""
    from .backup import BackupError, create_backup
    from .storage import object_stores

    settings = _settings()
    skip = [settings.BACKUP_DIR] if settings.BACKUP_DIR else []
    destination = path or settings.BACKUP_DIR or Path.cwd()
    os.umask(PRIVATE_UMASK)  # the archive holds everyone's writing
    try:
        stores = object_stores(settings.model_dump())
        archive = create_backup(settings.database_url, settings.DATA_DIR, destination.resolve(), skip, stores)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(archive)


@cli.command(with_appcontext=False)
@click.argument("archive", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace the database and files that are there.")
def restore(archive, force):
    """Restore a backup archive into DATABASE_URL and DATA_DIR (stop every process first)."""
    from .backup import BackupError, restore_backup
    from .storage import object_stores

    settings = _settings()
    os.umask(PRIVATE_UMASK)
    try:
        stores = object_stores(settings.model_dump())
        manifest = restore_backup(
            archive.resolve(), settings.database_url, settings.DATA_DIR, force=force, stores=stores
        )
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Restored the backup of {manifest['created_at']} ({manifest['files']} files) into {settings.DATA_DIR}. "
        "If this version is newer than the backup, run `wop db upgrade` next."
    )


def _settings():
    from .settings import SettingsError, load_settings

    try:
        return load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from None
