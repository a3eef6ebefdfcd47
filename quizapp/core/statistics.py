"""Item analysis of a quiz, computed as Moodle's quiz statistics report does it.

Each attempt is a list of item scores; the attempt's total is their sum. For each
question we report its facility (how easy it was) and its discrimination (whether the
learners who did well on it also did well on the rest of the quiz), and flag the
questions a teacher should look at again.

A question left blank is in the attempt with a score of 0 and counts like any other
answer. An attempt that does not contain the question at all (it was added later, or
drawn at random for other learners) is left out of that question's figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import correlation, fmean, median, stdev
from typing import NamedTuple, TypedDict

# Flags, after Moodle's guidance on the facility and discrimination indices.
TOO_HARD_BELOW = 0.20
"""Facility under 20%: Moodle's "difficult" band and below."""
TOO_EASY_ABOVE = 0.90
"""Facility over 90%: Moodle's "very easy" band and above."""
WEAK_DISCRIMINATION_BELOW = 0.20
"""Discrimination from 0 to under 0.2: Moodle calls 0-19% "very weak discrimination"."""

MIN_ATTEMPTS_TO_FLAG = 10
"""A question is flagged only once this many attempts contain it: with fewer, one learner
more or less swings its figures (two attempts give a discrimination of -1 or +1)."""

MARKED_EASY_BUT_BELOW = 0.35
"""A question the bank marks easy is flagged under 35%: Moodle's "moderately difficult"
band and below."""
MARKED_HARD_BUT_ABOVE = 0.80
"""A question the bank marks hard is flagged over 80%: Moodle's "easy" band and above."""

TOO_HARD = "too hard"
TOO_EASY = "too easy"
HARDER_THAN_MARKED = "harder than marked"
EASIER_THAN_MARKED = "easier than marked"
NEGATIVE_DISCRIMINATION = "negative discrimination"
WEAK_DISCRIMINATION = "weak discrimination"

FACILITY_BANDS: tuple[tuple[int, str], ...] = (
    (5, "Extremely difficult or something wrong with the question"),
    (10, "Very difficult"),
    (20, "Difficult"),
    (34, "Moderately difficult"),
    (65, "About right for the average student"),
    (80, "Fairly easy"),
    (89, "Easy"),
    (94, "Very easy"),
    (100, "Extremely easy"),
)
"""Moodle's interpretation of the facility index: (highest whole percent, label)."""

# Scores that differ only by floating-point noise (0.1 + 0.2 against 0.3) are equal.
_DECIMALS = 9


class ItemResponse(NamedTuple):
    """One question of one attempt (a named tuple: an analysis makes one per cell)."""

    question_id: str
    score: float
    max_score: float
    choice: str | list[str] | None = None


@dataclass(frozen=True)
class AttemptScores:
    attempt_id: int
    responses: list[ItemResponse]

    @property
    def total(self) -> float:
        return sum(response.score for response in self.responses)


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    attempts: int
    facility: float | None
    discrimination: float | None
    mean_score: float | None
    flags: tuple[str, ...]


def whole_percent(share: float) -> int:
    """A share (0..1) in whole percent, rounded half up (19.5% is 20%): as the item analysis
    shows a facility, and so as its band and its flags judge it."""
    return math.floor(round(share * 100, 6) + 0.5)


def facility_band(facility: float) -> str:
    """Moodle's label for a facility index (0..1).

    Moodle's table is in whole percents and skips 65 (35-64 is "about right", 66-80
    "fairly easy"), so the facility is rounded to a whole percent and 65 counts as
    about right.
    """
    percent = whole_percent(facility)
    for highest, label in FACILITY_BANDS:
        if percent <= highest:
            return label
    return FACILITY_BANDS[-1][1]


def item_analysis(
    attempts: Sequence[AttemptScores],
    questions_order: Sequence[str],
    marked: Mapping[str, str] | None = None,
) -> list[ItemStats]:
    """Facility, discrimination and flags for each question, in `questions_order`.

    Flags need MIN_ATTEMPTS_TO_FLAG attempts at the question. `marked` gives the
    difficulty the bank states for a question ("easy", "medium", "hard"): one marked easy
    that few get right, or marked hard that most do, is flagged too.

    Facility is the mean score on the question divided by its maximum (0..1); should
    the maximum differ between attempts, it is the marks earned over the marks possible.
    Discrimination is the Pearson correlation between the score on the question and the
    score on the rest of the quiz (the attempt's total minus this question), over the
    attempts that contain the question; it is None with fewer than two such attempts or
    when either score never varies.
    """
    # One pass over the responses, gathering each question's scores, maxima and rests.
    columns: dict[str, tuple[list[float], list[float], list[float]]] = {
        question_id: ([], [], []) for question_id in questions_order
    }
    for attempt in attempts:
        total = attempt.total
        for response in attempt.responses:
            column = columns.get(response.question_id)
            if column is None:
                continue
            scores, max_scores, rest = column
            scores.append(response.score)
            max_scores.append(response.max_score)
            rest.append(round(total - response.score, _DECIMALS))
    rows = []
    for question_id in questions_order:
        scores, max_scores, rest = columns[question_id]
        facility = sum(scores) / sum(max_scores) if sum(max_scores) > 0 else None
        discrimination = _correlation(scores, rest)
        rows.append(
            ItemStats(
                question_id=question_id,
                attempts=len(scores),
                facility=facility,
                discrimination=discrimination,
                mean_score=fmean(scores) if scores else None,
                flags=_flags(
                    facility, discrimination, len(scores), (marked or {}).get(question_id)
                ),
            )
        )
    return rows


def _correlation(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return correlation(xs, ys)


def _flags(
    facility: float | None, discrimination: float | None, attempts: int, marked: str | None
) -> tuple[str, ...]:
    if attempts < MIN_ATTEMPTS_TO_FLAG:
        return ()
    flags = []
    if facility is not None:
        shown = whole_percent(facility) / 100  # as the page shows it: 19.5% is 20%, not flagged
        if shown < TOO_HARD_BELOW:
            flags.append(TOO_HARD)
        if shown > TOO_EASY_ABOVE:
            flags.append(TOO_EASY)
        if marked == "easy" and shown < MARKED_EASY_BUT_BELOW:
            flags.append(HARDER_THAN_MARKED)
        if marked == "hard" and shown > MARKED_HARD_BUT_ABOVE:
            flags.append(EASIER_THAN_MARKED)
    if discrimination is not None and discrimination < 0:
        flags.append(NEGATIVE_DISCRIMINATION)
    elif discrimination is not None and discrimination < WEAK_DISCRIMINATION_BELOW:
        flags.append(WEAK_DISCRIMINATION)
    return tuple(flags)


def distractor_analysis(
    choices: Sequence[str], picks: Sequence[str | list[str] | None]
) -> list[tuple[str, int, float]]:
    """For each choice: how many attempts picked it, and their share of all attempts.

    A pick is one choice, a list of choices (multiple response) or None (left blank).
    Blank answers count in the share's denominator, so for single-choice questions the
    shares add up to the share of attempts that answered. Picks of choices not in
    `choices` (an option since removed) are ignored.
    """
    counts = dict.fromkeys(choices, 0)
    for pick in picks:
        chosen = {pick} if isinstance(pick, str) else set(pick or ())
        for choice in chosen:
            if choice in counts:
                counts[choice] += 1
    total = len(picks)
    return [
        (choice, counts[choice], counts[choice] / total if total else 0.0) for choice in choices
    ]


def common_answers(
    answers: Sequence[str], attempts: int, same: Callable[[str], str], limit: int = 5
) -> list[tuple[str, int, float]]:
    """The answers given most often: each with how many attempts gave it and their share of
    `attempts` (those that contained the question), most given first, then first given.

    Answers with the same `same(answer)` are one answer, shown as it was first spelled: for
    typed answers, the form the grader compares them in, so that "Belgrade" and "belgrade"
    count together as the grader treats them alike.
    """
    counts: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for answer in answers:
        key = same(answer)
        counts[key] = counts.get(key, 0) + 1
        spelled.setdefault(key, answer)
    ranked = sorted(counts, key=lambda key: -counts[key])[:limit]
    return [
        (spelled[key], counts[key], counts[key] / attempts if attempts else 0.0) for key in ranked
    ]


def score_histogram(percentages: Sequence[float], bins: int = 10) -> list[tuple[str, int]]:
    """How many scores fall in each equal band of 0-100%, labelled "0–10%" ... "90–100%".

    Each band includes its lower bound and excludes its upper one, except the last,
    which includes 100%.
    """
    if bins < 1:
        raise ValueError(f"a histogram needs at least one bin, not {bins}")
    counts = [0] * bins
    for percentage in percentages:
        if not 0 <= percentage <= 100:
            raise ValueError(f"a percentage must be between 0 and 100, not {percentage}")
        counts[min(int(percentage * bins // 100), bins - 1)] += 1
    return [
        (f"{_percent(index * 100 / bins)}–{_percent((index + 1) * 100 / bins)}%", count)
        for index, count in enumerate(counts)
    ]


def _percent(value: float) -> str:
    return format(round(value, 1), "g")


class Summary(TypedDict):
    count: int
    mean: float | None
    median: float | None
    standard_deviation: float | None


def summary(percentages: Sequence[float]) -> Summary:
    """Count, mean, median and sample standard deviation of the quiz scores.

    The standard deviation divides by n - 1, as Moodle's report does; it is None for
    fewer than two scores, and the mean and median are None for none.
    """
    return Summary(
        count=len(percentages),
        mean=fmean(percentages) if percentages else None,
        median=median(percentages) if percentages else None,
        standard_deviation=stdev(percentages) if len(percentages) > 1 else None,
    )
