"""The writing tree: nodes, their versions, links, and the AI jobs that hang off a node."""
from flask import Blueprint, current_app, jsonify, request
from pydantic import BaseModel, Field
from sqlalchemy import select

from ..access import can_delete, can_read, kept_from_ai, readable_node
from ..extensions import db
from ..jobs import job_status, submit
from ..models import Job, Node, NodeVersion
from ..models.base import utcnow
from ..models.node import previews
from ..security import current_user, login_required
from ..tokens import count_tokens
from .errors import ApiError
from .model_choice import usable_model_id
from .validation import body, parse_body

bp = Blueprint("nodes", __name__, url_prefix="/api/nodes")
MAX_CONTENT_CHARS = 200_000


class NodeCreate(BaseModel):
    content: str = Field(min_length=1, max_length=MAX_CONTENT_CHARS)
    parent_id: int | None = None
    privacy: str | None = Field(default=None, pattern="^(private|public)$")
    ai_excluded: bool = Field(default=False, description="keep this entry away from every AI provider")


class NodeUpdate(BaseModel):
    content: str | None = Field(default=None, min_length=1, max_length=MAX_CONTENT_CHARS)
    privacy: str | None = Field(default=None, pattern="^(private|public)$")
    ai_excluded: bool | None = Field(default=None, description="keep this entry away from every AI provider")


class LinkBody(BaseModel):
    node_id: int = Field(description="the existing node to link under this one")


class LlmBody(BaseModel):
    model: str | None = Field(default=None, max_length=100)


def node_detail(node: Node) -> dict:
    user = current_user()
    data = node.to_dict()
    ancestors = node.ancestors()
    children = db.session.scalars(
        select(Node).where(Node.parent_id == node.id).order_by(Node.created_at, Node.id)).all()
    linked = [node.linked_node] if node.linked_node is not None else []
    readable = [n for n in ancestors + children + linked if can_read(n, user)]
    shown = dict(zip((n.id for n in readable), previews(readable, user)))  # one count query for all
    data["ancestors"] = [shown.get(a.id, {"id": a.id, "hidden": True}) for a in ancestors]
    data["children"] = [shown[c.id] for c in children if c.id in shown]
    if linked and linked[0].id in shown:
        data["linked_node"] = shown[linked[0].id]
    return data


def new_node(parent_id: int | None, privacy: str | None, **fields) -> Node:
    user = current_user()
    parent = readable_node(parent_id, user) if parent_id is not None else None
    node = Node(
        user_id=user.id, parent_id=parent.id if parent else None,
        privacy=privacy or (parent.privacy if parent else current_app.config["DEFAULT_PRIVACY"]), **fields,
    )
    node.token_count = count_tokens(node.content)
    db.session.add(node)
    return node


@bp.post("/")
@login_required
def create_node():
    """Create an entry: JSON {content, parent_id?, privacy?, ai_excluded?}, or multipart with an `audio_file`."""
    if request.mimetype == "multipart/form-data":
        from .voice import create_voice_node

        return create_voice_node()
    data = parse_body(NodeCreate)
    node = new_node(data.parent_id, data.privacy, content=data.content, ai_excluded=data.ai_excluded)
    db.session.commit()
    return jsonify(node_detail(node)), 201


@bp.get("/<int:node_id>")
@login_required
def get_node(node_id: int):
    """A node with its ancestors (root first) and children (previews with counts); 410 once deleted."""
    return jsonify(node_detail(readable_node(node_id, current_user(), deleted_status=410)))


@bp.put("/<int:node_id>")
@login_required
@body(NodeUpdate)
def update_node(node_id: int, body: NodeUpdate):
    """Edit an entry's text, privacy or `ai_excluded`; the old text is kept as a version."""
    node = readable_node(node_id, current_user())
    if node.user_id != current_user().id:
        raise ApiError(403, "Only the author can edit this entry.")
    if body.content is not None and body.content != node.content:
        node.save_version("edit")
        node.content = body.content
        node.token_count = count_tokens(node.content)
    if body.privacy is not None:
        node.privacy = body.privacy
    if body.ai_excluded is not None:
        node.ai_excluded = body.ai_excluded
    db.session.commit()
    return jsonify(node_detail(node))


@bp.delete("/<int:node_id>")
@login_required
def delete_node(node_id: int):
    """Delete an entry. Its text is kept as a version; replies under it stay reachable."""
    node = readable_node(node_id, current_user())
    if not can_delete(node, current_user()):
        raise ApiError(403, "Only the author can delete this entry.")
    node.save_version("delete")
    node.deleted_at = utcnow()
    db.session.commit()
    return "", 204


@bp.get("/<int:node_id>/versions")
@login_required
def list_versions(node_id: int):
    """Earlier texts of an entry (its author only)."""
    node = readable_node(node_id, current_user())
    if node.user_id != current_user().id:
        raise ApiError(403, "Only the author can see earlier versions.")
    rows = db.session.scalars(select(NodeVersion).where(NodeVersion.node_id == node.id).order_by(NodeVersion.id))
    return jsonify(versions=[v.to_dict() for v in rows])


@bp.post("/<int:node_id>/link")
@login_required
@body(LinkBody)
def link_node(node_id: int, body: LinkBody):
    """Link an existing node as a child of this one."""
    parent = readable_node(node_id, current_user())
    target = readable_node(body.node_id, current_user())
    node = new_node(parent.id, None, node_type="link", linked_node_id=target.id, content="")
    db.session.commit()
    return jsonify(node_detail(node)), 201


@bp.post("/<int:node_id>/llm")
@login_required
@body(LlmBody)
def request_llm_reply(node_id: int, body: LlmBody):
    """Ask an AI model to reply to this entry (a background job)."""
    user = current_user()
    node = readable_node(node_id, user)
    if kept_from_ai(node):
        raise ApiError(409, "This entry is kept away from AI; allow AI on it (ai_excluded: false) "
                            "to ask for an AI reply.")
    model_id = usable_model_id(body.model)
    # One active job per person, entry and model: what is sent depends on who asked.
    job, created = submit("llm_reply", user.id, node_id=node.id, params={"model": model_id},
                          dedupe_key=f"llm_reply:{node.id}:{model_id}")
    return jsonify(task_id=job.id, status=job_status(job, created), node_id=node.id, model=model_id), 202


def latest_job_status(node: Node, kind: str) -> tuple[Job, dict]:
    """The caller's own latest job of this kind for the node, as JSON. Only one's own, administrators
    included: the job's result leads to the entry's text."""
    user = current_user()
    query = select(Job).where(Job.node_id == node.id, Job.kind == kind, Job.user_id == user.id)
    job = db.session.scalar(query.order_by(Job.created_at.desc()).limit(1))
    if job is None:
        raise ApiError(404, f"No {kind.replace('_', ' ')} task exists for this entry.")
    return job, job.to_dict(admin=user.is_admin)


@bp.get("/<int:node_id>/llm-status")
@login_required
def llm_status(node_id: int):
    """The latest AI reply job for this node; with the reply once completed."""
    job, data = latest_job_status(readable_node(node_id, current_user()), "llm_reply")
    if job.status == "completed" and job.result:
        reply = db.session.get(Node, job.result["llm_node_id"])
        data["llm_node_id"] = job.result["llm_node_id"]
        data["node"] = reply.to_dict() if reply is not None and can_read(reply, current_user()) else None
    return jsonify(data)
