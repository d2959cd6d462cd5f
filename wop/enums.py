"""The states and types the domain names, as enums: one home, importable from anywhere (it
imports nothing), so no status or type is ever a bare string literal."""

from enum import StrEnum


class JobStatus(StrEnum):
    """Where a job is. Only wop.jobs moves a job from one status to the next:

    pending ──► processing ──► completed
       │  ▲          ├───────► failed
       │  └──────────┤         (back to pending: a transient failure is retried later,
       ▼             ▼          or the worker running it died)
    cancelled ◄──────┘
    """

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.PENDING, JobStatus.PROCESSING)
FINISHED_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class NodeType(StrEnum):
    """A person's entry, an AI model's reply, or a link to another entry."""

    USER = "user"
    LLM = "llm"
    LINK = "link"


class Privacy(StrEnum):
    """Who may read an entry: its author only, or everyone."""

    PRIVATE = "private"
    PUBLIC = "public"


class RecordingStatus(StrEnum):
    """Where a chunked recording is (wop/recordings.py):

    open ──► finishing ──► finished      (finish was asked: its entry exists, its job runs)
     │          │  ▲
     │          ▼  │ finish again
     │        failed                     (shown while the finish job failed or was cancelled)
     ▼          │
    discarded ◄─┘

    `failed` is never stored: it is a finishing recording whose latest finish job ended
    without completing.
    """

    OPEN = "open"
    FINISHING = "finishing"
    FINISHED = "finished"
    FAILED = "failed"
    DISCARDED = "discarded"


class PieceStatus(StrEnum):
    """A piece of a recording's transcript: waiting for its text, transcribed, or given up on
    (the transcript then shows a marker in its place)."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
