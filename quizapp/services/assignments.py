"""Assignments: a quiz given to a class, with optional open and due dates (stored in UTC).

Which attempts count and what status they give are rules of `core.assignments`. The
quiz itself stays open to practice before its open date; only the attempts submitted
from that date count for the assignment.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from quizapp.core import assignments as rules
from quizapp.core.scoring import quiz_grade
from quizapp.models import (
    Assignment,
    Attempt,
    BankRecord,
    Classroom,
    Membership,
    QuizRecord,
    User,
)
from quizapp.services import locks
from quizapp.services.bank_access import readable_by
from quizapp.services.content import quiz_of
from quizapp.services.errors import Conflict, Forbidden, NotFound


def assignable_quizzes(session: Session, teacher: User) -> list[QuizRecord]:
    """The active quizzes of the school's banks and of the teacher's own, by bank and order."""
    return list(
        session.scalars(
            select(QuizRecord)
            .join(BankRecord, BankRecord.id == QuizRecord.bank_id)
            .options(contains_eager(QuizRecord.bank))
            .where(
                QuizRecord.is_active,
                readable_by(teacher),
            )
            .order_by(BankRecord.title, BankRecord.id, QuizRecord.position)
        )
    )


def class_assignments(session: Session, classroom: Classroom) -> list[Assignment]:
    """The class's assignments with their quizzes, current ones first, oldest first."""
    return list(
        session.scalars(
            select(Assignment)
            .join(QuizRecord, QuizRecord.id == Assignment.quiz_id)
            .options(contains_eager(Assignment.quiz))
            .where(Assignment.class_id == classroom.id)
            .order_by(Assignment.archived_at.is_not(None), Assignment.created_at, Assignment.id)
        )
    )


def _check_dates(opens_at: dt.datetime | None, due_at: dt.datetime | None) -> None:
    for moment in (opens_at, due_at):
        if moment is not None and moment.tzinfo is None:
            raise ValueError("assignment dates must carry their time zone")
    if opens_at is not None and due_at is not None and due_at <= opens_at:
        raise Conflict("The due date must come after the open date.")


def assign_quiz(
    session: Session,
    classroom: Classroom,
    teacher: User,
    quiz_id: int,
    opens_at: dt.datetime | None,
    due_at: dt.datetime | None,
    now: dt.datetime,
) -> tuple[Assignment, bool]:
    """Assign a quiz to the class, or change the dates of its assignment (and bring it back
    if it was archived). Returns the assignment and whether it is new."""
    quiz = session.get(QuizRecord, quiz_id)
    if quiz is None or not quiz.is_active:
        raise NotFound("There is no such quiz.")
    if quiz.bank.owner_id is not None and quiz.bank.owner_id != teacher.id:
        raise Forbidden("That quiz is in another teacher's bank.")
    _check_dates(opens_at, due_at)
    locks.hold(session, classroom)  # a double click on Assign: the second finds the first's
    assignment = assignment_of_quiz(session, classroom, quiz.id)
    assigned_at = assignment.created_at if assignment is not None else now
    if opens_at is None and due_at is not None and due_at <= assigned_at:
        # Attempts would count from now, after the due date: everyone would be missing.
        raise Conflict(
            "Without an open date, attempts count from when the quiz is assigned, which is"
            " after this due date. To count work already done, give an open date before it."
        )
    created = assignment is None
    if assignment is None:
        assignment = Assignment(class_id=classroom.id, quiz_id=quiz.id, created_at=now)
        session.add(assignment)
    assignment.opens_at = opens_at
    assignment.due_at = due_at
    assignment.archived_at = None
    session.flush()
    return assignment, created


def assignment_of_quiz(session: Session, classroom: Classroom, quiz_id: int) -> Assignment | None:
    """The class's assignment of the quiz, archived or not (a class assigns a quiz once)."""
    return session.scalar(
        select(Assignment).where(Assignment.class_id == classroom.id, Assignment.quiz_id == quiz_id)
    )


def assignment_of(session: Session, classroom: Classroom, assignment_id: int) -> Assignment:
    assignment = session.get(Assignment, assignment_id)
    if assignment is None or assignment.class_id != classroom.id:
        raise NotFound("This class has no such assignment.")
    return assignment


def archive_assignment(session: Session, assignment: Assignment, now: dt.datetime) -> None:
    """Take the assignment off students' home pages and the gradebook; attempts are kept."""
    if assignment.archived_at is None:
        assignment.archived_at = now
        session.flush()


def unarchive_assignment(session: Session, assignment: Assignment) -> None:
    assignment.archived_at = None
    session.flush()


@dataclass(frozen=True)
class StudentAssignment:
    """One row of a student's home page."""

    assignment: Assignment
    classroom: Classroom
    quiz: QuizRecord
    status: str
    score: float | None
    attempts: int
    attempts_left: int | None
    """Of the quiz's attempts limit (None: no limit), counted as `attempts.counted_since`
    counts them: from the earliest opening of the quiz in any of the student's classes."""


def for_student(session: Session, student: User, now: dt.datetime) -> list[StudentAssignment]:
    """The current assignments of the student's current classes, with status, in two queries."""
    rows = session.execute(
        select(Assignment, Classroom, QuizRecord, Membership)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .join(Membership, Membership.class_id == Classroom.id)
        .join(QuizRecord, QuizRecord.id == Assignment.quiz_id)
        .where(
            Membership.student_id == student.id,
            Membership.removed_at.is_(None),
            Classroom.archived_at.is_(None),
            Assignment.archived_at.is_(None),
        )
    ).all()
    if not rows:
        return []
    quiz_ids = {quiz.id for _, _, quiz, _ in rows}
    submitted: dict[int, list[tuple[dt.datetime, float]]] = defaultdict(list)
    for quiz_id, submitted_at, percentage in session.execute(
        select(Attempt.quiz_id, Attempt.submitted_at, Attempt.percentage)
        .where(
            Attempt.user_id == student.id,
            Attempt.quiz_id.in_(quiz_ids),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    ):
        submitted[quiz_id].append((submitted_at, percentage or 0.0))
    limit_counts_from: dict[int, dt.datetime] = {}
    for assignment, _, quiz, _ in rows:
        start = rules.counts_from(assignment.opens_at, assignment.created_at)
        limit_counts_from[quiz.id] = min(start, limit_counts_from.get(quiz.id, start))
    entries = []
    for assignment, classroom, quiz, membership in rows:
        settings = quiz_of(quiz)
        attempts_left = None
        if settings.attempts is not None and quiz.is_active:
            used = sum(1 for at, _ in submitted[quiz.id] if at >= limit_counts_from[quiz.id])
            attempts_left = max(0, settings.attempts - used)
        start = rules.counts_from(assignment.opens_at, assignment.created_at)
        since_opening = [(at, pct) for at, pct in submitted[quiz.id] if at >= start]
        counted = rules.counted(since_opening, assignment.due_at)
        first = counted[0][0] if counted else None
        entries.append(
            StudentAssignment(
                assignment=assignment,
                classroom=classroom,
                quiz=quiz,
                status=rules.status(
                    first,
                    assignment.opens_at,
                    assignment.due_at,
                    now,
                    can_be_taken=quiz.is_active,
                    joined_at=membership.joined_at,
                    away=membership.away,
                ),
                score=quiz_grade([pct for _, pct in counted], settings.grading),
                attempts=len(counted),
                attempts_left=attempts_left,
            )
        )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    entries.sort(
        key=lambda e: (
            e.status in rules.NOTHING_TO_DO,
            e.assignment.due_at or far,
            e.classroom.name,
            e.quiz.title,
        )
    )
    return entries
