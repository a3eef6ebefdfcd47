from datetime import UTC, datetime, timedelta

import pytest

from quizapp.core.scoring import (
    MAX_STREAK_POINTS,
    OVERALL_FORMULA,
    TIE_BREAK_RULE,
    Entry,
    RankedEntry,
    overall_points,
    quiz_grade,
    rank,
    visible_leaderboard,
)

NOON = datetime(2025, 3, 14, 12, 0, tzinfo=UTC)


def entry(learner_id, name, score, time_seconds=60.0, finished_at=NOON):
    return Entry(learner_id, name, score, time_seconds, finished_at)


# Grading methods


@pytest.mark.parametrize(
    ("method", "expected"),
    [("best", 90.0), ("last", 75.0), ("average", 75.0)],
)
def test_quiz_grade_by_method(method, expected):
    # Attempts in order: 60, then 90, then 75. Mean = 225 / 3 = 75.
    assert quiz_grade([60.0, 90.0, 75.0], method) == pytest.approx(expected)


def test_last_attempt_counts_even_when_lower():
    assert quiz_grade([100.0, 40.0], "last") == 40.0


def test_average_of_uneven_attempts():
    # (50 + 80) / 2 = 65
    assert quiz_grade([50.0, 80.0], "average") == pytest.approx(65.0)


@pytest.mark.parametrize("method", ["best", "last", "average"])
def test_no_attempts_has_no_grade(method):
    assert quiz_grade([], method) is None


def test_unknown_grading_method_is_a_bug():
    with pytest.raises(ValueError, match="first"):
        quiz_grade([50.0], "first")


# Ranking


def test_rank_uses_every_tie_break_level():
    ada = entry(1, "Ada", 90, 120, NOON)
    ben = entry(2, "Ben", 90, 100, NOON + timedelta(minutes=5))  # same score, shorter time
    cai = entry(3, "Cai", 90, 120, NOON - timedelta(minutes=1))  # same score and time, earlier
    dan = entry(4, "Dan", 90, 120, NOON)  # equal to Ada on all three
    eve = entry(5, "Eve", 80, 10, NOON - timedelta(hours=1))  # lower score, fastest of all

    ranked = rank([eve, dan, ada, cai, ben])

    assert [(row.name, row.rank) for row in ranked] == [
        ("Ben", 1),
        ("Cai", 2),
        ("Ada", 3),
        ("Dan", 3),
        ("Eve", 5),
    ]


def test_learners_sharing_a_rank_are_listed_by_name_then_id_whatever_their_ids():
    """Ties used to be listed in id order, whatever the docstring promised, when ids and
    names disagreed."""
    zoe = entry(1, "Zoë", 90)
    bea = entry(2, "Bea", 90)
    amy_later = entry(9, "Amy", 90)
    amy = entry(3, "Amy", 90)
    ranked = rank([zoe, bea, amy_later, amy])
    assert [(row.learner_id, row.name, row.rank) for row in ranked] == [
        (3, "Amy", 1),
        (9, "Amy", 1),
        (2, "Bea", 1),
        (1, "Zoë", 1),
    ]


def test_competition_ranking_skips_after_a_tie():
    ranked = rank([entry(1, "A", 100), entry(2, "B", 90), entry(3, "C", 90), entry(4, "D", 80)])
    assert [row.rank for row in ranked] == [1, 2, 2, 4]


def test_everyone_tied_shares_first_place():
    ranked = rank([entry(i, f"L{i}", 50) for i in range(3)])
    assert [row.rank for row in ranked] == [1, 1, 1]


def test_scores_equal_but_for_float_noise_tie():
    ranked = rank([entry(1, "A", 0.1 + 0.2), entry(2, "B", 0.3)])
    assert [row.rank for row in ranked] == [1, 1]


def test_ranked_entry_keeps_the_entry_fields():
    original = entry(7, "Zoë", 42.5, 33.0, NOON)
    (row,) = rank([original])
    assert isinstance(row, RankedEntry)
    assert (row.learner_id, row.name, row.score, row.time_seconds, row.finished_at) == (
        7,
        "Zoë",
        42.5,
        33.0,
        NOON,
    )
    assert row.rank == 1


def test_rank_of_nobody_is_empty():
    assert rank([]) == []


def test_docstring_states_the_rule_shown_on_the_page():
    assert TIE_BREAK_RULE in " ".join(rank.__doc__.split())
    assert TIE_BREAK_RULE.count(".") == 1 and TIE_BREAK_RULE.endswith(".")


# Overall points


@pytest.mark.parametrize(
    ("quiz_points", "streak_days", "expected"),
    [
        (120.0, 0, 120.0),
        (120.0, 3, 135.0),  # 120 + 3 * 5
        (0.0, 30, 150.0),  # the cap exactly
        (0.0, 45, 150.0),  # days beyond 30 earn nothing more
        (12.5, 31, 162.5),
    ],
)
def test_overall_points(quiz_points, streak_days, expected):
    assert overall_points(quiz_points, streak_days) == pytest.approx(expected)


def test_streak_bonus_is_capped_at_150():
    assert MAX_STREAK_POINTS == 150
    assert overall_points(0.0, 10_000) == 150


def test_negative_streak_is_a_bug():
    with pytest.raises(ValueError):
        overall_points(10.0, -1)


def test_overall_formula_states_the_numbers():
    for words in ("best attempt", "one point per percent", "5 points", "30 days", "150 points"):
        assert words in OVERALL_FORMULA


# What each viewer sees


def board():
    """Thirteen learners ranked 1 to 13, except that learners 10 and 11 tie for tenth."""
    entries = [entry(i, f"L{i:02}", 100 - i) for i in range(1, 14)]
    entries[10] = entry(11, "L11", 100 - 10)
    return rank(entries)


def test_board_fixture_has_a_tie_for_tenth():
    assert [row.rank for row in board()][8:] == [9, 10, 10, 12, 13]


def test_all_mode_shows_everyone():
    ranked = board()
    assert visible_leaderboard(ranked, viewer_id=5, mode="all") == ranked


def test_top10_keeps_ties_for_tenth_and_adds_the_viewer():
    ranked = board()
    rows = visible_leaderboard(ranked, viewer_id=13, mode="top10")
    assert [row.learner_id for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    assert rows[-1].rank == 13


def test_top10_does_not_repeat_a_viewer_already_in_it():
    ranked = board()
    rows = visible_leaderboard(ranked, viewer_id=3, mode="top10")
    assert [row.learner_id for row in rows] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]


def test_top10_for_a_viewer_without_a_row():
    rows = visible_leaderboard(board(), viewer_id=99, mode="top10")
    assert len(rows) == 11


def test_hidden_shows_only_the_viewers_row():
    rows = visible_leaderboard(board(), viewer_id=12, mode="hidden")
    assert [(row.learner_id, row.rank) for row in rows] == [(12, 12)]


def test_hidden_for_a_viewer_without_a_row_is_empty():
    assert visible_leaderboard(board(), viewer_id=99, mode="hidden") == []


@pytest.mark.parametrize("mode", ["all", "top10", "hidden"])
def test_teacher_sees_everyone_in_every_mode(mode):
    ranked = board()
    assert visible_leaderboard(ranked, viewer_id=None, mode=mode) == ranked


def test_unknown_mode_is_a_bug():
    with pytest.raises(ValueError, match="podium"):
        visible_leaderboard(board(), viewer_id=1, mode="podium")
