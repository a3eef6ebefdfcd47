"""Classes: a teacher creates one and shares its join code; students join with it."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.models import Classroom, Membership, User, utcnow
from quizapp.services.errors import Conflict, Forbidden, NotFound

# No 0/O, 1/I/L: codes are read aloud and copied from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def new_join_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


def create_class(session: Session, teacher: User, name: str) -> Classroom:
    if not teacher.is_teacher:
        raise Forbidden("Only teachers can create classes.")
    classroom = Classroom(
        name=name.strip(), teacher_id=teacher.id, join_code=new_join_code(session)
    )
    session.add(classroom)
    session.flush()
    return classroom


def join_class(session: Session, student: User, code: str) -> Classroom:
    classroom = session.scalar(select(Classroom).where(Classroom.join_code == normalize_code(code)))
    if classroom is None or classroom.archived_at is not None:
        raise NotFound("No open class has that join code. Check it with your teacher.")
    if student.id == classroom.teacher_id:
        raise Conflict("You teach this class.")
    membership = session.scalar(
        select(Membership).where(
            Membership.class_id == classroom.id, Membership.student_id == student.id
        )
    )
    if membership is None:
        session.add(Membership(class_id=classroom.id, student_id=student.id))
    elif membership.removed_at is not None:
        membership.removed_at = None
        membership.joined_at = utcnow()
    session.flush()
    return classroom


def teaching(session: Session, teacher: User, include_archived: bool = False) -> list[Classroom]:
    query = select(Classroom).where(Classroom.teacher_id == teacher.id)
    if not include_archived:
        query = query.where(Classroom.archived_at.is_(None))
    return list(session.scalars(query.order_by(Classroom.name)))


def enrolled(session: Session, student: User) -> list[Classroom]:
    return list(
        session.scalars(
            select(Classroom)
            .join(Membership, Membership.class_id == Classroom.id)
            .where(
                Membership.student_id == student.id,
                Membership.removed_at.is_(None),
                Classroom.archived_at.is_(None),
            )
            .order_by(Classroom.name)
        )
    )


def roster(session: Session, classroom: Classroom) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .where(Membership.class_id == classroom.id)
            .join(User, User.id == Membership.student_id)
            .order_by(Membership.removed_at.is_not(None), User.display_name)
        )
    )


def class_for_teacher(session: Session, class_id: int, teacher: User) -> Classroom:
    classroom = session.get(Classroom, class_id)
    if classroom is None:
        raise NotFound("There is no such class.")
    if classroom.teacher_id != teacher.id:
        raise Forbidden("This class belongs to another teacher.")
    return classroom
