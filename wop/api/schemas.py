"""What the main endpoints answer, as JSON Schema for the OpenAPI document (wop/api/openapi.py).

Mapped by endpoint name, so the views stay as they are. Objects allow additional properties:
a new field never breaks a client or the schema checks in tests/test_api_fuzz.py. Errors
are always {"error": "<message>", "code": "<machine readable>"} (validation errors add `fields`);
lists are always the envelope {items, page, per_page, has_more} (wop/api/pagination.py).
"""

from typing import Any

from pydantic import BaseModel

from ..models import JobStatus, Privacy


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": True}


def nullable(type_: str, **extra: Any) -> dict[str, Any]:
    return {"type": [type_, "null"], **extra}


def array_of(item: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": item}


ID = {"type": "integer", "minimum": 1}
TIME = nullable("string", description="ISO 8601, UTC")
STATUS = {"type": "string", "enum": [s.value for s in JobStatus]}
PRIVACY = {"type": "string", "enum": [p.value for p in Privacy]}


def page_of(item: dict[str, Any]) -> dict[str, Any]:
    return obj(
        ["items", "page", "per_page", "has_more"],
        items=array_of(item),
        page={"type": "integer", "minimum": 1},
        per_page={"type": "integer", "minimum": 1},
        has_more={"type": "boolean"},
    )


COMPONENTS = {
    "Error": obj(
        ["error", "code"],
        error={"type": "string", "minLength": 1},
        code={"type": "string", "minLength": 1},
        fields={"type": "object", "additionalProperties": {"type": "string"}},
    ),
    "User": obj(
        ["id", "username"],
        id=ID,
        username={"type": "string"},
        description=nullable("string"),
        is_bot={"type": "boolean"},
        created_at=TIME,
        email=nullable("string"),
        is_admin={"type": "boolean"},
        approved={"type": "boolean"},
        accepted_terms_at=TIME,
    ),
    "Node": obj(
        ["id", "user_id", "node_type", "privacy", "content", "deleted"],
        id=ID,
        user_id=ID,
        author=nullable("string"),
        parent_id=nullable("integer"),
        linked_node_id=nullable("integer"),
        node_type={"type": "string"},
        llm_model=nullable("string"),
        privacy=PRIVACY,
        content={"type": "string"},
        deleted={"type": "boolean"},
        token_count=nullable("integer"),
        audio_original_url=nullable("string"),
        audio_mime_type=nullable("string"),
        tts_url=nullable("string"),
        created_at=TIME,
        updated_at=TIME,
    ),
    "NodePreview": obj(
        ["id", "node_type", "privacy", "preview"],
        id=ID,
        author=nullable("string"),
        node_type={"type": "string"},
        privacy=PRIVACY,
        preview={"type": "string"},
        deleted={"type": "boolean"},
        child_count={"type": "integer", "minimum": 0},
        descendant_count={"type": "integer", "minimum": 0},
        created_at=TIME,
    ),
    "HiddenNode": obj(["id", "hidden"], id=ID, hidden={"const": True}),
    "Job": obj(
        ["task_id", "kind", "status", "progress"],
        task_id={"type": "string"},
        kind={"type": "string"},
        status=STATUS,
        progress={"type": "integer", "minimum": 0, "maximum": 100},
        stage=nullable("string"),
        error=nullable("string"),
        attempts={"type": "integer", "minimum": 0},
        max_attempts={"type": "integer"},
        node_id=nullable("integer"),
        retry_of=nullable("string"),
        cancel_requested={"type": "boolean"},
        created_at=TIME,
        started_at=TIME,
        finished_at=TIME,
    ),
    "JobStarted": obj(["task_id", "status"], task_id={"type": "string"}, status=STATUS),
    "Version": obj(
        ["id", "node_id", "content", "reason"],
        id=ID,
        node_id=ID,
        content={"type": "string"},
        reason={"type": "string"},
        created_at=TIME,
    ),
    "Profile": obj(
        ["id", "content", "generated_by"],
        id=ID,
        content={"type": "string"},
        generated_by={"type": "string"},
        tokens_used={"type": "integer"},
        created_at=TIME,
    ),
    "Token": obj(
        ["id", "revoked"],
        id=ID,
        name=nullable("string"),
        created_at=TIME,
        last_used_at=TIME,
        revoked={"type": "boolean"},
    ),
}
COMPONENTS["NodeDetail"] = {
    "allOf": [
        ref("Node"),
        obj(
            ["ancestors", "children"],
            ancestors=array_of({"anyOf": [ref("NodePreview"), ref("HiddenNode")]}),
            children=array_of(ref("NodePreview")),
            linked_node=ref("NodePreview"),
        ),
    ]
}

USER = obj(["user"], user=ref("User"))
SESSION = obj(["user", "csrf_token"], user=ref("User"), csrf_token={"type": "string"})
DASHBOARD = obj(
    ["user", "entries"],
    user=ref("User"),
    entries=page_of(ref("NodePreview")),
    tokens_today={"type": "integer"},
    tokens_all_time={"type": "integer"},
)
READY = obj(["status"], status={"enum": ["ready", "unavailable"]}, checks={"type": "object"}, queues={"type": "object"})
NODE_JOB = obj(["task_id", "status", "node_id"], task_id={"type": "string"}, status=STATUS, node_id=ID)

# Endpoint -> {status code: schema} of its successful answers; every error is an Error.
RESPONSES: dict[str, dict[str, dict[str, Any]]] = {
    "auth.signup": {"201": SESSION},
    "auth.login": {"200": SESSION},
    "auth.create_token": {"200": obj(["token", "user"], token={"type": "string"}, user=ref("User"))},
    "auth.list_tokens": {"200": page_of(ref("Token"))},
    "auth.me": {"200": USER},
    "auth.csrf_token": {"200": obj(["csrf_token"], csrf_token={"type": "string"})},
    "auth.change_password": {"200": SESSION},
    "auth.list_sessions": {"200": page_of(obj(["id"], id=ID))},
    "nodes.create_node": {"201": ref("NodeDetail")},
    "nodes.get_node": {"200": ref("NodeDetail")},
    "nodes.update_node": {"200": ref("NodeDetail")},
    "nodes.link_node": {"201": ref("NodeDetail")},
    "nodes.list_versions": {"200": page_of(ref("Version"))},
    "nodes.request_llm_reply": {"202": NODE_JOB},
    "nodes.llm_status": {"200": ref("Job")},
    "voice.transcribe_again": {"202": NODE_JOB},
    "voice.transcription_status": {"200": ref("Job")},
    "read_aloud.request_tts": {
        "200": obj(["tts_url", "node_id"], tts_url={"type": "string"}, node_id=ID),
        "202": NODE_JOB,
    },
    "read_aloud.tts_status": {"200": ref("Job")},
    "jobs.get_job": {"200": ref("Job")},
    "jobs.list_jobs": {"200": page_of(ref("Job"))},
    "jobs.cancel_job": {"200": ref("Job"), "202": ref("Job")},
    "jobs.retry_job": {
        "202": obj(
            ["task_id", "status", "retry_of"], task_id={"type": "string"}, status=STATUS, retry_of={"type": "string"}
        )
    },
    "dashboard.own_dashboard": {"200": DASHBOARD},
    "dashboard.user_dashboard": {"200": DASHBOARD},
    "dashboard.update_user": {"200": USER},
    "dashboard.accept_terms": {"200": USER},
    "feed.feed": {"200": page_of(ref("NodePreview"))},
    "account.get_profile": {"200": ref("Profile")},
    "account.put_profile": {"200": ref("Profile")},
    "account.delete_my_data": {"200": obj(["deleted"], deleted={"type": "object"})},
    "exports.export_threads": {"202": ref("JobStarted")},
    "exports.generate_profile": {"202": ref("JobStarted")},
    "exports.profile_status": {"200": ref("Job")},
    "exports.latest_profile_status": {"200": ref("Job")},
    "admin.list_users": {"200": page_of(ref("User"))},
    "admin.list_all_jobs": {"200": page_of(ref("Job"))},
    "health.health": {"200": obj(["status"], status={"const": "ok"})},
    "site.site_config": {
        "200": obj(
            ["default_privacy", "require_approval", "max_upload_mb"],
            default_privacy=PRIVACY,
            require_approval={"type": "boolean"},
            max_upload_mb={"type": "integer"},
            max_audio_minutes={"type": "integer"},
            tts_max_chars={"type": "integer"},
        )
    },
    "health.ready": {"200": READY, "503": READY},
}

PAGE = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
]
JOB_FILTERS = [
    {"name": "status", "in": "query", "schema": STATUS},
    {"name": "kind", "in": "query", "schema": {"type": "string"}},
]
# Endpoint -> its query parameters.
QUERY: dict[str, list[dict[str, Any]]] = {
    "feed.feed": PAGE,
    "dashboard.own_dashboard": PAGE,
    "dashboard.user_dashboard": PAGE,
    "admin.list_users": PAGE,
    "admin.list_all_jobs": PAGE + JOB_FILTERS,
    "jobs.list_jobs": PAGE + JOB_FILTERS,
    "auth.list_tokens": PAGE,
    "auth.list_sessions": PAGE,
    "nodes.list_versions": PAGE,
    "events.event_stream": [
        {
            "name": "last_event_id",
            "in": "query",
            "description": "replay after this event id",
            "schema": {"type": "string", "pattern": "^[0-9]{1,20}-[0-9]{1,20}$"},
        }
    ],
}


def request_bodies() -> dict[str, type[BaseModel]]:
    """Endpoint -> the pydantic model of a JSON body read without the @body decorator."""
    from .nodes import NodeCreate

    return {"nodes.create_node": NodeCreate}
