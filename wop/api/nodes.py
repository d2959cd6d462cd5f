"""The writing tree: nodes, their versions, links, and the AI jobs that hang off a node."""

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..access import can_delete, kept_from_ai, readable_node, require_author
from ..errors import Conflict, Forbidden, NotFound
from ..extensions import db
from ..jobs import job_status, submit
from ..jobs.view import job_json, latest_job
from ..models import NodeType, NodeVersion
from ..models.base import utcnow
from ..models.draft import edit_place, writing_place
from ..security import current_user, logged_in_user, login_optional, login_required
from ..thread_queries import reply_previews
from ..threads import CHILDREN_SHOWN, MAX_CHILDREN_PAGE
from ..writing import discard_draft, edit_text, new_node, node_detail, restore_version
from .model_choice import usable_model_id
from .pagination import MAX_PAGE, each, paged, whole_arg
from .validation import MAX_ID, body, parse_body
from .voice import create_voice_node

bp = Blueprint("nodes", __name__, url_prefix="/api/nodes")
MAX_CONTENT_CHARS = 200_000


class NodeCreate(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_CONTENT_CHARS)
    parent_id: int | None = None
    privacy: str | None = Field(default=None, pattern="^(private|public)$")
    ai_excluded: bool | None = Field(
        default=None, description="keep this entry away from every AI provider (default: your preference)"
    )


class NodeUpdate(BaseModel):
    content: str | None = Field(default=None, min_length=1, max_length=MAX_CONTENT_CHARS)
    privacy: str | None = Field(default=None, pattern="^(private|public)$")
    ai_excluded: bool | None = Field(default=None, description="keep this entry away from every AI provider")


class LinkBody(BaseModel):
    node_id: int = Field(description="the existing node to link under this one")


class LlmBody(BaseModel):
    model: str | None = Field(default=None, max_length=100)


@bp.post("/")
@login_required
def create_node() -> ResponseReturnValue:
    """Create an entry: JSON {content, parent_id?, privacy?, ai_excluded?}, or multipart with an
    `audio_file`. Saving a text ends the writer's draft for that place (wop/api/drafts.py)."""
    if request.mimetype == "multipart/form-data":
        return create_voice_node()
    data = parse_body(NodeCreate)
    node = new_node(logged_in_user(), data.parent_id, data.privacy, content=data.content, ai_excluded=data.ai_excluded)
    discard_draft(logged_in_user(), writing_place(data.parent_id))
    db.session.commit()
    return jsonify(node_detail(node, logged_in_user())), 201


@bp.get("/<int:node_id>")
@login_optional
def get_node(node_id: int) -> ResponseReturnValue:
    """A node with its ancestors (root first) and children (previews with counts); 410 once deleted.
    Public entries are readable without logging in."""
    return jsonify(node_detail(readable_node(node_id, current_user(), deleted_status=410), current_user()))


@bp.get("/<int:node_id>/children")
@login_optional
def list_children(node_id: int) -> ResponseReturnValue:
    """The entry's replies the caller may read, oldest first, as previews: the `limit` after the
    reply `after` (GET /api/nodes/<id> holds the first ones and the `after` of the rest)."""
    viewer = current_user()
    node = readable_node(node_id, viewer, deleted_status=410)
    limit = min(max(whole_arg("limit", CHILDREN_SHOWN, MAX_PAGE), 1), MAX_CHILDREN_PAGE)
    after = whole_arg("after", 0, MAX_ID) or None
    return jsonify(reply_previews(node, viewer, after, limit))


@bp.put("/<int:node_id>")
@login_required
@body(NodeUpdate)
def update_node(node_id: int, body: NodeUpdate) -> ResponseReturnValue:
    """Edit an entry's text, privacy or `ai_excluded`; the old text is kept as a version."""
    node = require_author(readable_node(node_id, logged_in_user()), logged_in_user(), "edit this entry")
    if body.content is not None:
        edit_text(node, body.content, "edit")
        discard_draft(logged_in_user(), edit_place(node.id))
    if body.privacy is not None:
        node.privacy = body.privacy
    if body.ai_excluded is not None:
        node.ai_excluded = body.ai_excluded
    db.session.commit()
    return jsonify(node_detail(node, logged_in_user()))


@bp.delete("/<int:node_id>")
@login_required
def delete_node(node_id: int) -> ResponseReturnValue:
    """Delete an entry. Its text is kept as a version; replies under it stay reachable."""
    node = readable_node(node_id, logged_in_user())
    if not can_delete(node, logged_in_user()):
        raise Forbidden("Only the author can delete this entry.")
    node.save_version("delete")
    node.deleted_at = utcnow()
    db.session.commit()
    return "", 204


@bp.get("/<int:node_id>/versions")
@login_required
def list_versions(node_id: int) -> ResponseReturnValue:
    """Earlier texts of an entry (its author only)."""
    node = require_author(readable_node(node_id, logged_in_user()), logged_in_user(), "see earlier versions")
    query = select(NodeVersion).where(NodeVersion.node_id == node.id).order_by(NodeVersion.id)
    return jsonify(paged(query, each(NodeVersion.to_dict), default=100, most=500))


@bp.post("/<int:node_id>/versions/<int:version_id>/restore")
@login_required
def restore(node_id: int, version_id: int) -> ResponseReturnValue:
    """Make an earlier text the entry's text again; the current text is kept as a version (author only)."""
    user = logged_in_user()
    node = require_author(readable_node(node_id, user, deleted_status=410), user, "restore an earlier version")
    version = db.session.get(NodeVersion, version_id)
    if version is None or version.node_id != node.id:
        raise NotFound(f"Entry {node.id} has no version {version_id}.")
    restore_version(node, version)
    db.session.commit()
    return jsonify(node_detail(node, user))


@bp.post("/<int:node_id>/link")
@login_required
@body(LinkBody)
def link_node(node_id: int, body: LinkBody) -> ResponseReturnValue:
    """Link an existing node as a child of this one."""
    parent = readable_node(node_id, logged_in_user())
    target = readable_node(body.node_id, logged_in_user())
    node = new_node(logged_in_user(), parent.id, None, node_type=NodeType.LINK, linked_node_id=target.id, content="")
    db.session.commit()
    return jsonify(node_detail(node, logged_in_user())), 201


@bp.post("/<int:node_id>/llm")
@login_required
@body(LlmBody)
def request_llm_reply(node_id: int, body: LlmBody) -> ResponseReturnValue:
    """Ask an AI model to reply to this entry (a background job)."""
    user = logged_in_user()
    node = readable_node(node_id, user)
    if kept_from_ai(node):
        raise Conflict("This entry is kept away from AI; allow AI on it (ai_excluded: false) to ask for an AI reply.")
    model_id = usable_model_id(body.model, user)
    # One active job per person, entry and model: what is sent depends on who asked.
    job, created = submit(
        "llm_reply", user.id, node_id=node.id, params={"model": model_id}, dedupe_key=f"llm_reply:{node.id}:{model_id}"
    )
    return jsonify(task_id=job.id, status=job_status(job, created), node_id=node.id, model=model_id), 202


@bp.get("/<int:node_id>/llm-status")
@login_required
def llm_status(node_id: int) -> ResponseReturnValue:
    """Your latest AI reply job for this entry; once completed its result holds the reply (`node`)."""
    job = latest_job("llm_reply", logged_in_user(), readable_node(node_id, logged_in_user()))
    return jsonify(job_json(job, logged_in_user()))
