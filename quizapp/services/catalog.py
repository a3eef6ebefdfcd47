"""What the home page lists: banks, their quizzes and the learner's score on each."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.core.bank.schema import Quiz
from quizapp.core.quizzes import selected_ids
from quizapp.core.scoring import quiz_grade
from quizapp.models import Attempt, BankRecord, QuestionVersion, QuizRecord, User
from quizapp.services.bank_access import readable_by
from quizapp.services.content import question_of, quiz_of
from quizapp.services.names import shown_bank_titles


@dataclass(frozen=True)
class QuizEntry:
    record: QuizRecord
    settings: Quiz
    question_count: int
    score: float | None


@dataclass(frozen=True)
class BankEntry:
    record: BankRecord
    title: str
    """As the list shows it: with whose bank it is when another has the same title."""
    question_count: int
    quizzes: list[QuizEntry]


def quiz_question_count(settings: Quiz, questions: list) -> int:
    selected = len(selected_ids(settings, questions))
    return min(selected, settings.count) if settings.count else selected


def scores_by_quiz(session: Session, user: User | None) -> dict[int, list[float]]:
    """Percentages of the user's submitted attempts per quiz, in the order they were taken."""
    if user is None:
        return {}
    rows = session.execute(
        select(Attempt.quiz_id, Attempt.percentage)
        .where(
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.submitted_at)
    )
    scores: dict[int, list[float]] = defaultdict(list)
    for quiz_id, percentage in rows:
        scores[quiz_id].append(percentage or 0.0)
    return scores


def catalog(session: Session, user: User | None) -> list[BankEntry]:
    """The banks the user (None for a guest) may see, with their active quizzes."""
    banks = session.scalars(
        select(BankRecord)
        .where(readable_by(user))
        .options(selectinload(BankRecord.quizzes))
        .order_by(BankRecord.title, BankRecord.id)
    ).all()
    versions = session.scalars(
        select(QuestionVersion)
        .where(
            QuestionVersion.bank_id.in_([bank.id for bank in banks]),
            QuestionVersion.is_current,
            QuestionVersion.type != "card",
        )
        .order_by(QuestionVersion.position)
    ).all()
    questions_by_bank: dict[int, list] = defaultdict(list)
    for version in versions:
        questions_by_bank[version.bank_id].append(question_of(version))
    scores = scores_by_quiz(session, user)
    titles = shown_bank_titles(session, banks)
    entries = []
    for bank in banks:
        questions = questions_by_bank[bank.id]
        quizzes = []
        for record in sorted(bank.quizzes, key=lambda q: q.position):
            if not record.is_active:
                continue
            settings = quiz_of(record)
            quizzes.append(
                QuizEntry(
                    record=record,
                    settings=settings,
                    question_count=quiz_question_count(settings, questions),
                    score=quiz_grade(scores.get(record.id, []), settings.grading),
                )
            )
        if questions:
            entries.append(
                BankEntry(
                    record=bank,
                    title=titles[bank.id],
                    question_count=len(questions),
                    quizzes=quizzes,
                )
            )
    return entries
