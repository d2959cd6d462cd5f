"""HTTP API: one blueprint per resource."""
from flask import Flask

from .errors import register_error_handlers


def register_api(app: Flask) -> None:
    from . import (account, admin, auth, dashboard, events, exports, feed, health, jobs, media, nodes, openapi,
                   read_aloud, voice)

    register_error_handlers(app)
    for module in (auth, nodes, voice, read_aloud, jobs, events, exports, account, dashboard, feed, admin, media,
                   health, openapi):
        app.register_blueprint(module.bp)
