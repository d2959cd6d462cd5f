from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None
