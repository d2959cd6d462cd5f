"""`wop up` runs the migration command (which loads the whole app) only when the database is
behind the newest migration: an installed system starts without it."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from wop.migration_state import MIGRATIONS, at_newest_migration

ROOT = Path(__file__).resolve().parent.parent


def test_only_a_database_at_the_newest_migration_counts_as_migrated(app, tmp_path):
    assert at_newest_migration(app.config["SQLALCHEMY_DATABASE_URI"])  # the tests' database, upgraded

    missing = tmp_path / "missing.sqlite3"
    assert not at_newest_migration(f"sqlite:///{missing}")
    assert not missing.exists()  # asking made no empty database

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    assert not at_newest_migration(f"sqlite:///{empty}")

    head = ScriptDirectory(str(MIGRATIONS)).get_revision("head")
    assert head is not None and isinstance(head.down_revision, str)
    behind = tmp_path / "behind.sqlite3"
    with sqlite3.connect(behind) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (head.down_revision,))
    assert not at_newest_migration(f"sqlite:///{behind}")
    with sqlite3.connect(behind) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (head.revision,))
    assert at_newest_migration(f"sqlite:///{behind}")


def test_the_supervisor_learns_it_from_its_settings_child(app, tmp_path):
    """The supervisor asks in the child that reads its settings; SQLAlchemy stays out of it."""
    code = (
        "import sys, wop.supervisor as s; print(s.read_settings().MIGRATED); "
        "assert 'sqlalchemy' not in sys.modules and 'alembic' not in sys.modules"
    )

    def migrated(database_url: str) -> str:
        env = {**os.environ, "DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": database_url}
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout.strip()

    assert migrated(app.config["SQLALCHEMY_DATABASE_URI"]) == "True"
    assert migrated(f"sqlite:///{tmp_path / 'new.sqlite3'}") == "False"
