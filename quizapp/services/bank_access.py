"""Who may see which bank, and so take its quizzes and study its flashcards.

The school's banks (from the questions folder, owned by no teacher) are everyone's, guests
included. A bank a teacher uploaded is that teacher's, and their students': the members of
their open classes, while they are on the roster. Other teachers and guests do not see it,
since a teacher may write a bank for a test, and its answers are on its flashcards. An
archived bank is out of everyone's sight but on its teacher's Banks page.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from quizapp.models import BankRecord, Classroom, Membership, User


def readable_by(user: User | None) -> ColumnElement[bool]:
    """For a bank: the user (None for a guest) may see it."""
    school = BankRecord.owner_id.is_(None)
    if user is None:
        return school
    shown = BankRecord.archived_at.is_(None)
    if user.is_teacher:
        return school | ((BankRecord.owner_id == user.id) & shown)
    their_teachers = (
        select(Classroom.teacher_id)
        .join(Membership, Membership.class_id == Classroom.id)
        .where(
            Membership.student_id == user.id,
            Membership.removed_at.is_(None),
            Classroom.archived_at.is_(None),
        )
    )
    return school | (BankRecord.owner_id.in_(their_teachers) & shown)


def may_read(session: Session, bank_id: int, user: User | None) -> bool:
    return bool(session.scalar(select(exists().where(BankRecord.id == bank_id, readable_by(user)))))
