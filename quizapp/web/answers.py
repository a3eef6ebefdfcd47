"""Reading an answer out of a posted question form, and back into the form's fields.

The field names are the same for every request of a type; `check_response` in the grading
core then decides whether the answer is well formed.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from quizapp.core import grading
from quizapp.services.errors import InvalidAnswer


def answer_from_form(question: Any, form: MultiDict[str, str]) -> Any | None:
    """The raw answer in the shape the grading core expects, or None when nothing was entered."""
    kind = question.type
    if kind in ("single", "true_false"):
        return form.get("answer") or None
    if kind == "multiple":
        picked = form.getlist("answer")
        return picked or None
    if kind in ("short", "numeric", "date"):
        text = form.get("answer", "").strip()
        return text or None
    if kind == "match":
        pairs = {}
        for left_id in question.left_ids().values():
            right = form.get(f"pair-{left_id}", "")
            if right:
                pairs[left_id] = right
        return pairs or None
    if kind == "order":
        return _order_from_ranks(question, form)
    if kind == "cloze":
        gaps = [form.get(f"gap-{i}", "").strip() for i in range(len(question.gaps()))]
        return gaps if any(gaps) else None
    raise InvalidAnswer("This kind of question cannot be answered here.")


def _rank(value: str) -> int | None:
    """A position as the form sends it ("2"), or None for anything else."""
    return int(value) if value.isdecimal() and len(value) <= 3 else None


def _order_from_ranks(question: Any, form: MultiDict[str, str]) -> list[str] | None:
    values = {item_id: form.get(f"rank-{item_id}", "") for item_id in question.item_ids().values()}
    if not any(values.values()):
        return None
    ranks = {item_id: _rank(value) for item_id, value in values.items()}
    if sorted(rank or 0 for rank in ranks.values()) != list(range(1, len(ranks) + 1)):
        _bad_ranks()
    return sorted(ranks, key=lambda item_id: ranks[item_id] or 0)


def _bad_ranks() -> None:
    raise InvalidAnswer(
        "Give every item a different position, from 1 to the number of items; or clear every"
        " position to leave this question for later."
    )


def form_values(question: Any, answer: Any, order: list[str]) -> dict[str, Any]:
    """The values to put back in the form's fields for a stored (or just typed) answer."""
    if answer is None:
        return {}
    kind = question.type
    if kind == "single":
        return {"answer": [answer]}
    if kind == "multiple":
        return {"answer": list(answer)}
    if kind == "true_false":
        return {"answer": ["true" if answer in (True, "true") else "false"]}
    if kind == "date":
        return {"answer": answer["text"] if isinstance(answer, dict) else answer}
    if kind == "numeric":
        return {"answer": grading.format_number(answer)}
    if kind == "short":
        return {"answer": str(answer)}
    if kind == "match":
        return {f"pair-{left}": right for left, right in dict(answer).items()}
    if kind == "order":
        return {f"rank-{item}": position for position, item in enumerate(answer, start=1)}
    if kind == "cloze":
        return {f"gap-{i}": text for i, text in enumerate(answer)}
    return {}


def typed_values(question: Any, form: MultiDict[str, str]) -> dict[str, Any]:
    """What the learner typed, to show again when the answer was refused (nothing is lost)."""
    values: dict[str, Any] = {}
    for key in form:
        if key == "answer":
            values[key] = (
                form.getlist(key)
                if question.type in ("single", "multiple", "true_false")
                else form.get(key)
            )
        elif key.startswith(("pair-", "rank-", "gap-")):
            value = form.get(key)
            values[key] = _rank(value) if key.startswith("rank-") else value
    return values
