"""Recordings sent in chunks while they are made (the rules: wop/recordings.py): start one, send
its chunks in any order, watch its transcript grow, finish it into a voice entry, or discard it.
Only the owner can see or touch a recording; to everyone else it does not exist (404)."""

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..access import can_read, readable_node
from ..enums import RecordingStatus
from ..errors import BadRequest, Conflict, NotFound, TooLarge, UnsupportedMedia
from ..extensions import db, rows_affected
from ..jobs import job_status
from ..models import Node, Privacy, Recording, RecordingChunk, User
from ..models.base import iso, utcnow
from ..recordings import (
    advance_contiguous,
    chunk_numbers,
    estimated_seconds,
    finish_job,
    forget_parts,
    lock,
    pieces_of,
    segment_starts,
    should_cut,
    status_of,
    submit_cut,
    submit_finish,
    transcript,
    where_status,
)
from ..security import logged_in_user, login_required
from ..storage import StreamTooLarge, file_in, new_media_folder, new_media_path, remove, remove_folder, save_stream
from .pagination import each, paged
from .validation import Id, body
from .voice import ACCEPTED, MIME_EXTENSIONS, looks_like_audio

bp = Blueprint("recordings", __name__, url_prefix="/api/recordings")
MAX_CHUNKS = 100_000  # chunk numbers 0 … 99,999: over 27 hours in one-second chunks
MAX_LISTED_MISSING = 1000  # a 409 names at most this many missing chunks
MB = 1024 * 1024


class RecordingCreate(BaseModel):
    mime_type: str = Field(
        min_length=1,
        max_length=100,
        description="the recorder's type, e.g. audio/webm;codecs=opus, audio/ogg, audio/mp4",
    )
    parent_id: Id | None = Field(default=None, description="the entry the voice entry will reply to")
    privacy: Privacy | None = None
    ai_excluded: bool = Field(default=False, description="keep the entry away from AI: transcribed on this server only")


class FinishBody(BaseModel):
    chunk_count: int = Field(ge=1, le=MAX_CHUNKS, description="how many chunks the recording has (0 … count-1)")


def _limits() -> dict[str, int]:
    config = current_app.config
    return {
        "chunk_bytes": config["RECORDING_CHUNK_MAX_MB"] * MB,
        "total_bytes": config["MAX_UPLOAD_MB"] * MB,
        "seconds": config["MAX_AUDIO_MINUTES"] * 60,
    }


def recording_json(recording: Recording, viewer: User, detail: bool = True) -> dict[str, Any]:
    """A recording as its owner sees it; `detail` adds the transcript so far and the pieces."""
    job = finish_job(recording)
    data: dict[str, Any] = {
        "recording_id": recording.id,
        "status": status_of(recording),
        "mime_type": recording.mime_type,
        "parent_id": recording.parent_id,
        "privacy": recording.privacy,
        "ai_excluded": recording.ai_excluded,
        "chunks": chunk_numbers(recording.id),
        "segment_starts": segment_starts(recording.id),
        "next_chunk": recording.contiguous_chunks,
        "chunk_count": recording.chunk_count,
        "bytes_received": recording.bytes_received,
        "received_seconds": recording.received_seconds,
        "piece_seconds": recording.piece_seconds,
        "node_id": recording.node_id,
        "task_id": job.id if job is not None else None,
        "limits": _limits(),
        "created_at": iso(recording.created_at),
        "updated_at": iso(recording.updated_at),
        "finished_at": iso(recording.finished_at),
    }
    if detail:
        if recording.status == RecordingStatus.FINISHED:  # the entry holds the transcript now
            node = db.session.get(Node, recording.node_id) if recording.node_id is not None else None
            data["transcript"] = node.content if node is not None and can_read(node, viewer) else None
            data["pieces"] = []
        else:
            pieces = pieces_of(recording.id)
            data["transcript"] = transcript(pieces)
            data["pieces"] = [
                {"number": p.number, "status": p.status, "start_seconds": p.start_seconds, "end_seconds": p.end_seconds}
                for p in pieces
            ]
    return data


def own_recording(recording_id: int, user: User) -> Recording:
    recording = db.session.get(Recording, recording_id)
    if recording is None or recording.user_id != user.id:
        raise NotFound(f"Recording {recording_id} was not found.")
    return recording


def _closed(recording: Recording) -> Conflict:
    """Why a recording takes no more chunks."""
    status = status_of(recording)
    why = {
        RecordingStatus.FINISHING: "is being finished",
        RecordingStatus.FINISHED: f"is finished (entry {recording.node_id})",
        RecordingStatus.FAILED: "was finished (its finishing failed: finish it again)",
        RecordingStatus.DISCARDED: "was discarded",
    }.get(status, f"is {status}")
    return Conflict(f"This recording {why}; it takes no more chunks.")


@bp.post("")
@login_required
@body(RecordingCreate)
def create_recording(body: RecordingCreate) -> ResponseReturnValue:
    """Start a recording; send its chunks next (answers its `recording_id` and limits)."""
    user = logged_in_user()
    mime_type = body.mime_type.strip().lower()
    extension = MIME_EXTENSIONS.get(mime_type.split(";")[0].strip())
    if extension is None:
        raise UnsupportedMedia(f"Unsupported audio type '{body.mime_type}'. Record {ACCEPTED}.")
    if body.parent_id is not None:
        readable_node(body.parent_id, user)
    recording = Recording(
        user_id=user.id,
        parent_id=body.parent_id,
        privacy=body.privacy,
        ai_excluded=body.ai_excluded,
        mime_type=mime_type,
        extension=extension,
        piece_seconds=float(current_app.config["RECORDING_PIECE_SECONDS"]),
        folder=new_media_folder("recordings", user.id),
    )
    db.session.add(recording)
    db.session.commit()
    return jsonify(recording_json(recording, user)), 201


@bp.get("")
@login_required
def list_recordings() -> ResponseReturnValue:
    """Your recordings, newest first; `?status=open` lists those still being recorded."""
    user = logged_in_user()
    query = select(Recording).where(Recording.user_id == user.id).order_by(Recording.created_at.desc(), Recording.id)
    status = request.args.get("status")
    if status:
        if status not in tuple(RecordingStatus):
            raise BadRequest(f"Unknown status '{status[:40]}'; use one of: {', '.join(RecordingStatus)}.")
        query = where_status(query, RecordingStatus(status))
    return jsonify(paged(query, each(lambda r: recording_json(r, user, detail=False))))


@bp.get("/<int:recording_id>")
@login_required
def get_recording(recording_id: int) -> ResponseReturnValue:
    """A recording: which chunks are stored, its transcript so far, its status and entry."""
    user = logged_in_user()
    return jsonify(recording_json(own_recording(recording_id, user), user))


@bp.put("/<int:recording_id>/chunks/<number>")
@login_required
def put_chunk(recording_id: int, number: str) -> ResponseReturnValue:
    """Store chunk `number` (from 0): its raw bytes are the body. Sending it again is harmless."""
    user = logged_in_user()
    recording = own_recording(recording_id, user)
    chunk_number = _chunk_number(number)
    starts_segment = chunk_number == 0 or _starts_segment(request.args.get("starts_segment"))
    if recording.status != RecordingStatus.OPEN:
        raise _closed(recording)
    limits = _limits()
    if (request.content_length or 0) > limits["chunk_bytes"]:
        raise _chunk_too_large()
    rel = file_in(recording.folder, f"chunk-{chunk_number:06d}.part", unique=True)
    try:
        size, digest, head = save_stream(request.stream, rel, limits["chunk_bytes"])
    except StreamTooLarge:
        raise _chunk_too_large() from None
    try:
        if size == 0:
            raise BadRequest("The chunk is empty: send its bytes as the request body.")
        if starts_segment and not looks_like_audio(head):
            if chunk_number == 0:  # a whole file picked by the writer: say it of the file
                raise UnsupportedMedia(f"This is not a recording: it does not start like one. Send {ACCEPTED}.")
            raise UnsupportedMedia(
                f"Chunk {chunk_number} does not start like a recording: a chunk that begins a stream "
                f"must be its first bytes ({ACCEPTED})."
            )
        chunk, created = _store_chunk(recording.id, chunk_number, starts_segment, size, digest, rel, limits)
    except BaseException:
        db.session.rollback()
        remove(rel)
        raise
    if not created:
        remove(rel)
    recording = db.session.get_one(Recording, recording_id, populate_existing=True)
    if created and chunk_number < recording.contiguous_chunks and should_cut(recording):
        submit_cut(recording)  # about a piece more of the stream can be decoded: transcribe it
    return jsonify(
        recording_id=recording.id,
        number=chunk.number,
        starts_segment=chunk.starts_segment,
        size=chunk.size,
        sha256=chunk.sha256,
        next_chunk=recording.contiguous_chunks,
        bytes_received=recording.bytes_received,
    ), 201 if created else 200


def _chunk_number(number: str) -> int:
    # ASCII digits only ("٣".isdigit() is true too), and few of them: int() of thousands fails.
    if not (number.isascii() and number.isdigit() and len(number) <= len(str(MAX_CHUNKS))) or int(number) >= MAX_CHUNKS:
        raise BadRequest(f"Chunk numbers are whole numbers from 0 to {MAX_CHUNKS - 1}, not '{number[:20]}'.")
    return int(number)


def _starts_segment(value: str | None) -> bool:
    if value in (None, "", "0", "false"):
        return False
    if value in ("1", "true"):
        return True
    raise BadRequest(f"starts_segment is true or false, not '{value[:20]}'.")


def _chunk_too_large() -> TooLarge:
    limit = current_app.config["RECORDING_CHUNK_MAX_MB"]
    return TooLarge(
        f"A chunk may hold at most {limit} MB (RECORDING_CHUNK_MAX_MB): record with a shorter timeslice, "
        "so that chunks are smaller."
    )


def _store_chunk(
    recording_id: int, number: int, starts_segment: bool, size: int, digest: str, rel: str, limits: dict[str, int]
) -> tuple[RecordingChunk, bool]:
    """Record a chunk whose bytes are saved at `rel`: (the chunk, whether it is new). The same
    chunk again with the same bytes is the stored one; with other bytes (or now beginning a
    stream where it did not, or the other way round) a 409."""
    # Counting the bytes locks the row first: chunks of one recording are recorded one at a time.
    moved = rows_affected(
        update(Recording)
        .where(Recording.id == recording_id, Recording.status == RecordingStatus.OPEN)
        .values(bytes_received=Recording.bytes_received + size, updated_at=utcnow())
    )
    recording = db.session.get_one(Recording, recording_id, populate_existing=True)
    if not moved:
        raise _closed(recording)
    existing = db.session.scalar(
        select(RecordingChunk).where(RecordingChunk.recording_id == recording_id, RecordingChunk.number == number)
    )
    if existing is not None:
        db.session.rollback()
        _same_chunk(existing, starts_segment, size, digest)
        return existing, False
    if recording.bytes_received > limits["total_bytes"]:
        raise TooLarge(
            f"This recording has reached the {current_app.config['MAX_UPLOAD_MB']} MB limit (MAX_UPLOAD_MB): "
            "finish it, and go on in a new recording."
        )
    if estimated_seconds(recording) > limits["seconds"]:
        raise TooLarge(
            f"This recording has reached the {current_app.config['MAX_AUDIO_MINUTES']}-minute limit "
            "(MAX_AUDIO_MINUTES): finish it, and go on in a new recording."
        )
    chunk = RecordingChunk(
        recording_id=recording_id, number=number, starts_segment=starts_segment, size=size, sha256=digest, path=rel
    )
    db.session.add(chunk)
    db.session.flush()
    advance_contiguous(recording)
    try:
        db.session.commit()
    except IntegrityError:  # the same chunk, stored by a request that got there first
        db.session.rollback()
        existing = db.session.scalar(
            select(RecordingChunk).where(RecordingChunk.recording_id == recording_id, RecordingChunk.number == number)
        )
        if existing is None:
            raise
        _same_chunk(existing, starts_segment, size, digest)
        return existing, False
    return chunk, True


def _same_chunk(existing: RecordingChunk, starts_segment: bool, size: int, digest: str) -> None:
    """A chunk sent again must be the stored one: 409 otherwise."""
    if existing.sha256 != digest or existing.size != size:
        raise Conflict(
            f"Chunk {existing.number} was already stored with different bytes; a stored chunk cannot be replaced."
        )
    if existing.starts_segment != starts_segment:
        raise Conflict(
            f"Chunk {existing.number} was stored {'as' if existing.starts_segment else 'not as'} the beginning of "
            "a stream (starts_segment); send it as it was stored."
        )


@bp.post("/<int:recording_id>/finish")
@login_required
@body(FinishBody)
def finish_recording(recording_id: int, body: FinishBody) -> ResponseReturnValue:
    """Finish a recording of `chunk_count` chunks: 202, then a job assembles the audio, transcribes
    what is left and creates the voice entry (`node_id`). 409 names any chunk still missing."""
    user = logged_in_user()
    own_recording(recording_id, user)
    recording = lock(recording_id)
    assert recording is not None  # own_recording found it; recordings are never deleted
    status = status_of(recording)
    if status in (RecordingStatus.FINISHED, RecordingStatus.DISCARDED):
        db.session.rollback()
        raise Conflict(f"This recording {'is finished' if status == RecordingStatus.FINISHED else 'was discarded'}.")
    if status == RecordingStatus.FINISHING:
        db.session.rollback()
        job = finish_job(recording)
        assert job is not None  # a finishing recording has its job
        return jsonify(recording_id=recording_id, status=status, task_id=job.id), 202
    if recording.chunk_count is not None and body.chunk_count != recording.chunk_count:
        db.session.rollback()
        raise Conflict(f"This recording was finished with chunk_count {recording.chunk_count}; send that again.")
    stored = chunk_numbers(recording_id)
    have = set(stored)
    missing = [n for n in range(body.chunk_count) if n not in have]
    extra = [n for n in stored if n >= body.chunk_count]
    if missing:
        db.session.rollback()
        shown = ", ".join(str(n) for n in missing[:MAX_LISTED_MISSING])
        more = f" and {len(missing) - MAX_LISTED_MISSING} more" if len(missing) > MAX_LISTED_MISSING else ""
        raise Conflict(
            f"Chunk{'s' if len(missing) > 1 else ''} {shown}{more} of {body.chunk_count} "
            f"{'are' if len(missing) > 1 else 'is'} missing: send {'them' if len(missing) > 1 else 'it'}, "
            "then finish again.",
            missing=missing[:MAX_LISTED_MISSING],
        )
    if extra:
        db.session.rollback()
        raise Conflict(
            f"Chunks up to {extra[-1]} are stored, more than chunk_count {body.chunk_count}: "
            f"finish with chunk_count {extra[-1] + 1}."
        )
    recording.status, recording.chunk_count = RecordingStatus.FINISHING, body.chunk_count
    if recording.audio_path is None:
        recording.audio_path = new_media_path("audio", user.id, f".{recording.extension}")
    db.session.commit()
    job, created = submit_finish(recording)
    return jsonify(
        recording_id=recording_id,
        status=RecordingStatus.FINISHING,
        task_id=job.id,
        task_status=job_status(job, created),
    ), 202


@bp.delete("/<int:recording_id>")
@login_required
def discard_recording(recording_id: int) -> ResponseReturnValue:
    """Discard a recording that is not finished: its chunks, pieces and any assembled audio go."""
    user = logged_in_user()
    own_recording(recording_id, user)
    recording = lock(recording_id)
    assert recording is not None
    status = status_of(recording)
    if status == RecordingStatus.DISCARDED:
        db.session.rollback()
        return "", 204
    if status == RecordingStatus.FINISHED:
        db.session.rollback()
        raise Conflict(f"This recording is finished: it is entry {recording.node_id} now; delete the entry instead.")
    if status == RecordingStatus.FINISHING:
        db.session.rollback()
        raise Conflict("This recording is being finished; wait until it is finished (or failed), then try again.")
    recording.status = RecordingStatus.DISCARDED
    forget_parts(recording_id)
    db.session.commit()
    # Jobs still running for it see `discarded` under the same lock and keep nothing.
    remove_folder(recording.folder)
    remove(recording.audio_path)
    return "", 204
