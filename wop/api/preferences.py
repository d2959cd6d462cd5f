"""A writer's preferences: the defaults their new entries and AI requests use, and the web app's theme."""

from typing import Literal

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, Field

from ..enums import Privacy
from ..extensions import db
from ..security import logged_in_user, login_required
from .model_choice import check_model_field
from .validation import body

bp = Blueprint("preferences", __name__, url_prefix="/api/me")


class Preferences(BaseModel):
    default_model: str | None = Field(
        default=None, max_length=100, description="a model id from GET /api/models; null: the server's default"
    )
    default_privacy: Privacy | None = Field(
        default=None, description="privacy of new top-level entries; null: the server's DEFAULT_PRIVACY"
    )
    default_ai_excluded: bool | None = Field(default=None, description="keep new entries away from AI unless told")
    theme: Literal["system", "light", "dark"] | None = Field(
        default=None, description="the web app's colour theme on every browser; null: each browser keeps its own"
    )


@bp.get("/preferences")
@login_required
def get_preferences() -> ResponseReturnValue:
    """Your defaults: model for AI requests, privacy of new top-level entries, keeping new entries from AI;
    and the web app's theme."""
    return jsonify(logged_in_user().preferences())


@bp.put("/preferences")
@login_required
@body(Preferences)
def put_preferences(body: Preferences) -> ResponseReturnValue:
    """Change some of your defaults; fields left out stay as they are, null resets one to the server's."""
    user = logged_in_user()
    fields = body.model_fields_set
    if "default_model" in fields:
        if body.default_model is not None:
            check_model_field("default_model", body.default_model)
        user.default_model = body.default_model
    if "default_privacy" in fields:
        user.default_privacy = body.default_privacy
    if "default_ai_excluded" in fields:
        user.default_ai_excluded = bool(body.default_ai_excluded)
    if "theme" in fields:
        user.theme = body.theme
    db.session.commit()
    return jsonify(user.preferences())
