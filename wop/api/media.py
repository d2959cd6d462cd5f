"""Stored audio, served with range requests to whoever may read the node it belongs to."""

import mimetypes

from flask import Blueprint
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from ..access import can_read
from ..errors import NotFound
from ..extensions import db
from ..models import Node
from ..security import current_user, login_optional
from ..storage import media

bp = Blueprint("media", __name__, url_prefix="/api/media")


@bp.get("/<path:rel>")
@login_optional
def get_media(rel: str) -> ResponseReturnValue:
    """An audio file (original recording or read-aloud), with HTTP range support; a public
    entry's audio needs no login."""
    # Entries of one author with the same text share one read-aloud file: any readable one will do.
    owners = db.session.scalars(select(Node).where(or_(Node.audio_original_path == rel, Node.audio_tts_path == rel)))
    node = next((n for n in owners if can_read(n, current_user())), None)
    if node is None or not media().exists(rel):
        raise NotFound("No such file.")
    mime = (node.audio_mime_type if rel == node.audio_original_path else None) or mimetypes.guess_type(rel)[0]
    # Local files: range requests, or handed to nginx (X-Accel-Redirect, deploy/nginx.conf);
    # an object store: a presigned redirect or a proxied stream (STORAGE_SERVE).
    return media().serve(rel, mime)
