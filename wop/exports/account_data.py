"""All of a user's data as one JSON document, produced piece by piece so memory stays flat."""

import json
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..jobs.view import job_json
from ..models import Draft, Job, Node, NodeType, NodeVersion, User, UserProfile
from ..models.base import iso, utcnow

BATCH = 500  # rows fetched per round trip, and rows per chunk sent


def sections(user: User) -> list[tuple[str, Select, Callable[[Any], dict]]]:
    """(key, query, how a row becomes JSON) for each list in the document."""
    user_id = user.id
    parent = aliased(Node)
    return [
        ("nodes", select(Node).where(Node.user_id == user_id).order_by(Node.id), Node.to_dict),
        # AI replies to the user's entries are made from the user's words: they go with them.
        (
            "ai_replies",
            select(Node)
            .join(parent, Node.parent_id == parent.id)
            .where(parent.user_id == user_id, Node.node_type == NodeType.LLM)
            .order_by(Node.id),
            Node.to_dict,
        ),
        (
            "versions",
            select(NodeVersion)
            .join(Node, NodeVersion.node_id == Node.id)
            .where(Node.user_id == user_id)
            .order_by(NodeVersion.id),
            NodeVersion.to_dict,
        ),
        (
            "profiles",
            select(UserProfile).where(UserProfile.user_id == user_id).order_by(UserProfile.id),
            UserProfile.to_dict,
        ),
        ("drafts", select(Draft).where(Draft.user_id == user_id).order_by(Draft.id), Draft.to_dict),
        (
            "jobs",
            select(Job).where(Job.user_id == user_id).order_by(Job.created_at, Job.id),
            lambda job: job_json(job, user, outputs=False),
        ),
    ]


def account_json(user: User) -> Iterator[str]:
    """Chunks of `{"format", "version", "exported_at", "user", "nodes": [...], ...}`."""
    head = {
        "format": "write-or-perish-export",
        "version": 1,
        "exported_at": iso(utcnow()),
        "user": user.to_dict(private=True),
        "preferences": user.preferences(),
    }
    yield json.dumps(head)[:-1]  # leave the object open for the lists
    for key, query, to_json in sections(user):
        yield f', "{key}": ['
        chunk, first = [], True
        for row in db.session.scalars(query.execution_options(yield_per=BATCH)):
            chunk.append(json.dumps(to_json(row)))
            if len(chunk) == BATCH:
                yield ("" if first else ",") + ",".join(chunk)
                chunk, first = [], False
        if chunk:
            yield ("" if first else ",") + ",".join(chunk)
        yield "]"
    yield "}\n"
