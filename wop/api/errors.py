"""One error shape for the whole API: {"error": "<message a person can act on>"}."""
from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


MESSAGES = {
    404: "Not found.",
    405: "This method is not allowed here.",
    413: "The upload is too large.",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(err: ApiError):
        return jsonify(error=err.message, **err.extra), err.status

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        message = MESSAGES.get(err.code) or err.description or err.name
        if err.code == 413:
            limit = app.config["MAX_UPLOAD_MB"]
            message = f"The upload is larger than the {limit} MB limit (MAX_UPLOAD_MB)."
        return jsonify(error=message), err.code

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return jsonify(error="Something went wrong on our side. Nothing you sent was lost; try again."), 500
