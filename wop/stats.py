"""Token totals for dashboards and stats."""

from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from .extensions import db
from .models import TokenCredit
from .models.base import utcnow

GLOBAL_DAILY_TARGET = 1_000_000


def start_of_today() -> datetime:
    return datetime.combine(utcnow().date(), time.min)


def tokens_for(user_id: int | None = None, since: datetime | None = None) -> int:
    query = select(func.coalesce(func.sum(TokenCredit.tokens), 0))
    if user_id is not None:
        query = query.where(TokenCredit.user_id == user_id)
    if since is not None:
        query = query.where(TokenCredit.created_at >= since)
    return int(db.session.scalar(query) or 0)  # coalesce: never NULL


def token_summary(user_id: int) -> dict:
    today = start_of_today()
    global_today = tokens_for(since=today)
    return {
        "tokens_today": tokens_for(user_id, today),
        "tokens_all_time": tokens_for(user_id),
        "global_tokens_today": global_today,
        "global_daily_target": GLOBAL_DAILY_TARGET,
        "global_progress": round(global_today / GLOBAL_DAILY_TARGET, 4),
    }


def tokens_per_day(user_id: int, days: int) -> list[dict]:
    """The user's tokens and everyone's, per UTC day, for the last `days` days (today included),
    oldest first, days without tokens as 0: one grouped query for each."""
    first = utcnow().date() - timedelta(days=days - 1)
    day = func.date(TokenCredit.created_at)  # SQLite gives text, PostgreSQL a date: both print as YYYY-MM-DD

    def per_day(user: int | None) -> dict[str, int]:
        query = select(day, func.sum(TokenCredit.tokens)).where(
            TokenCredit.created_at >= datetime.combine(first, time.min)
        )
        if user is not None:
            query = query.where(TokenCredit.user_id == user)
        return {str(date): int(total or 0) for date, total in db.session.execute(query.group_by(day))}

    mine, everyone = per_day(user_id), per_day(None)
    dates = [(first + timedelta(days=i)).isoformat() for i in range(days)]
    return [{"date": d, "tokens": mine.get(d, 0), "global_tokens": everyone.get(d, 0)} for d in dates]
