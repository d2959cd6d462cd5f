"""Lists: one convention for every endpoint that answers a list.

Ask with `?page=` (from 1) and `?per_page=`; the answer is always the envelope
`{"items": [...], "page": 1, "per_page": 20, "has_more": false}`. `per_page` is clamped to what
the endpoint allows; `page` must be a whole number no larger than MAX_PAGE. A huge number is a
clear 400, never an overflow in the database.
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from flask import request
from sqlalchemy import Select

from ..errors import BadRequest
from ..extensions import db

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500
PAGING_ARGS = ("page", "per_page")
T = TypeVar("T")


def whole_arg(name: str, default: int, most: int) -> int:
    """The query argument `name` as a whole number of at most `most` (either sign); 400 otherwise."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if raw.isascii() else None  # int() also reads other scripts' digits
    except ValueError:
        value = None
    if value is None:
        raise BadRequest(f"{name} must be a whole number, not '{raw[:40]}'.")
    if abs(value) > most:
        raise BadRequest(f"{name} must be a whole number of at most {most:,}.")
    return value


def check_paging_args() -> None:
    """Runs before every API request: a bad page or per_page is a 400 wherever it is sent."""
    if request.path.startswith("/api/"):
        whole_arg("page", 1, MAX_PAGE)
        whole_arg("per_page", 1, MAX_PAGE)


def page_args(default: int = 20, most: int = 100) -> tuple[int, int]:
    """(page, per_page) from the query string, bounded."""
    page = max(whole_arg("page", 1, MAX_PAGE), 1)
    per_page = min(max(whole_arg("per_page", default, MAX_PAGE), 1), most)
    return page, per_page


def envelope(items: Sequence[Any], page: int, per_page: int, has_more: bool) -> dict[str, Any]:
    return {"items": list(items), "page": page, "per_page": per_page, "has_more": has_more}


def paged(
    query: Select[T], to_json: Callable[[list[T]], list[dict[str, Any]]], default: int = 20, most: int = 100
) -> dict[str, Any]:
    """One page of `query`'s rows, turned into JSON all at once by `to_json` (so a page can share
    its queries), in the envelope."""
    page, per_page = page_args(default, most)
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    return envelope(to_json(rows[:per_page]), page, per_page, has_more=len(rows) > per_page)


def each(one: Callable[[T], dict[str, Any]]) -> Callable[[list[T]], list[dict[str, Any]]]:
    """`to_json` for `paged` from a function of one row."""
    return lambda rows: [one(row) for row in rows]
