"""The gradebook of a class: students by assignments, each cell the quiz's grade.

A page runs a fixed number of queries whatever the size of the class: the assignments,
the roster, and every attempt of the class since each assignment opened, in one joined query.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from statistics import fmean
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.orm import Session, contains_eager

from quizapp.core import assignments as rules
from quizapp.core.bank.schema import Quiz
from quizapp.core.scoring import quiz_grade
from quizapp.models import Assignment, Attempt, Classroom, Membership, QuizRecord, User
from quizapp.services.classes import membership_in, roster
from quizapp.services.content import quiz_of
from quizapp.services.errors import NotFound

GRADING_LABELS = {
    "best": "best attempt",
    "last": "last attempt",
    "average": "average of attempts",
}


@dataclass(frozen=True)
class Column:
    assignment: Assignment
    quiz: QuizRecord
    settings: Quiz

    @property
    def grading_label(self) -> str:
        return GRADING_LABELS[self.settings.grading]


@dataclass(frozen=True)
class Cell:
    status: str
    score: float | None
    attempts: int


@dataclass(frozen=True)
class Row:
    membership: Membership
    student: User
    cells: list[Cell]
    average: float | None

    @property
    def removed(self) -> bool:
        return self.membership.removed_at is not None


@dataclass(frozen=True)
class ColumnSummary:
    """An assignment across the students in the class now (`rules.CLASS_AVERAGE_RULE`)."""

    average: float | None
    handed_in: int


@dataclass(frozen=True)
class Gradebook:
    classroom: Classroom
    columns: list[Column]
    rows: list[Row]

    @property
    def summaries(self) -> list[ColumnSummary]:
        current = [row for row in self.rows if not row.removed]
        summaries = []
        for index in range(len(self.columns)):
            cells = [row.cells[index] for row in current]
            summaries.append(
                ColumnSummary(
                    average=rules.average((cell.status, cell.score) for cell in cells),
                    handed_in=rules.handed_in(cell.status for cell in cells),
                )
            )
        return summaries

    @property
    def class_average(self) -> float | None:
        averages = [row.average for row in self.rows if not row.removed and row.average is not None]
        return fmean(averages) if averages else None


def current_columns(session: Session, classroom: Classroom) -> list[Column]:
    """The class's current (not archived) assignments, oldest first, with their quizzes."""
    rows = session.execute(_columns_query(), {"class_id": classroom.id}).all()
    return [Column(assignment, quiz, quiz_of(quiz)) for assignment, quiz in rows]


@cache
def _columns_query() -> Select[Any]:
    return (
        select(Assignment, QuizRecord)
        .join(QuizRecord, QuizRecord.id == Assignment.quiz_id)
        .where(Assignment.class_id == bindparam("class_id"), Assignment.archived_at.is_(None))
        .order_by(Assignment.created_at, Assignment.id)
    )


Submission = tuple[dt.datetime, float, int]
"""An attempt as the gradebook counts it: submitted at, percentage, attempt id."""


def _submitted_since_opening(
    session: Session, classroom: Classroom, student_id: int | None = None
) -> dict[tuple[int, int], list[Submission]]:
    """(student id, assignment id) -> every attempt submitted since the assignment opened,
    oldest first: one query for the whole class. `core.assignments.counted` picks those
    that count."""
    params = {"class_id": classroom.id}
    if student_id is not None:
        params["student_id"] = student_id
    submitted: dict[tuple[int, int], list[Submission]] = defaultdict(list)
    rows = session.execute(_submitted_query(one_student=student_id is not None), params)
    for user_id, assignment_id, submitted_at, percentage, attempt_id in rows:
        submitted[(user_id, assignment_id)].append((submitted_at, percentage or 0.0, attempt_id))
    return submitted


@cache
def _submitted_query(*, one_student: bool) -> Select[Any]:
    """Parameters: `class_id`, and `student_id` for one student.

    The students are an IN subquery rather than a join, so that SQLite reads their attempts
    by user instead of every attempt at each assigned quiz, school-wide. The statement is
    built once: building it costs about as much as running it for a class.
    """
    class_id = bindparam("class_id")
    start = func.coalesce(Assignment.opens_at, Assignment.created_at)
    students = select(Membership.student_id).where(Membership.class_id == class_id)
    query = (
        select(Attempt.user_id, Assignment.id, Attempt.submitted_at, Attempt.percentage, Attempt.id)
        .join(
            Assignment,
            and_(
                Assignment.quiz_id == Attempt.quiz_id,
                Assignment.class_id == class_id,
                Assignment.archived_at.is_(None),
            ),
        )
        .where(
            Attempt.user_id.in_(students),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
            Attempt.submitted_at >= start,
        )
        .order_by(Attempt.submitted_at, Attempt.id)
    )
    if one_student:
        query = query.where(Attempt.user_id == bindparam("student_id"))
    return query


def _cell(
    column: Column, membership: Membership, since_opening: list[Submission], now: dt.datetime
) -> Cell:
    attempts = rules.counted(since_opening, column.assignment.due_at)
    first = attempts[0][0] if attempts else None
    assignment = column.assignment
    left = membership.removed_at
    return Cell(
        status=rules.status(
            first,
            assignment.opens_at,
            assignment.due_at,
            now,
            can_be_taken=column.quiz.is_active,
            left_before=left is not None
            and left < rules.counts_from(assignment.opens_at, assignment.created_at),
            joined_at=membership.joined_at,
            away=membership.away,
        ),
        score=quiz_grade([pct for _, pct, _ in attempts], column.settings.grading),
        attempts=len(attempts),
    )


def gradebook(session: Session, classroom: Classroom, now: dt.datetime) -> Gradebook:
    """Every student who was ever in the class (removed ones last) by current assignment."""
    columns = current_columns(session, classroom)
    members = roster(session, classroom)
    submitted = _submitted_since_opening(session, classroom)
    rows = []
    for membership in members:
        cells = [
            _cell(
                column,
                membership,
                submitted.get((membership.student_id, column.assignment.id), []),
                now,
            )
            for column in columns
        ]
        rows.append(
            Row(
                membership=membership,
                student=membership.student,
                cells=cells,
                average=rules.average((cell.status, cell.score) for cell in cells),
            )
        )
    return Gradebook(classroom=classroom, columns=columns, rows=rows)


@dataclass(frozen=True)
class AttemptLine:
    attempt: Attempt
    counts: str
    """Whether the attempt counts for the assignment, and if not why (see
    `core.assignments.COUNTING_RULE`): "yes", a reason, or "—" for one in progress."""


@dataclass
class StudentSection:
    column: Column
    cell: Cell
    attempts: list[AttemptLine] = field(default_factory=list)


@dataclass(frozen=True)
class StudentDetail:
    membership: Membership
    student: User
    sections: list[StudentSection]
    average: float | None


def student_detail(
    session: Session, classroom: Classroom, student_id: int, now: dt.datetime
) -> StudentDetail:
    """One student's cells and every attempt (finished or not) at each assigned quiz."""
    membership = membership_in(session, classroom, student_id)
    columns = current_columns(session, classroom)
    submitted = _submitted_since_opening(session, classroom, student_id)
    attempts = session.scalars(
        select(Attempt)
        .where(
            Attempt.user_id == student_id,
            Attempt.quiz_id.in_([column.quiz.id for column in columns]),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.started_at.desc(), Attempt.id.desc())
    ).all()
    by_quiz: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_quiz[attempt.quiz_id].append(attempt)
    sections = []
    for column in columns:
        since_opening = submitted.get((student_id, column.assignment.id), [])
        cell = _cell(column, membership, since_opening, now)
        counting = {
            attempt_id for *_, attempt_id in rules.counted(since_opening, column.assignment.due_at)
        }
        lines = [
            AttemptLine(attempt, _counts(attempt, counting, column.assignment.due_at))
            for attempt in by_quiz[column.quiz.id]
        ]
        sections.append(StudentSection(column, cell, lines))
    return StudentDetail(
        membership=membership,
        student=membership.student,
        sections=sections,
        average=rules.average((s.cell.status, s.cell.score) for s in sections),
    )


def _counts(attempt: Attempt, counting: set[int], due_at: dt.datetime | None) -> str:
    if attempt.id in counting:
        return "yes"
    if attempt.submitted_at is None:
        return "—"
    if due_at is not None and attempt.submitted_at > due_at:
        return "practice, after the due date"
    return "practice, before it opened"


def attempt_of_student(session: Session, classroom: Classroom, attempt_id: int) -> Attempt:
    """A finished attempt by someone who is or was in the class, at a quiz assigned to it
    (archived assignments too): what a teacher may review."""
    attempt = session.scalar(
        select(Attempt)
        .join(Membership, Membership.student_id == Attempt.user_id)
        .join(
            Assignment,
            and_(Assignment.quiz_id == Attempt.quiz_id, Assignment.class_id == classroom.id),
        )
        .join(User, User.id == Attempt.user_id)
        .options(contains_eager(Attempt.user))
        .where(
            Attempt.id == attempt_id,
            Membership.class_id == classroom.id,
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
    )
    if attempt is None:
        raise NotFound("This class has no such finished attempt.")
    return attempt


# CSV export

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ (or tab, or carriage
    return) gets an apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _number(value: float | None) -> Decimal | str:
    """A score with at most two decimals, rounded half up as a teacher would (16.665 is
    16.67, where round() on the float gives 16.66); no score is empty text."""
    if value is None:
        return ""
    rounded = Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Decimal(f"{rounded.normalize():f}")  # 100, not 1E+2


def csv_text(book: Gradebook) -> str:
    """One row per student: username, display name, status, one score per assignment, average.

    Scores are percentages with at most two decimals; a missing assignment is 0 (as in the
    average), one not yet done is empty. The text starts with a byte order mark so that
    spreadsheets read it as UTF-8. Every text is in quotes, so that a spreadsheet that splits
    on semicolons (as in much of Europe) keeps a name with a semicolon in one cell; a text
    that starts like a formula is neutralised (`spreadsheet_safe`).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    header = ["username", "display name", "status"]
    header += [column.quiz.title for column in book.columns]
    header.append("average")
    writer.writerow([spreadsheet_safe(text) for text in header])
    for row in book.rows:
        scores = [
            Decimal(0)
            if cell.status == rules.MISSING and cell.score is None
            else _number(cell.score)
            for cell in row.cells
        ]
        writer.writerow(
            [
                spreadsheet_safe(row.student.username),
                spreadsheet_safe(row.student.display_name),
                "removed" if row.removed else "active",
                *scores,
                _number(row.average),
            ]
        )
    return "\ufeff" + out.getvalue()
