"""Live games: a class answers the same question at the same moment, against one clock.

The host moves the game on, question by question. A right answer earns more points the
sooner it comes; the standings rank players by points, then by the time their points took.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from quizapp.core.scoring import Entry, RankedEntry, rank

MAX_POINTS = 1000
"""For a right answer given at once."""
SLOWEST_SHARE = 0.5
"""The share of `MAX_POINTS` a right answer still earns at the last second."""
SECONDS_CHOICES = (10, 20, 30, 45, 60, 90, 120)
DEFAULT_SECONDS = 30
"""Enough to read a question and type a short answer on a phone."""
DELIVERY_SECONDS = 3.0
"""A question reaches the players' devices up to this long after the host opens it (the
pages ask every 2 seconds): an answer's time counts from when it arrived, within this."""
TOP_PLACES = 5
"""The places shown to the class: on the host's screen, and at the end on each device."""

POINTS_RULE = (
    f"A right answer earns up to {MAX_POINTS:,} points, fewer the longer it takes: at the"
    f" last second, {SLOWEST_SHARE:.0%} of them. A partly right answer earns its share."
    " The time counts from when the question reaches your device (within"
    f" {DELIVERY_SECONDS:g} seconds of its showing), and an answer counts if it reaches the"
    " server before the time is up."
)
TIE_BREAK_RULE = (
    "More points rank first; equal points are ordered by the shorter time spent on the"
    " answers that earned them, and players equal on both share a place."
)


def points(fraction: float, elapsed_seconds: float, limit_seconds: float) -> int:
    """The points for an answer worth `fraction` of full marks, given after `elapsed_seconds`
    of a question open for `limit_seconds`."""
    if not 0 <= fraction <= 1:
        raise ValueError(f"a fraction of full marks is between 0 and 1: {fraction}")
    if limit_seconds <= 0:
        raise ValueError(f"a question is open for some time: {limit_seconds}")
    if fraction == 0:
        return 0
    share_of_time = min(max(elapsed_seconds, 0.0), limit_seconds) / limit_seconds
    return round(MAX_POINTS * fraction * (1 - SLOWEST_SHARE * share_of_time))


def answer_seconds(
    opened_at: dt.datetime, seen_at: dt.datetime | None, answered_at: dt.datetime
) -> float:
    """The time an answer took: from when the question reached the player's device, but no
    later than `DELIVERY_SECONDS` after it opened (waiting to open it, while the projector
    shows it, does not buy time); from its opening if that moment is unknown."""
    start = opened_at
    if seen_at is not None:
        delay = (seen_at - opened_at).total_seconds()
        start = opened_at + dt.timedelta(seconds=min(max(delay, 0.0), DELIVERY_SECONDS))
    return max(0.0, (answered_at - start).total_seconds())


class Phase(StrEnum):
    LOBBY = "lobby"
    """Players join; no question yet."""
    QUESTION = "question"
    """A question is open for answers."""
    ANSWER = "answer"
    """The question has closed: its answer and the standings are shown."""
    FINISHED = "finished"


def phase_of(
    *,
    question_index: int,
    ended: bool,
    closed: bool,
    closes_at: dt.datetime | None,
    now: dt.datetime,
) -> Phase:
    """Where a game stands. A question closes when its time is up, or earlier when the host
    closes it or every player has answered (`closed`)."""
    if ended:
        return Phase.FINISHED
    if question_index < 0:
        return Phase.LOBBY
    if closed or closes_at is None or now >= closes_at:
        return Phase.ANSWER
    return Phase.QUESTION


@dataclass(frozen=True)
class Score:
    """A player's game so far."""

    player_id: int
    name: str
    points: int
    seconds: float
    """The time taken by the answers that earned points."""
    right: int
    """Answers with full marks."""


@dataclass(frozen=True)
class Place:
    score: Score
    rank: int


def standings(scores: Iterable[Score], started_at: dt.datetime) -> list[Place]:
    """Ranked by the leaderboards' rule, with time spent as the time: the shared finish
    (`started_at`) makes the third criterion a tie."""
    scores = list(scores)
    by_id = {score.player_id: score for score in scores}
    entries = [
        Entry(score.player_id, score.name, score.points, score.seconds, started_at)
        for score in scores
    ]
    ranked: list[RankedEntry] = rank(entries)
    return [Place(by_id[entry.learner_id], entry.rank) for entry in ranked]


def shown_places(places: list[Place], mode: str, viewer_id: int | None = None) -> list[Place]:
    """The places the class may see under its leaderboard mode (`scoring.LEADERBOARD_MODES`),
    on the host's screen (no viewer) or on a player's device: the top places and the
    viewer's own, or with the mode "hidden", the viewer's own only."""
    own = [place for place in places if place.score.player_id == viewer_id]
    if mode == "hidden":
        return own
    top = [place for place in places if place.rank <= TOP_PLACES]
    return top + [place for place in own if place.rank > TOP_PLACES]
