"""Deleting everything a user wrote or had made, while keeping what other people wrote.

What goes: the user's entries and their versions, the AI replies to them (made from the
user's words, and AI replies to those), the user's drafts, profiles, jobs, token credits and
chunked recordings (finished or not), and their files (recordings, read-aloud audio, exports).
What stays: the account itself (name, password, API tokens, preferences), so the person can
start again; and other people's replies. A reply someone else wrote under one of the user's
entries moves up to the nearest entry that stays, or becomes a top-level entry of its author
when the whole thread was the user's.
Credits other people earned in the user's threads stay theirs.

Deleted text must not linger in the database files. SQLite: every connection sets
`secure_delete` (freed space is overwritten with zeros), and after the deletion a
`wal_checkpoint(TRUNCATE)` copies the zeroed pages into the database file and empties the
write-ahead log, which still held the old pages. PostgreSQL: deleted rows are unreachable at
once; VACUUM (autovacuum) later marks their space for reuse but does not wipe it, and the
write-ahead log and backups keep old pages until they are recycled; `VACUUM FULL` rewrites a
table (see docs/operations.md).
"""

import contextlib
import logging
from collections.abc import Iterable, Iterator

from sqlalchemy import delete, or_, select, update

from .enums import NodeType
from .errors import Conflict
from .extensions import db, rows_affected
from .jobs import cancel
from .models import (
    ACTIVE_STATUSES,
    Draft,
    Job,
    Node,
    NodeVersion,
    Recording,
    RecordingChunk,
    RecordingPiece,
    TokenCredit,
    User,
    UserProfile,
)
from .storage import exports, media, remove

CHUNK = 500  # ids per IN (...) clause


def chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def cancel_active_jobs(user_id: int) -> None:
    """Stop the user's jobs first: a running one then cannot finish (its result is discarded)."""
    for job in db.session.scalars(select(Job).where(Job.user_id == user_id, Job.status.in_(ACTIVE_STATUSES))).all():
        with contextlib.suppress(Conflict):  # it finished meanwhile; its rows are deleted below like any other
            cancel(job)


def nodes_to_delete(user_id: int) -> tuple[dict[int, int | None], int, list[tuple[int, int | None]]]:
    """(id -> parent id of every node to delete, how many of them the user wrote,
    (id, parent id) of other people's replies directly under them)."""
    doomed = dict(db.session.execute(select(Node.id, Node.parent_id).where(Node.user_id == user_id)).all())
    own, kept, frontier = len(doomed), [], list(doomed)
    while frontier:  # AI replies under doomed nodes are doomed too, level by level
        found = []
        for ids in chunks(frontier):
            rows = db.session.execute(
                select(Node.id, Node.parent_id, Node.node_type, User.is_bot)
                .join(User, Node.user_id == User.id)
                .where(Node.parent_id.in_(ids), Node.user_id != user_id)
            ).all()
            for node_id, parent_id, node_type, is_bot in rows:
                if node_type == NodeType.LLM or is_bot:
                    doomed[node_id] = parent_id
                    found.append(node_id)
                else:
                    kept.append((node_id, parent_id))
        frontier = found
    return doomed, own, kept


def surviving_ancestor(parent_id: int | None, doomed: dict[int, int | None]) -> int | None:
    while parent_id is not None and parent_id in doomed:
        parent_id = doomed[parent_id]
    return parent_id


def stored_files(node_ids: list[int]) -> list[str]:
    files = []
    for ids in chunks(node_ids):
        for row in db.session.execute(select(Node.audio_original_path, Node.audio_tts_path).where(Node.id.in_(ids))):
            files += [path for path in row if path]
    return files


def delete_files(user_id: int, rel_paths: list[str]) -> None:
    for rel in rel_paths:  # the deleted nodes' files, wherever stored (AI replies' in the model's folder)
        still_used = db.session.scalar(
            select(Node.id).where(or_(Node.audio_original_path == rel, Node.audio_tts_path == rel)).limit(1)
        )
        if still_used is None:  # read-aloud files are shared by entries with the same text
            remove(rel)
    # Every media kind keeps a user's files in <kind>/<user_id>/ (wop/storage.py).
    for kind in media().folders():
        media().delete_folder(f"{kind}/{user_id}")
    exports().delete_folder(str(user_id))


def delete_user_data(user_id: int) -> dict:
    """Delete the user's data (see the module docstring); returns how much of each kind went."""
    cancel_active_jobs(user_id)
    doomed, own, kept = nodes_to_delete(user_id)
    # Re-parent first: parent_id cascades on delete, and other people's words must stay.
    for node_id, parent_id in kept:
        db.session.execute(
            update(Node).where(Node.id == node_id).values(parent_id=surviving_ancestor(parent_id, doomed))
        )
    files = stored_files(list(doomed))
    recordings = select(Recording.id).where(Recording.user_id == user_id)  # their files go with the user's folders
    db.session.execute(delete(RecordingPiece).where(RecordingPiece.recording_id.in_(recordings)))
    db.session.execute(delete(RecordingChunk).where(RecordingChunk.recording_id.in_(recordings)))
    db.session.execute(delete(Recording).where(Recording.user_id == user_id))
    # Highest ids (newest) first, so a node's replies are gone before it is: no deep cascades,
    # which SQLite caps.
    newest_first = sorted(doomed, reverse=True)
    versions = 0
    for ids in chunks(newest_first):
        versions += rows_affected(delete(NodeVersion).where(NodeVersion.node_id.in_(ids)))
        db.session.execute(delete(Node).where(Node.id.in_(ids)))
    counts = {
        "nodes": own,
        "ai_replies": len(doomed) - own,
        "versions": versions,
        "profiles": rows_affected(delete(UserProfile).where(UserProfile.user_id == user_id)),
        "drafts": rows_affected(delete(Draft).where(Draft.user_id == user_id)),
        "token_credits": rows_affected(delete(TokenCredit).where(TokenCredit.user_id == user_id)),
        "jobs": rows_affected(delete(Job).where(Job.user_id == user_id)),
        "replies_kept": len(kept),
    }
    db.session.commit()
    delete_files(user_id, files)  # after the commit: a failed transaction leaves every file in place
    flush_deleted_text()
    return counts


def flush_deleted_text() -> None:
    """SQLite: move the zeroed pages into the database file and empty the write-ahead log."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as conn:
        busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:  # a long reader held an old snapshot; the next checkpoint finishes the job
        logging.getLogger(__name__).warning("WAL checkpoint after deleting an account's data was incomplete")
