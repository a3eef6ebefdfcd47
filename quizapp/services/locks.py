"""Holding a row until the request commits, so that two requests at the same moment (a
double click, a second tab) take turns instead of both acting on what they read before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, object_mapper


def hold(session: Session, entity: Any) -> None:
    """Lock the entity's row until the caller commits: the row on PostgreSQL, the database's
    write lock on SQLite. Another request that holds it too waits for this one, then reads
    what it did. The row is not changed (a column is set to its own value)."""
    mapper = object_mapper(entity)  # works through a proxy such as Flask-Login's current_user
    key = mapper.primary_key[0]
    column = next(c for c in mapper.columns if not c.primary_key)
    session.execute(
        update(mapper.class_)
        .where(key == getattr(entity, key.key))
        .values({column.key: column})
        .execution_options(synchronize_session=False)
    )
