"""Question versions as models of the bank format, parsed once per version."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import TypeAdapter

from quizapp.core.bank.schema import Card, Question, Quiz
from quizapp.models import QuestionVersion, QuizRecord

_question_adapter: TypeAdapter[Any] = TypeAdapter(Question)


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


_PARSED_LIMIT = 8192
_parsed: dict[tuple[int, str], Any] = {}


def _parse(data: dict[str, Any]) -> Any:
    if data.get("type") == "card":
        return Card.model_validate({k: v for k, v in data.items() if k != "type"})
    return _question_adapter.validate_python(data)


def question_of(version: QuestionVersion) -> Any:
    """The question model of a stored version, parsed once: a version never changes, and
    its content hash tells apart rows of different databases that share an id."""
    key = (version.id, version.content_hash)
    question = _parsed.get(key)
    if question is None:
        question = _parse(version.data)
        if len(_parsed) >= _PARSED_LIMIT:
            _parsed.clear()
        _parsed[key] = question
    return question


def quiz_of(record: QuizRecord) -> Quiz:
    return Quiz.model_validate(record.settings)


def options_in_order(question: Any, order: list[str]) -> list[tuple[str, str]]:
    """(id, text) of a question's options (choices, match partners, order items) in the
    display order drawn for an attempt or a game; none for other questions."""
    if question.type in ("single", "multiple"):
        texts = {cid: text for text, cid in question.choice_ids().items()}
    elif question.type == "match":
        texts = {rid: text for text, rid in question.right_ids().items()}
    elif question.type == "order":
        texts = {iid: text for text, iid in question.item_ids().items()}
    else:
        return []
    return [(oid, texts[oid]) for oid in order if oid in texts]
