"""Voice entries: upload a recording, get the node at once; the transcript fills in by a job."""
from pathlib import Path

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, Field

from ..access import kept_from_ai, readable_node
from ..audio import UnreadableAudio, probe
from ..extensions import db
from ..jobs import job_status, submit
from ..models import Node
from ..providers.speech_to_text import PROVIDERS
from ..security import current_user, login_required
from ..storage import new_media_path
from .errors import ApiError
from .nodes import latest_job_status, new_node, node_detail
from .validation import MAX_ID, body

bp = Blueprint("voice", __name__, url_prefix="/api/nodes")
PLACEHOLDER = "[Voice note – transcription pending]"
# Accepted recordings: file extension -> the MIME type we serve it with.
AUDIO_TYPES = {
    "webm": "audio/webm", "ogg": "audio/ogg", "oga": "audio/ogg", "opus": "audio/ogg",
    "wav": "audio/wav", "m4a": "audio/mp4", "mp4": "audio/mp4", "aac": "audio/aac",
    "mp3": "audio/mpeg", "mpeg": "audio/mpeg", "mpga": "audio/mpeg", "flac": "audio/flac",
}
MIME_EXTENSIONS = {
    "audio/webm": "webm", "video/webm": "webm", "audio/ogg": "ogg", "audio/opus": "opus",
    "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav", "audio/mp4": "m4a", "audio/x-m4a": "m4a",
    "video/mp4": "mp4", "audio/aac": "aac", "audio/mpeg": "mp3", "audio/mp3": "mp3", "audio/flac": "flac",
    "audio/x-flac": "flac",
}
ACCEPTED = "webm, ogg/oga/opus, wav, m4a/mp4/aac, mp3/mpeg/mpga or flac"
# ISO media (mp4/m4a) brands of audio or plain mp4 files; images (heic, avif) use others.
MP4_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"iso5", b"iso6", b"dash", b"3gp4", b"3gp5",
              b"3g2a", b"avc1", b"MSNV", b"qt  "}


class TranscribeBody(BaseModel):
    provider: str | None = Field(default=None, description=f"one of: {', '.join(PROVIDERS)}; default from settings")


def _extension(filename: str, mimetype: str) -> str:
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext in AUDIO_TYPES:
        return ext
    ext = MIME_EXTENSIONS.get((mimetype or "").split(";")[0].strip().lower())
    if ext is None:
        raise ApiError(415, f"Unsupported audio type '{filename or mimetype}'. Send {ACCEPTED}.")
    return ext


def _looks_like_audio(head: bytes) -> bool:
    """The file starts like one of the accepted containers (a damaged recording still does)."""
    return (head.startswith((b"OggS", b"fLaC", b"ID3", b"\x1a\x45\xdf\xa3"))  # ogg, flac, mp3 tag, webm
            or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
            or (head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS)
            or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0))  # mp3/aac frame


def _check_content(path: Path) -> None:
    """Judge an upload by its bytes, not its name: an accepted container, or anything else in
    which ffmpeg finds decodable audio. Other files (a web page, an image) are deleted: 415."""
    with open(path, "rb") as f:
        head = f.read(16)
    if _looks_like_audio(head):
        return  # a damaged recording is kept: its job fails with a clear message, the file stays
    try:
        probe(path)
    except UnreadableAudio:
        path.unlink(missing_ok=True)
        raise ApiError(415, f"This file is not a recording: no audio was found in it. Send {ACCEPTED}.") from None


def _form_int(name: str) -> int | None:
    raw = (request.form.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 10 and int(raw) <= MAX_ID):
        raise ApiError(422, f"Invalid request: {name}: must be a whole number", fields={name: "must be a whole number"})
    return int(raw)


def _form_bool(name: str) -> bool:
    raw = (request.form.get(name) or "false").strip().lower()
    if raw not in ("true", "false"):
        raise ApiError(422, f"Invalid request: {name}: use 'true' or 'false'", fields={name: "use 'true' or 'false'"})
    return raw == "true"


def _submit_transcription(node: Node, provider: str | None):
    if kept_from_ai(node):
        if provider not in (None, "auto", "local"):
            raise ApiError(409, "This entry is kept away from AI, so its recording is transcribed only on this "
                                "server (provider 'local').")
        provider = "local"  # never a cloud provider for an entry kept away from AI
    return submit("transcription", node.user_id, node_id=node.id, params={"provider": provider},
                  dedupe_key=f"transcription:{node.id}")


def create_voice_node():
    """Multipart upload (field `audio_file`): store the recording, then start transcribing it."""
    upload = request.files.get("audio_file")  # werkzeug streams the body to disk, not memory
    if upload is None or not upload.filename:
        raise ApiError(400, "Attach the recording as the multipart field 'audio_file'.")
    ext = _extension(upload.filename, upload.mimetype)
    parent_id = _form_int("parent_id")
    privacy = request.form.get("privacy") or None
    ai_excluded = _form_bool("ai_excluded")
    if privacy not in (None, "private", "public"):
        raise ApiError(422, "Invalid request: privacy: use 'private' or 'public'", fields={"privacy": "invalid"})
    if parent_id is not None:
        readable_node(parent_id, current_user())
    rel, path = new_media_path("audio", current_user().id, f".{ext}")
    upload.save(path)
    if path.stat().st_size == 0:
        path.unlink()
        raise ApiError(400, "The recording is empty.")
    _check_content(path)
    node = new_node(parent_id, privacy, content=PLACEHOLDER, audio_original_path=rel, audio_mime_type=AUDIO_TYPES[ext],
                    ai_excluded=ai_excluded)
    db.session.commit()  # the recording and its node are safe before any job exists
    job, _created = _submit_transcription(node, None)
    return jsonify({**node_detail(node), "transcription_status": "pending", "task_id": job.id}), 201


@bp.post("/<int:node_id>/transcribe")
@login_required
@body(TranscribeBody)
def transcribe_again(node_id: int, body: TranscribeBody):
    """Transcribe the stored recording again (after a failure, or with another provider)."""
    node = readable_node(node_id, current_user())
    if node.user_id != current_user().id and not current_user().is_admin:
        raise ApiError(403, "Only the author can transcribe this recording again.")
    if not node.audio_original_path:
        raise ApiError(409, "This entry has no recording to transcribe.")
    if body.provider is not None and body.provider not in PROVIDERS + ("auto",):
        raise ApiError(422, f"Invalid request: provider: use one of {', '.join(PROVIDERS + ('auto',))}",
                       fields={"provider": "unknown provider"})
    job, created = _submit_transcription(node, body.provider)
    return jsonify(task_id=job.id, status=job_status(job, created), node_id=node.id), 202


@bp.get("/<int:node_id>/transcription-status")
@login_required
def transcription_status(node_id: int):
    """The latest transcription job of this node; with the transcript (`content`) once completed."""
    node = readable_node(node_id, current_user())
    job, data = latest_job_status(node, "transcription")
    if job.status == "completed":
        data["content"] = node.content
    return jsonify(data)
