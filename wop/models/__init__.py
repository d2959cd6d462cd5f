"""The data model. Import models from here."""

from ..enums import ACTIVE_STATUSES, FINISHED_STATUSES, JobStatus, NodeType, PieceStatus, Privacy, RecordingStatus
from .draft import Draft
from .job import Job
from .node import Node, NodeVersion, ReplySource, TokenCredit
from .recording import Recording, RecordingChunk, RecordingPiece
from .user import ApiToken, User, UserProfile, UserSession

__all__ = [
    "ACTIVE_STATUSES",
    "FINISHED_STATUSES",
    "ApiToken",
    "Draft",
    "Job",
    "JobStatus",
    "Node",
    "NodeType",
    "NodeVersion",
    "PieceStatus",
    "Privacy",
    "Recording",
    "RecordingChunk",
    "RecordingPiece",
    "RecordingStatus",
    "ReplySource",
    "TokenCredit",
    "User",
    "UserProfile",
    "UserSession",
]
