"""Stored audio, served with range requests to whoever may read the node it belongs to."""

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, current_app, send_file
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from ..access import can_read
from ..errors import NotFound
from ..extensions import db
from ..models import Node
from ..security import current_user, login_optional
from ..storage import resolve

bp = Blueprint("media", __name__, url_prefix="/api/media")


@bp.get("/<path:rel>")
@login_optional
def get_media(rel: str) -> ResponseReturnValue:
    """An audio file (original recording or read-aloud), with HTTP range support; a public
    entry's audio needs no login."""
    path = resolve(rel)
    # Entries of one author with the same text share one read-aloud file: any readable one will do.
    owners = db.session.scalars(select(Node).where(or_(Node.audio_original_path == rel, Node.audio_tts_path == rel)))
    node = next((n for n in owners if can_read(n, current_user())), None)
    if path is None or node is None or not path.is_file():
        raise NotFound("No such file.")
    mime = (node.audio_mime_type if rel == node.audio_original_path else None) or mimetypes.guess_type(rel)[0]
    return send_stored(rel, path, mime)


def send_stored(rel: str, path: Path, mime: str | None) -> ResponseReturnValue:
    """A stored file, after the caller's permission was checked: with range requests, or handed
    to nginx (X-Accel-Redirect, see deploy/nginx.conf) when it sends the bytes."""
    prefix = current_app.config["X_ACCEL_REDIRECT_PREFIX"]
    if prefix:
        return Response(headers={"X-Accel-Redirect": f"{prefix.rstrip('/')}/{rel}", "Content-Type": mime or ""})
    return send_file(path, mimetype=mime or "application/octet-stream", conditional=True, max_age=0)
