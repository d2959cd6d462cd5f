"""Commits on the engine's hot path that keep what the session has loaded."""

from ..extensions import db


def commit_keeping_loaded() -> None:
    """Commit without expiring the objects loaded so far, where the caller knows them to be what
    was just written (the job it inserted or claimed, the result it wrote): reading them back
    would cost a query each for nothing. Everywhere else a commit expires them as usual."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
