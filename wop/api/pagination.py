from flask import request

from .errors import ApiError


def page_args(default: int = 20, most: int = 100) -> tuple[int, int]:
    """?page= (from 1) and ?per_page= as (limit, offset)."""
    try:
        page = max(int(request.args.get("page", 1)), 1)
        per_page = min(max(int(request.args.get("per_page", default)), 1), most)
    except ValueError:
        raise ApiError(400, "page and per_page must be whole numbers.")
    return per_page, (page - 1) * per_page
