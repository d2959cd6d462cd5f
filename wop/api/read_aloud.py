"""Read aloud: ask for an entry's text as audio (a background job) and follow that job."""

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue

from ..access import kept_from_ai, readable_node
from ..errors import BadRequest, Conflict, TooLarge, Unavailable
from ..jobs import job_status, submit
from ..jobs.view import job_json, latest_job
from ..models.node import media_url
from ..providers.errors import ProviderError
from ..providers.text_to_speech import get_speaker
from ..read_aloud import (
    KEPT_FROM_CLOUD_VOICE,
    LOCAL_SPEAKERS,
    current_audio,
    speech_hash,
)
from ..security import logged_in_user, login_required

bp = Blueprint("read_aloud", __name__, url_prefix="/api/nodes")


@bp.post("/<int:node_id>/tts")
@login_required
def request_tts(node_id: int) -> ResponseReturnValue:
    """Read an entry aloud: 200 {tts_url} when audio of its current text exists, else 202 and a job."""
    user = logged_in_user()
    node = readable_node(node_id, user)
    if node.audio_original_path:
        raise Conflict("This entry is a voice recording; play the original instead.")
    text = node.content
    if not text.strip():
        raise BadRequest("This entry has no text to read aloud.")
    limit = current_app.config["TTS_MAX_CHARS"]
    if len(text) > limit:
        raise TooLarge(
            f"This entry is {len(text):,} characters long; read-aloud takes entries of at most {limit:,} characters."
        )
    try:
        speaker = get_speaker(current_app.config)
    except ProviderError as err:  # a misconfigured TTS_PROVIDER
        raise Unavailable(err.message) from err
    if kept_from_ai(node) and speaker.name not in LOCAL_SPEAKERS:
        raise Conflict(KEPT_FROM_CLOUD_VOICE)
    digest = speech_hash(speaker, text)
    ready = current_audio(node, digest)
    if ready:
        return jsonify(tts_url=media_url(ready), node_id=node.id), 200
    job, created = submit(
        "tts", user.id, node_id=node.id, params={"provider": speaker.name}, dedupe_key=f"tts:{node.id}:{digest}"
    )
    return jsonify(task_id=job.id, status=job_status(job, created), node_id=node.id), 202


@bp.get("/<int:node_id>/tts-status")
@login_required
def tts_status(node_id: int) -> ResponseReturnValue:
    """Your latest read-aloud job for this entry; once completed its result holds `tts_url`."""
    job = latest_job("tts", logged_in_user(), readable_node(node_id, logged_in_user()))
    return jsonify(job_json(job, logged_in_user()))
