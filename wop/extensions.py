"""Flask extensions, created once and bound to the app in create_app()."""

from typing import TYPE_CHECKING, Any, cast

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import CursorResult, Executable, MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
if TYPE_CHECKING:
    # Flask-SQLAlchemy builds db.Model from Base at run time, which a type checker cannot follow
    # (a class made on an instance); Base has the same mapped columns and metadata.
    Model = Base
else:
    Model = db.Model
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def rows_affected(statement: Executable) -> int:
    """Run an UPDATE or DELETE in the session; the number of rows it matched."""
    # The session returns a CursorResult for these, but is typed to return the plain Result.
    return cast(CursorResult[Any], db.session.execute(statement)).rowcount
