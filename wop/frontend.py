"""Serves the built web app (frontend/dist) when it exists; nginx does this in production.

The app has clean addresses (/node/5, /@alice, /settings), so every GET of a page that is not the
API, the auth routes or a built file is answered with index.html and the app shows the page. A
missing file (a name with an extension, or under /assets) and a request that does not take HTML
stay a 404, so a broken script link is not answered with a page.
"""

from pathlib import Path

from flask import Flask, abort, request, send_from_directory

DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def _wants_page(path: str) -> bool:
    last = path.rsplit("/", 1)[-1]
    if path.startswith("assets/") or ("." in last and not last.startswith("@")):
        return False
    return request.accept_mimetypes.accept_html


def register_frontend(app: Flask) -> None:
    @app.get("/", defaults={"path": ""})
    @app.get("/<path:path>")
    def frontend(path: str):
        if path == "api" or path.startswith(("api/", "auth/")) or not DIST.is_dir():
            abort(404)
        if path and (DIST / path).is_file():
            return send_from_directory(DIST, path)
        if path and not _wants_page(path):
            abort(404)
        return send_from_directory(DIST, "index.html")
