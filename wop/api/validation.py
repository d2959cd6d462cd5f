"""Request bodies are pydantic models; a bad field gets 422 naming the field."""
from functools import wraps

from flask import request
from pydantic import BaseModel, ValidationError

from .errors import ApiError


def parse_body(model: type[BaseModel]) -> BaseModel:
    data = request.get_json(silent=True)
    if data is None:
        if request.content_length in (None, 0) and not request.data:
            data = {}
        else:
            raise ApiError(400, "Send a JSON object body with Content-Type: application/json.")
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = {".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()}
        summary = "; ".join(f"{name}: {msg}" for name, msg in fields.items())
        raise ApiError(422, f"Invalid request: {summary}", fields=fields)


def body(model: type[BaseModel]):
    """Validate the JSON body into `model` and pass it as the `body` keyword."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, body=parse_body(model), **kwargs)

        wrapper.body_model = model
        return wrapper

    return decorator
