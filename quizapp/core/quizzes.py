"""Which questions a quiz draws, and in which order its options are shown."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, Protocol

from quizapp.core.bank.schema import Quiz


class Tagged(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def tags(self) -> list[str]: ...


def selected_ids(quiz: Quiz, questions: Sequence[Tagged]) -> list[str]:
    """The ids the quiz selects: those it lists, in its order, then those carrying one of its
    tags, in bank order. Ids the bank no longer has are skipped."""
    known = {q.id for q in questions}
    ids = [qid for qid in dict.fromkeys(quiz.questions) if qid in known]
    listed = set(ids)
    wanted = set(quiz.tags)
    ids += [q.id for q in questions if q.id not in listed and wanted.intersection(q.tags)]
    return ids


def draw(quiz: Quiz, questions: Sequence[Tagged], rng: random.Random) -> list[str]:
    """The questions of one attempt: `count` of the selection (a random sample when the quiz
    draws fewer than it selects), shuffled when the quiz says so, else in selection order."""
    ids = selected_ids(quiz, questions)
    if quiz.count is not None and quiz.count < len(ids):
        picked = set(rng.sample(ids, quiz.count))
        ids = [qid for qid in ids if qid in picked]
    if quiz.shuffle_questions:
        rng.shuffle(ids)
    return ids


def option_order(question: Any, shuffle: bool, rng: random.Random) -> list[str]:
    """Displayed order of a question's option ids.

    Order items and match options are always shuffled, every order alike, the solved one
    included: the bank lists order items solved and match options in the order of their
    pairs, and leaving out the solved order would itself give the answer away (with two
    items, the answer would be the reverse of what is shown). Choices follow the bank's
    order unless the quiz shuffles them. Ids are opaque hashes, so neither the ids nor their
    order tell which option is correct.
    """
    if question.type in ("single", "multiple"):
        ids = list(question.choice_ids().values())
        if shuffle:
            rng.shuffle(ids)
        return ids
    if question.type == "match":
        ids = list(question.right_ids().values())
    elif question.type == "order":
        ids = list(question.item_ids().values())
    else:
        return []
    rng.shuffle(ids)
    return ids
