"""One error shape for the whole API: {"error": "<message a person can act on>", "code": "<machine
readable>", ...}. Domain errors (wop/errors.py) become HTTP answers here and nowhere else."""

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import (
    BadRequest,
    Conflict,
    DomainError,
    Forbidden,
    Gone,
    InvalidFields,
    NotFound,
    NotLoggedIn,
    TooLarge,
    TooManyRequests,
    Unavailable,
    UnsupportedMedia,
)

STATUS: dict[type[DomainError], int] = {
    BadRequest: 400,
    NotLoggedIn: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Gone: 410,
    TooLarge: 413,
    UnsupportedMedia: 415,
    InvalidFields: 422,
    TooManyRequests: 429,
    Unavailable: 503,
}
# Werkzeug's own errors (no route, wrong method, body over MAX_CONTENT_LENGTH …) in our shape.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
}
MESSAGES = {
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The upload is too large.",
}


def status_of(err: DomainError) -> int:
    return next(code for kind, code in STATUS.items() if isinstance(err, kind))


def error_response(err: DomainError) -> tuple[Response, int]:
    return jsonify(error=err.message, code=err.code, **err.extra), status_of(err)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, error_response)

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException) -> tuple[Response, int]:
        message = MESSAGES.get(err.code or 500) or err.description or err.name
        if err.code == 413:
            limit = app.config["MAX_UPLOAD_MB"]
            message = f"The upload is larger than the {limit} MB limit (MAX_UPLOAD_MB)."
        # Flask hands an HTTPException without a code back as it is, so err.code is set here.
        return jsonify(error=message, code=HTTP_CODES.get(err.code or 500, "error")), err.code or 500

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> tuple[Response, int]:
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return jsonify(
            error="Something went wrong on our side. Nothing you sent was lost; try again.", code="server_error"
        ), 500
