"""Live games' rules: points by speed, where a game stands, and its standings."""

from __future__ import annotations

import datetime as dt

import pytest

from quizapp.core.live import (
    MAX_POINTS,
    TOP_PLACES,
    Phase,
    Place,
    Score,
    answer_seconds,
    phase_of,
    points,
    shown_places,
    standings,
)

NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("fraction", "elapsed", "expected"),
    [
        (1, 0, 1000),
        (1, 30, 500),
        (1, 15, 750),
        (1, 3, 950),
        (0.5, 0, 500),
        (0.5, 30, 250),
        (0, 0, 0),
        (1, 45, 500),  # after the time, as at the last second
        (1, -2, 1000),  # a clock a little ahead
    ],
)
def test_points_fall_from_full_to_half_over_the_time(fraction, elapsed, expected):
    assert points(fraction, elapsed, 30) == expected


def test_points_are_whole_numbers_and_at_most_the_maximum():
    values = [points(1, elapsed / 10, 20) for elapsed in range(0, 201)]
    assert values[0] == MAX_POINTS and values[-1] == MAX_POINTS // 2
    assert values == sorted(values, reverse=True)
    assert all(isinstance(value, int) for value in values)


@pytest.mark.parametrize(("fraction", "limit"), [(1.5, 30), (-0.1, 30), (1, 0)])
def test_points_refuse_what_cannot_be(fraction, limit):
    with pytest.raises(ValueError):
        points(fraction, 1, limit)


def _phase(**overrides):
    values = {
        "question_index": 0,
        "ended": False,
        "closed": False,
        "closes_at": NOW + dt.timedelta(seconds=10),
        "now": NOW,
    }
    return phase_of(**{**values, **overrides})


def test_a_game_is_in_its_lobby_before_the_first_question():
    assert _phase(question_index=-1, closes_at=None) is Phase.LOBBY


def test_a_question_is_open_until_its_time_is_up():
    assert _phase() is Phase.QUESTION
    assert _phase(now=NOW + dt.timedelta(seconds=9.9)) is Phase.QUESTION
    assert _phase(now=NOW + dt.timedelta(seconds=10)) is Phase.ANSWER


def test_a_question_closed_early_shows_its_answer():
    assert _phase(closed=True) is Phase.ANSWER


def test_an_ended_game_is_finished_whatever_else():
    assert _phase(ended=True) is Phase.FINISHED
    assert _phase(ended=True, question_index=-1) is Phase.FINISHED


def score(player: int, points: int, seconds: float = 0.0, name: str | None = None) -> Score:
    return Score(player, name or f"P{player}", points, seconds, 0)


def test_standings_rank_by_points_then_by_time():
    places = standings([score(1, 900, 10), score(2, 1500, 20), score(3, 900, 4), score(4, 0)], NOW)
    assert [(p.score.player_id, p.rank) for p in places] == [(2, 1), (3, 2), (1, 3), (4, 4)]


def test_players_equal_on_points_and_time_share_a_place():
    places = standings([score(1, 700, 5, "Zana"), score(2, 700, 5, "Ana"), score(3, 100)], NOW)
    assert [(p.score.name, p.rank) for p in places] == [("Ana", 1), ("Zana", 1), ("P3", 3)]


def _places(count: int) -> list[Place]:
    return standings([score(i, 1000 - i) for i in range(1, count + 1)], NOW)


def test_the_class_sees_the_top_places_and_each_player_their_own():
    places = _places(9)
    assert [p.score.player_id for p in shown_places(places, "all")] == [1, 2, 3, 4, 5]
    assert len(shown_places(places, "top10")) == TOP_PLACES
    assert [p.score.player_id for p in shown_places(places, "all", 8)] == [1, 2, 3, 4, 5, 8]
    assert [p.score.player_id for p in shown_places(places, "all", 2)] == [1, 2, 3, 4, 5]


def test_a_hidden_leaderboard_shows_only_ones_own_place():
    places = _places(9)
    assert shown_places(places, "hidden") == []
    assert [p.score.player_id for p in shown_places(places, "hidden", 7)] == [7]


def at(seconds: float) -> dt.datetime:
    return NOW + dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("seen", "answered", "expected"),
    [
        (None, 12, 12),  # not known to have reached the device: from the opening
        (at(2), 12, 10),  # two seconds on the way: not the player's
        (at(10), 12, 9),  # waiting to open it buys at most DELIVERY_SECONDS
        (at(-1), 12, 12),  # a device clock cannot make it earlier
        (at(2), 1, 0),  # never negative
    ],
)
def test_an_answers_time_counts_from_when_the_question_reached_the_device(seen, answered, expected):
    assert answer_seconds(NOW, seen, at(answered)) == pytest.approx(expected)
