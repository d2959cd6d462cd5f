"""What a client needs to know about this server before it asks anything (no login needed)."""

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("site", __name__, url_prefix="/api")


@bp.get("/config")
def site_config() -> ResponseReturnValue:
    """The server's public settings: default privacy, approval and terms, upload and read-aloud limits."""
    cfg = current_app.config
    return jsonify(
        default_privacy=cfg["DEFAULT_PRIVACY"],
        require_approval=cfg["REQUIRE_APPROVAL"],
        # Sign-up asks for accept_terms: true whenever accounts need approval.
        terms_required=cfg["REQUIRE_APPROVAL"],
        max_upload_mb=cfg["MAX_UPLOAD_MB"],
        max_audio_minutes=cfg["MAX_AUDIO_MINUTES"],
        tts_max_chars=cfg["TTS_MAX_CHARS"],
    )
