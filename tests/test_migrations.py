"""Every migration downgrades and upgrades again with data in the tables, on the database of the
test run (SQLite or PostgreSQL), driven through `wop db` as an operator would."""

import subprocess
import sys
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, func, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.conftest import DB_KIND
from tests.services import ROOT
from wop.extensions import db
from wop.models import (
    ApiToken,
    Draft,
    Job,
    Node,
    NodeVersion,
    Recording,
    RecordingChunk,
    RecordingPiece,
    ReplySource,
    TokenCredit,
    User,
    UserProfile,
    UserSession,
)

POSTGRES = DB_KIND in ("postgres", "postgresql")


def revisions_oldest_first() -> list[str]:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


@pytest.fixture
def empty_database(database_url, tmp_path):
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    import psycopg

    admin = make_url(database_url).set(drivername="postgresql", database="postgres").render_as_string(False)
    name = f"wop_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield make_url(database_url).set(database=name).render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def seed(session: Session) -> None:
    """A bit of everything: accounts, an entry with a version, an AI reply, jobs, credits, a draft,
    a chunked recording."""
    alice = User(username="alice", password_hash="x", email="alice@example.org")
    session.add(alice)
    session.flush()
    entry = Node(user_id=alice.id, content="Dear diary", token_count=2)
    session.add(entry)
    session.flush()
    reply = Node(user_id=alice.id, parent_id=entry.id, node_type="llm", llm_model="test-gpt", content="Hello")
    session.add(reply)
    session.flush()
    job = Job(kind="llm_reply", user_id=alice.id, node_id=entry.id, queue="llm", status="completed")
    session.add_all(
        [
            NodeVersion(node_id=entry.id, content="Dear dairy"),
            ReplySource(reply_id=reply.id, source_id=entry.id),
            job,
            TokenCredit(user_id=alice.id, node_id=entry.id, job_id=job.id, tokens=12),
            UserProfile(user_id=alice.id, content="Writes daily.", generated_by="user"),
            ApiToken(user_id=alice.id, token_hash="a" * 64),
            UserSession(user_id=alice.id, key_hash="b" * 64),
            Draft(user_id=alice.id, place=f"reply:{entry.id}", content="Half a thought"),
        ]
    )
    recording = Recording(
        user_id=alice.id, mime_type="audio/webm", extension="webm", piece_seconds=30.0, folder="recordings/1/1"
    )
    session.add(recording)
    session.flush()
    session.add_all(
        [
            RecordingChunk(recording_id=recording.id, number=0, size=3, sha256="c" * 64, path="recordings/1/1/0"),
            RecordingPiece(
                recording_id=recording.id, number=1, start_seconds=0, end_seconds=30, audio_path="recordings/1/1/p1"
            ),
        ]
    )
    session.commit()


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [n for n in inspect(conn).get_table_names() if n != "alembic_version"]
            return {name: conn.scalar(select(func.count()).select_from(table(name))) or 0 for name in names}
    finally:
        engine.dispose()


def test_every_migration_goes_down_and_up_with_data(app, service_env, empty_database, tmp_path):
    env = {**service_env, "DATABASE_URL": empty_database}

    def db_command(*args: str) -> None:
        proc = subprocess.run(
            [sys.executable, "-m", "wop.cli", "db", *args], env=env, cwd=tmp_path, capture_output=True, text=True
        )
        assert proc.returncode == 0, f"wop db {' '.join(args)}: {proc.stderr[-3000:]}"

    revisions = revisions_oldest_first()
    db_command("upgrade")
    engine = create_engine(empty_database)
    with Session(engine) as session:
        seed(session)
    engine.dispose()
    at_head = counts(empty_database)
    assert all(at_head.values()), at_head  # every table holds data

    # Down one migration at a time to the first, with the data in place...
    for older in reversed(revisions[:-1]):
        db_command("downgrade", older)
    at_first = counts(empty_database)
    assert at_first["user"] == at_head["user"] and at_first["node"] == at_head["node"]
    # ...then up one at a time, each upgrade running over existing rows.
    for newer in revisions[1:]:
        db_command("upgrade", newer)
    again = counts(empty_database)
    # Tables of the first schema keep their rows; reply sources are rebuilt from the entries.
    for name in at_first:
        assert again[name] == at_head[name], (name, again, at_head)
    assert again["reply_source"] == at_head["reply_source"]

    # And the schema is the models' schema again.
    engine = create_engine(empty_database)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_heads() == (revisions[-1],)
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    finally:
        engine.dispose()
    assert diff == [], diff
