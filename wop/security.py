"""Who is asking: session cookie or bearer token, CSRF for cookie sessions, the approval gate."""
import hashlib
from datetime import timedelta
import secrets
from functools import wraps

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, g, request, session
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from sqlalchemy import select

from .api.errors import ApiError
from .extensions import db
from .models import ApiToken, User
from .models.base import utcnow

_hasher = PasswordHasher()
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
# What an account still waiting for approval may do.
ALLOWED_WHILE_UNAPPROVED = {"dashboard.own_dashboard", "dashboard.accept_terms", "auth.logout", "auth.me"}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
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
    session.clear()
    session["user_id"] = user.id
    session.permanent = True
    return generate_csrf()


def _bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def current_user() -> User | None:
    if "user" in g:
        return g.user
    g.user, g.auth_by_token = None, False
    token = _bearer_token()
    if token:
        row = db.session.scalar(
            select(ApiToken).where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
        )
        if row is None:
            raise ApiError(401, "This API token is not valid or has been revoked.")
        now = utcnow()
        if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:
            row.last_used_at = now  # a write per minute at most, not one per request
            db.session.commit()
        g.user, g.auth_by_token = db.session.get(User, row.user_id), True
    elif session.get("user_id"):
        g.user = db.session.get(User, session["user_id"])
    return g.user


def check_csrf() -> None:
    """Cookie sessions must echo the CSRF token on unsafe methods; bearer tokens need not."""
    if request.method in SAFE_METHODS or _bearer_token() or not session.get("user_id"):
        return
    try:
        validate_csrf(request.headers.get("X-CSRF-Token") or request.headers.get("X-CSRFToken"))
    except (CSRFError, Exception):
        raise ApiError(403, "Missing or invalid CSRF token: send the X-CSRF-Token header (GET /auth/csrf gives it).")


def login_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = current_user()
        if user is None:
            raise ApiError(401, "Log in first (session cookie or Authorization: Bearer <token>).")
        check_csrf()
        if (
            current_app.config["REQUIRE_APPROVAL"]
            and not user.approved
            and not user.is_admin
            and request.endpoint not in ALLOWED_WHILE_UNAPPROVED
        ):
            raise ApiError(403, "Your account is waiting for approval by an administrator.")
        return view(*args, **kwargs)

    return wrapper


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user().is_admin:
            raise ApiError(403, "Administrators only.")
        return view(*args, **kwargs)

    return wrapper
