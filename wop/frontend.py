"""Serves the built web app (frontend/dist) when it exists; nginx does this in production."""

from pathlib import Path

from flask import Flask, abort, send_from_directory

DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def register_frontend(app: Flask) -> None:
    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def frontend(path: str):
        if path.startswith(("api/", "auth/")) or not DIST.is_dir():
            abort(404)
        if path and (DIST / path).is_file():
            return send_from_directory(DIST, path)
        return send_from_directory(DIST, "index.html")
