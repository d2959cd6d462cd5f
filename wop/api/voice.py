"""Voice entries: upload a recording, get the node at once; the transcript fills in by a job."""

import shutil
from pathlib import Path

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field, field_validator

from ..access import kept_from_ai, readable_node, require_author
from ..audio import UnreadableAudio, probe
from ..enums import JobStatus
from ..errors import BadRequest, Conflict, UnsupportedMedia
from ..extensions import db
from ..jobs import job_status, submit
from ..jobs.view import job_json, latest_job
from ..models import Job, Node, Privacy
from ..providers.speech_to_text import PROVIDERS
from ..security import logged_in_user, login_required
from ..storage import media, new_media_path, scratch_dir
from ..writing import new_node, node_detail
from .validation import Id, body, parse_form

bp = Blueprint("voice", __name__, url_prefix="/api/nodes")
PLACEHOLDER = "[Voice note – transcription pending]"
# Accepted recordings: file extension -> the MIME type we serve it with.
AUDIO_TYPES = {
    "webm": "audio/webm",
    "ogg": "audio/ogg",
    "oga": "audio/ogg",
    "opus": "audio/ogg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "mp4": "audio/mp4",
    "aac": "audio/aac",
    "mp3": "audio/mpeg",
    "mpeg": "audio/mpeg",
    "mpga": "audio/mpeg",
    "flac": "audio/flac",
}
MIME_EXTENSIONS = {
    "audio/webm": "webm",
    "video/webm": "webm",
    "audio/ogg": "ogg",
    "audio/opus": "opus",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "video/mp4": "mp4",
    "audio/aac": "aac",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
}
ACCEPTED = "webm, ogg/oga/opus, wav, m4a/mp4/aac, mp3/mpeg/mpga or flac"
# ISO media (mp4/m4a) brands of audio or plain mp4 files; images (heic, avif) use others.
MP4_BRANDS = {
    b"M4A ",
    b"M4B ",
    b"mp41",
    b"mp42",
    b"isom",
    b"iso2",
    b"iso5",
    b"iso6",
    b"dash",
    b"3gp4",
    b"3gp5",
    b"3g2a",
    b"avc1",
    b"MSNV",
    b"qt  ",
}


TRANSCRIBERS = ("auto", *PROVIDERS)


class TranscribeBody(BaseModel):
    provider: str | None = Field(default=None, description=f"one of: {', '.join(TRANSCRIBERS)}; default from settings")

    @field_validator("provider")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in TRANSCRIBERS:
            raise ValueError(f"use one of {', '.join(TRANSCRIBERS)}")
        return value


def _extension(filename: str, mimetype: str) -> str:
    ext = Path(filename or "").suffix.lower().lstrip(".")
    if ext in AUDIO_TYPES:
        return ext
    by_type = MIME_EXTENSIONS.get((mimetype or "").split(";")[0].strip().lower())
    if by_type is None:
        raise UnsupportedMedia(f"Unsupported audio type '{filename or mimetype}'. Send {ACCEPTED}.")
    return by_type


def looks_like_audio(head: bytes) -> bool:
    """The file starts like one of the accepted containers (a damaged recording still does)."""
    return (
        head.startswith((b"OggS", b"fLaC", b"ID3", b"\x1a\x45\xdf\xa3"))  # ogg, flac, mp3 tag, webm
        or (head[:4] == b"RIFF" and head[8:12] == b"WAVE")
        or (head[4:8] == b"ftyp" and head[8:12] in MP4_BRANDS)
        or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
    )  # mp3/aac frame


def _check_content(path: Path) -> None:
    """Judge an upload by its bytes, not its name: an accepted container, or anything else in
    which ffmpeg finds decodable audio. Other files (a web page, an image) are deleted: 415."""
    with open(path, "rb") as f:
        head = f.read(16)
    if looks_like_audio(head):
        return  # a damaged recording is kept: its job fails with a clear message, the file stays
    try:
        probe(path)
    except UnreadableAudio:
        path.unlink(missing_ok=True)
        raise UnsupportedMedia(f"This file is not a recording: no audio was found in it. Send {ACCEPTED}.") from None


class VoiceForm(BaseModel):
    """The text fields sent with a recording (multipart)."""

    parent_id: Id | None = None
    privacy: Privacy | None = None
    ai_excluded: bool | None = Field(
        default=None, description="keep this entry away from every AI provider (default: your preference)"
    )


def _submit_transcription(node: Node, provider: str | None) -> tuple[Job, bool]:
    if kept_from_ai(node):
        if provider not in (None, "auto", "local"):
            raise Conflict(
                "This entry is kept away from AI, so its recording is transcribed only on this "
                "server (provider 'local')."
            )
        provider = "local"  # never a cloud provider for an entry kept away from AI
    return submit(
        "transcription",
        node.user_id,
        node_id=node.id,
        params={"provider": provider},
        dedupe_key=f"transcription:{node.id}",
    )


def create_voice_node() -> ResponseReturnValue:
    """Multipart upload (field `audio_file`): store the recording, then start transcribing it."""
    upload = request.files.get("audio_file")  # werkzeug streams the body to disk, not memory
    if upload is None or not upload.filename:
        raise BadRequest("Attach the recording as the multipart field 'audio_file'.")
    ext = _extension(upload.filename, upload.mimetype)
    form = parse_form(VoiceForm)
    if form.parent_id is not None:
        readable_node(form.parent_id, logged_in_user())  # before anything is stored
    rel = new_media_path("audio", logged_in_user().id, f".{ext}")
    folder = scratch_dir("upload-")  # judged here, then stored (perhaps far away)
    try:
        path = folder / f"upload.{ext}"
        upload.save(path)
        if path.stat().st_size == 0:
            raise BadRequest("The recording is empty.")
        _check_content(path)
        media().put_file(path, rel)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    node = new_node(
        logged_in_user(),
        form.parent_id,
        form.privacy,
        content=PLACEHOLDER,
        audio_original_path=rel,
        audio_mime_type=AUDIO_TYPES[ext],
        ai_excluded=form.ai_excluded,
    )
    db.session.commit()  # the recording and its node are safe before any job exists
    job, _created = _submit_transcription(node, None)
    return jsonify(
        {**node_detail(node, logged_in_user()), "transcription_status": JobStatus.PENDING, "task_id": job.id}
    ), 201


@bp.post("/<int:node_id>/transcribe")
@login_required
@body(TranscribeBody)
def transcribe_again(node_id: int, body: TranscribeBody) -> ResponseReturnValue:
    """Transcribe the stored recording again (after a failure, or with another provider)."""
    node = require_author(readable_node(node_id, logged_in_user()), logged_in_user(), "transcribe this recording again")
    if not node.audio_original_path:
        raise Conflict("This entry has no recording to transcribe.")
    job, created = _submit_transcription(node, body.provider)
    return jsonify(task_id=job.id, status=job_status(job, created), node_id=node.id), 202


@bp.get("/<int:node_id>/transcription-status")
@login_required
def transcription_status(node_id: int) -> ResponseReturnValue:
    """Your latest transcription job for this entry; once completed its result holds the transcript
    (`content`)."""
    job = latest_job("transcription", logged_in_user(), readable_node(node_id, logged_in_user()))
    return jsonify(job_json(job, logged_in_user()))
