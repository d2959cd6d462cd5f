"""Reading: the public feed, site statistics, and the AI models on offer."""

from flask import Blueprint, current_app, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, func, select

from ..extensions import db
from ..model_catalog import default_model_id, load_catalog
from ..models import Node, NodeType, Privacy, User
from ..models.node import previews
from ..security import current_user, login_optional, login_required
from ..stats import GLOBAL_DAILY_TARGET, start_of_today, tokens_for
from .pagination import paged

bp = Blueprint("feed", __name__, url_prefix="/api")


@bp.get("/feed")
@login_optional
def feed() -> ResponseReturnValue:
    """Everyone's public top-level entries, newest first (?page=, ?per_page=); no login needed."""
    query = (
        select(Node)
        .where(Node.parent_id.is_(None), Node.privacy == Privacy.PUBLIC, Node.deleted_at.is_(None))
        .order_by(Node.created_at.desc(), Node.id.desc())
    )
    return jsonify(paged(query, lambda rows: previews(rows, current_user())))


@bp.get("/stats")
@login_required
def stats() -> ResponseReturnValue:
    """Site totals: writers, entries, AI replies, tokens today and all time."""

    def count(query: Select[int]) -> int | None:
        return db.session.scalar(select(func.count()).select_from(query.subquery()))

    live = select(Node.id).where(Node.deleted_at.is_(None))
    return jsonify(
        users=count(select(User.id).where(User.is_bot.is_(False))),
        nodes=count(live.where(Node.node_type != NodeType.LLM)),
        llm_replies=count(live.where(Node.node_type == NodeType.LLM)),
        tokens_today=tokens_for(since=start_of_today()),
        tokens_all_time=tokens_for(),
        global_daily_target=GLOBAL_DAILY_TARGET,
    )


@bp.get("/models")
@login_required
def models() -> ResponseReturnValue:
    """AI models: id, provider, display name, and whether each is usable now."""
    cfg = current_app.config
    catalog = load_catalog(cfg)
    return jsonify(
        models=[
            {"id": m.id, "provider": m.provider, "display_name": m.display_name, "usable": catalog.is_usable(m, cfg)}
            for m in catalog.all()
        ],
        default=default_model_id(cfg, catalog),
    )
