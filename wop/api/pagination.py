"""Paging arguments, parsed and bounded in one place.

Sizes (`per_page`, `limit`) are clamped to what an endpoint allows; positions (`page`,
`offset`) must be whole numbers no larger than MAX_PAGE / MAX_OFFSET. A huge number is a clear
400, never an overflow in the database.
"""
from flask import request

from .errors import ApiError
from .validation import MAX_ID

MAX_PAGE = 1_000_000
MAX_OFFSET = 1_000_000_000
PAGING_ARGS = {"page": MAX_PAGE, "offset": MAX_OFFSET, "per_page": None, "limit": None}


def _whole(name: str, default: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw) if raw.isascii() else None  # int() also reads other scripts' digits
    except ValueError:
        value = None
    if value is None:
        raise ApiError(400, f"{name} must be a whole number, not '{raw[:40]}'.")
    most = PAGING_ARGS[name] or MAX_ID
    if abs(value) > most:
        raise ApiError(400, f"{name} must be a whole number of at most {most:,}.")
    return value


def check_paging_args() -> None:
    """Runs before every API request: a bad page/per_page/limit/offset is a 400 wherever it is sent."""
    if request.path.startswith("/api/"):
        for name in PAGING_ARGS:
            if name in request.args:
                _whole(name, 0)


def page_args(default: int = 20, most: int = 100) -> tuple[int, int]:
    """?page= (from 1) and ?per_page= as (limit, offset)."""
    page = max(_whole("page", 1), 1)
    per_page = min(max(_whole("per_page", default), 1), most)
    return per_page, (page - 1) * per_page


def limit_offset_args(default: int = 50, most: int = 200) -> tuple[int, int]:
    """?limit= and ?offset= as (limit, offset)."""
    return min(max(_whole("limit", default), 1), most), max(_whole("offset", 0), 0)
