"""What can go wrong, in the domain's own words.

Code outside `wop/api` (the job engine, access checks, security, account deletion) raises
these; the API layer maps each to an HTTP status in one place (`wop/api/errors.py`). Every
error carries a message a person can act on and a machine-readable `code`, so clients never
match message text.

`JobFailed` is the job engine's own failure: a job that cannot finish says why, for the writer
(`message`) and for the administrators (`detail`); a `transient` one is tried again later.
"""


class DomainError(Exception):
    """A request that cannot be done as asked. `extra` goes into the error answer as is."""

    code = "error"

    def __init__(self, message: str, *, code: str | None = None, **extra: object):
        super().__init__(message)
        self.message = message
        self.extra = extra
        if code is not None:
            self.code = code


class BadRequest(DomainError):
    code = "bad_request"


class NotLoggedIn(DomainError):
    code = "not_logged_in"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Gone(DomainError):
    code = "gone"


class TooLarge(DomainError):
    code = "too_large"


class UnsupportedMedia(DomainError):
    code = "unsupported_media_type"


class InvalidFields(DomainError):
    """Some fields of a request are invalid; `fields` maps each to what is wrong with it."""

    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        summary = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
        super().__init__(message or f"Invalid request: {summary}", fields=fields)


class TooManyRequests(DomainError):
    code = "too_many_requests"


class Unavailable(DomainError):
    code = "unavailable"


class JobFailed(Exception):
    """A job that cannot finish. `message` is for the person who asked (what happened, what to
    do); `detail` is for administrators (which setting, what a vendor said). A `transient`
    failure (a rate limit, a timeout) is retried with backoff until the job's attempts run out."""

    transient = False

    def __init__(self, message: str, detail: str | None = None, transient: bool | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail or message
        if transient is not None:
            self.transient = transient
