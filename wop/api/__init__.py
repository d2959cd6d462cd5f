"""HTTP API: one blueprint per resource."""
from flask import Flask

from .errors import register_error_handlers


def register_api(app: Flask) -> None:
    from . import admin, auth, dashboard, feed, health, jobs, media, nodes, openapi

    register_error_handlers(app)
    for module in (auth, nodes, jobs, dashboard, feed, admin, media, health, openapi):
        app.register_blueprint(module.bp)
