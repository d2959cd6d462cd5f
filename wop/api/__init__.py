"""HTTP API: one blueprint per resource."""

from typing import NoReturn

from flask import Flask

from ..errors import NotFound
from .errors import register_error_handlers


def register_api(app: Flask) -> None:
    from . import (
        account,
        admin,
        auth,
        dashboard,
        drafts,
        events,
        exports,
        feed,
        health,
        jobs,
        media,
        metrics,
        nodes,
        openapi,
        operations,
        preferences,
        read_aloud,
        recordings,
        site,
        threads,
        voice,
    )

    register_error_handlers(app)
    # An address under /api or /auth that no route takes is a JSON 404 for every method (not the
    # web app's catch-all, which only answers GET).
    for prefix in ("/api", "/auth"):
        app.add_url_rule(
            f"{prefix}/<path:_rest>",
            f"unknown{prefix.replace('/', '_')}",
            _unknown_address,
            methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        )
    for module in (
        auth,
        nodes,
        threads,
        drafts,
        voice,
        recordings,
        read_aloud,
        jobs,
        events,
        exports,
        account,
        preferences,
        dashboard,
        feed,
        admin,
        operations,
        media,
        health,
        metrics,
        site,
        openapi,
    ):
        app.register_blueprint(module.bp)


def _unknown_address(_rest: str) -> NoReturn:
    raise NotFound("There is nothing at this address. The API is described at /api/openapi.json.")
