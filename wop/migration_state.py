"""Whether the database is already at the newest migration, asked without the app: `wop up`
starts the migration command (which loads the whole app, a few seconds) only when there is
something to migrate. Imports SQLAlchemy and Alembic, so only short-lived processes use it."""

from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def at_newest_migration(database_url: str) -> bool:
    """True when the database's Alembic revision is the newest of migrations/; False when it is
    older, missing, or cannot be read (the migration command then runs and says what is wrong)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return False  # connecting would make an empty file
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception:
        return False
    finally:
        engine.dispose()
    return current == set(ScriptDirectory(str(MIGRATIONS)).get_heads())
