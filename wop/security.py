"""Who is asking: session cookie or bearer token, CSRF for cookie sessions, the approval gate.

A cookie session lives on the server: the signed cookie carries only a random key, and the
session is valid while its `user_session` row exists. Ending a session deletes the row, so a
copied cookie stops working at once.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeGuard, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy import Row, delete, select, update

from .errors import Forbidden, NotLoggedIn
from .extensions import db
from .models import ApiToken, User, UserSession
from .models.base import utcnow

P = ParamSpec("P")
R = TypeVar("R")

_hasher = PasswordHasher()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
LAST_USE_RESOLUTION = timedelta(minutes=1)  # last use is written once a minute at most, not per request
SESSION_KEY = "session_key"
# What an account still waiting for approval may do: read its dashboard and guard its account.
ALLOWED_WHILE_UNAPPROVED = {
    "dashboard.own_dashboard",
    "dashboard.accept_terms",
    "auth.logout",
    "auth.me",
    "auth.logout_everywhere",
    "auth.change_password",
    "auth.list_sessions",
    "auth.end_session",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> TypeGuard[User]:
    """True when `user` exists and `password` is theirs."""
    if user is None or not user.password_hash:
        _hasher.hash(password)  # spend the same time whether or not the user exists
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, name: str | None = None) -> str:
    token = "wop_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=token_digest(token), name=name))
    return token


def login_session(user: User) -> str:
    """Start a new server-side session in a fresh cookie; returns its CSRF token."""
    _forget_cookie_session()  # a browser holds one session: logging in again ends the one it had
    key, now = secrets.token_urlsafe(32), utcnow()
    db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.last_seen_at < now - current_app.permanent_session_lifetime
        )
    )
    row = UserSession(
        user_id=user.id,
        key_hash=token_digest(key),
        created_at=now,
        last_seen_at=now,
        user_agent=request.headers.get("User-Agent", "")[:255] or None,
        ip=request.remote_addr,
    )
    db.session.add(row)
    db.session.commit()
    session[SESSION_KEY] = key
    session.permanent = True
    g.user, g.auth_by_token, g.session_id = user, False, row.id
    return generate_csrf()


def end_current_session() -> None:
    """Log this browser out, on the server as well as in its cookie."""
    _forget_cookie_session()
    db.session.commit()


def _forget_cookie_session() -> None:
    key = session.get(SESSION_KEY)
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == token_digest(key)))
    session.clear()


def end_sessions_and_tokens(user_id: int) -> None:
    """End every session and revoke every API token of the user (the caller commits)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=utcnow())
    )


def current_session_id() -> int | None:
    """The id of the caller's cookie session; None for bearer tokens and anonymous callers."""
    current_user()
    return g.get("session_id")


def _note_use(model: type[ApiToken | UserSession], row_id: int, column: str, last: datetime | None) -> None:
    now = utcnow()
    if last is None or now - last > LAST_USE_RESOLUTION:
        # A statement, not an ORM flush: the row may be deleted meanwhile (logged out elsewhere).
        db.session.execute(update(model).where(model.id == row_id).values({column: now}))
        db.session.commit()


def _live_session(key: str) -> Row[int, int, datetime] | None:
    """(id, user_id) of the session this cookie key opens, or None when it has ended."""
    row = db.session.execute(
        select(UserSession.id, UserSession.user_id, UserSession.last_seen_at).where(
            UserSession.key_hash == token_digest(key)
        )
    ).first()
    if row is None:
        return None
    if utcnow() - row.last_seen_at > current_app.permanent_session_lifetime:
        db.session.execute(delete(UserSession).where(UserSession.id == row.id))  # unused too long
        db.session.commit()
        return None
    _note_use(UserSession, row.id, "last_seen_at", row.last_seen_at)
    return row


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def current_user() -> User | None:
    if "user" in g:
        user: User | None = g.user
        return user
    g.user, g.auth_by_token, g.session_id = None, False, None
    token = _bearer_token()
    if token:
        row = db.session.execute(
            select(ApiToken.id, ApiToken.user_id, ApiToken.last_used_at, ApiToken.revoked_at).where(
                ApiToken.token_hash == token_digest(token)
            )
        ).first()
        if row is not None:
            # Deactivation revokes the tokens too; say why rather than "revoked".
            _refuse_deactivated(db.session.get(User, row.user_id))
        if row is None or row.revoked_at is not None:
            raise NotLoggedIn("This API token is not valid or has been revoked.")
        _note_use(ApiToken, row.id, "last_used_at", row.last_used_at)
        g.user, g.auth_by_token = db.session.get(User, row.user_id), True
    elif session.get(SESSION_KEY):
        live = _live_session(session[SESSION_KEY])
        if live is None:
            session.clear()  # ended elsewhere: let the browser forget the cookie
        else:
            user = db.session.get(User, live.user_id)
            _refuse_deactivated(user)  # its sessions ended at deactivation; this covers a login racing it
            g.user, g.session_id = user, live.id
    return g.user


DEACTIVATED = "This account has been deactivated by an administrator; ask them to reactivate it."


def _refuse_deactivated(user: User | None) -> None:
    if user is not None and not user.active:
        raise Forbidden(DEACTIVATED, code="deactivated")


def check_csrf() -> None:
    """Cookie sessions must echo the CSRF token on unsafe methods; bearer tokens need not."""
    if request.method in SAFE_METHODS or _bearer_token() or not session.get(SESSION_KEY):
        return
    try:
        validate_csrf(request.headers.get("X-CSRF-Token") or request.headers.get("X-CSRFToken"))
    except (CSRFError, Exception):
        raise Forbidden(
            "Missing or invalid CSRF token: send the X-CSRF-Token header (GET /auth/csrf gives it).", code="csrf"
        ) from None


def logged_in_user() -> User:
    """The caller, who must be logged in: what a view behind `login_required` acts for."""
    user = current_user()
    if user is None:
        raise NotLoggedIn("Log in first (session cookie or Authorization: Bearer <token>).")
    return user


def _admit(user: User) -> None:
    """What every logged-in request passes: CSRF, and the approval gate."""
    check_csrf()
    if (
        current_app.config["REQUIRE_APPROVAL"]
        and not user.approved
        and not user.is_admin
        and request.endpoint not in ALLOWED_WHILE_UNAPPROVED
    ):
        raise Forbidden("Your account is waiting for approval by an administrator.")


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        _admit(logged_in_user())
        return view(*args, **kwargs)

    return wrapper


def login_optional(view: Callable[P, R]) -> Callable[P, R]:
    """For what anonymous readers may see too (public entries, pages, the feed, public media):
    the view calls `current_user()`, which is None for them. A logged-in caller is checked as
    by `login_required` (CSRF, the approval gate)."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        user = current_user()
        if user is not None:
            _admit(user)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view: Callable[P, R]) -> Callable[P, R]:
    @wraps(view)
    @login_required
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not logged_in_user().is_admin:
            raise Forbidden("Administrators only.")
        return view(*args, **kwargs)

    return wrapper
