"""Holding a row until the request commits, so that two requests at the same moment (a
double click, a second tab) take turns instead of both acting on what they read before."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, class_mapper, object_mapper


def hold(session: Session, entity: Any) -> None:
    """Lock the entity's row until the caller commits: the row on PostgreSQL, the database's
    write lock on SQLite. Another request that holds it too waits for this one, then reads
    what it did. The row is not changed (a column is set to its own value).

    A learner's row is held before any row of their work (an attempt), so that two requests
    never wait on each other."""
    mapper = object_mapper(entity)  # works through a proxy such as Flask-Login's current_user
    hold_row(session, mapper.class_, getattr(entity, mapper.primary_key[0].key))


def hold_row(session: Session, model: type, row_id: int) -> None:
    """`hold` by the row's model and id, without loading it."""
    mapper = class_mapper(model)
    key = mapper.primary_key[0]
    column = next(c for c in mapper.columns if not c.primary_key)
    session.execute(
        update(model)
        .where(key == row_id)
        .values({column.key: column})
        .execution_options(synchronize_session=False)
    )
