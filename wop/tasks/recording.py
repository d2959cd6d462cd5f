"""The jobs of a recording sent in chunks (the rules: wop/recordings.py).

- `recording_cut`: while the recording is open, cut the pieces that the stored stream now
  allows (at pauses, wop/audio/pieces.py) and start a `recording_piece` job for each.
- `recording_piece`: transcribe one piece; its text joins the transcript and is pushed as a
  `part` event. A piece that finally fails leaves a marker in the transcript.
- `recording_finish`: assemble the chunks into one file (remux each segment, join them), cut and transcribe what no
  piece covers yet (the tail, and any piece still waiting), then create the voice entry with
  the joined transcript, in the transaction that completes the job.
"""

import shutil
import time
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ..audio import Cut, Heard, assemble, decode_from, extract_piece, plan_cuts, probe
from ..errors import JobFailed, NotFound
from ..extensions import db
from ..jobs import JobRun, job_kind
from ..jobs.live import add_part
from ..models import Job, JobStatus, PieceStatus, Recording, RecordingPiece, RecordingStatus, User
from ..models.base import utcnow
from ..providers.speech_to_text import get_transcriber
from ..queues import Queue
from ..recordings import (
    MARKER,
    last_cut,
    lock,
    piece_done,
    piece_failed,
    piece_key,
    pieces_of,
    segment_paths,
    should_cut,
    submit_cut,
    submit_piece,
    transcript,
)
from ..storage import media, put_file, read_stored, remove_folder, scratch_dir
from ..tokens import count_tokens
from ..writing import new_node
from .transcription import NO_SPEECH

# Finishing waits at most this long for piece jobs already transcribing (a dead worker's job
# would otherwise hold it until the reaper frees it).
PIECE_WAIT_SECONDS = 120


def _recording(run: JobRun) -> Recording | None:
    recording = db.session.get(Recording, int(run.params["recording_id"]))
    if recording is None or recording.user_id != run.user_id:
        return None
    return recording


def _piece_path(recording: Recording, number: int) -> str:
    return f"{recording.folder}/piece-{number:04d}.mp3"


def _make_pieces(wav: Path, heard: Heard, cuts: list[Cut], folder: Path) -> list[Path]:
    made = []
    for i, cut in enumerate(cuts):
        out = folder / f"piece-{i}.mp3"
        extract_piece(wav, heard, cut, out)
        made.append(out)
    return made


def _add_pieces(recording: Recording, first: int, cuts: list[Cut], files: list[Path]) -> list[int]:
    """Store cut pieces numbered from `first` (files moved into the recording's folder); their ids."""
    pieces = []
    for number, (cut, local) in enumerate(zip(cuts, files, strict=True), first):
        rel = _piece_path(recording, number)
        put_file(local, rel)
        piece = RecordingPiece(
            recording_id=recording.id,
            number=number,
            start_seconds=cut.start,
            end_seconds=cut.end,
            lead_seconds=cut.lead,
            tail_seconds=cut.tail,
            audio_path=rel,
        )
        db.session.add(piece)
        pieces.append(piece)
    db.session.flush()
    return [p.id for p in pieces]


@job_kind("recording_cut", queue=Queue.AUDIO)
def cut_pieces(run: JobRun) -> None:
    recording = _recording(run)
    if recording is None or recording.status != RecordingStatus.OPEN:
        run.complete(result={"pieces": 0})
        return
    recording_id, piece_seconds = recording.id, recording.piece_seconds
    start, lead, count = last_cut(recording_id)
    chunks, stream_bytes, extension = recording.contiguous_chunks, recording.contiguous_bytes, recording.extension
    segments = segment_paths(recording_id, chunks)
    db.session.commit()  # no transaction stays open while ffmpeg works
    folder = scratch_dir("recording-cut-")
    try:
        wav = folder / "heard.wav"
        try:
            heard = _decode_received(segments, start, wav, lead, folder / f"received.{extension}")
        except JobFailed:
            # The stream may not decode yet (its header is still arriving); the next chunk tries again.
            run.complete(result={"pieces": 0})
            return
        cuts = plan_cuts(start, lead, heard, piece_seconds, final=False)
        files = _make_pieces(wav, heard, cuts, folder)

        def apply() -> dict[str, Any]:
            current = lock(recording_id)
            # Finishing or discarding took over, or another cut got here first: keep nothing.
            if current is None or current.status != RecordingStatus.OPEN or last_cut(recording_id)[2] != count:
                return {"pieces": 0, "piece_ids": []}
            current.measured_bytes, current.received_seconds = stream_bytes, heard.end
            ids = _add_pieces(current, count + 1, cuts, files)
            return {"pieces": len(ids), "piece_ids": ids, "received_seconds": heard.end}

        result = run.complete(apply) or {}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for piece_id in result.get("piece_ids", []):
        submit_piece(run.user_id, recording_id, piece_id)
    current = db.session.get(Recording, recording_id, populate_existing=True)
    if current is not None and should_cut(current):
        submit_cut(current)  # more arrived while this cut ran


def _decode_received(segments: list[list[str]], start: float, wav: Path, lead: float, joined: Path) -> Heard:
    """Decode what has been received from `start` (see decode_from). One stream is read straight
    from its chunks; a recording of several is assembled into `joined` first, so that its
    seconds run on across the segments."""
    if len(segments) == 1:
        return decode_from(read_stored(segments[0]), start, wav, lead)
    assemble([read_stored(paths) for paths in segments], joined, joined.suffix.lstrip("."))
    return decode_from(joined, start, wav, lead)


def _transcribe_piece(run: JobRun, recording: Recording, piece: RecordingPiece, count: int) -> str | None:
    """Transcribe one piece and store its text (or, when it finally fails, its marker); push it
    as a `part` event. Raises a transient failure while attempts remain, so the engine retries."""
    provider = "local" if recording.ai_excluded else None
    number, piece_id, rel = piece.number, piece.id, piece.audio_path
    folder = scratch_dir("recording-piece-")
    try:
        try:
            path = media().local_copy(rel, folder)
        except (FileNotFoundError, ValueError):
            raise JobFailed(f"The audio of part {number} is missing.") from None
        with run.abortable():
            text = get_transcriber(current_app.config, provider).transcribe(path)
    except JobFailed as failure:
        if failure.transient and run.attempt < run.max_attempts:
            raise
        if piece_failed(piece_id, failure.message):
            db.session.commit()
            add_part(run, number, count, recording_id=recording.id, text=MARKER.format(number=number), failed=True)
        else:
            db.session.commit()
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if piece_done(piece_id, text):
        db.session.commit()
        add_part(run, number, count, recording_id=recording.id, text=text.strip())
    else:
        db.session.commit()
    return text


@job_kind("recording_piece", queue=Queue.AUDIO)
def transcribe_piece(run: JobRun) -> None:
    recording = _recording(run)
    piece = db.session.get(RecordingPiece, int(run.params["piece_id"]))
    if recording is None or piece is None or piece.recording_id != recording.id:
        run.complete(result={"transcribed": False})
        return
    if piece.status != PieceStatus.PENDING or recording.status == RecordingStatus.DISCARDED:
        run.complete(result={"transcribed": False})  # done by the finish job, or no longer wanted
        return
    count = last_cut(recording.id)[2]
    db.session.commit()
    text = _transcribe_piece(run, recording, piece, count)
    if text is None:
        raise JobFailed(f"Part {piece.number} of the recording could not be transcribed; a marker holds its place.")
    run.complete(result={"transcribed": True, "number": piece.number})


@job_kind("recording_finish", queue=Queue.AUDIO)
def finish_recording(run: JobRun) -> None:
    recording = _recording(run)
    if recording is None or recording.status != RecordingStatus.FINISHING or recording.audio_path is None:
        run.complete(result={"finished": False})
        return
    recording_id, audio_rel, folder, extension = (
        recording.id,
        recording.audio_path,
        recording.folder,
        recording.extension,
    )
    segments = segment_paths(recording_id, recording.chunk_count or 0)
    db.session.commit()
    run.progress(5, "Assembling the recording")
    scratch = scratch_dir("recording-assemble-")
    try:
        audio = scratch / f"recording.{extension}"
        assemble([read_stored(paths) for paths in segments], audio, extension)
        info = probe(audio)
        limit = current_app.config["MAX_AUDIO_MINUTES"]
        if info.duration_seconds > limit * 60:
            raise JobFailed(
                f"This recording is {info.duration_seconds / 60:.0f} minutes long; recordings of up to {limit} "
                "minutes are transcribed (MAX_AUDIO_MINUTES). Discard it, or raise the limit and finish it again."
            )
        run.progress(20, "Cutting the rest into parts")
        _cut_the_rest(recording_id, audio, info.duration_seconds)
        media().put_file(audio, audio_rel)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _wait_for_pieces_in_progress(run, recording_id)
    pending = [p for p in pieces_of(recording_id) if p.status == PieceStatus.PENDING]
    count = last_cut(recording_id)[2]
    db.session.commit()
    for i, piece in enumerate(pending):
        run.progress(25 + 70 * i / max(1, len(pending)), f"Transcribing part {piece.number} of {count}")
        _transcribe_piece(run, recording, piece, count)

    def apply() -> dict[str, Any]:
        current = lock(recording_id)
        if current is None or current.status != RecordingStatus.FINISHING:
            raise JobFailed("This recording was discarded while it was being finished.")
        text = transcript(pieces_of(recording_id)) or NO_SPEECH
        owner = db.session.get_one(User, current.user_id)
        try:
            node = new_node(
                owner,
                current.parent_id,
                current.privacy,
                content=text,
                audio_original_path=audio_rel,
                audio_mime_type=_mime_type(current.extension),
                audio_duration_seconds=info.duration_seconds,
                ai_excluded=current.ai_excluded,
            )
        except NotFound:
            raise JobFailed(
                "The entry this recording replies to is gone; discard the recording, or record it again."
            ) from None
        node.token_count = count_tokens(text)
        db.session.flush()
        current.node_id, current.status, current.finished_at = node.id, RecordingStatus.FINISHED, utcnow()
        return {"node_id": node.id, "parts": count, "duration_seconds": info.duration_seconds, "characters": len(text)}

    run.complete(apply)
    remove_folder(folder)  # the chunks and pieces: the entry holds the whole recording


def _wait_for_pieces_in_progress(run: JobRun, recording_id: int) -> None:
    """Let the piece jobs that are transcribing right now finish (rather than do their work
    twice); pieces whose jobs are still waiting in the queue are transcribed here."""
    deadline = time.monotonic() + PIECE_WAIT_SECONDS
    while time.monotonic() < deadline:
        pending = [p.id for p in pieces_of(recording_id) if p.status == PieceStatus.PENDING]
        keys = [f"{run.user_id}:{piece_key(piece_id)}" for piece_id in pending]
        busy = keys and db.session.scalar(
            select(func.count()).where(Job.dedupe_key.in_(keys), Job.status == JobStatus.PROCESSING)
        )
        db.session.commit()
        if not busy:
            return
        run.progress(22, "Waiting for the parts being transcribed")
        time.sleep(0.2)


def _cut_the_rest(recording_id: int, audio: Path, duration: float) -> None:
    """Cut what no piece covers yet, to the end of the recording, into pieces."""
    start, lead, count = last_cut(recording_id)
    recording = db.session.get_one(Recording, recording_id)
    db.session.commit()
    if start >= duration:
        return
    folder = scratch_dir("recording-finish-")
    try:
        wav = folder / "heard.wav"
        heard = decode_from(audio, start, wav, lead)
        cuts = plan_cuts(start, lead, heard, recording.piece_seconds, final=True)
        files = _make_pieces(wav, heard, cuts, folder)
        current = lock(recording_id)
        if current is not None and last_cut(recording_id)[2] == count:
            _add_pieces(current, count + 1, cuts, files)
        db.session.commit()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _mime_type(extension: str) -> str:
    from ..api.voice import AUDIO_TYPES

    return AUDIO_TYPES[extension]
