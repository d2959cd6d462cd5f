"""`wop backup` and `wop restore`, run as operators run them: back up a running installation
(with a job in flight), restore into a fresh DATA_DIR and database, and serve the restored
installation with a real gunicorn to see every account, entry, version and file there."""

import subprocess
import sys
import tarfile
import uuid

import pytest
from sqlalchemy.engine import make_url

from tests.audio_samples import make_tone
from tests.conftest import DB_KIND
from tests.helpers import browser_session
from tests.services import WebServer
from wop.backup import ARCHIVE_PREFIX, scheduled_backup
from wop.jobs.celery_app import _beat_schedule

pytestmark = pytest.mark.usefixtures("jobs_ready")
POSTGRES = DB_KIND in ("postgres", "postgresql")


def wop(env: dict, cwd, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "wop.cli", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def _admin_url(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql", database="postgres").render_as_string(False)


@pytest.fixture
def fresh_database(database_url, tmp_path):
    """An empty database of the kind under test."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'restored-db' / 'wop.sqlite3'}"
        return
    import psycopg

    name = f"wop_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_url(database_url), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield make_url(database_url).set(database=name).render_as_string(False)
    with psycopg.connect(_admin_url(database_url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def test_backup_of_a_running_system_restores_everything(
    app, alice, bob, fake_ai, service_env, tmp_path, fresh_database, run_dir
):
    entry = alice.write("first draft")
    assert alice.put(f"/api/nodes/{entry['id']}", json={"content": "second draft"}).status_code == 200
    recording = make_tone(tmp_path / "voice.wav", 2)
    with open(recording, "rb") as f:
        voice = alice.post(
            "/api/nodes/", data={"audio_file": (f, "voice.wav")}, content_type="multipart/form-data"
        ).get_json()
    assert alice.wait_job(voice["task_id"])["status"] == "completed"
    spoken = alice.post(f"/api/nodes/{entry['id']}/tts").get_json()
    tts_url = alice.wait_job(spoken["task_id"])["result"]["tts_url"]
    tts_bytes = alice.get(tts_url).data
    voice_text = alice.get(f"/api/nodes/{voice['id']}").get_json()["content"]

    # Back up while an AI reply is being written.
    fake_ai.set_latency(3)
    reply = alice.post(f"/api/nodes/{entry['id']}/llm", json={}).get_json()
    made = wop(service_env, tmp_path, "backup", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    archive = tmp_path / "backups" / made.stdout.strip().rsplit("/", 1)[-1]
    assert archive.name.startswith(ARCHIVE_PREFIX) and archive.exists()
    assert alice.wait_job(reply["task_id"])["status"] == "completed"  # the running job was not disturbed
    fake_ai.set_latency(0)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names
    assert ("database/wop.pgdump" if POSTGRES else "database/wop.sqlite3") in names
    assert f"data/media/{voice['audio_original_url'].removeprefix('/api/media/')}" in names
    assert not any(n.startswith(("data/tmp/", "data/redis/", "data/wop.sqlite3")) for n in names)

    # Restore into a fresh installation.
    data_dir = tmp_path / "restored"
    target = {**service_env, "DATA_DIR": str(data_dir), "DATABASE_URL": fresh_database}
    restored = wop(target, tmp_path, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert (data_dir.stat().st_mode & 0o077) == 0

    # It refuses to overwrite, unless forced.
    again = wop(target, tmp_path, "restore", str(archive))
    assert again.returncode == 1
    assert "--force" in again.stderr and "Not restoring over existing data" in again.stderr
    forced = wop(target, tmp_path, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr

    server = WebServer(target, tmp_path / "restored-web.log").start()
    try:
        as_alice = browser_session(server.url, alice)
        node = as_alice.get(f"{server.url}/api/nodes/{entry['id']}").json()
        assert node["content"] == "second draft"
        versions = as_alice.get(f"{server.url}/api/nodes/{entry['id']}/versions").json()
        assert "first draft" in str(versions)
        assert as_alice.get(f"{server.url}/api/nodes/{voice['id']}").json()["content"] == voice_text
        audio = as_alice.get(server.url + voice["audio_original_url"])
        assert audio.status_code == 200 and audio.content == recording.read_bytes()
        assert as_alice.get(server.url + tts_url).content == tts_bytes
        as_bob = browser_session(server.url, bob)  # every account, with its password
        assert as_bob.get(f"{server.url}/api/nodes/{entry['id']}").status_code in (403, 404)  # and its privacy
    finally:
        server.stop()


def test_restore_refuses_what_is_not_a_backup(service_env, tmp_path, app):
    bogus = tmp_path / "notes.tar"
    with tarfile.open(bogus, "w") as tar:
        tar.add(__file__, arcname="notes.py")
    result = wop({**service_env, "DATA_DIR": str(tmp_path / "d")}, tmp_path, "restore", str(bogus))
    assert result.returncode == 1
    assert "not a Write or Perish backup" in result.stderr


def test_scheduled_backup_keeps_the_newest(app, tmp_path):
    folder = tmp_path / "scheduled"
    saved = {k: app.config[k] for k in ("BACKUP_DIR", "BACKUP_KEEP")}
    app.config.update(BACKUP_DIR=folder, BACKUP_KEEP=2)
    try:
        assert _beat_schedule(app)["backup"]["task"] == "wop.backup.scheduled"
        assert "wop.backup.scheduled" in app.extensions["celery"].tasks
        with app.app_context():
            made = [scheduled_backup() for _ in range(3)]
    finally:
        app.config.update(saved)
    assert sorted(folder.glob(f"{ARCHIVE_PREFIX}*.tar")) == made[1:]
    assert "backup" not in _beat_schedule(app)  # off while BACKUP_DIR is unset


def test_archives_kept_in_data_dir_are_not_backed_up_again(app, alice, service_env, tmp_path):
    alice.write("something to keep")
    data_dir = app.config["DATA_DIR"]
    first = wop(service_env, tmp_path, "backup", str(data_dir))
    assert first.returncode == 0, first.stderr
    second = wop(service_env, tmp_path, "backup", str(data_dir))
    assert second.returncode == 0, second.stderr
    archives = [data_dir / line.strip().rsplit("/", 1)[-1] for line in (first.stdout, second.stdout)]
    try:
        with tarfile.open(archives[1]) as tar:
            names = tar.getnames()
        assert not any(ARCHIVE_PREFIX in name for name in names)
        assert "manifest.json" in names
    finally:
        for archive in archives:
            archive.unlink(missing_ok=True)
