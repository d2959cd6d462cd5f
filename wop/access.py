"""Who may see or change what. One place, used by every endpoint."""
from .api.errors import ApiError
from .extensions import db
from .models import Job, Node, User


def can_read(node: Node, user: User | None) -> bool:
    if node.deleted_at is not None:
        return False
    if user is not None and (user.is_admin or node.user_id == user.id):
        return True
    if node.node_type == "llm" and node.parent is not None:
        # An AI reply belongs to the thread it answers.
        return node.privacy == "public" or can_read(node.parent, user)
    return node.privacy == "public"


def can_delete(node: Node, user: User) -> bool:
    if user.is_admin or node.user_id == user.id:
        return True
    return node.node_type == "llm" and node.parent is not None and node.parent.user_id == user.id


def readable_node(node_id: int, user: User | None) -> Node:
    node = db.session.get(Node, node_id)
    if node is None or not can_read(node, user):
        raise ApiError(404, f"Node {node_id} was not found.")
    return node


def own_job(task_id: str, user: User) -> Job:
    """A job the caller owns (or any job, for an admin). Others' jobs look absent."""
    job = db.session.get(Job, task_id)
    if job is None or (job.user_id != user.id and not user.is_admin):
        raise ApiError(404, "No such task.")
    return job
