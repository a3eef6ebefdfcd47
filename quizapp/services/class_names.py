"""The names a class's leaderboards and live games show its students by."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.core.names import told_apart
from quizapp.models import Membership, User


def shown_names(session: Session, class_id: int) -> dict[int, str]:
    """Each current student's display name, numbered where two are alike (`told_apart`),
    by student id."""
    rows = session.execute(
        select(Membership.student_id, User.display_name)
        .join(User, User.id == Membership.student_id)
        .where(Membership.class_id == class_id, Membership.removed_at.is_(None))
        .order_by(Membership.id)
    ).all()
    return told_apart((student_id, name) for student_id, name in rows)
