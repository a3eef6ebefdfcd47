"""Classes: a teacher creates one and shares its join code; students join with it.

A teacher renames, archives and unarchives a class, and removes a student from it. Nothing
is deleted: an archived class keeps its gradebook, and a removed student's attempts stay in
it, marked as removed, until the teacher adds them back; the join code does not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session, contains_eager

from quizapp.core.codes import normalize_code, readable_code
from quizapp.models import Attempt, Classroom, LiveGame, Membership, ReviewLogRecord, User
from quizapp.services import leaderboards, live, locks
from quizapp.services.errors import Conflict, Forbidden, NotFound

CODE_LENGTH = 6


def new_join_code(session: Session) -> str:
    while True:
        code = readable_code(CODE_LENGTH)
        if session.scalar(select(Classroom.id).where(Classroom.join_code == code)) is None:
            return code


def create_class(session: Session, teacher: User, name: str) -> tuple[Classroom, bool]:
    """A new class, or the teacher's open class of that name (a double click on Create
    makes one class, not two). Returns the class and whether it is new."""
    if not teacher.is_teacher:
        raise Forbidden("Only teachers can create classes.")
    locks.hold(session, teacher)
    name = name.strip()
    existing = session.scalar(
        select(Classroom).where(
            Classroom.teacher_id == teacher.id,
            Classroom.name == name,
            Classroom.archived_at.is_(None),
        )
    )
    if existing is not None:
        return existing, False
    classroom = Classroom(name=name, teacher_id=teacher.id, join_code=new_join_code(session))
    session.add(classroom)
    session.flush()
    return classroom, True


def join_class(session: Session, student: User, code: str) -> tuple[Classroom, bool]:
    """The class of the code, and whether the student joined it now (False: already in it)."""
    classroom = session.scalar(select(Classroom).where(Classroom.join_code == normalize_code(code)))
    if classroom is None or classroom.archived_at is not None:
        raise NotFound("No open class has that join code. Check it with your teacher.")
    if student.id == classroom.teacher_id:
        raise Conflict("You teach this class.")
    locks.hold(session, classroom)  # a double click on Join: the second finds the first's
    membership = session.scalar(
        select(Membership).where(
            Membership.class_id == classroom.id, Membership.student_id == student.id
        )
    )
    if membership is None:
        session.add(Membership(class_id=classroom.id, student_id=student.id))
    elif membership.removed_at is not None:
        # Only the teacher can undo a removal (from the roster): the code alone does not.
        raise Forbidden("Your teacher removed you from this class: ask them to add you back.")
    session.flush()
    return classroom, membership is None


def teaching(session: Session, teacher: User, include_archived: bool = False) -> list[Classroom]:
    query = select(Classroom).where(Classroom.teacher_id == teacher.id)
    if not include_archived:
        query = query.where(Classroom.archived_at.is_(None))
    return list(session.scalars(query.order_by(Classroom.name)))


def enrolled(session: Session, student: User) -> list[Classroom]:
    return _open_classes_of(session, student, removed=False)


def removed_from(session: Session, student: User) -> list[Classroom]:
    """The open classes whose teacher removed the student."""
    return _open_classes_of(session, student, removed=True)


def _open_classes_of(session: Session, student: User, *, removed: bool) -> list[Classroom]:
    left = Membership.removed_at.is_not(None) if removed else Membership.removed_at.is_(None)
    return list(
        session.scalars(
            select(Classroom)
            .join(Membership, Membership.class_id == Classroom.id)
            .where(Membership.student_id == student.id, left, Classroom.archived_at.is_(None))
            .order_by(Classroom.name)
        )
    )


def roster(session: Session, classroom: Classroom) -> list[Membership]:
    """Every membership, current students first, each with its student loaded."""
    return list(session.scalars(_roster_query(), {"class_id": classroom.id}))


@cache
def _roster_query() -> Select[tuple[Membership]]:
    return (
        select(Membership)
        .where(Membership.class_id == bindparam("class_id"))
        .join(User, User.id == Membership.student_id)
        .options(contains_eager(Membership.student))
        .order_by(Membership.removed_at.is_not(None), User.display_name, User.id)
    )


@dataclass(frozen=True)
class RosterEntry:
    membership: Membership
    student: User
    last_activity_at: dt.datetime | None

    @property
    def removed(self) -> bool:
        return self.membership.removed_at is not None


def roster_with_activity(session: Session, classroom: Classroom) -> list[RosterEntry]:
    """The roster with each student's last activity, in one query.

    Last activity is the latest of: signing in, working on a quiz (previews aside) and
    reviewing a flashcard.
    """
    last_attempt = (
        select(func.max(func.coalesce(Attempt.submitted_at, Attempt.last_activity_at)))
        .where(Attempt.user_id == User.id, Attempt.preview.is_(False))
        .correlate(User)
        .scalar_subquery()
    )
    last_review = (
        select(func.max(ReviewLogRecord.reviewed_at))
        .where(ReviewLogRecord.user_id == User.id)
        .correlate(User)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Membership, last_attempt, last_review)
        .where(Membership.class_id == classroom.id)
        .join(User, User.id == Membership.student_id)
        .options(contains_eager(Membership.student))
        .order_by(Membership.removed_at.is_not(None), User.display_name, User.id)
    ).all()
    entries = []
    for membership, attempt_at, review_at in rows:
        moments = [
            moment
            for moment in (membership.student.last_seen_at, attempt_at, review_at)
            if moment is not None
        ]
        entries.append(
            RosterEntry(membership, membership.student, max(moments) if moments else None)
        )
    return entries


def class_for_teacher(
    session: Session, class_id: int, teacher: User, *, to_change: bool = False
) -> Classroom:
    """The teacher's class; `to_change` it, it must not be archived (an archived class is
    kept as it was, until it is unarchived)."""
    classroom = session.get(Classroom, class_id)
    if classroom is None:
        raise NotFound("There is no such class.")
    if classroom.teacher_id != teacher.id:
        raise Forbidden("This class belongs to another teacher.")
    if to_change and classroom.archived_at is not None:
        raise Conflict(f"“{classroom.name}” is archived: unarchive it to change it.")
    return classroom


def rename_class(session: Session, classroom: Classroom, name: str) -> Classroom:
    name = name.strip()
    if not name:
        raise Conflict("A class needs a name.")
    classroom.name = name
    session.flush()
    return classroom


def archive_class(session: Session, classroom: Classroom, now: dt.datetime) -> Classroom:
    """Hide the class from its students and close it to joining; everything is kept. Its
    live game ends: unarchiving the class does not bring it back."""
    if classroom.archived_at is None:
        classroom.archived_at = now
        session.execute(
            update(LiveGame)
            .where(LiveGame.class_id == classroom.id, LiveGame.ended_at.is_(None))
            .values(ended_at=now)
        )
        session.flush()
    return classroom


def unarchive_class(session: Session, classroom: Classroom) -> Classroom:
    classroom.archived_at = None
    session.flush()
    return classroom


def regenerate_join_code(session: Session, classroom: Classroom) -> str:
    """A new join code; the old one stops working. Students already in the class stay."""
    classroom.join_code = new_join_code(session)
    session.flush()
    return classroom.join_code


def membership_in(session: Session, classroom: Classroom, student_id: int) -> Membership:
    """A student's membership of the class, current or removed."""
    membership = session.scalar(
        select(Membership).where(
            Membership.class_id == classroom.id, Membership.student_id == student_id
        )
    )
    if membership is None:
        raise NotFound("That student is not in this class.")
    return membership


def remove_student(
    session: Session, classroom: Classroom, student_id: int, now: dt.datetime
) -> Membership:
    """Take a student off the roster. Their attempts stay in the gradebook, marked removed."""
    membership = membership_in(session, classroom, student_id)
    if membership.removed_at is None:
        membership.removed_at = now
        session.flush()
        leaderboards.standings_changed(session)
        live.student_removed(session, classroom, now)
    return membership


def restore_student(
    session: Session, classroom: Classroom, student_id: int, now: dt.datetime
) -> Membership:
    """Undo a removal: the student is back on the roster with all their attempts. The time
    away is kept: work due then is not counted against them."""
    membership = membership_in(session, classroom, student_id)
    if membership.removed_at is not None:
        away = [membership.removed_at.isoformat(), now.isoformat()]
        membership.absences = [*membership.absences, away]
    membership.removed_at = None
    session.flush()
    leaderboards.standings_changed(session)
    return membership
