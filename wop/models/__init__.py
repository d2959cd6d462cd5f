"""The data model. Import models from here."""
from .job import Job, JobStatus
from .node import Node, NodeVersion, ReplySource, TokenCredit
from .user import ApiToken, User, UserProfile, UserSession

__all__ = ["ApiToken", "Job", "JobStatus", "Node", "NodeVersion", "ReplySource", "TokenCredit", "User", "UserProfile", "UserSession"]
