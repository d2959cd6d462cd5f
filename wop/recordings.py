"""Recordings sent in chunks while they are made: the rules the API (wop/api/recordings.py) and
the jobs (wop/tasks/recording.py) share.

A recording is a row, its chunks (byte slices of one continuous stream, stored as they come, in
any order; a recording continued later is several streams, its segments, each begun by a chunk
marked `starts_segment`) and its pieces (stretches of audio transcribed on their own). Chunks 0 … k stored
without a gap are a stream ffmpeg can decode; whenever about a piece more of it has arrived, a
`recording_cut` job cuts new pieces from it (wop/audio/pieces.py) and each piece becomes a
`recording_piece` job. The transcript so far is the pieces' texts joined in order. Finishing
starts a `recording_finish` job: it assembles the audio, transcribes only what no piece has
covered yet, and creates the voice entry with the whole transcript.

Writes that race (chunks arriving together, a piece finishing while the recording finishes)
first lock the recording's row (`lock`), so each sees the others' committed work.
"""

import re
from collections.abc import Sequence
from difflib import SequenceMatcher

from sqlalchemy import Select, String, and_, cast, delete, func, select, update

from .enums import JobStatus, PieceStatus, RecordingStatus
from .extensions import db, rows_affected
from .models import Job, Recording, RecordingChunk, RecordingPiece
from .models.base import utcnow

MARKER = "[part {number} could not be transcribed]"
# A cut waits for this much audio past a piece's length, to see the pauses after it.
CUT_AHEAD = 1.25
# Words compared on each side of an overlapping seam, and how many must match to be dropped.
SEAM_WORDS = 20
SEAM_MIN_MATCH = 2
SEAM_SLACK = 2  # words heard past the shared run on either side (a cut word, a misheard one)
_NOT_A_WORD = re.compile(r"[^\w']+")
ENDED_JOB = (JobStatus.FAILED, JobStatus.CANCELLED)


# -- reading


def lock(recording_id: int) -> Recording | None:
    """The recording, its row locked until the transaction ends (PostgreSQL: a row lock; SQLite:
    the write lock), read again so that what others committed before is seen."""
    db.session.execute(update(Recording).where(Recording.id == recording_id).values(updated_at=utcnow()))
    return db.session.get(Recording, recording_id, populate_existing=True)


def finish_key(recording_id: int) -> str:
    return f"recording_finish:{recording_id}"


def _finish_jobs(recording_id: int, user_id: int) -> Select[Job]:
    """A recording's finish jobs, newest first (the dedupe key stays on a job that ended)."""
    return (
        select(Job)
        .where(Job.dedupe_key == f"{user_id}:{finish_key(recording_id)}")
        .order_by(Job.created_at.desc(), Job.id.desc())
    )


def finish_job(recording: Recording) -> Job | None:
    """The latest `recording_finish` job of a recording: the one that finishes it."""
    return db.session.scalar(_finish_jobs(recording.id, recording.user_id).limit(1))


def status_of(recording: Recording) -> RecordingStatus:
    """What the API shows: a finishing recording whose finish job failed or was cancelled is `failed`."""
    status = RecordingStatus(recording.status)
    if status == RecordingStatus.FINISHING:
        job = finish_job(recording)
        if job is not None and job.status in ENDED_JOB:
            return RecordingStatus.FAILED
    return status


def where_status(query: Select[Recording], status: RecordingStatus) -> Select[Recording]:
    """`query` narrowed to recordings shown with `status` (status_of, in SQL)."""
    latest_job_status = (
        select(Job.status)
        .where(Job.dedupe_key == cast(Recording.user_id, String) + ":recording_finish:" + cast(Recording.id, String))
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    ended = func.coalesce(latest_job_status, "").in_([s.value for s in ENDED_JOB])
    if status == RecordingStatus.FAILED:
        return query.where(Recording.status == RecordingStatus.FINISHING, ended)
    if status == RecordingStatus.FINISHING:
        return query.where(Recording.status == RecordingStatus.FINISHING, ~ended)
    return query.where(Recording.status == status)


def chunk_numbers(recording_id: int) -> list[int]:
    return list(
        db.session.scalars(
            select(RecordingChunk.number)
            .where(RecordingChunk.recording_id == recording_id)
            .order_by(RecordingChunk.number)
        )
    )


def segment_starts(recording_id: int) -> list[int]:
    """The chunks that begin a stream of their own (0, and where the recording was continued)."""
    return list(
        db.session.scalars(
            select(RecordingChunk.number)
            .where(RecordingChunk.recording_id == recording_id, RecordingChunk.starts_segment)
            .order_by(RecordingChunk.number)
        )
    )


def segment_paths(recording_id: int, count: int) -> list[list[str]]:
    """The stored files of chunks 0 … count-1, in order, grouped by the stream (segment) each
    belongs to: a new group at every chunk that begins one."""
    segments: list[list[str]] = []
    rows = db.session.execute(
        select(RecordingChunk.path, RecordingChunk.starts_segment)
        .where(RecordingChunk.recording_id == recording_id, RecordingChunk.number < count)
        .order_by(RecordingChunk.number)
    )
    for path, starts in rows:
        if starts or not segments:
            segments.append([])
        segments[-1].append(path)
    return segments


def pieces_of(recording_id: int) -> list[RecordingPiece]:
    return list(
        db.session.scalars(
            select(RecordingPiece).where(RecordingPiece.recording_id == recording_id).order_by(RecordingPiece.number)
        )
    )


def last_cut(recording_id: int) -> tuple[float, float, int]:
    """(where the next piece starts, how much of the last piece it should hear again, how many
    pieces there are)."""
    last = db.session.execute(
        select(RecordingPiece.end_seconds, RecordingPiece.tail_seconds, RecordingPiece.number)
        .where(RecordingPiece.recording_id == recording_id)
        .order_by(RecordingPiece.number.desc())
        .limit(1)
    ).one_or_none()
    return (last.end_seconds, last.tail_seconds, last.number) if last is not None else (0.0, 0.0, 0)


# -- the transcript


def transcript(pieces: Sequence[RecordingPiece]) -> str:
    """The pieces' texts in order, up to the first piece still waiting (so the transcript only
    ever grows at its end); a failed piece leaves a marker. Where two transcribed pieces
    overlap, the words both heard are kept once."""
    words: list[str] = []
    previous_done = False
    for piece in pieces:
        if piece.status == PieceStatus.PENDING:
            break
        if piece.status == PieceStatus.FAILED:
            words.append(MARKER.format(number=piece.number))
            previous_done = False
            continue
        new = (piece.text or "").split()
        if previous_done and piece.lead_seconds > 0 and words and new:
            keep, skip = seam(words, new)
            words, new = words[:keep], new[skip:]
        words += new
        previous_done = True
    return " ".join(words)


def _norm(word: str) -> str:
    return _NOT_A_WORD.sub("", word.lower())


def seam(before: list[str], after: list[str]) -> tuple[int, int]:
    """Where two overlapping pieces join: (words of `before` to keep, words of `after` to skip).

    Both heard the seconds around the cut; each may also have heard a word cut in half at the
    edge of its audio. The longest run of words the end of `before` and the start of `after`
    share is kept once, and whatever either heard past it (the half words) is dropped."""
    tail, head = before[-SEAM_WORDS:], after[:SEAM_WORDS]
    match = SequenceMatcher(
        None, [_norm(w) for w in tail], [_norm(w) for w in head], autojunk=False
    ).find_longest_match(0, len(tail), 0, len(head))
    # The words both heard end `before` and begin `after`: past them lies at most a half word.
    if match.size < SEAM_MIN_MATCH or len(tail) - (match.a + match.size) > SEAM_SLACK or match.b > SEAM_SLACK:
        return len(before), 0
    return len(before) - len(tail) + match.a + match.size, match.b + match.size


# -- deciding when to cut


def _seconds_in(recording: Recording, size: int) -> float:
    """About how many seconds the first `size` bytes of the stream hold, from the last
    measurement (bytes per second); 0 before the first one."""
    if recording.received_seconds <= 0 or recording.measured_bytes <= 0:
        return 0.0
    rate = recording.measured_bytes / recording.received_seconds
    return recording.received_seconds + (size - recording.measured_bytes) / rate


def estimated_seconds(recording: Recording) -> float:
    """About how long the recording is, counting every byte received (for the length limit)."""
    return _seconds_in(recording, recording.bytes_received)


def should_cut(recording: Recording) -> bool:
    """Whether enough audio has probably arrived since the last cut for a new piece. Before the
    first measurement, every new stretch of stream is measured."""
    if recording.status != RecordingStatus.OPEN or recording.contiguous_bytes <= recording.measured_bytes:
        return False
    if recording.received_seconds <= 0:
        return True
    start, _tail, _count = last_cut(recording.id)
    return _seconds_in(recording, recording.contiguous_bytes) >= start + recording.piece_seconds * CUT_AHEAD


def submit_cut(recording: Recording) -> None:
    from .jobs import submit

    submit(
        "recording_cut",
        recording.user_id,
        params={"recording_id": recording.id},
        dedupe_key=f"recording_cut:{recording.id}",
    )


def piece_key(piece_id: int) -> str:
    return f"recording_piece:{piece_id}"


def submit_piece(user_id: int, recording_id: int, piece_id: int) -> None:
    from .jobs import submit

    submit(
        "recording_piece",
        user_id,
        params={"recording_id": recording_id, "piece_id": piece_id},
        dedupe_key=piece_key(piece_id),
    )


def submit_finish(recording: Recording) -> tuple[Job, bool]:
    from .jobs import submit

    return submit(
        "recording_finish",
        recording.user_id,
        params={"recording_id": recording.id},
        dedupe_key=finish_key(recording.id),
    )


# -- writing a piece's result (exactly once, whoever transcribed it)


def piece_done(piece_id: int, text: str) -> bool:
    """Store a piece's text unless it already has one; True when this call stored it."""
    return bool(
        rows_affected(
            update(RecordingPiece)
            .where(RecordingPiece.id == piece_id, RecordingPiece.status != PieceStatus.DONE)
            .values(status=PieceStatus.DONE, text=text.strip(), error=None)
        )
    )


def piece_failed(piece_id: int, message: str) -> bool:
    """Give a piece up (a marker takes its place) unless it was transcribed meanwhile."""
    return bool(
        rows_affected(
            update(RecordingPiece)
            .where(RecordingPiece.id == piece_id, RecordingPiece.status == PieceStatus.PENDING)
            .values(status=PieceStatus.FAILED, error=message)
        )
    )


def forget_parts(recording_id: int) -> None:
    """Delete the rows of a recording's chunks and pieces (its files go after the commit)."""
    db.session.execute(delete(RecordingPiece).where(RecordingPiece.recording_id == recording_id))
    db.session.execute(delete(RecordingChunk).where(RecordingChunk.recording_id == recording_id))


def advance_contiguous(recording: Recording) -> None:
    """Move the end of the gap-free run of chunks past every chunk now stored after it."""
    following = db.session.execute(
        select(RecordingChunk.number, RecordingChunk.size)
        .where(
            and_(
                RecordingChunk.recording_id == recording.id,
                RecordingChunk.number >= recording.contiguous_chunks,
            )
        )
        .order_by(RecordingChunk.number)
    ).all()
    for number, size in following:
        if number != recording.contiguous_chunks:
            break
        recording.contiguous_chunks += 1
        recording.contiguous_bytes += size
