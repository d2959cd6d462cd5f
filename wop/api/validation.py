"""Input checks shared by every endpoint: JSON bodies, request bodies as pydantic models, ids.

A bad field gets 422 naming the field; a body that is not a JSON object gets 400. Numbers a
database column cannot hold never reach it: ids in paths answer 404, in bodies 422.
"""
from functools import wraps
from typing import Annotated, Any

from flask import Request, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.routing import IntegerConverter

from .errors import ApiError

# The largest value of an Integer column, as every id here is: PostgreSQL's `integer` is 32-bit
# (and compares a larger number by raising an error); SQLite's holds 64 bits.
MAX_ID = 2**31 - 1

# A database id in a request body: `parent_id: Id | None = None`.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id (a whole number from 1)")]


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: an id above MAX_ID cannot exist, so its URL matches nothing (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class JsonRequest(Request):
    """Deeply nested JSON overflows Python's parser (RecursionError, not ValueError): a 400."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise ApiError(400, "The JSON body is nested too deeply.") from None


def require_object_body() -> None:
    """Every JSON body this API takes is an object; reject others before any view reads them."""
    if request.is_json and (request.content_length or request.data):
        data = request.get_json(silent=True)
        if data is not None and not isinstance(data, dict):
            raise ApiError(400, "The request body must be a JSON object.")


def reject_nul_in_url() -> None:
    """PostgreSQL text cannot hold the NUL character: refuse it in paths and query strings."""
    if "\x00" in request.path or any("\x00" in v for values in request.args.listvalues() for v in values):
        raise ApiError(400, "Remove the NUL character (%00) from the address.")


def _unstorable(value: Any, path: tuple = ()) -> tuple[tuple, str] | None:
    """(path, problem) of the first value in `value` that no database column can hold, else None:
    an integer beyond an Integer column, or text with the NUL character (PostgreSQL refuses it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
        return path, f"must be at most {MAX_ID}"
    if isinstance(value, str) and "\x00" in value:
        return path, "must not contain the NUL character (\\u0000)"
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _unstorable(item, path + (key,))
        if found is not None:
            return found
    return None


def _invalid(fields: dict[str, str]) -> ApiError:
    summary = "; ".join(f"{name}: {msg}" for name, msg in fields.items())
    return ApiError(422, f"Invalid request: {summary}", fields=fields)


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
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise _invalid({".".join(str(p) for p in e["loc"]) or "body": e["msg"] for e in exc.errors()})
    # Checked after validation, since "99999999999999999999" (a string) also becomes an int.
    found = _unstorable(parsed.model_dump())
    if found is not None:
        path, problem = found
        raise _invalid({".".join(str(p) for p in path) or "body": problem})
    return parsed


def body(model: type[BaseModel]):
    """Validate the JSON body into `model` and pass it as the `body` keyword."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, body=parse_body(model), **kwargs)

        wrapper.body_model = model
        return wrapper

    return decorator
