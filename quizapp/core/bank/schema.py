"""The question bank format, as pydantic models.

These models are the single definition of a bank: the validator checks files
against them, `questions/schema.json` is generated from them, and the grading
core and the web app read them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic.types import Strict as StrictMode

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=80),
]
CardId = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=75),
]
"""A card's id is kept as "card:<id>", in as many characters as a question's id."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Tag = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", min_length=1, max_length=40)
]
Difficulty = Literal["easy", "medium", "hard"]
WebAddress = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]


def _not_a_number(value: object) -> object:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("write the date as YYYY-MM-DD (2025-06-14), not as a number")
    return value


Date = Annotated[dt.date, StrictMode(False), BeforeValidator(_not_a_number)]
"""A date as YAML reads it (2025-06-14) or quoted ("2025-06-14"): both are how people write
one; a number is not read as seconds since 1970. Other values are taken as written (see
`Strict`)."""

CLOZE_GAP = re.compile(r"\{\{(.*?)\}\}")


class Strict(BaseModel):
    """Unknown keys are errors: a typo must never be silently ignored. Values are taken as
    written: "12" is not a number, 1 is not true, and nan or infinity is no number at all."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Source(Strict):
    title: Text
    publisher: Text | None = None
    date: Date | None = None
    url: WebAddress | None = None
    text: Text = Field(description="Path of the article's plain text, relative to the bank file.")


def choice_id(question_id: str, text: str) -> str:
    """A stable, opaque id for a choice: it says nothing about position or correctness."""
    return hashlib.blake2s(f"{question_id}\x00{text}".encode(), digest_size=4).hexdigest()


class QuestionBase(Strict):
    id: Slug
    prompt: Text
    explanation: Text
    source: Text = Field(description="The sentence of the article the question comes from.")
    tags: list[Tag] = Field(default_factory=list)
    difficulty: Difficulty = "medium"
    points: float = Field(default=1, gt=0, le=100)


class ChoiceQuestion(QuestionBase):
    choices: list[Text] = Field(min_length=2, max_length=12)

    @field_validator("choices")
    @classmethod
    def _distinct_choices(cls, choices: list[str]) -> list[str]:
        seen: set[str] = set()
        for choice in choices:
            if choice in seen:
                raise ValueError(f"choice {choice!r} is listed twice")
            seen.add(choice)
        return choices

    def choice_ids(self) -> dict[str, str]:
        """Choice text to its opaque id."""
        return {text: choice_id(self.id, text) for text in self.choices}


class SingleQuestion(ChoiceQuestion):
    """One correct choice. Full points for it, none otherwise."""

    type: Literal["single"]
    answer: Text | list[Text]

    @model_validator(mode="after")
    def _answer_is_one_choice(self) -> SingleQuestion:
        answers = self.answer if isinstance(self.answer, list) else [self.answer]
        if len(answers) != 1:
            raise ValueError(
                f"a 'single' question needs exactly one correct answer, got {len(answers)}"
                " (use type: multiple for select-all-that-apply)"
            )
        _require_among_choices(answers, self.choices)
        return self

    @property
    def correct(self) -> str:
        return self.answer[0] if isinstance(self.answer, list) else self.answer


class MultipleQuestion(ChoiceQuestion):
    """Select all that apply; partial credit, wrong picks cost, never below zero."""

    type: Literal["multiple"]
    answer: list[Text] = Field(min_length=1)

    @model_validator(mode="after")
    def _answers_are_choices(self) -> MultipleQuestion:
        _require_among_choices(self.answer, self.choices)
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("an answer is listed twice")
        return self


class TrueFalseQuestion(QuestionBase):
    type: Literal["true_false"]
    answer: bool


class ShortQuestion(QuestionBase):
    """A typed answer, compared after folding case, accents, punctuation and spaces."""

    type: Literal["short"]
    answers: list[Text] = Field(min_length=1)
    typo_tolerance: int = Field(
        default=0, ge=0, le=3, description="Edits (Damerau-Levenshtein) forgiven."
    )


class NumericQuestion(QuestionBase):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0, ge=0)
    unit: str | None = None


class DateQuestion(QuestionBase):
    """A calendar date; `answer` is an ISO date or `--MM-DD` for a date without a year."""

    type: Literal["date"]
    answer: str | dt.date

    @field_validator("answer")
    @classmethod
    def _iso_or_month_day(cls, value: str | dt.date) -> str:
        if isinstance(value, dt.date):
            return value.isoformat()
        if re.fullmatch(r"--\d{2}-\d{2}", value):
            try:
                dt.date(2000, int(value[2:4]), int(value[5:7]))
            except ValueError:
                raise ValueError(f"{value!r} is not a real month and day") from None
            return value
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError(f"{value!r} is not a real date") from None
            raise ValueError(
                f"date answer {value!r} must be YYYY-MM-DD, or --MM-DD for a date without a year"
            ) from None

    @property
    def has_year(self) -> bool:
        return not str(self.answer).startswith("--")


class Pair(Strict):
    left: Text
    right: Text


class MatchQuestion(QuestionBase):
    """Pair each left item with its right item; credit per correct pair."""

    type: Literal["match"]
    pairs: list[Pair] = Field(min_length=2, max_length=12)
    distractors: list[Text] = Field(
        default_factory=list, description="Extra right-hand options that match nothing."
    )

    @model_validator(mode="after")
    def _distinct_sides(self) -> MatchQuestion:
        lefts = [p.left for p in self.pairs]
        rights = [p.right for p in self.pairs] + list(self.distractors)
        if len(set(lefts)) != len(lefts):
            raise ValueError("a left-hand item is listed twice")
        if len(set(rights)) != len(rights):
            raise ValueError("a right-hand item (or distractor) is listed twice")
        return self

    def right_options(self) -> list[str]:
        return [p.right for p in self.pairs] + list(self.distractors)

    def left_ids(self) -> dict[str, str]:
        """Left-hand text to its opaque id."""
        return {p.left: choice_id(self.id, "left:" + p.left) for p in self.pairs}

    def right_ids(self) -> dict[str, str]:
        """Right-hand option text (pairs and distractors) to its opaque id."""
        return {text: choice_id(self.id, "right:" + text) for text in self.right_options()}


class OrderQuestion(QuestionBase):
    """Put items in order; `items` is written in the correct order."""

    type: Literal["order"]
    items: list[Text] = Field(min_length=2, max_length=12)

    @field_validator("items")
    @classmethod
    def _distinct_items(cls, items: list[str]) -> list[str]:
        if len(set(items)) != len(items):
            raise ValueError("an item is listed twice")
        return items

    def item_ids(self) -> dict[str, str]:
        """Item text to its opaque id."""
        return {text: choice_id(self.id, text) for text in self.items}


class ClozeQuestion(QuestionBase):
    """A sentence with gaps written as {{answer|other accepted answer}}."""

    type: Literal["cloze"]
    text: Text
    typo_tolerance: int = Field(default=0, ge=0, le=3)

    @field_validator("text")
    @classmethod
    def _has_gaps(cls, text: str) -> str:
        gaps = CLOZE_GAP.findall(text)
        if not gaps:
            raise ValueError("a cloze text needs at least one gap written as {{answer}}")
        for gap in gaps:
            if not [a for a in gap.split("|") if a.strip()]:
                raise ValueError("a cloze gap {{}} is empty")
        return text

    def gaps(self) -> list[list[str]]:
        """Accepted answers per gap, in order."""
        return [
            [a.strip() for a in gap.split("|") if a.strip()] for gap in CLOZE_GAP.findall(self.text)
        ]

    def segments(self) -> list[str]:
        """The text around the gaps: len(segments) == len(gaps) + 1."""
        return CLOZE_GAP.split(self.text)[::2]


def _require_among_choices(answers: list[str], choices: list[str]) -> None:
    for answer in answers:
        if answer not in choices:
            raise ValueError(f"the answer {answer!r} is not among the choices")


Question = Annotated[
    SingleQuestion
    | MultipleQuestion
    | TrueFalseQuestion
    | ShortQuestion
    | NumericQuestion
    | DateQuestion
    | MatchQuestion
    | OrderQuestion
    | ClozeQuestion,
    Field(discriminator="type"),
]

QUESTION_TYPES: tuple[str, ...] = (
    "single",
    "multiple",
    "true_false",
    "short",
    "numeric",
    "date",
    "match",
    "order",
    "cloze",
)


class Quiz(Strict):
    """A named selection of the bank's questions, by id and/or by tag."""

    id: Slug
    title: Title
    description: str | None = None
    questions: list[Slug] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    count: int | None = Field(default=None, ge=1, description="Draw this many; default all.")
    shuffle_questions: bool = False
    shuffle_choices: bool = True
    time_limit_minutes: float | None = Field(
        default=None, ge=1, le=600, description="Minutes for one attempt; default no limit."
    )
    attempts: int | None = Field(
        default=None, ge=1, le=100, description="Attempts allowed (1 to 100); default no limit."
    )
    grading: Literal["best", "last", "average"] = "best"
    feedback: Literal["immediate", "end"] = "end"

    @model_validator(mode="after")
    def _selects_something(self) -> Quiz:
        if not self.questions and not self.tags:
            raise ValueError("a quiz selects questions by 'questions' (ids), 'tags', or both")
        return self


class Card(Strict):
    id: CardId
    front: Text
    back: Text
    tags: list[Tag] = Field(default_factory=list)
    source: str | None = None


class Bank(Strict):
    id: Slug
    title: Title
    language: Annotated[
        str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", max_length=20)
    ]
    description: Text
    source: Source
    license: Text
    tags: list[Tag] = Field(default_factory=list)
    questions: list[Question] = Field(min_length=1)
    quizzes: list[Quiz] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)

    def question(self, question_id: str) -> Any:
        return next((q for q in self.questions if q.id == question_id), None)

    def quiz_question_ids(self, quiz: Quiz) -> list[str]:
        """Ids the quiz draws from: the listed ids, then questions carrying one of its tags."""
        wanted = set(quiz.tags)
        ids = list(dict.fromkeys(quiz.questions))
        listed = set(ids)
        ids += [q.id for q in self.questions if q.id not in listed and wanted.intersection(q.tags)]
        return ids
