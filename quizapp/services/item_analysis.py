"""Item analysis of a quiz in a class: the attempts, read for `core.statistics`.

The figures cover every submitted attempt at the quiz by the class's students, current or
removed, whether or not it counted for the assignment (practice tells as much about a
question as graded work); previews never count. Questions are analysed by version: a
question edited after some attempts is two rows, since the learners saw two questions.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, Text, bindparam, cast, select
from sqlalchemy.orm import Session

from quizapp.core import grading, statistics
from quizapp.core.charts import bar_chart_svg, histogram_svg
from quizapp.core.text import fold
from quizapp.models import (
    Assignment,
    Attempt,
    Classroom,
    Membership,
    QuestionVersion,
    QuizRecord,
    Response,
)
from quizapp.services.content import question_of
from quizapp.services.errors import NotFound

CHOICE_TYPES = ("single", "multiple", "true_false")
TYPED_TYPES = ("short", "numeric", "date", "cloze")
"""Questions answered by typing: their wrong answers are listed, most given first."""
COMMON_WRONG_ANSWERS = 5


@dataclass(frozen=True)
class Option:
    text: str
    picks: int
    share: float
    correct: bool


@dataclass(frozen=True)
class WrongAnswer:
    text: str
    count: int
    share: float


@dataclass(frozen=True)
class QuestionRow:
    number: int
    version: QuestionVersion
    question: Any
    stats: statistics.ItemStats
    band: str | None
    options: list[Option] | None
    """How often each option was picked, for choice questions."""
    wrong_answers: list[WrongAnswer] | None
    """The typed answers that did not earn full marks, most given first, for typed questions;
    answers the grader treats alike (case, accents, spacing) are one."""
    accepted: str | None
    """The answers the question accepts, for typed questions, beside their wrong answers."""
    other_versions: bool
    """Whether another version of this question also appears (the row names its version)."""


@dataclass(frozen=True)
class Analysis:
    quiz: QuizRecord
    attempts: int
    summary: statistics.Summary
    rows: list[QuestionRow]
    histogram_svg: str
    facility_svg: str

    @property
    def flagged(self) -> list[QuestionRow]:
        return [row for row in self.rows if row.stats.flags]


def _class_attempts():
    """Submitted, non-preview attempts at the quiz by anyone who is or was in the class.

    Parameters: `class_id` and `quiz_id`. The students are an IN subquery rather than a
    join, so that SQLite reads their attempts by (user, quiz) instead of every attempt at
    the quiz, school-wide.
    """
    students = select(Membership.student_id).where(Membership.class_id == bindparam("class_id"))
    return select(Attempt.id).where(
        Attempt.user_id.in_(students),
        Attempt.quiz_id == bindparam("quiz_id"),
        Attempt.submitted_at.is_not(None),
        Attempt.preview.is_(False),
    )


@cache
def _queries() -> tuple[Select[Any], Select[Any], Select[Any]]:
    """The quiz if assigned to the class, its attempts there, and their responses, built once:
    building them costs about as much as running them for a class."""
    quiz = (
        select(QuizRecord)
        .join(Assignment, Assignment.quiz_id == QuizRecord.id)
        .where(
            Assignment.class_id == bindparam("class_id"),
            Assignment.quiz_id == bindparam("quiz_id"),
        )
    )
    attempt_ids = _class_attempts()
    attempts = (
        select(Attempt.id, Attempt.question_order, Attempt.percentage)
        .where(Attempt.id.in_(attempt_ids))
        .order_by(Attempt.id)
    )
    # The answer stays JSON text: only choice questions need it decoded, for their picks.
    responses = select(
        Response.attempt_id,
        Response.question_version_id,
        Response.points,
        Response.max_points,
        cast(Response.answer, Text),
    ).where(Response.attempt_id.in_(attempt_ids))
    return quiz, attempts, responses


def option_picks(question: Any, picks: list[Any]) -> list[Option] | None:
    """How often each option of a choice question was picked (None for other questions)."""
    if question.type in ("single", "multiple"):
        ids = question.choice_ids()
        correct = {question.correct} if question.type == "single" else set(question.answer)
        texts = {choice_id: text for text, choice_id in ids.items()}
        rows = statistics.distractor_analysis(list(ids.values()), picks)
        return [
            Option(texts[cid], count, share, texts[cid] in correct) for cid, count, share in rows
        ]
    if question.type == "true_false":
        shown = [None if pick is None else ("true" if pick else "false") for pick in picks]
        rows = statistics.distractor_analysis(["true", "false"], shown)
        return [
            Option(value.title(), count, share, (value == "true") == question.answer)
            for value, count, share in rows
        ]
    return None


def _decoded(answer: str, decoded: dict[str, Any]) -> Any:
    """The stored answer, read once: many learners give the same answer."""
    if answer not in decoded:
        decoded[answer] = json.loads(answer)
    return decoded[answer]


def _wrong_parts(question: Any, response: Any) -> list[str]:
    """What was wrong in a typed answer: the answer, or for a gap text each wrong gap."""
    if question.type != "cloze":
        return [grading.describe_response(question, response)]
    parts = grading.grade(question, response).parts
    return [
        f"{part.label}: {part.given}"
        for part in parts
        if not part.correct and part.given != grading.NO_ANSWER
    ]


def _band(item: statistics.ItemStats) -> str | None:
    """The verdict on a question's facility ("Easy", "Difficult"...), once it has as many
    attempts as a flag needs: after one student, 0% says nothing of the question."""
    if item.facility is None or item.attempts < statistics.MIN_ATTEMPTS_TO_FLAG:
        return None
    return statistics.facility_band(item.facility)


def _wrong_answers(typed: bool, given: list[str], attempts: int) -> list[WrongAnswer] | None:
    if not typed:
        return None
    answered = [text for text in given if text != grading.NO_ANSWER]
    return [
        WrongAnswer(text, count, share)
        for text, count, share in statistics.common_answers(
            answered, attempts, fold, COMMON_WRONG_ANSWERS
        )
    ]


def _accepted(question: Any) -> str:
    if question.type == "short":
        return " / ".join(question.answers)
    if question.type == "cloze":
        return "; ".join(" / ".join(accepted) for accepted in question.gaps())
    return grading.describe_answer(question)


def analyse(session: Session, classroom: Classroom, quiz_id: int) -> Analysis:
    """Facility, discrimination, option picks, common wrong answers and flags for each
    question, and two charts.

    Four queries: the quiz (if assigned to the class), the attempts, their responses, and the
    question versions they used.
    """
    quiz_query, attempts_query, responses_query = _queries()
    params = {"class_id": classroom.id, "quiz_id": quiz_id}
    quiz = session.scalar(quiz_query, params)
    if quiz is None:
        raise NotFound("This quiz is not assigned to this class.")
    attempts = session.execute(attempts_query, params).all()
    answers: dict[int, dict[int, tuple[float, float, str | None]]] = defaultdict(dict)
    for attempt_id, version_id, points, max_points, answer in session.execute(
        responses_query, params
    ):
        answers[attempt_id][version_id] = (points, max_points, answer)
    version_ids = {vid for _, order, _ in attempts for vid in order}
    versions = {
        v.id: v
        for v in session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))
    }
    questions = {vid: question_of(version) for vid, version in versions.items()}
    picked = {vid for vid, question in questions.items() if question.type in CHOICE_TYPES}
    typed = {vid for vid, question in questions.items() if question.type in TYPED_TYPES}

    scored: list[statistics.AttemptScores] = []
    picks: dict[int, list[Any]] = defaultdict(list)
    wrong: dict[int, list[str]] = defaultdict(list)
    decoded: dict[str, Any] = {}
    names = {vid: str(vid) for vid in questions}
    blanks = {vid: (0.0, question.points, None) for vid, question in questions.items()}
    for attempt_id, order, _ in attempts:
        responses = []
        given = answers.get(attempt_id, {})
        for vid in order:
            points, max_points, answer = given.get(vid) or blanks[vid]
            responses.append(statistics.ItemResponse(names[vid], points, max_points))
            if vid in picked:
                picks[vid].append(None if answer is None else _decoded(answer, decoded))
            elif vid in typed and answer is not None and points < max_points:
                wrong[vid] += _wrong_parts(questions[vid], _decoded(answer, decoded))
        scored.append(statistics.AttemptScores(attempt_id, responses))

    ordered = sorted(versions.values(), key=lambda v: (v.position, v.question_key, v.version))
    marked = {str(v.id): questions[v.id].difficulty for v in ordered}
    stats = statistics.item_analysis(scored, [str(v.id) for v in ordered], marked)
    keys = defaultdict(int)
    for version in ordered:
        keys[version.question_key] += 1
    rows = [
        QuestionRow(
            number=number,
            version=version,
            question=questions[version.id],
            stats=item,
            band=_band(item),
            options=option_picks(questions[version.id], picks[version.id]),
            wrong_answers=_wrong_answers(version.id in typed, wrong[version.id], item.attempts),
            accepted=_accepted(questions[version.id]) if version.id in typed else None,
            other_versions=keys[version.question_key] > 1,
        )
        for number, (version, item) in enumerate(zip(ordered, stats, strict=True), start=1)
    ]
    percentages = [percentage or 0.0 for _, _, percentage in attempts]
    histogram = histogram_svg(
        statistics.score_histogram(percentages),
        f"Score distribution: number of attempts per score band ({quiz.title})",
    )
    facility = bar_chart_svg(
        [(f"Q{row.number}. {row.question.prompt}", row.stats.facility) for row in rows],
        1.0,
        "Facility index per question (share of the maximum score)",
        "{:.0%}",
    )
    return Analysis(
        quiz=quiz,
        attempts=len(attempts),
        summary=statistics.summary(percentages),
        rows=rows,
        histogram_svg=histogram,
        facility_svg=facility,
    )
