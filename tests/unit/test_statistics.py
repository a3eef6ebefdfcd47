import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.statistics import (
    FACILITY_BANDS,
    MIN_ATTEMPTS_TO_FLAG,
    AttemptScores,
    ItemResponse,
    common_answers,
    distractor_analysis,
    facility_band,
    item_analysis,
    score_histogram,
    summary,
    whole_percent,
)


def attempt(attempt_id, scores, max_score=1.0):
    """An attempt from {question_id: score}, every question worth `max_score`."""
    return AttemptScores(
        attempt_id,
        [ItemResponse(qid, score, max_score, None) for qid, score in scores.items()],
    )


# Four students, three questions worth 1 mark each.
#
#            q1  q2  q3  total
#   s1        1   1   1    3
#   s2        1   1   0    2
#   s3        0   1   1    2
#   s4        0   0   1    1
CLASS = [
    attempt(1, {"q1": 1, "q2": 1, "q3": 1}),
    attempt(2, {"q1": 1, "q2": 1, "q3": 0}),
    attempt(3, {"q1": 0, "q2": 1, "q3": 1}),
    attempt(4, {"q1": 0, "q2": 0, "q3": 1}),
]


def test_hand_computed_item_analysis():
    # The class three times over: the same facility and correlations, and enough attempts
    # (12) for flags.
    q1, q2, q3 = item_analysis(CLASS * 3, ["q1", "q2", "q3"])

    # q1: scores x = 1,1,0,0 (mean 0.5); rest = total - x = 2,1,2,1 (mean 1.5).
    #   dx = +.5,+.5,-.5,-.5   dy = +.5,-.5,+.5,-.5
    #   sum(dx*dy) = .25 - .25 - .25 + .25 = 0, so r = 0: it tells nobody apart.
    assert q1.attempts == 12
    assert q1.facility == pytest.approx(0.5)
    assert q1.mean_score == pytest.approx(0.5)
    assert q1.discrimination == pytest.approx(0.0, abs=1e-12)
    assert q1.flags == ("weak discrimination",)

    # q2: x = 1,1,1,0 (mean .75); rest = 2,1,1,1 (mean 1.25).
    #   dx = .25,.25,.25,-.75   dy = .75,-.25,-.25,-.25
    #   sum(dx*dy) = .1875 - .0625 - .0625 + .1875 = .25
    #   sum(dx^2) = 3 * .0625 + .5625 = .75; sum(dy^2) = .5625 + 3 * .0625 = .75
    #   r = .25 / sqrt(.75 * .75) = 1/3
    assert q2.facility == pytest.approx(0.75)
    assert q2.discrimination == pytest.approx(1 / 3)
    assert q2.flags == ()

    # q3: x = 1,0,1,1 (mean .75); rest = 2,2,1,0 (mean 1.25).
    #   dx = .25,-.75,.25,.25   dy = .75,.75,-.25,-1.25
    #   sum(dx*dy) = .1875 - .5625 - .0625 - .3125 = -.75
    #   sum(dx^2) = .75; sum(dy^2) = .5625 + .5625 + .0625 + 1.5625 = 2.75
    #   r = -.75 / sqrt(.75 * 2.75) = -sqrt(3/11) = -0.5222...
    assert q3.facility == pytest.approx(0.75)
    assert q3.discrimination == pytest.approx(-math.sqrt(3 / 11))
    assert q3.discrimination == pytest.approx(-0.5222, abs=1e-4)
    assert q3.flags == ("negative discrimination",)


def test_results_follow_questions_order_and_ignore_others():
    rows = item_analysis(CLASS, ["q3", "q1"])
    assert [row.question_id for row in rows] == ["q3", "q1"]
    # q2 still counts in each attempt's total: q1's rest of test is unchanged.
    assert rows[1].discrimination == pytest.approx(0.0, abs=1e-12)


def test_partial_credit_and_a_question_missing_from_one_attempt():
    # "essay" is worth 2 marks; attempt 4 did not contain it.
    #            essay  mc  total
    #   a1         2     1    3
    #   a2         1     1    2
    #   a3         0     0    0
    #   a4         -     1    1
    attempts = [
        AttemptScores(1, [ItemResponse("essay", 2, 2, None), ItemResponse("mc", 1, 1, "b")]),
        AttemptScores(2, [ItemResponse("essay", 1, 2, None), ItemResponse("mc", 1, 1, "b")]),
        AttemptScores(3, [ItemResponse("essay", 0, 2, None), ItemResponse("mc", 0, 1, None)]),
        AttemptScores(4, [ItemResponse("mc", 1, 1, "b")]),
    ]
    essay, mc = item_analysis(attempts, ["essay", "mc"])

    # essay: 3 attempts, scores 2,1,0: mean 1, facility (2+1+0) / (3*2) = .5
    #   rest = 1,1,0 (mean 2/3): dx = 1,0,-1  dy = 1/3,1/3,-2/3
    #   sum(dx*dy) = 1/3 + 2/3 = 1; sum(dx^2) = 2; sum(dy^2) = 1/9 + 1/9 + 4/9 = 2/3
    #   r = 1 / sqrt(2 * 2/3) = sqrt(3) / 2 = 0.866
    assert essay.attempts == 3
    assert essay.mean_score == pytest.approx(1.0)
    assert essay.facility == pytest.approx(0.5)
    assert essay.discrimination == pytest.approx(math.sqrt(3) / 2)
    assert essay.flags == ()

    # mc: 4 attempts, scores 1,1,0,1: facility .75; rest = 2,1,0,0 (mean .75)
    #   dx = .25,.25,-.75,.25  dy = 1.25,.25,-.75,-.75
    #   sum(dx*dy) = .3125 + .0625 + .5625 - .1875 = .75
    #   sum(dx^2) = .75; sum(dy^2) = 1.5625 + .0625 + .5625 + .5625 = 2.75
    #   r = .75 / sqrt(.75 * 2.75) = sqrt(3/11)
    assert mc.attempts == 4
    assert mc.facility == pytest.approx(0.75)
    assert mc.discrimination == pytest.approx(math.sqrt(3 / 11))


def test_too_easy_and_too_hard_flags():
    # Ten attempts: everyone gets "easy", one learner gets "hard".
    attempts = [attempt(i, {"easy": 1, "hard": 1 if i == 0 else 0}) for i in range(10)]
    easy, hard = item_analysis(attempts, ["easy", "hard"])

    assert easy.facility == pytest.approx(1.0)
    assert easy.discrimination is None  # every score is the same
    assert easy.flags == ("too easy",)

    assert hard.facility == pytest.approx(0.1)
    assert hard.discrimination is None  # the rest of the test (easy) never varies
    assert hard.flags == ("too hard",)


def test_a_question_far_from_its_marked_difficulty_is_flagged():
    """Marked easy and under 35% right, or marked hard and over 80%, from the first
    question to the last: "medium", or no mark, is never flagged so."""
    right = {"a": 3, "b": 4, "c": 8, "d": 9, "e": 3, "f": 9}  # of ten attempts
    attempts = [attempt(i, {q: 1 if i < n else 0 for q, n in right.items()}) for i in range(10)]
    marked = {"a": "easy", "b": "easy", "c": "hard", "d": "hard", "e": "medium"}
    rows = {row.question_id: row for row in item_analysis(attempts, list(right), marked)}
    assert "harder than marked" in rows["a"].flags
    assert "easier than marked" in rows["d"].flags
    for unflagged in "bcef":
        assert not {"harder than marked", "easier than marked"} & set(rows[unflagged].flags)
    few = item_analysis(attempts[:9], ["a"], marked)[0]
    assert few.facility == pytest.approx(3 / 9) and few.flags == ()


def test_flag_thresholds_are_strict():
    # Facility exactly 0.2 and exactly 0.9 are not flagged.
    attempts = [attempt(i, {"a": 1 if i < 2 else 0, "b": 1 if i < 9 else 0}) for i in range(10)]
    a, b = item_analysis(attempts, ["a", "b"])
    assert a.facility == pytest.approx(0.2)
    assert b.facility == pytest.approx(0.9)
    assert "too hard" not in a.flags
    assert "too easy" not in b.flags


def test_flags_judge_the_facility_as_the_page_shows_it():
    """In whole percents, half up: 39 of 200 (19.5%) shows as 20%, so it is not "under
    20%"; 181 of 200 (90.5%) shows as 91%, so it is over 90%."""
    attempts = [
        attempt(i, {"a": 1 if i < 39 else 0, "b": 1 if i < 181 else 0, "c": 1 if i < 38 else 0})
        for i in range(200)
    ]
    a, b, c = item_analysis(attempts, ["a", "b", "c"])
    assert [whole_percent(row.facility) for row in (a, b, c)] == [20, 91, 19]
    assert "too hard" not in a.flags and facility_band(a.facility) == "Difficult"
    assert "too easy" in b.flags
    assert "too hard" in c.flags


def _discriminating(k1: int, k0: int) -> list[AttemptScores]:
    """Thirty attempts at two one-mark questions: the first fifteen get q right, k1 of them
    also r, and k0 of the other fifteen get r right. The discrimination of q is then the phi
    coefficient (k1 - k0) / sqrt(m (30 - m)), where m = k1 + k0."""
    with_q = [attempt(i, {"q": 1, "r": 1 if i < k1 else 0}) for i in range(15)]
    without_q = [attempt(15 + i, {"q": 0, "r": 1 if i < k0 else 0}) for i in range(15)]
    return with_q + without_q


@pytest.mark.parametrize(
    ("k1", "k0", "discrimination", "flags"),
    [
        (7, 8, -1 / 15, ("negative discrimination",)),  # barely negative is negative
        (8, 7, 1 / 15, ("weak discrimination",)),
        (8, 6, 2 / math.sqrt(224), ("weak discrimination",)),  # 0.13: weak, under 0.2
        (9, 5, 4 / math.sqrt(224), ()),  # 0.27
        (0, 0, None, ()),  # r never varies
    ],
)
def test_discrimination_flags_at_their_thresholds(k1, k0, discrimination, flags):
    """Any negative discrimination is flagged as such, and any under 0.2 as weak: a
    threshold moved to -0.1, or to 0.1, used to pass unnoticed."""
    (row,) = item_analysis(_discriminating(k1, k0), ["q"])
    assert row.facility == pytest.approx(0.5)
    if discrimination is None:
        assert row.discrimination is None
    else:
        assert row.discrimination == pytest.approx(discrimination)
    assert row.flags == flags


def test_too_few_attempts_for_discrimination_or_flags():
    (row,) = item_analysis([attempt(1, {"q": 1, "r": 0})], ["q"])
    assert row.attempts == 1
    assert row.facility == pytest.approx(1.0)
    assert row.discrimination is None
    assert row.flags == ()


def test_flags_wait_for_enough_attempts():
    """Two attempts already give a discrimination of -1, and the hand-computed class of four
    a negative one: neither is flagged until MIN_ATTEMPTS_TO_FLAG attempts."""
    two = [attempt(1, {"q": 1, "r": 0}), attempt(2, {"q": 0, "r": 1})]
    (row,) = item_analysis(two, ["q"])
    assert row.discrimination == pytest.approx(-1.0) and row.flags == ()
    assert MIN_ATTEMPTS_TO_FLAG == 10
    short = item_analysis(CLASS * 2, ["q3"])[0]  # 8 attempts
    enough = item_analysis(CLASS * 3, ["q3"])[0]  # 12 attempts
    assert short.discrimination == pytest.approx(enough.discrimination)
    assert enough.discrimination < 0
    assert short.flags == () and enough.flags == ("negative discrimination",)


def test_question_nobody_met():
    (row,) = item_analysis(CLASS, ["new"])
    assert row.attempts == 0
    assert row.facility is None
    assert row.discrimination is None
    assert row.mean_score is None
    assert row.flags == ()


def test_attempt_total_is_the_sum_of_its_scores():
    assert CLASS[0].total == 3
    assert CLASS[3].total == 1


binary_matrix = st.integers(min_value=1, max_value=6).flatmap(
    lambda questions: st.lists(
        st.lists(st.integers(0, 1), min_size=questions, max_size=questions),
        min_size=0,
        max_size=15,
    )
)


@given(binary_matrix)
def test_indices_stay_in_range(matrix):
    question_ids = [f"q{n}" for n in range(len(matrix[0]))] if matrix else ["q0"]
    attempts = [
        attempt(i, dict(zip(question_ids, row, strict=True))) for i, row in enumerate(matrix)
    ]
    for row in item_analysis(attempts, question_ids):
        assert row.attempts == len(matrix)
        if row.facility is not None:
            assert 0.0 <= row.facility <= 1.0
        if row.discrimination is not None:
            assert -1.0 - 1e-9 <= row.discrimination <= 1.0 + 1e-9


# Facility bands (Moodle's table, in whole percents)


@pytest.mark.parametrize(
    ("facility", "band"),
    [
        (0.0, "Extremely difficult or something wrong with the question"),
        (0.05, "Extremely difficult or something wrong with the question"),
        (0.06, "Very difficult"),
        (0.10, "Very difficult"),
        (0.11, "Difficult"),
        (0.20, "Difficult"),
        (0.21, "Moderately difficult"),
        (0.34, "Moderately difficult"),
        (0.345, "About right for the average student"),  # rounds to 35%
        (0.35, "About right for the average student"),
        (0.64, "About right for the average student"),
        (0.65, "About right for the average student"),  # the gap in Moodle's table
        (0.66, "Fairly easy"),
        (0.80, "Fairly easy"),
        (0.81, "Easy"),
        (0.89, "Easy"),
        (0.90, "Very easy"),
        (0.94, "Very easy"),
        (0.95, "Extremely easy"),
        (1.0, "Extremely easy"),
    ],
)
def test_facility_band(facility, band):
    assert facility_band(facility) == band


def test_bands_cover_zero_to_a_hundred_in_order():
    highest = [limit for limit, _ in FACILITY_BANDS]
    assert highest == sorted(highest)
    assert highest[-1] == 100


# Distractors


def test_distractor_analysis_counts_each_choice():
    # Five attempts: a, b, a, blank, and a multiple response of a and c.
    picks = ["a", "b", "a", None, ["a", "c"]]
    assert distractor_analysis(["a", "b", "c", "d"], picks) == [
        ("a", 3, pytest.approx(0.6)),
        ("b", 1, pytest.approx(0.2)),
        ("c", 1, pytest.approx(0.2)),
        ("d", 0, 0.0),
    ]


def test_common_answers_groups_alike_answers_most_given_first():
    given = ["Belgrade", "Nis", "belgrade ", "Pristina", "BELGRADE", "nis", "Skopje"]
    assert common_answers(given, 10, lambda text: text.strip().lower(), limit=3) == [
        ("Belgrade", 3, pytest.approx(0.3)),  # spelled as it was first given
        ("Nis", 2, pytest.approx(0.2)),
        ("Pristina", 1, pytest.approx(0.1)),  # a tie goes to the one given first
    ]
    assert common_answers([], 0, str.lower) == []


def test_distractor_analysis_ignores_removed_choices_and_repeats():
    assert distractor_analysis(["a", "b"], ["gone", ["a", "a"]]) == [
        ("a", 1, pytest.approx(0.5)),
        ("b", 0, 0.0),
    ]


def test_distractor_analysis_without_attempts():
    assert distractor_analysis(["a", "b"], []) == [("a", 0, 0.0), ("b", 0, 0.0)]


# Histogram


def test_score_histogram_ten_bins():
    histogram = score_histogram([0, 9.99, 10, 55, 99.9, 100])
    assert [label for label, _ in histogram] == [
        "0–10%",
        "10–20%",
        "20–30%",
        "30–40%",
        "40–50%",
        "50–60%",
        "60–70%",
        "70–80%",
        "80–90%",
        "90–100%",
    ]
    assert [count for _, count in histogram] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]


def test_score_histogram_other_bin_counts():
    assert score_histogram([25, 24.9, 100], bins=4) == [
        ("0–25%", 1),
        ("25–50%", 1),
        ("50–75%", 0),
        ("75–100%", 1),
    ]
    assert [label for label, _ in score_histogram([], bins=3)] == [
        "0–33.3%",
        "33.3–66.7%",
        "66.7–100%",
    ]


@pytest.mark.parametrize("bad", [-1, 100.5])
def test_score_histogram_rejects_impossible_percentages(bad):
    with pytest.raises(ValueError):
        score_histogram([bad])


# Summary


def test_summary():
    # mean = 310 / 4 = 77.5; median = (70 + 90) / 2 = 80
    # deviations -27.5, -7.5, 12.5, 22.5; squares sum to 1475; 1475 / 3 = 491.67
    result = summary([50, 70, 90, 100])
    assert result["count"] == 4
    assert result["mean"] == pytest.approx(77.5)
    assert result["median"] == pytest.approx(80.0)
    assert result["standard_deviation"] == pytest.approx(math.sqrt(1475 / 3))


def test_summary_of_one_and_of_none():
    assert summary([64.0]) == {
        "count": 1,
        "mean": 64.0,
        "median": 64.0,
        "standard_deviation": None,
    }
    assert summary([]) == {"count": 0, "mean": None, "median": None, "standard_deviation": None}
