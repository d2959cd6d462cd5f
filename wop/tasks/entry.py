"""The entry a job works on, loaded when the job runs and checked for the person who asked.

Access is decided at run time, not when the job was requested: between the two the entry may
have been deleted or made private, and a job must then read nothing of it.
"""
from ..access import can_read
from ..extensions import db
from ..models import Node, User


def entry_for(run) -> Node | None:
    """The job's node if the job's owner may read it now; otherwise fail the job (with the same
    words the API uses for an entry one may not read) and return None."""
    node = db.session.get(Node, run.node_id) if run.node_id is not None else None
    if node is None or not can_read(node, db.session.get(User, run.user_id)):
        run.fail(f"Node {run.node_id} was not found.")
        return None
    return node
