"""The data model. Import models from here."""
from .job import ACTIVE_STATUSES, FINISHED_STATUSES, Job, JobStatus
from .node import Node, NodeType, NodeVersion, Privacy, ReplySource, TokenCredit
from .user import ApiToken, User, UserProfile, UserSession

__all__ = ["ACTIVE_STATUSES", "FINISHED_STATUSES", "ApiToken", "Job", "JobStatus", "Node", "NodeType", "NodeVersion", "Privacy", "ReplySource", "TokenCredit", "User", "UserProfile", "UserSession"]
