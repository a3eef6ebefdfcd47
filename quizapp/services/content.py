"""Question versions as models of the bank format, parsed once per version."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from pydantic import TypeAdapter

from quizapp.core.bank.schema import Card, Question, Quiz
from quizapp.models import QuestionVersion, QuizRecord

_question_adapter: TypeAdapter[Any] = TypeAdapter(Question)


def content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@lru_cache(maxsize=8192)
def _parse(version_id: int, content: str) -> Any:
    data = json.loads(content)
    if data.get("type") == "card":
        return Card.model_validate({k: v for k, v in data.items() if k != "type"})
    return _question_adapter.validate_python(data)


def question_of(version: QuestionVersion) -> Any:
    """The question model of a stored version (versions never change, so this is cached)."""
    return _parse(version.id, json.dumps(version.data, sort_keys=True))


def quiz_of(record: QuizRecord) -> Quiz:
    return Quiz.model_validate(record.settings)
