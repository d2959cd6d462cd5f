"""Accounts: signup, login, sessions, personal API tokens, password change, logout."""

import re
from collections.abc import Callable

from flask import Blueprint, Response, current_app, jsonify, request, session
from flask.typing import ResponseReturnValue
from flask_limiter import RouteLimit
from flask_wtf.csrf import generate_csrf
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..errors import Conflict, Forbidden, InvalidFields, NotFound, NotLoggedIn
from ..extensions import db, limiter
from ..models import ApiToken, User, UserSession
from ..models.base import utcnow
from ..security import (
    DEACTIVATED,
    check_password,
    current_session_id,
    current_user,
    end_current_session,
    end_sessions_and_tokens,
    hash_password,
    issue_token,
    logged_in_user,
    login_required,
    login_session,
)
from .fields import NewPassword, OptionalEmail
from .pagination import each, paged
from .validation import body

bp = Blueprint("auth", __name__, url_prefix="/auth")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")
# Names that are addresses of their own where a writer's name goes (/api/dashboard/tokens).
RESERVED_NAMES = {"tokens"}


class SignupBody(BaseModel):
    username: str
    password: NewPassword
    email: OptionalEmail = None
    accept_terms: bool | None = Field(
        default=None, description="true: the terms are accepted (required when terms_required)"
    )

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME.match(value):
            raise ValueError("use 3 to 32 letters, digits, '.', '_' or '-'")
        if value.lower() in RESERVED_NAMES:
            raise ValueError(f"'{value}' is reserved; choose another")
        return value


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    name: str | None = Field(default=None, max_length=100, description="label for a new API token")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: NewPassword


def _guesser(username: str) -> str:
    """Wrong passwords are counted per address and account: guesses from one address never
    lock the same person out when they log in from another."""
    return f"{request.remote_addr}:{username[:64].lower()}"


def _username_in_body() -> str:
    data = request.get_json(silent=True)
    return _guesser(str(data.get("username") or "") if isinstance(data, dict) else "")


def _logged_in_username() -> str:
    user = current_user()
    return _guesser(user.username if user else "")


def _wrong_password(response: Response) -> bool:
    return response.status_code == 401


def password_guesses(key_func: Callable[[], str]) -> RouteLimit:
    """LOGIN_RATE_LIMIT: one budget of wrong passwords shared by every route that checks one.
    Only failures count, so a person who types the right password is never limited."""
    return limiter.shared_limit(
        lambda: current_app.config["LOGIN_RATE_LIMIT"],
        scope="password-guesses",
        key_func=key_func,
        deduct_when=_wrong_password,
        methods=["POST"],
    )


def _authenticate(data: LoginBody) -> User:
    user = db.session.scalar(select(User).where(User.username == data.username, User.is_bot.is_(False)))
    if not check_password(user, data.password):
        raise NotLoggedIn("Wrong username or password.")
    if not user.active:  # said only to whoever knows the password
        raise Forbidden(DEACTIVATED, code="deactivated")
    return user


@bp.post("/signup")
@body(SignupBody)
def signup(body: SignupBody) -> ResponseReturnValue:
    """Create an account and start a session. When accounts need approval, the terms must be
    accepted too (`accept_terms: true`)."""
    approval = current_app.config["REQUIRE_APPROVAL"]
    if approval and body.accept_terms is not True:
        raise InvalidFields({"accept_terms": "Accept the terms to sign up."})
    user = User(
        username=body.username,
        email=body.email,
        password_hash=hash_password(body.password),
        approved=not approval,
        accepted_terms_at=utcnow() if body.accept_terms else None,
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(f"The username '{body.username}' is taken; choose another.") from None
    csrf = login_session(user)
    return jsonify(user=user.to_dict(private=True), csrf_token=csrf), 201


@bp.post("/login")
@password_guesses(_username_in_body)
@body(LoginBody)
def login(body: LoginBody) -> ResponseReturnValue:
    """Log in with username and password; starts a cookie session."""
    user = _authenticate(body)
    csrf = login_session(user)
    return jsonify(user=user.to_dict(private=True), csrf_token=csrf)


@bp.post("/token")
@password_guesses(_username_in_body)
@body(LoginBody)
def create_token(body: LoginBody) -> ResponseReturnValue:
    """Trade username and password for a personal API token (shown once)."""
    user = _authenticate(body)
    if current_app.config["REQUIRE_APPROVAL"] and not user.approved and not user.is_admin:
        raise Forbidden(
            "Your account is waiting for approval by an administrator; API tokens can be created once it is approved."
        )
    token = issue_token(user, body.name)
    db.session.commit()
    return jsonify(token=token, user=user.to_dict(private=True))


@bp.get("/tokens")
@login_required
def list_tokens() -> ResponseReturnValue:
    """The caller's API tokens (never the secrets)."""
    query = select(ApiToken).where(ApiToken.user_id == logged_in_user().id).order_by(ApiToken.id)
    return jsonify(paged(query, each(ApiToken.to_dict), default=100, most=500))


@bp.delete("/tokens/<int:token_id>")
@login_required
def revoke_token(token_id: int) -> ResponseReturnValue:
    """Revoke one of the caller's API tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != logged_in_user().id:
        raise NotFound("No such token.")
    row.revoked_at = row.revoked_at or utcnow()
    db.session.commit()
    return "", 204


@bp.get("/csrf")
def csrf_token() -> ResponseReturnValue:
    """The CSRF token to send as X-CSRF-Token with cookie sessions."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/me")
@login_required
def me() -> ResponseReturnValue:
    """The logged-in user."""
    return jsonify(user=logged_in_user().to_dict(private=True))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End this browser's session, on the server too."""
    end_current_session()
    return "", 204


@bp.post("/logout_everywhere")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """End every session of the caller, this one included, and revoke all their API tokens."""
    end_sessions_and_tokens(logged_in_user().id)
    db.session.commit()
    session.clear()
    return "", 204


@bp.post("/password")
@password_guesses(_logged_in_username)
@login_required
@body(PasswordChange)
def change_password(body: PasswordChange) -> ResponseReturnValue:
    """Change one's password: every other session ends and every API token is revoked."""
    user = logged_in_user()
    if not check_password(user, body.current_password):
        raise NotLoggedIn("The current password is wrong.")
    by_cookie = current_session_id() is not None
    user.password_hash = hash_password(body.new_password)
    end_sessions_and_tokens(user.id)
    db.session.commit()
    # This browser stays logged in, under a new session key: a copy of the old cookie is worthless.
    csrf = login_session(user) if by_cookie else None
    return jsonify(user=user.to_dict(private=True), csrf_token=csrf)


@bp.get("/sessions")
@login_required
def list_sessions() -> ResponseReturnValue:
    """The caller's active sessions, most recently used first; `current` marks this one."""
    this = current_session_id()
    oldest = utcnow() - current_app.permanent_session_lifetime
    query = (
        select(UserSession)
        .where(UserSession.user_id == logged_in_user().id, UserSession.last_seen_at >= oldest)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return jsonify(paged(query, each(lambda row: row.to_dict(current=row.id == this)), default=100, most=500))


@bp.delete("/sessions/<int:session_id>")
@login_required
def end_session(session_id: int) -> ResponseReturnValue:
    """End one of the caller's sessions (this one too: that logs this browser out)."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != logged_in_user().id:
        raise NotFound("No such session.")
    if row.id == current_session_id():
        session.clear()
    db.session.delete(row)
    db.session.commit()
    return "", 204
