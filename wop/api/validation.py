"""Input checks shared by every endpoint: JSON bodies, request bodies as pydantic models, ids.

A bad field gets 422 naming the field; a body that is not a JSON object gets 400. Numbers a
database column cannot hold never reach it: ids in paths answer 404, in bodies 422.
"""

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Annotated, Any, Protocol, TypeVar, cast

from flask import Request, request
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails
from werkzeug.routing import IntegerConverter

from ..errors import BadRequest, InvalidFields

# The largest value of an Integer column, as every id here is: PostgreSQL's `integer` is 32-bit
# (and compares a larger number by raising an error); SQLite's holds 64 bits.
MAX_ID = 2**31 - 1

# A database id in a request body: `parent_id: Id | None = None`.
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="an id (a whole number from 1)")]


def whole_numbers_up_to(most: int) -> str:
    """A regular expression for the whole numbers 1 … `most` (no leading zeros)."""
    digits = str(most)
    shorter = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same_length = []
    for i, d in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(d) > low:
            rest = len(digits) - i - 1
            same_length.append(f"{digits[:i]}[{low}-{int(d) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    return "(?:" + "|".join(shorter + same_length + [digits]) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: an id above MAX_ID cannot exist, so its URL matches no route and is
    a 404 for every method. (The regular expression itself stops at MAX_ID: a converter that
    refused a matched number would leave the router answering 405 for other methods.)"""

    regex = whole_numbers_up_to(MAX_ID)


class JsonRequest(Request):
    """Deeply nested JSON overflows Python's parser (RecursionError, not ValueError): a 400."""

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            raise BadRequest("The JSON body is nested too deeply.") from None


def require_object_body() -> None:
    """Every JSON body this API takes is an object; reject others before any view reads them."""
    if request.is_json and (request.content_length or request.data):
        data = request.get_json(silent=True)
        if data is not None and not isinstance(data, dict):
            raise BadRequest("The request body must be a JSON object.")


def reject_nul_in_url() -> None:
    """PostgreSQL text cannot hold the NUL character: refuse it in paths and query strings."""
    if "\x00" in request.path or any("\x00" in v for values in request.args.listvalues() for v in values):
        raise BadRequest("Remove the NUL character (%00) from the address.")


def _unstorable(value: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], str] | None:
    """(path, problem) of the first value in `value` that no database column can hold, else None:
    an integer beyond an Integer column, or text with the NUL character (PostgreSQL refuses it)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID:
        return path, f"must be at most {MAX_ID}"
    if isinstance(value, str) and "\x00" in value:
        return path, "must not contain the NUL character (\\u0000)"
    items: Iterable[tuple[Any, Any]]
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _unstorable(item, (*path, key))
        if found is not None:
            return found
    return None


M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)


def parse_body(model: type[M]) -> M:
    """The JSON body, validated into `model`."""
    data = request.get_json(silent=True)
    if data is None:
        if request.content_length in (None, 0) and not request.data:
            data = {}
        else:
            raise BadRequest("Send a JSON object body with Content-Type: application/json.")
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return validate(model, data)


def parse_form(model: type[M]) -> M:
    """The text fields of a form (multipart) body, validated into `model` like a JSON body;
    an empty field counts as not sent."""
    return validate(model, {k: v for k, v in request.form.items() if v.strip()})


def plain_message(error: ErrorDetails) -> str:
    """What is wrong with a field, in words a person can act on ("Use at least 8 characters.")
    rather than pydantic's ("String should have at least 8 characters")."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "This is required."
    if kind == "string_too_short":
        return "Write something here." if ctx["min_length"] == 1 else f"Use at least {ctx['min_length']:,} characters."
    if kind == "string_too_long":
        return f"Use at most {ctx['max_length']:,} characters."
    if kind in ("bool_type", "bool_parsing"):
        return "Use true or false."
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "Use a whole number."
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return error["msg"].replace("Input should be", "Use a number")
    if kind in ("enum", "literal_error"):
        return f"Use {ctx['expected']}."
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == "^(private|public)$":
        return "Use 'private' or 'public'."
    if kind == "string_type":
        return "Use text."
    if kind == "value_error":
        if "reason" in ctx:  # an e-mail address
            return f"Use a valid e-mail address: {ctx['reason']}"
        text = str(ctx.get("error", error["msg"]))
        return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
    return error["msg"]


def validate(model: type[M], data: dict[str, Any]) -> M:
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        raise InvalidFields(
            {".".join(str(p) for p in e["loc"]) or "body": plain_message(e) for e in exc.errors()}
        ) from None
    # Checked after validation, since "99999999999999999999" (a string) also becomes an int.
    found = _unstorable(parsed.model_dump())
    if found is not None:
        path, problem = found
        raise InvalidFields({".".join(str(p) for p in path) or "body": problem})
    return parsed


class BodyView(Protocol[R_co]):
    """A view that `body` wraps: it carries its model, which the OpenAPI document reads."""

    body_model: type[BaseModel]

    def __call__(self, *args: Any, **kwargs: Any) -> R_co: ...


def body(model: type[BaseModel]) -> Callable[[Callable[..., R]], BodyView[R]]:
    """Validate the JSON body into `model` and pass it as the `body` keyword."""

    def decorator(view: Callable[..., R]) -> BodyView[R]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> R:
            return view(*args, body=parse_body(model), **kwargs)

        with_body = cast(BodyView[R], wrapper)
        with_body.body_model = model
        return with_body

    return decorator
