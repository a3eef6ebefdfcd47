"""Grades, points and leaderboards: the rules the gradebook and leaderboard pages show.

Every rule a learner can read on a page (how a quiz is graded, how ties are broken,
how overall points add up) is written here once, with the sentence the page shows.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

GRADING_METHODS: dict[str, Callable[[Sequence[float]], float]] = {
    "best": max,
    "last": lambda percentages: percentages[-1],
    "average": statistics.fmean,
}


def quiz_grade(percentages: Sequence[float], method: str) -> float | None:
    """A learner's score on a quiz under its grading method, or None with no attempts.

    `percentages` are the learner's finished attempts in chronological order:
    "best" takes the highest, "last" the most recent, "average" the mean of all.
    """
    try:
        grade = GRADING_METHODS[method]
    except KeyError:
        raise ValueError(f"unknown grading method {method!r}") from None
    if not percentages:
        return None
    return grade(percentages)


# Leaderboards

SCORE_DECIMALS = 6
"""Scores and times equal to this many decimals are equal, so that 0.1 + 0.2 ties with 0.3."""

TIE_BREAK_RULE = (
    "A higher score ranks first; equal scores are ordered by the shorter time, "
    "then by the earlier finish, and learners equal on all three share a rank."
)


@dataclass(frozen=True)
class Entry:
    learner_id: int
    name: str
    score: float
    time_seconds: float
    finished_at: datetime


@dataclass(frozen=True)
class RankedEntry(Entry):
    rank: int


def _order(entry: Entry) -> tuple[float, float, datetime]:
    return (
        -round(entry.score, SCORE_DECIMALS),
        round(entry.time_seconds, SCORE_DECIMALS),
        entry.finished_at,
    )


def rank(entries: Iterable[Entry]) -> list[RankedEntry]:
    """Order a leaderboard and number its places.

    A higher score ranks first; equal scores are ordered by the shorter time, then by
    the earlier finish, and learners equal on all three share a rank.

    Shared ranks use competition numbering: two learners tied for second are both 2
    and the next learner is 4 (1, 2, 2, 4). Learners sharing a rank are listed by name
    so the page does not reshuffle them between visits.
    """
    ordered = sorted(entries, key=lambda e: (_order(e), e.name, e.learner_id))
    ranked: list[RankedEntry] = []
    for position, entry in enumerate(ordered, start=1):
        if ranked and _order(entry) == _order(ranked[-1]):
            place = ranked[-1].rank
        else:
            place = position
        ranked.append(
            RankedEntry(
                learner_id=entry.learner_id,
                name=entry.name,
                score=entry.score,
                time_seconds=entry.time_seconds,
                finished_at=entry.finished_at,
                rank=place,
            )
        )
    return ranked


# Overall points

POINTS_PER_STREAK_DAY = 5
STREAK_CAP_DAYS = 30
MAX_STREAK_POINTS = POINTS_PER_STREAK_DAY * STREAK_CAP_DAYS

OVERALL_FORMULA = (
    "Overall points are the scores of your best attempt at each quiz, one point per percent"
    " (up to 100 points a quiz, however long the quiz), plus"
    f" {POINTS_PER_STREAK_DAY} points for each day of your current flashcard review streak,"
    f" up to {STREAK_CAP_DAYS} days ({MAX_STREAK_POINTS} points)."
)


BOARD_SCOPE = (
    "Every submitted attempt counts here, practice included (before an assignment opens, or"
    " after its due date): the board rewards learning, and grades are the gradebook's."
)


def overall_points(quiz_points: float, streak_days: int) -> float:
    """Quiz points (the percentage of the best attempt at each quiz, summed) plus the capped
    streak bonus. In percent, so that a long quiz does not outweigh a short one, and a
    streak day (5 points) weighs about as much as a question of a twenty-question quiz."""
    if streak_days < 0:
        raise ValueError(f"a streak cannot be negative: {streak_days}")
    return quiz_points + POINTS_PER_STREAK_DAY * min(streak_days, STREAK_CAP_DAYS)


# What a viewer may see of a leaderboard

LEADERBOARD_MODES = ("all", "top10", "hidden")
TOP_RANKS = 10


def visible_leaderboard(
    ranked: Sequence[RankedEntry], viewer_id: int | None, mode: str
) -> list[RankedEntry]:
    """The rows of a ranked leaderboard that a viewer may see.

    "all" shows every row. "top10" shows the rows ranked 1 to 10 (more than ten rows
    when learners tie for a place) and, below them, the viewer's own row if it is not
    among them. "hidden" shows only the viewer's own row. A teacher passes
    `viewer_id=None` and sees every row whatever the mode. A learner who has no row
    sees nothing of their own.
    """
    if mode not in LEADERBOARD_MODES:
        raise ValueError(f"unknown leaderboard mode {mode!r}")
    if viewer_id is None or mode == "all":
        return list(ranked)
    own = [row for row in ranked if row.learner_id == viewer_id]
    if mode == "hidden":
        return own
    top = [row for row in ranked if row.rank <= TOP_RANKS]
    return top + [row for row in own if row.rank > TOP_RANKS]
