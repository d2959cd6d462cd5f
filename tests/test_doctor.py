"""`wop doctor`, run as operators run it (the real command, in a process of its own), against the
real services of the test run and against deliberately broken ones."""

import json
import os
import sqlite3
import subprocess
import sys

import pytest
import redis

from tests.services import ROOT, RedisServer, Worker, free_port


def doctor(env: dict, cwd, *args: str) -> tuple[int, dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "wop.cli", "doctor", "--json", *args],
        env=env,
        cwd=cwd,  # away from any .env of the checkout
        capture_output=True,
        text=True,
        timeout=120,
    )
    return proc.returncode, json.loads(proc.stdout)


def check(result: dict, name: str) -> dict:
    return next(c for c in result["checks"] if c["name"] == name)


def test_healthy_installation_passes(app, worker, fake_ai, service_env, tmp_path):
    code, result = doctor(service_env, tmp_path, "--online")
    assert code == 0, result
    assert result["ok"] is True
    names = {c["name"] for c in result["checks"]}
    assert {"configuration", "database", "migrations", "redis", "redis eviction", "workers", "queues"} <= names
    assert {"ffmpeg", "espeak-ng", "permissions", "disk", "provider OpenAI", "provider Anthropic"} <= names
    assert all(c["ok"] for c in result["checks"]), result
    # --online made one call to each provider
    assert fake_ai.requests_to("/v1/models")


def test_text_report_names_problem_and_fix(app, service_env, tmp_path):
    env = {**service_env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}
    proc = subprocess.run(
        [sys.executable, "-m", "wop.cli", "doctor"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert "[FAIL] redis: cannot reach" in proc.stdout
    assert "fix: Start Redis" in proc.stdout
    assert "problems found." in proc.stdout


def test_unreachable_redis_fails(app, service_env, tmp_path):
    code, result = doctor({**service_env, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, tmp_path)
    assert code == 1
    assert check(result, "redis")["ok"] is False
    assert "Start Redis" in check(result, "redis")["fix"]
    assert check(result, "database")["ok"] is True  # only what is broken is reported broken


def test_evicting_redis_fails(app, service_env, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    try:
        redis.Redis.from_url(server.url).config_set("maxmemory-policy", "allkeys-lru")
        code, result = doctor({**service_env, "REDIS_URL": server.url}, tmp_path)
    finally:
        server.stop()
    assert code == 1
    eviction = check(result, "redis eviction")
    assert eviction["ok"] is False and "allkeys-lru" in eviction["detail"]
    assert "noeviction" in eviction["fix"]


def test_queue_without_worker_is_named(app, service_env, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    env = {**service_env, "REDIS_URL": server.url}
    only_llm = Worker(env, tmp_path / "worker.log", concurrency=1, queues="llm")
    try:
        only_llm.start()
        code, result = doctor(env, tmp_path)
    finally:
        only_llm.stop()
        server.stop()
    assert code == 1
    assert check(result, "workers")["ok"] is True
    queues = check(result, "queues")
    assert queues["ok"] is False
    assert "audio" in queues["detail"] and "llm" not in queues["detail"]
    assert "wop worker --queues audio,export,maintenance" in queues["fix"]


def test_no_worker_fails(app, service_env, tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    try:
        code, result = doctor({**service_env, "REDIS_URL": server.url}, tmp_path)
    finally:
        server.stop()
    assert code == 1
    assert check(result, "workers")["ok"] is False
    assert "wop worker" in check(result, "workers")["fix"]


def test_pending_migration_fails(app, service_env, tmp_path):
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    older = ScriptDirectory.from_config(config).get_revision(head).down_revision
    assert isinstance(older, str)
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (older,))
    code, result = doctor({**service_env, "DATABASE_URL": f"sqlite:///{path}"}, tmp_path)
    assert code == 1
    migrations = check(result, "migrations")
    assert migrations["ok"] is False
    assert older in migrations["detail"] and head in migrations["detail"]
    assert "wop db upgrade" in migrations["fix"]


def test_unreachable_database_fails(app, service_env, tmp_path):
    url = f"postgresql://nobody@127.0.0.1:{free_port()}/none"
    code, result = doctor({**service_env, "DATABASE_URL": url}, tmp_path)
    assert code == 1
    assert check(result, "database")["ok"] is False
    assert "DATABASE_URL" in check(result, "database")["fix"]


def test_data_dir_readable_by_others_fails(app, service_env, tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    code, result = doctor({**service_env, "DATA_DIR": str(data)}, tmp_path)
    assert code == 1
    permissions = check(result, "permissions")
    assert permissions["ok"] is False
    assert f"chmod 700 {data}" in permissions["fix"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_file_of_another_user_fails(app, service_env, tmp_path):
    data = tmp_path / "data"
    (data / "media").mkdir(parents=True, mode=0o700)
    data.chmod(0o700)
    stranger = data / "media" / "left-by-root.webm"
    stranger.write_bytes(b"x")
    os.chown(stranger, 65534, 65534)
    code, result = doctor({**service_env, "DATA_DIR": str(data)}, tmp_path)
    assert code == 1
    permissions = check(result, "permissions")
    assert str(stranger) in permissions["detail"]
    assert "chown -R" in permissions["fix"]


def test_invalid_setting_fails(app, service_env, tmp_path):
    code, result = doctor({**service_env, "PORT": "eighty"}, tmp_path)
    assert code == 1
    assert result["checks"][0]["name"] == "configuration"
    assert "PORT" in result["checks"][0]["detail"]


def test_unreachable_provider_fails_only_online(app, service_env, tmp_path):
    env = {**service_env, "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{free_port()}"}
    code, result = doctor(env, tmp_path, "--online")
    assert code == 1
    anthropic = check(result, "provider Anthropic")
    assert anthropic["ok"] is False and "ANTHROPIC_API_KEY" in anthropic["fix"]
    assert check(result, "provider OpenAI")["ok"] is True
    _, offline = doctor(env, tmp_path)
    assert not any(c["name"].startswith("provider") for c in offline["checks"])
