"""A bank as plain JSON, for other tools (`quizapp validate --json`)."""

from __future__ import annotations

from typing import Any

from quizapp.core.bank.schema import (
    Bank,
    ChoiceQuestion,
    MatchQuestion,
    OrderQuestion,
)
from quizapp.core.grading import canonical_answer


def _choices(question: Any) -> list[str] | None:
    """The options a learner sees, in bank order; None for questions without options."""
    if isinstance(question, ChoiceQuestion):
        return list(question.choices)
    if isinstance(question, MatchQuestion):
        return question.right_options()
    if isinstance(question, OrderQuestion):
        return list(question.items)
    return None


def bank_to_json(bank: Bank) -> dict[str, Any]:
    return {
        "id": bank.id,
        "title": bank.title,
        "questions": [
            {
                "id": question.id,
                "type": question.type,
                "prompt": question.prompt,
                "choices": _choices(question),
                "answer": canonical_answer(question),
                "source": question.source,
                "tags": list(question.tags),
            }
            for question in bank.questions
        ],
    }
