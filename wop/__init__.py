"""Write or Perish: a self-hostable AI journal.

Importing the package imports nothing heavy: `wop up` (the supervisor) lives in it and stays
small; Flask and SQLAlchemy load when an app is created.
"""

import os
from pathlib import Path


def create_app(overrides: dict | None = None, *, migrations: bool = True):
    """The Flask app, its settings read once from the environment (wop/settings.py); `overrides`
    replace config values (tests). `migrations=False` leaves out Flask-Migrate and Alembic
    (about 10 MiB in each process): the long-running web and worker processes never migrate."""
    from flask import Flask
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from .api.pagination import check_paging_args
    from .api.validation import (
        IdConverter,
        JsonRequest,
        reject_nul_in_url,
        require_object_body,
    )
    from .data_dir import PRIVATE_UMASK
    from .error_reports import start_error_reports
    from .extensions import db, limiter
    from .http_headers import register_security_headers
    from .log_format import configure_logging
    from .metrics_files import use_metrics_dir
    from .settings import load_settings

    # Every file this process writes (uploads, audio, exports, the SQLite database) is private.
    os.umask(PRIVATE_UMASK)
    app = Flask(__name__, static_folder=None)
    app.request_class = JsonRequest
    app.url_map.converters["int"] = IdConverter  # before any route is added
    settings = load_settings()
    app.config.update(settings.flask_config())
    app.config.update(overrides or {})
    app.extensions["settings"] = settings
    configure_logging(app.config["LOG_FORMAT"])
    start_error_reports(app.config["SENTRY_DSN"])
    # Before prometheus-client is first imported: it reads the folder's name then.
    use_metrics_dir(app.config["DATA_DIR"])
    from .metrics import count_requests

    count_requests(app)  # first of the request hooks, so the latency covers the others
    app.config.update(
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
        MAX_CONTENT_LENGTH=app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_CHECK_DEFAULT=False,
        RATELIMIT_STORAGE_URI=app.config["REDIS_URL"],
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
        RATELIMIT_HEADERS_ENABLED=True,
    )
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)

    if app.config["TRUSTED_PROXIES"]:
        # Behind nginx every peer is 127.0.0.1: the client's own address comes from X-Forwarded-For.
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Flask's documented way to add WSGI middleware, though its types declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])  # type: ignore[method-assign]

    # Before the rate limiter's own hook: its key functions read the body too.
    app.before_request(reject_nul_in_url)
    app.before_request(require_object_body)
    app.before_request(check_paging_args)
    register_security_headers(app)
    db.init_app(app)
    if migrations:
        from flask_migrate import Migrate

        Migrate(
            app,
            db,
            directory=str(Path(__file__).resolve().parent.parent / "migrations"),
            render_as_batch=True,
            compare_type=True,
        )
    limiter.init_app(app)

    from . import models  # noqa: F401  (register tables)
    from .api import register_api
    from .jobs.celery_app import init_celery

    init_celery(app)
    from . import tasks  # noqa: F401  (register the job kinds)

    register_api(app)
    from .frontend import register_frontend

    register_frontend(app)
    return app


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Several processes (web, worker, scheduler) share the file: wait for locks.
        return {"connect_args": {"timeout": 30}}
    options: dict = {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 5}
    if url.startswith("postgresql"):
        # No JIT: the planner overestimates recursive thread queries and would spend ~200 ms
        # compiling one that runs in 10 ms; every query here is short.
        options["connect_args"] = {"options": "-c jit=off"}
    return options


def _sqlite_pragmas(dbapi_connection, _record):
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        # Why each setting: docs/operations.md, "SQLite settings".
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Deleted text is overwritten with zeros, not left in free pages (see account_deletion).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()
