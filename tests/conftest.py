"""Fixtures: a real Redis, PostgreSQL (WOP_TEST_DB=postgres) or SQLite, the fake AI provider,
a real Celery worker and a real gunicorn server — all children of the test run."""

import os
from pathlib import Path

import pytest

from tests.fake_ai import FakeAI
from tests.helpers import Api, unique_name
from tests.services import PostgresServer, RedisServer, WebServer, Worker

DB_KIND = os.environ.get("WOP_TEST_DB", "sqlite")

try:  # Browser checks wait as long as a busy machine needs (Playwright's default is 5 s).
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)
except ImportError:  # the browser tests are skipped without Playwright
    pass


@pytest.fixture(scope="session")
def run_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wop")


@pytest.fixture(scope="session")
def redis_server(run_dir):
    server = RedisServer(run_dir / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(run_dir):
    if DB_KIND in ("postgres", "postgresql"):
        server = PostgresServer().start()
        yield server.url
        server.stop()
    else:
        yield f"sqlite:///{run_dir / 'wop.sqlite3'}"


@pytest.fixture(scope="session")
def fake_ai_server():
    server = FakeAI().start()
    yield server
    server.stop()


@pytest.fixture
def fake_ai(fake_ai_server):
    """The fake AI provider, with no faults, latency or recorded requests left by another test."""
    fake_ai_server.reset()
    yield fake_ai_server
    fake_ai_server.reset()


@pytest.fixture(scope="session")
def service_env(run_dir, redis_server, database_url, fake_ai_server) -> dict:
    """The environment every process of the system under test gets."""
    env = {
        "DATA_DIR": str(run_dir / "data"),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_server.url,
        "SECRET_KEY": "test-secret-key",
        "OPENAI_API_KEY": "test-key",
        "OPENAI_BASE_URL": fake_ai_server.openai_base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": fake_ai_server.anthropic_base_url,
        "DEFAULT_LLM_MODEL": "",
        "EXTRA_MODELS": "test-gpt=openai:gpt-test:Test GPT;test-claude=anthropic:claude-test:Test Claude",
        "MODELS_FILE": str(Path(__file__).with_name("models.toml")),
        "PROVIDER_MAX_RETRIES": "1",
        "PROVIDER_TIMEOUT": "20",
        "JOB_HEARTBEAT_SECONDS": "1",
        "JOB_STALE_SECONDS": "4",
        "JOB_RETRY_BASE_SECONDS": "0.2",
        "JOB_RESEND_SECONDS": "600",
        "TRANSCRIPTION_PROVIDER": "openai",
        "TTS_PROVIDER": "openai",
        "LOGIN_RATE_LIMIT": "5 per minute",
    }
    os.environ.update(env)
    full = dict(os.environ)
    full.update(env)
    return full


@pytest.fixture(scope="session")
def app(service_env):
    from flask_migrate import upgrade

    from wop import create_app

    application = create_app({"TESTING": True})
    with application.app_context():
        upgrade()
    return application


@pytest.fixture(scope="session")
def worker(app, service_env, run_dir):
    proc = Worker(service_env, run_dir / "worker.log").start()
    yield proc
    proc.stop()


@pytest.fixture(scope="session")
def live_server(app, service_env, run_dir):
    server = WebServer(service_env, run_dir / "web.log").start()
    yield server
    server.stop()


@pytest.fixture
def jobs_ready(worker, fake_ai):
    """A running worker, and a fake AI provider with no faults or latency left from another test."""
    return fake_ai


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def make_user(app):
    def make(admin: bool = False, name: str | None = None) -> Api:
        client = app.test_client()
        name = name or unique_name("admin" if admin else "user")
        password = "correct horse battery"
        # Accounts that need approval accept the terms at sign-up.
        terms = {"accept_terms": True} if app.config["REQUIRE_APPROVAL"] else {}
        resp = client.post("/auth/signup", json={"username": name, "password": password, **terms})
        assert resp.status_code == 201, resp.get_json()
        data = resp.get_json()
        if admin:
            from wop.extensions import db
            from wop.models import User

            with app.app_context():
                db.session.get_one(User, data["user"]["id"]).is_admin = True
                db.session.commit()
        return Api(client, data["user"], data["csrf_token"], password)

    return make


@pytest.fixture
def alice(make_user) -> Api:
    return make_user()


@pytest.fixture
def bob(make_user) -> Api:
    return make_user()
