"""Checks across a bank that the models cannot make one item at a time.

They run on the plain data, so that they still say what they can when some
part of the bank does not validate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from quizapp.core.bank.problems import Issue, did_you_mean, shown
from quizapp.core.bank.schema import Bank
from quizapp.core.bank.sources import Article, words
from quizapp.core.bank.yamlpos import Positions

MAX_SOURCE_HINTS = 20
"""Finding the closest sentence is slow on a long article; hint for the first few only."""
MIN_SOURCE_WORDS = 3
"""A source shorter than this does not show which sentence a question comes from."""


def _items(data: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, item) for i, item in enumerate(items) if isinstance(item, dict)]


def _text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value if isinstance(value, str) else None


def _texts(item: dict[str, Any], key: str) -> list[tuple[int, str]]:
    values = item.get(key)
    if not isinstance(values, list):
        return []
    return [(i, value) for i, value in enumerate(values) if isinstance(value, str)]


def _label(kind: str, index: int, item: dict[str, Any]) -> str:
    ident = _text(item, "id")
    return f"{kind} {shown(ident)}" if ident else f"{kind} {index + 1}"


def check_bank(
    data: dict[str, Any], positions: Positions, article: Article | None, article_name: str
) -> list[Issue]:
    issues = [
        *_duplicate_ids(data, "questions", "question", positions),
        *_duplicate_ids(data, "quizzes", "quiz", positions),
        *_duplicate_ids(data, "cards", "card", positions),
        *_quiz_selections(data),
    ]
    if article is not None:
        issues += _sources(data, article, article_name)
    return issues


def answers_left_unchecked(data: dict[str, Any], schema_issues: list[Issue]) -> list[Issue]:
    """The answers of choice questions that the schema could not check, checked against
    their choices all the same, so that a teacher sees every mistake in one run.

    The schema checks that an answer is among the choices only once the question's fields
    are valid: a choice listed twice, say, would hide a misspelt answer until it is fixed.
    A question whose answer itself has a problem is left to that problem's message.
    """
    blocked: set[int] = set()
    told: set[int] = set()
    for issue in schema_issues:
        path = issue.path
        if len(path) > 2 and path[0] == "questions" and isinstance(path[1], int):
            (told if path[2] == "answer" else blocked).add(path[1])
    issues = []
    for i, item in _items(data, "questions"):
        if i not in blocked or i in told or item.get("type") not in ("single", "multiple"):
            continue
        choices = {choice.strip() for _, choice in _texts(item, "choices")}
        answer = item.get("answer")
        for given in answer if isinstance(answer, list) else [answer]:
            if isinstance(given, str) and choices and given.strip() not in choices:
                issues.append(
                    Issue(
                        ("questions", i, "answer"),
                        f"the answer {shown(given.strip())} is not among the choices"
                        f" ({_label('question', i, item)})",
                        at_key=True,
                    )
                )
    return issues


def _duplicate_ids(
    data: dict[str, Any], key: str, kind: str, positions: Positions
) -> Iterator[Issue]:
    first: dict[str, int] = {}
    for i, item in _items(data, key):
        ident = _text(item, "id")
        if ident is None:
            continue
        if ident in first:
            line, _ = positions.find((key, first[ident], "id"))
            yield Issue(
                (key, i, "id"), f"duplicate {kind} id {shown(ident)} (first on line {line})"
            )
        else:
            first[ident] = i


def _quiz_selections(data: dict[str, Any]) -> Iterator[Issue]:
    """Every quiz names questions and tags that exist, and selects enough to draw from."""
    questions = [item for _, item in _items(data, "questions")]
    ids = [ident for item in questions if (ident := _text(item, "id"))]
    known_ids = set(ids)
    tagged = [(_text(q, "id"), {tag for _, tag in _texts(q, "tags")}) for q in questions]
    known_tags: set[str] = set().union(*(tags for _, tags in tagged))
    for k, quiz in _items(data, "quizzes"):
        name = _label("quiz", k, quiz)
        listed = _texts(quiz, "questions")
        wanted = _texts(quiz, "tags")
        for m, ident in listed:
            if ident not in known_ids:
                yield Issue(
                    ("quizzes", k, "questions", m),
                    f"{name} names unknown question {shown(ident)}{did_you_mean(ident, ids)}",
                )
        for m, tag in wanted:
            if tag not in known_tags:
                yield Issue(
                    ("quizzes", k, "tags", m),
                    f"{name} names unknown tag {shown(tag)}{did_you_mean(tag, sorted(known_tags))}"
                    " (no question has it)",
                )
        wanted_tags = {tag for _, tag in wanted}
        selected = {ident for _, ident in listed if ident in known_ids}
        selected.update(ident for ident, tags in tagged if ident and tags & wanted_tags)
        count = quiz.get("count")
        if not selected:
            if listed or wanted:
                yield Issue(("quizzes", k), f"{name} selects no questions")
        elif type(count) is int and count > len(selected):
            yield Issue(
                ("quizzes", k, "count"),
                f"{name} draws {count} questions (count) but selects only {len(selected)}",
            )


def _sources(data: dict[str, Any], article: Article, article_name: str) -> Iterator[Issue]:
    """Each question's source, and each card's that has one, is quoted from the article,
    up to whitespace."""
    hints = 0
    for key, kind in (("questions", "question"), ("cards", "card")):
        for i, item in _items(data, key):
            source = _text(item, "source")
            if source is None or not source.strip():
                continue
            if len(words(source)) < MIN_SOURCE_WORDS:
                yield Issue(
                    (key, i, "source"),
                    f"the source of {_label(kind, i, item)} is too short to show where it comes"
                    f" from: quote at least {MIN_SOURCE_WORDS} words of the article's sentence",
                )
                continue
            if article.contains(source):
                continue
            message = f"source sentence of {_label(kind, i, item)} not found in {article_name}"
            if hints < MAX_SOURCE_HINTS:
                hints += 1
                closest = article.closest(source)
                if closest:
                    message += f"; did you mean: “{closest}”?"
            yield Issue((key, i, "source"), message)


def warnings_of(bank: Bank) -> Iterator[Issue]:
    """What a valid bank had better not do: nothing here stops it from being imported.

    A quiz that does not limit attempts shows each answer in its review (and in a live
    game), so one that shares questions with a test gives the test's answers away.
    """
    tests = [(quiz, set(bank.quiz_question_ids(quiz))) for quiz in bank.quizzes if quiz.attempts]
    if not tests:
        return
    for k, quiz in enumerate(bank.quizzes):
        if quiz.attempts is not None:
            continue
        drawn = set(bank.quiz_question_ids(quiz))
        for test, test_questions in tests:
            shared = len(drawn & test_questions)
            if shared:
                yield Issue(
                    ("quizzes", k, "id"),
                    f"quiz {shown(quiz.id)} shares {shared} of its questions with the test"
                    f" {shown(test.id)} (attempts: {test.attempts}), and its review shows their"
                    " answers: give the test questions of its own, or a bank of its own",
                )
