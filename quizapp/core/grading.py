"""Grading a learner's response to a question, one grader per question type.

`GRADERS` maps each question type to the object that knows how to read a raw response
(`check_response`), grade it (`grade`), and show the correct answer and the response
(`canonical_answer`, `describe_answer`, `describe_response`). Each grading rule is written
once, in its grader's docstring and code.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from quizapp.core.bank.schema import (
    ClozeQuestion,
    DateQuestion,
    MatchQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderQuestion,
    ShortQuestion,
    SingleQuestion,
    TrueFalseQuestion,
)
from quizapp.core.dates import DateError, ParsedDate, date_matches, parse_date
from quizapp.core.text import matches

NO_ANSWER = "—"
MAX_ANSWER_LENGTH = 500
MAX_NUMBER_LENGTH = 50
NUMERIC_EPSILON = 1e-9
"""Numbers within this (times the answer's size, when above 1) of the tolerance still count:
0.1 + 0.2 is not exactly 0.3 in floating point."""

UNKNOWN_OPTION = "That option is not part of this question. Reload the page and answer again."


class InvalidResponse(ValueError):
    """A response that cannot be graded as given. The message is shown to the learner."""


@dataclass(frozen=True)
class PartResult:
    """Feedback on one part of a response: a choice, a pair, an item, a gap, or the answer."""

    label: str
    given: str
    expected: str
    correct: bool


@dataclass(frozen=True)
class Grade:
    fraction: float
    points: float
    max_points: float
    correct: bool
    parts: tuple[PartResult, ...]


class Grader:
    """How one type of question reads, grades and shows responses."""

    def check(self, question: Any, raw: Any) -> Any:
        """The normalized response to store, or InvalidResponse."""
        raise NotImplementedError

    def grade(self, question: Any, response: Any) -> tuple[Fraction, list[PartResult]]:
        """The fraction of the points earned (0..1) and the feedback per part."""
        raise NotImplementedError

    def canonical(self, question: Any) -> Any:
        raise NotImplementedError

    def describe_answer(self, question: Any) -> str:
        raise NotImplementedError

    def describe_response(self, question: Any, response: Any) -> str:
        raise NotImplementedError


class SingleGrader(Grader):
    """One choice, by its id. The correct choice earns 1, any other 0."""

    def check(self, question: SingleQuestion, raw: Any) -> str:
        if not isinstance(raw, str) or not raw:
            raise InvalidResponse("Pick one of the options.")
        if raw not in question.choice_ids().values():
            raise InvalidResponse(UNKNOWN_OPTION)
        return raw

    def grade(self, question: SingleQuestion, response: str) -> tuple[Fraction, list[PartResult]]:
        correct = response == question.choice_ids()[question.correct]
        given = self.describe_response(question, response)
        return Fraction(int(correct)), [PartResult("Answer", given, question.correct, correct)]

    def canonical(self, question: SingleQuestion) -> str:
        return question.correct

    def describe_answer(self, question: SingleQuestion) -> str:
        return question.correct

    def describe_response(self, question: SingleQuestion, response: str) -> str:
        return _texts_by_id(question.choice_ids()).get(response, NO_ANSWER)


class MultipleGrader(Grader):
    """Select all that apply, as a list of choice ids (possibly empty).

    With k correct and w wrong options among the choices, each correct pick earns 1/k and
    each wrong pick costs 1/w (when w > 0); the total is clamped to [0, 1]. Picking every
    option therefore earns 0, and picking none earns 0.
    """

    def check(self, question: MultipleQuestion, raw: Any) -> list[str]:
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise InvalidResponse("Pick the options that apply.")
        known = set(question.choice_ids().values())
        if any(item not in known for item in raw):
            raise InvalidResponse(UNKNOWN_OPTION)
        return sorted(set(raw))

    def grade(
        self, question: MultipleQuestion, response: list[str]
    ) -> tuple[Fraction, list[PartResult]]:
        picked = set(response)
        answers = set(question.answer)
        k = len(answers)
        w = len(question.choices) - k
        score = Fraction(0)
        parts = []
        for text, choice_id in question.choice_ids().items():
            is_answer = text in answers
            was_picked = choice_id in picked
            if was_picked:
                score += Fraction(1, k) if is_answer else -Fraction(1, w)
            parts.append(
                PartResult(text, _picked(was_picked), _picked(is_answer), was_picked == is_answer)
            )
        return _clamp(score), parts

    def canonical(self, question: MultipleQuestion) -> list[str]:
        return [text for text in question.choices if text in question.answer]

    def describe_answer(self, question: MultipleQuestion) -> str:
        return "; ".join(self.canonical(question))

    def describe_response(self, question: MultipleQuestion, response: list[str]) -> str:
        picked = set(response)
        texts = [text for text, choice_id in question.choice_ids().items() if choice_id in picked]
        return "; ".join(texts) or NO_ANSWER


class TrueFalseGrader(Grader):
    """True or false, as a bool or the strings "true"/"false". Right earns 1, wrong 0."""

    def check(self, question: TrueFalseQuestion, raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
            return raw.strip().lower() == "true"
        raise InvalidResponse("Answer true or false.")

    def grade(
        self, question: TrueFalseQuestion, response: bool
    ) -> tuple[Fraction, list[PartResult]]:
        correct = response == question.answer
        part = PartResult("Answer", _true_false(response), _true_false(question.answer), correct)
        return Fraction(int(correct)), [part]

    def canonical(self, question: TrueFalseQuestion) -> bool:
        return question.answer

    def describe_answer(self, question: TrueFalseQuestion) -> str:
        return _true_false(question.answer)

    def describe_response(self, question: TrueFalseQuestion, response: bool) -> str:
        return _true_false(response)


class ShortGrader(Grader):
    """A typed answer (stored stripped; may be empty, which earns 0).

    Both sides are folded (case, accents, punctuation, spacing; see `text.fold`). The answer
    earns 1 if it equals an accepted answer, or is within the question's `typo_tolerance`
    edits of one, except that typos are never forgiven when the folded accepted answer is
    3 characters or shorter, or when they change a digit (see `text.matches`). Otherwise 0.
    """

    def check(self, question: ShortQuestion, raw: Any) -> str:
        return _typed_text(raw)

    def grade(self, question: ShortQuestion, response: str) -> tuple[Fraction, list[PartResult]]:
        correct = matches(response, question.answers, question.typo_tolerance)
        part = PartResult("Answer", response or NO_ANSWER, question.answers[0], correct)
        return Fraction(int(correct)), [part]

    def canonical(self, question: ShortQuestion) -> list[str]:
        return list(question.answers)

    def describe_answer(self, question: ShortQuestion) -> str:
        return question.answers[0]

    def describe_response(self, question: ShortQuestion, response: str) -> str:
        return response or NO_ANSWER


class NumericGrader(Grader):
    """A number, typed or sent as a JSON number; stored as an int when it is whole.

    Typed numbers may use a comma or a space to group thousands ("1,244", "1 244", "1,244.5")
    and a point for decimals. A comma that is not followed by exactly three digits in a
    proper group ("1,5", "12,34", "1244,000") is refused rather than guessed: in much of the
    world "1,5" means one and a half. The question's unit may follow the number ("12 km").

    The response earns 1 when |given - answer| <= tolerance (plus a tiny epsilon for
    floating point), otherwise 0.
    """

    def check(self, question: NumericQuestion, raw: Any) -> int | float:
        if isinstance(raw, bool):
            raise InvalidResponse(_number_hint(question))
        if isinstance(raw, int | float):
            try:
                value = float(raw)
            except OverflowError:
                raise InvalidResponse("That number is too large.") from None
            if not math.isfinite(value):
                raise InvalidResponse(_number_hint(question))
            return _plain_number(raw)
        if isinstance(raw, str):
            return _read_number(raw, question)
        raise InvalidResponse(_number_hint(question))

    def grade(
        self, question: NumericQuestion, response: float
    ) -> tuple[Fraction, list[PartResult]]:
        allowed = question.tolerance + NUMERIC_EPSILON * max(1.0, abs(question.answer))
        correct = abs(float(response) - question.answer) <= allowed
        given = self.describe_response(question, response)
        part = PartResult("Answer", given, self.describe_answer(question), correct)
        return Fraction(int(correct)), [part]

    def canonical(self, question: NumericQuestion) -> int | float:
        return _plain_number(question.answer)

    def describe_answer(self, question: NumericQuestion) -> str:
        text = format_number(question.answer)
        if question.tolerance:
            text += f" ± {format_number(question.tolerance)}"
        return _with_unit(text, question.unit)

    def describe_response(self, question: NumericQuestion, response: float) -> str:
        return _with_unit(format_number(response), question.unit)


YEAR_NEEDED = "This date needs its year too: write the day, the month and the year."


class DateGrader(Grader):
    """A date as the learner writes it (see `dates.parse_date`), stored as
    {"text": what was typed, "iso": "YYYY-MM-DD" or "--MM-DD"}.

    Earns 1 when the date matches the answer (see `dates.date_matches`: an answer without a
    year accepts any year or none; an answer with a year needs that year), otherwise 0. A
    date without a year, to an answer with one, is refused rather than marked wrong (the
    question's hint asks for the year).
    """

    def check(self, question: DateQuestion, raw: Any) -> dict[str, str]:
        if not isinstance(raw, str):
            raise InvalidResponse('Type a date, for example "12 October".')
        text = " ".join(raw.split())
        try:
            parsed = parse_date(text)
        except DateError as error:
            raise InvalidResponse(str(error)) from None
        if question.has_year and parsed.year is None:
            raise InvalidResponse(YEAR_NEEDED)
        return {"text": text, "iso": parsed.iso()}

    def grade(
        self, question: DateQuestion, response: dict[str, str]
    ) -> tuple[Fraction, list[PartResult]]:
        correct = date_matches(ParsedDate.from_iso(response["iso"]), str(question.answer))
        given = self.describe_response(question, response)
        part = PartResult("Date", given, self.describe_answer(question), correct)
        return Fraction(int(correct)), [part]

    def canonical(self, question: DateQuestion) -> str:
        return str(question.answer)

    def describe_answer(self, question: DateQuestion) -> str:
        return ParsedDate.from_iso(str(question.answer)).describe()

    def describe_response(self, question: DateQuestion, response: dict[str, str]) -> str:
        return ParsedDate.from_iso(response["iso"]).describe()


class MatchGrader(Grader):
    """Pairs, as a dict from left id to right id; a left left out is an unanswered pair.

    Each correct pair earns 1/n of the points, for n pairs; distractors match nothing.
    """

    def check(self, question: MatchQuestion, raw: Any) -> dict[str, str]:
        if not isinstance(raw, dict):
            raise InvalidResponse("Match each item on the left with one on the right.")
        lefts = list(question.left_ids().values())
        rights = set(question.right_ids().values())
        for left, right in raw.items():
            if left not in lefts:
                raise InvalidResponse(UNKNOWN_OPTION)
            if right is None or right == "":
                continue
            if not isinstance(right, str) or right not in rights:
                raise InvalidResponse(UNKNOWN_OPTION)
        return {left: raw[left] for left in lefts if raw.get(left) not in (None, "")}

    def grade(
        self, question: MatchQuestion, response: dict[str, str]
    ) -> tuple[Fraction, list[PartResult]]:
        left_ids = question.left_ids()
        right_ids = question.right_ids()
        right_texts = _texts_by_id(right_ids)
        parts = []
        for pair in question.pairs:
            given = response.get(left_ids[pair.left])
            correct = given == right_ids[pair.right]
            parts.append(
                PartResult(pair.left, right_texts.get(given, NO_ANSWER), pair.right, correct)
            )
        return Fraction(sum(part.correct for part in parts), len(parts)), parts

    def canonical(self, question: MatchQuestion) -> list[list[str]]:
        return [[pair.left, pair.right] for pair in question.pairs]

    def describe_answer(self, question: MatchQuestion) -> str:
        return "; ".join(f"{pair.left} — {pair.right}" for pair in question.pairs)

    def describe_response(self, question: MatchQuestion, response: dict[str, str]) -> str:
        right_texts = _texts_by_id(question.right_ids())
        described = [
            f"{left} — {right_texts[response[left_id]]}"
            for left, left_id in question.left_ids().items()
            if response.get(left_id) in right_texts
        ]
        return "; ".join(described) or NO_ANSWER


class OrderGrader(Grader):
    """Every item id, once each, in the order the learner put them.

    Earns (L - 1) / (n - 1) for n items, where L is the length of the longest run of items
    (not necessarily adjacent) that the learner kept in the correct relative order: the
    longest increasing subsequence of their correct positions. The correct order earns 1,
    the reverse order 0, and one item moved elsewhere costs 1 / (n - 1). The items of that
    subsequence are marked correct in the feedback, when it has at least two (a single item
    is in order with nothing), as "in order": not by their position, which need not be
    their place (B C D E A keeps four in order, none in its place).
    """

    def check(self, question: OrderQuestion, raw: Any) -> list[str]:
        shape = InvalidResponse("Put all the items in order, each one exactly once.")
        if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
            raise shape
        ids = question.item_ids().values()
        if any(item not in ids for item in raw):
            raise InvalidResponse(UNKNOWN_OPTION)
        if len(raw) != len(ids) or set(raw) != set(ids):
            raise shape
        return list(raw)

    def grade(
        self, question: OrderQuestion, response: list[str]
    ) -> tuple[Fraction, list[PartResult]]:
        ids = list(question.item_ids().values())
        positions = [ids.index(item) for item in response]
        in_order = longest_increasing(positions)
        if len(in_order) < 2:
            in_order = []
        parts = [
            PartResult(
                question.items[correct_at],
                "in order" if given_at in in_order else f"position {given_at + 1}",
                f"position {correct_at + 1}",
                given_at in in_order,
            )
            for given_at, correct_at in enumerate(positions)
        ]
        return Fraction(max(len(in_order) - 1, 0), len(ids) - 1), parts

    def canonical(self, question: OrderQuestion) -> list[str]:
        return list(question.items)

    def describe_answer(self, question: OrderQuestion) -> str:
        return " → ".join(question.items)

    def describe_response(self, question: OrderQuestion, response: list[str]) -> str:
        texts = _texts_by_id(question.item_ids())
        return " → ".join(texts[item] for item in response if item in texts) or NO_ANSWER


class ClozeGrader(Grader):
    """One typed answer per gap, as a list as long as the gaps (an empty gap earns nothing).

    Each gap is compared like a `short` answer, with the question's typo tolerance, against
    that gap's accepted answers; each correct gap earns 1/n of the points, for n gaps.
    """

    def check(self, question: ClozeQuestion, raw: Any) -> list[str]:
        count = len(question.gaps())
        if not isinstance(raw, list) or len(raw) != count:
            gaps = "one gap" if count == 1 else f"{count} gaps"
            raise InvalidResponse(
                f"This question has {gaps}: send one answer for each. Reload the page and"
                " answer again."
            )
        return [_typed_text("" if gap is None else gap) for gap in raw]

    def grade(
        self, question: ClozeQuestion, response: list[str]
    ) -> tuple[Fraction, list[PartResult]]:
        parts = [
            PartResult(
                f"Gap {number}",
                given or NO_ANSWER,
                accepted[0],
                matches(given, accepted, question.typo_tolerance),
            )
            for number, (given, accepted) in enumerate(
                zip(response, question.gaps(), strict=True), start=1
            )
        ]
        return Fraction(sum(part.correct for part in parts), len(parts)), parts

    def canonical(self, question: ClozeQuestion) -> list[list[str]]:
        return question.gaps()

    def describe_answer(self, question: ClozeQuestion) -> str:
        return "; ".join(accepted[0] for accepted in question.gaps())

    def describe_response(self, question: ClozeQuestion, response: list[str]) -> str:
        if not any(response):
            return NO_ANSWER
        return "; ".join(given or NO_ANSWER for given in response)


GRADERS: dict[str, Grader] = {
    "single": SingleGrader(),
    "multiple": MultipleGrader(),
    "true_false": TrueFalseGrader(),
    "short": ShortGrader(),
    "numeric": NumericGrader(),
    "date": DateGrader(),
    "match": MatchGrader(),
    "order": OrderGrader(),
    "cloze": ClozeGrader(),
}


def check_response(question: Any, raw: Any) -> Any:
    """Validate a raw response (as posted, decoded from JSON) and return the form to store.

    Raises InvalidResponse, whose message is meant for the learner, when the response does
    not fit the question: an unknown id, the wrong shape, an unreadable number or date.
    """
    return GRADERS[question.type].check(question, raw)


def grade(question: Any, response: Any) -> Grade:
    """Grade a response returned by `check_response`; None (unanswered) earns nothing."""
    max_points = float(question.points)
    grader = GRADERS[question.type]
    if response is None:
        part = PartResult("Answer", NO_ANSWER, grader.describe_answer(question), False)
        return Grade(0.0, 0.0, max_points, False, (part,))
    fraction, parts = grader.grade(question, response)
    return Grade(
        fraction=float(fraction),
        points=round(float(fraction) * max_points, 4),
        max_points=max_points,
        correct=fraction == 1,
        parts=tuple(parts),
    )


def canonical_answer(question: Any) -> Any:
    """The correct answer, JSON-serializable (texts, not ids)."""
    return GRADERS[question.type].canonical(question)


def describe_answer(question: Any) -> str:
    """The correct answer as one line for people."""
    return GRADERS[question.type].describe_answer(question)


def describe_response(question: Any, response: Any) -> str:
    """A stored response as one line for people; "—" when there is nothing to show."""
    if response is None:
        return NO_ANSWER
    return GRADERS[question.type].describe_response(question, response)


def longest_increasing(values: list[int]) -> list[int]:
    """Indexes of a longest strictly increasing subsequence of `values` (the earliest-ending
    one, built from the earliest predecessors)."""
    if not values:
        return []
    lengths = [1] * len(values)
    previous = [-1] * len(values)
    for i, value in enumerate(values):
        for j in range(i):
            if values[j] < value and lengths[j] + 1 > lengths[i]:
                lengths[i] = lengths[j] + 1
                previous[i] = j
    index = lengths.index(max(lengths))
    chain = []
    while index != -1:
        chain.append(index)
        index = previous[index]
    return chain[::-1]


_THOUSANDS_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d*)?", re.ASCII)
_THOUSANDS_SPACE = re.compile(r"\d{1,3}(?: \d{3})+(?:\.\d*)?", re.ASCII)
_PLAIN = re.compile(r"\d+(?:\.\d*)?|\.\d+", re.ASCII)
_THOUSANDS_POINT = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+", re.ASCII)


def _read_number(raw: str, question: NumericQuestion) -> int | float:
    text = " ".join(raw.split())
    if not text:
        raise InvalidResponse(_number_hint(question))
    if len(text) > MAX_NUMBER_LENGTH:
        raise InvalidResponse("That number is too long.")
    unit = (question.unit or "").strip()
    if unit and len(text) > len(unit) and text.casefold().endswith(unit.casefold()):
        text = text[: -len(unit)].rstrip()
    negative = text[:1] in ("-", "−")
    body = text[1:].lstrip() if text[:1] in ("-", "−", "+") else text
    if _THOUSANDS_POINT.fullmatch(body):
        # "1.200" is 1200 where a point groups thousands. Read as 1.2, it could only be
        # wrong for a whole answer, so ask; to a decimal answer (3.142) it is a decimal.
        # "1.244.000" is no decimal at all.
        decimal = body.count(".") == 1
        if not decimal or float(question.answer).is_integer():
            sign = "-" if negative else ""
            or_decimal = f", or {sign}{format_number(float(body))} for a decimal" if decimal else ""
            raise InvalidResponse(
                f'"{raw.strip()}" is not clear: in some countries a point groups thousands.'
                f" Type {sign}{body.replace('.', '')} if you mean that{or_decimal}."
            )
    if _PLAIN.fullmatch(body) or _THOUSANDS_COMMA.fullmatch(body):
        digits = body.replace(",", "")
    elif _THOUSANDS_SPACE.fullmatch(body):
        digits = body.replace(" ", "")
    elif "," in body:
        raise InvalidResponse(
            f'"{raw.strip()}" is not clear: a comma can only group thousands, as in 1,244.'
            " For decimals use a point, as in 1.5."
        )
    else:
        raise InvalidResponse(f'"{raw.strip()}" is not a number. {_number_hint(question)}')
    value = Decimal(digits)
    return _plain_number(-value if negative else value)


def _number_hint(question: NumericQuestion) -> str:
    if question.unit:
        return f"Type a number (in {question.unit.strip()}), for example 42."
    return "Type a number, for example 42."


def _plain_number(value: float | Decimal) -> int | float:
    """An int when the value is whole (and exactly representable), else a float."""
    if value == int(value) and abs(value) < 2**53:
        return int(value)
    return float(value)


def format_number(value: float) -> str:
    """The number as a learner writes it, never in exponent form: 0.00005, not 5e-05 (which
    `_read_number` would refuse when a page sends it back)."""
    number = _plain_number(value)
    return str(number) if isinstance(number, int) else format(Decimal(repr(number)), "f")


def _with_unit(text: str, unit: str | None) -> str:
    if not unit or not unit.strip():
        return text
    unit = unit.strip()
    return f"{text} {unit}" if unit[0].isalnum() else f"{text}{unit}"


def _typed_text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidResponse("Type your answer as text.")
    text = raw.strip()
    if len(text) > MAX_ANSWER_LENGTH:
        raise InvalidResponse(
            f"That answer is too long: keep it under {MAX_ANSWER_LENGTH} characters."
        )
    return text


def _texts_by_id(ids_by_text: dict[str, str]) -> dict[str, str]:
    return {choice_id: text for text, choice_id in ids_by_text.items()}


def _picked(picked: bool) -> str:
    return "picked" if picked else "not picked"


def _true_false(value: bool) -> str:
    return "True" if value else "False"


def _clamp(value: Fraction) -> Fraction:
    return min(max(value, Fraction(0)), Fraction(1))
