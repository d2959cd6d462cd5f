"""The entry a job works on, loaded when the job runs and checked for the person who asked.

Access is decided at run time, not when the job was requested: between the two the entry may
have been deleted or made private, and a job must then read nothing of it.
"""

from ..access import can_read
from ..errors import JobFailed
from ..extensions import db
from ..jobs import JobCancelled, JobRun
from ..jobs.run import ENTRY_GONE
from ..models import Node, User


def entry_for(run: JobRun) -> Node:
    """The job's node if the job's owner may read it now. A deleted entry cancels the job; one
    the owner may no longer read fails it, in the words the API uses for an unreadable entry."""
    node = db.session.get(Node, run.node_id) if run.node_id is not None else None
    if node is None or node.deleted_at is not None:
        raise JobCancelled(ENTRY_GONE)
    if not can_read(node, db.session.get(User, run.user_id)):
        raise JobFailed(f"Node {run.node_id} was not found.")
    return node
