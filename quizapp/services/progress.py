"""A learner's progress: attempts, best scores, mastery per tag, most missed questions."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.models import Attempt, QuestionVersion, Response, User
from quizapp.services.content import question_of


@dataclass(frozen=True)
class TagMastery:
    tag: str
    points: float
    max_points: float

    @property
    def percentage(self) -> float:
        return 100 * self.points / self.max_points if self.max_points else 0.0


@dataclass(frozen=True)
class MissedQuestion:
    prompt: str
    bank_title: str
    misses: int
    answered: int
    last_attempt_id: int
    number: int


def attempts_of(session: Session, user: User) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .options(selectinload(Attempt.quiz))
            .where(
                Attempt.user_id == user.id,
                Attempt.submitted_at.is_not(None),
                Attempt.preview.is_(False),
            )
            .order_by(Attempt.submitted_at.desc())
        )
    )


def best_by_quiz(attempts: list[Attempt]) -> list[tuple[str, float]]:
    """(quiz title, best percentage) for each quiz the learner finished, by title."""
    best: dict[int, tuple[str, float]] = {}
    for attempt in attempts:
        score = attempt.percentage or 0.0
        if attempt.quiz_id not in best or score > best[attempt.quiz_id][1]:
            best[attempt.quiz_id] = (attempt.quiz.title, score)
    return sorted(best.values())


def _graded_responses(session: Session, user: User):
    return session.execute(
        select(Response, QuestionVersion, Attempt)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == Response.question_version_id)
        .where(
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.submitted_at)
    ).all()


def mastery_and_misses(
    session: Session, user: User, withheld: set[int], limit: int = 10
) -> tuple[list[TagMastery], list[MissedQuestion]]:
    """Mastery per tag is the share of points earned on questions with that tag.

    Responses to the `withheld` quizzes (tests whose answers are kept back for now, see
    `attempts.withheld_quizzes`) are left out: a missed true/false would tell its answer."""
    earned: dict[str, float] = defaultdict(float)
    possible: dict[str, float] = defaultdict(float)
    misses: dict[tuple[int, str], list] = {}
    for response, version, attempt in _graded_responses(session, user):
        if attempt.quiz_id in withheld:
            continue
        question = question_of(version)
        for tag in question.tags:
            earned[tag] += response.points
            possible[tag] += response.max_points
        key = (version.bank_id, version.question_key)
        entry = misses.setdefault(key, [question.prompt, version.bank, 0, 0, 0, 0])
        entry[3] += 1
        if not response.is_correct:
            entry[2] += 1
            entry[4] = attempt.id
            entry[5] = attempt.question_order.index(version.id) + 1
    mastery = sorted(
        (TagMastery(tag, earned[tag], possible[tag]) for tag in possible),
        key=lambda m: (m.percentage, m.tag),
    )
    missed = sorted(
        (
            MissedQuestion(prompt, bank.title, count, answered, attempt_id, number)
            for prompt, bank, count, answered, attempt_id, number in misses.values()
            if count
        ),
        key=lambda m: (-m.misses, m.prompt),
    )
    return mastery, missed[:limit]
