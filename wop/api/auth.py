"""Accounts: signup, login, personal API tokens, logout."""
import re

from flask import Blueprint, current_app, jsonify, request, session
from flask_wtf.csrf import generate_csrf
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db, limiter
from ..models import ApiToken, User
from ..models.base import utcnow
from ..security import check_password, current_user, hash_password, issue_token, login_required, login_session
from .errors import ApiError
from .validation import body

bp = Blueprint("auth", __name__, url_prefix="/auth")
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,32}$")


class SignupBody(BaseModel):
    username: str
    password: str = Field(min_length=8, max_length=256)
    email: str | None = Field(default=None, max_length=255)

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME.match(value):
            raise ValueError("use 3 to 32 letters, digits, '.', '_' or '-'")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value):
            raise ValueError("not a valid email address")
        return value or None


class LoginBody(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    name: str | None = Field(default=None, max_length=100, description="label for a new API token")


def _login_key() -> str:
    data = request.get_json(silent=True) or {}
    return f"{request.remote_addr}:{str(data.get('username', ''))[:64].lower()}"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _authenticate(data: LoginBody) -> User:
    user = db.session.scalar(select(User).where(User.username == data.username, User.is_bot.is_(False)))
    if not check_password(user, data.password):
        raise ApiError(401, "Wrong username or password.")
    return user


@bp.post("/signup")
@body(SignupBody)
def signup(body: SignupBody):
    """Create an account and start a session."""
    approved = not current_app.config["REQUIRE_APPROVAL"]
    user = User(username=body.username, email=body.email, password_hash=hash_password(body.password), approved=approved)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ApiError(409, f"The username '{body.username}' is taken; choose another.")
    csrf = login_session(user)
    return jsonify(user=user.to_dict(private=True), csrf_token=csrf), 201


@bp.post("/login")
@limiter.limit(_login_limit, key_func=_login_key, methods=["POST"])
@body(LoginBody)
def login(body: LoginBody):
    """Log in with username and password; starts a cookie session."""
    user = _authenticate(body)
    csrf = login_session(user)
    return jsonify(user=user.to_dict(private=True), csrf_token=csrf)


@bp.post("/token")
@limiter.limit(_login_limit, key_func=_login_key, methods=["POST"])
@body(LoginBody)
def create_token(body: LoginBody):
    """Trade username and password for a personal API token (shown once)."""
    user = _authenticate(body)
    token = issue_token(user, body.name)
    db.session.commit()
    return jsonify(token=token, user=user.to_dict(private=True))


@bp.get("/tokens")
@login_required
def list_tokens():
    """The caller's API tokens (never the secrets)."""
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user().id).order_by(ApiToken.id))
    return jsonify(tokens=[t.to_dict() for t in rows])


@bp.delete("/tokens/<int:token_id>")
@login_required
def revoke_token(token_id: int):
    """Revoke one of the caller's API tokens."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != current_user().id:
        raise ApiError(404, "No such token.")
    row.revoked_at = row.revoked_at or utcnow()
    db.session.commit()
    return "", 204


@bp.get("/csrf")
def csrf_token():
    """The CSRF token to send as X-CSRF-Token with cookie sessions."""
    return jsonify(csrf_token=generate_csrf())


@bp.get("/me")
@login_required
def me():
    """The logged-in user."""
    return jsonify(user=current_user().to_dict(private=True))


@bp.post("/logout")
def logout():
    """End the cookie session."""
    session.clear()
    return "", 204
