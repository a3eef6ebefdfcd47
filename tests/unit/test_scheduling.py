from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import fsrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.scheduling import (
    CardState,
    DeckCounts,
    Review,
    Scheduler,
    day_bounds,
    deck_counts,
    forecast,
    format_interval,
    local_day,
    new_card_allowance,
    reviews_per_day,
    study_streak,
    true_retention,
)

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
START = datetime(2022, 11, 29, 12, 30, tzinfo=UTC)
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TOKYO = ZoneInfo("Asia/Tokyo")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(tz: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=tz).astimezone(UTC)


@pytest.fixture
def scheduler() -> Scheduler:
    return Scheduler(enable_fuzzing=False)


def after(scheduler: Scheduler, ratings: list[int], now: datetime = START) -> CardState:
    """A card rated with `ratings`, each review made when the card fell due."""
    state = CardState.new(now)
    for rating in ratings:
        state, _ = scheduler.rate(state, rating, state.due)
    return state


# --- the fsrs integration ------------------------------------------------------------


def test_rate_reproduces_the_published_fsrs_intervals(scheduler):
    # Expected intervals from the fsrs package's own test suite, as shipped in the
    # fsrs 6.3.2 source distribution on PyPI: tests/test_basic.py,
    # TestPyFSRS.test_review_card (also asserted in test_custom_scheduler_args):
    # default parameters, fuzzing off, a new card first reviewed at 2022-11-29 12:30 UTC,
    # each later review made when the card falls due, interval = (due - last_review).days.
    ratings = [GOOD] * 6 + [AGAIN, AGAIN] + [GOOD] * 5
    expected = [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]

    state = CardState.new(START)
    now = START
    intervals, scheduled, states = [], [], []
    for rating in ratings:
        state, review = scheduler.rate(state, rating, now)
        intervals.append((state.due - state.last_review).days)
        scheduled.append(timedelta(days=review.scheduled_days).days)
        states.append(state.state)
        now = state.due

    assert intervals == expected
    assert scheduled == expected
    assert states == ["learning"] + ["review"] * 5 + ["relearning"] * 2 + ["review"] * 5


def test_memory_state_matches_the_published_fsrs_values(scheduler):
    # fsrs 6.3.2 tests/test_basic.py, TestPyFSRS.test_memo_state.
    state = CardState.new(START)
    now = START
    for rating, gap_days in zip([AGAIN] + [GOOD] * 5, [0, 0, 1, 3, 8, 21], strict=True):
        now += timedelta(days=gap_days)
        state, review = scheduler.rate(state, rating, now)

    assert state.stability == pytest.approx(53.62691, abs=1e-4)
    assert state.difficulty == pytest.approx(6.3574867, abs=1e-4)
    assert (review.stability, review.difficulty) == (state.stability, state.difficulty)


@settings(max_examples=50, database=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 4), st.integers(0, 400 * 86_400)),
        min_size=1,
        max_size=12,
    )
)
def test_rate_agrees_with_fsrs_for_any_history(history):
    ours = Scheduler(enable_fuzzing=False)
    theirs = fsrs.Scheduler(enable_fuzzing=False)
    state = CardState.new(START)
    card = fsrs.Card(card_id=1, due=START)
    now = START
    for rating, gap_seconds in history:
        now += timedelta(seconds=gap_seconds)
        state, review = ours.rate(state, rating, now)
        card, _ = theirs.review_card(card, fsrs.Rating(rating), now)
        assert state.state == card.state.name.lower()
        assert (state.step, state.due, state.last_review) == (card.step, card.due, card.last_review)
        assert (state.stability, state.difficulty) == (card.stability, card.difficulty)
        assert review.reviewed_at == now


def test_a_review_records_the_state_before_and_the_intervals(scheduler):
    first_state = CardState.new(START)
    learning, first = scheduler.rate(first_state, GOOD, START, review_duration_ms=4200)

    assert first == Review(
        rating=GOOD,
        reviewed_at=START,
        state_before="new",
        due_before=START,
        stability=learning.stability,
        difficulty=learning.difficulty,
        elapsed_days=0.0,
        scheduled_days=600 / 86_400,
        review_duration_ms=4200,
    )
    assert (learning.state, learning.step) == ("learning", 1)

    later = START + timedelta(minutes=12)
    reviewed, second = scheduler.rate(learning, GOOD, later)
    assert second.state_before == "learning"
    assert second.due_before == learning.due
    assert second.elapsed_days == pytest.approx(12 / (24 * 60))
    assert reviewed.state == "review"
    assert second.scheduled_days == (reviewed.due - later).days >= 1


def test_rate_accepts_any_aware_datetime_and_stores_utc(scheduler):
    in_tokyo = START.astimezone(TOKYO)
    state, review = scheduler.rate(CardState.new(in_tokyo), GOOD, in_tokyo)

    assert state.due.tzinfo is UTC and state.last_review.tzinfo is UTC
    assert review.reviewed_at == START and review.reviewed_at.tzinfo is UTC
    assert state == scheduler.rate(CardState.new(START), GOOD, START)[0]


@pytest.mark.parametrize("rating", [0, 5, -1, True])
def test_a_rating_outside_1_to_4_raises(scheduler, rating):
    with pytest.raises(ValueError):
        scheduler.rate(CardState.new(START), rating, START)


def test_a_review_before_the_last_one_raises(scheduler):
    state = after(scheduler, [GOOD])
    with pytest.raises(ValueError):
        scheduler.rate(state, GOOD, START - timedelta(seconds=1))


def test_card_state_rejects_impossible_combinations():
    with pytest.raises(ValueError):
        CardState(state="suspended", due=START)
    with pytest.raises(ValueError):
        CardState(state="new", due=START, stability=1.0)
    with pytest.raises(ValueError):
        CardState(state="review", due=START, step=None)
    with pytest.raises(ValueError):
        CardState(
            state="review", due=START, step=0, stability=1.0, difficulty=5.0, last_review=START
        )


# --- preview ---------------------------------------------------------------------------

STARTING_POINTS = {
    "new": [],
    "learning, first step": [AGAIN],
    "learning, second step": [GOOD],
    "review": [GOOD, GOOD, GOOD],
    "relearning": [GOOD, GOOD, GOOD, AGAIN],
}


@pytest.mark.parametrize("ratings", STARTING_POINTS.values(), ids=STARTING_POINTS.keys())
@pytest.mark.parametrize("late", [timedelta(0), timedelta(days=3, hours=5)])
def test_preview_is_what_rate_then_gives(scheduler, ratings, late):
    state = after(scheduler, ratings)
    now = state.due + late

    preview = scheduler.preview(state, now)

    assert sorted(preview) == [AGAIN, HARD, GOOD, EASY]
    for rating, interval in preview.items():
        rated, review = scheduler.rate(state, rating, now)
        assert rated.due - now == interval
        assert review.scheduled_days == pytest.approx(interval.total_seconds() / 86_400)


def test_preview_of_a_new_card_shows_the_learning_steps(scheduler):
    preview = scheduler.preview(CardState.new(START), START)

    assert preview[AGAIN] == timedelta(minutes=1)
    assert preview[HARD] == timedelta(minutes=5, seconds=30)
    assert preview[GOOD] == timedelta(minutes=10)
    assert preview[EASY] >= timedelta(days=1)
    labels = [format_interval(preview[r]) for r in (AGAIN, HARD, GOOD)]
    assert labels == ["1 min", "6 min", "10 min"]


def test_preview_ignores_fuzzing_and_fuzzed_reviews_stay_near_it(scheduler):
    fuzzed = Scheduler()
    state = after(scheduler, [GOOD, GOOD, GOOD, GOOD])
    now = state.due

    assert fuzzed.preview(state, now) == scheduler.preview(state, now)
    label_days = scheduler.preview(state, now)[GOOD].days
    assert label_days > 20
    for _ in range(30):
        rated, review = fuzzed.rate(state, GOOD, now)
        days = (rated.due - now) / timedelta(days=1)
        assert days == int(days) == review.scheduled_days
        assert abs(days - label_days) <= 0.1 * label_days + 1


def test_preview_leaves_the_card_unchanged(scheduler):
    state = after(scheduler, [GOOD, GOOD])
    copy = CardState(**vars(state))
    scheduler.preview(state, state.due)
    assert state == copy


# --- retrievability --------------------------------------------------------------------


def test_retrievability(scheduler):
    assert scheduler.retrievability(CardState.new(START), START) == 0.0

    state = after(scheduler, [GOOD, GOOD, GOOD, GOOD])
    just_reviewed = scheduler.retrievability(state, state.last_review)
    when_due = scheduler.retrievability(state, state.due)
    much_later = scheduler.retrievability(state, state.due + timedelta(days=365))

    assert just_reviewed == pytest.approx(1.0)
    assert when_due == pytest.approx(0.9, abs=0.01)  # the desired retention
    assert 0 < much_later < when_due


# --- format_interval --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (timedelta(0), "<1 min"),
        (timedelta(seconds=59), "<1 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(seconds=89), "1 min"),
        (timedelta(seconds=90), "2 min"),
        (timedelta(minutes=10), "10 min"),
        (timedelta(minutes=59, seconds=29), "59 min"),
        (timedelta(minutes=59, seconds=30), "1 h"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=5), "5 h"),
        (timedelta(hours=23, minutes=29), "23 h"),
        (timedelta(hours=23, minutes=30), "1 day"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=1, hours=11), "1 day"),
        (timedelta(days=1, hours=12), "2 days"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=30), "30 days"),
        (timedelta(days=30, hours=12), "1.0 mo"),
        (timedelta(days=64), "2.1 mo"),
        (timedelta(days=350), "11.5 mo"),
        (timedelta(days=363), "11.9 mo"),
        (timedelta(days=364), "1.0 yr"),
        (timedelta(days=365), "1.0 yr"),
        (timedelta(days=475), "1.3 yr"),
        (timedelta(days=36500), "100.0 yr"),
    ],
)
def test_format_interval(interval, label):
    assert format_interval(interval) == label


def test_format_interval_refuses_a_negative_interval():
    with pytest.raises(ValueError):
        format_interval(timedelta(seconds=-1))


# --- days in the learner's time zone ---------------------------------------------------


def test_local_day_follows_the_learners_zone():
    moment = utc(2024, 5, 1, 15, 30)
    assert local_day(moment, TOKYO) == date(2024, 5, 2)
    assert local_day(moment, LOS_ANGELES) == date(2024, 5, 1)
    assert local_day(moment, UTC) == date(2024, 5, 1)


def test_day_bounds_are_local_midnights_in_utc():
    assert day_bounds(date(2024, 5, 1), TOKYO) == (utc(2024, 4, 30, 15), utc(2024, 5, 1, 15))
    assert day_bounds(date(2024, 5, 1), LOS_ANGELES) == (utc(2024, 5, 1, 7), utc(2024, 5, 2, 7))


def test_day_bounds_across_daylight_saving_changes():
    spring_start, spring_end = day_bounds(date(2024, 3, 10), LOS_ANGELES)
    assert (spring_start, spring_end) == (utc(2024, 3, 10, 8), utc(2024, 3, 11, 7))
    assert spring_end - spring_start == timedelta(hours=23)

    fall_start, fall_end = day_bounds(date(2024, 11, 3), LOS_ANGELES)
    assert (fall_start, fall_end) == (utc(2024, 11, 3, 7), utc(2024, 11, 4, 8))
    assert fall_end - fall_start == timedelta(hours=25)


# --- deck counts and forecast ----------------------------------------------------------


def reviewed(state: str, due: datetime) -> CardState:
    step = None if state == "review" else 0
    return CardState(
        state=state,
        due=due,
        step=step,
        stability=3.0,
        difficulty=5.0,
        last_review=due - timedelta(days=1),
    )


def test_deck_counts_in_the_learners_day():
    now = local(LOS_ANGELES, 2024, 5, 1, 22, 0)  # 05:00 UTC on 2 May
    states = [
        CardState.new(now),
        CardState.new(now),
        CardState.new(now),
        reviewed("learning", now - timedelta(minutes=3)),
        reviewed("relearning", now),
        reviewed("learning", now + timedelta(minutes=5)),
        reviewed("review", now - timedelta(days=4)),
        reviewed("review", local(LOS_ANGELES, 2024, 5, 1, 23, 30)),
        reviewed("review", local(LOS_ANGELES, 2024, 5, 2, 0, 30)),
    ]

    assert deck_counts(states, now, 2, LOS_ANGELES) == DeckCounts(new=2, learning=2, due=2)
    assert deck_counts(states, now, 10, LOS_ANGELES) == DeckCounts(new=3, learning=2, due=2)
    assert deck_counts(states, now, 0, LOS_ANGELES).new == 0
    # The same instant is mid-afternoon on 2 May in Tokyo: the 00:30 card is due today too.
    assert deck_counts(states, now, 0, TOKYO) == DeckCounts(new=0, learning=2, due=3)
    assert deck_counts([], now, 5, TOKYO) == DeckCounts(new=0, learning=0, due=0)


def test_forecast_counts_per_local_day_in_los_angeles_and_tokyo():
    now = utc(2024, 5, 1, 14, 30)  # 07:30 on 1 May in Los Angeles, 23:30 in Tokyo
    dues = [
        utc(2024, 4, 20, 0, 0),  # overdue: today everywhere
        utc(2024, 5, 1, 14, 45),  # LA 1 May 07:45, Tokyo 1 May 23:45
        utc(2024, 5, 1, 15, 15),  # LA 1 May 08:15, Tokyo 2 May 00:15
        utc(2024, 5, 2, 6, 30),  # LA 1 May 23:30, Tokyo 2 May 15:30
        utc(2024, 5, 2, 7, 30),  # LA 2 May 00:30, Tokyo 2 May 16:30
        utc(2024, 5, 7, 14, 0),  # LA 7 May 07:00, Tokyo 7 May 23:00: the last day
        utc(2024, 5, 7, 15, 30),  # LA 7 May 08:30, Tokyo 8 May 00:30: beyond a week
        utc(2024, 6, 1, 0, 0),  # beyond a week everywhere
    ]
    days = [date(2024, 5, d) for d in range(1, 8)]

    assert forecast(dues, now, LOS_ANGELES) == list(zip(days, [4, 1, 0, 0, 0, 0, 2], strict=True))
    assert forecast(dues, now, TOKYO) == list(zip(days, [2, 3, 0, 0, 0, 0, 1], strict=True))


def test_forecast_uses_the_offset_of_each_day_across_daylight_saving():
    now = local(LOS_ANGELES, 2024, 3, 9, 12, 0)
    dues = [
        local(LOS_ANGELES, 2024, 3, 10, 23, 30),  # 06:30 UTC on 11 March
        local(LOS_ANGELES, 2024, 3, 11, 0, 30),  # 07:30 UTC: 23:30 on the 10th at winter time
    ]

    assert forecast(dues, now, LOS_ANGELES, days=3) == [
        (date(2024, 3, 9), 0),
        (date(2024, 3, 10), 1),
        (date(2024, 3, 11), 1),
    ]


def test_forecast_needs_a_day():
    with pytest.raises(ValueError):
        forecast([], START, UTC, days=0)


# --- learner statistics -----------------------------------------------------------------


def review(reviewed_at: datetime, rating: int, state_before: str = "review") -> Review:
    return Review(
        rating=rating,
        reviewed_at=reviewed_at,
        state_before=state_before,
        due_before=reviewed_at,
        stability=10.0,
        difficulty=5.0,
        elapsed_days=10.0,
        scheduled_days=20.0,
    )


def test_true_retention_counts_only_review_cards_in_the_window():
    now = utc(2024, 5, 31, 12)
    reviews = [
        review(now - timedelta(days=1), GOOD),
        review(now - timedelta(days=2), HARD),
        review(now - timedelta(days=3), EASY),
        review(now - timedelta(days=29), AGAIN),
        review(now - timedelta(hours=1), AGAIN, state_before="learning"),
        review(now - timedelta(hours=2), AGAIN, state_before="relearning"),
        review(now - timedelta(hours=3), AGAIN, state_before="new"),
        review(now - timedelta(days=31), AGAIN),
    ]

    assert true_retention(reviews, now) == 0.75
    assert true_retention(reviews, now, days=7) == 1.0


def test_true_retention_is_none_without_review_card_reviews():
    now = utc(2024, 5, 31, 12)
    assert true_retention([], now) is None
    assert true_retention([review(now, GOOD, state_before="learning")], now) is None
    assert true_retention([review(now - timedelta(days=40), GOOD)], now) is None


def test_reviews_per_day_over_local_days():
    now = local(LOS_ANGELES, 2024, 5, 31, 11, 0)
    first_instant = local(LOS_ANGELES, 2024, 5, 2, 0, 0)  # the window's first local midnight
    moments = [first_instant + timedelta(days=2 * i) for i in range(15)]
    moments.append(first_instant - timedelta(seconds=1))  # 1 May: outside

    assert reviews_per_day(moments, now, LOS_ANGELES) == 0.5
    assert reviews_per_day([], now, LOS_ANGELES) == 0.0
    today = [now - timedelta(hours=1), now - timedelta(hours=2)]
    assert reviews_per_day(today + moments, now, LOS_ANGELES, days=1) == 2.0


def test_study_streak_counts_consecutive_local_days_up_to_today():
    now = local(LOS_ANGELES, 2024, 5, 10, 20, 0)
    moments = [local(LOS_ANGELES, 2024, 5, d, 9, 0) for d in (5, 6, 8, 9, 10)]
    moments.append(local(LOS_ANGELES, 2024, 5, 10, 9, 30))

    assert study_streak(moments, now, LOS_ANGELES) == 3
    assert study_streak([], now, LOS_ANGELES) == 0


def test_study_streak_is_not_broken_before_the_day_is_over():
    moments = [local(LOS_ANGELES, 2024, 5, d, 21, 0) for d in (7, 8, 9)]

    not_yet_today = local(LOS_ANGELES, 2024, 5, 10, 23, 59)
    assert study_streak(moments, not_yet_today, LOS_ANGELES) == 3
    a_day_missed = local(LOS_ANGELES, 2024, 5, 11, 0, 1)
    assert study_streak(moments, a_day_missed, LOS_ANGELES) == 0


def test_study_streak_follows_the_learners_midnight():
    # 23:30 and 00:30 in Tokyo are two days there, but one day (the 1st) in UTC.
    moments = [utc(2024, 5, 1, 14, 30), utc(2024, 5, 1, 15, 30)]
    now = utc(2024, 5, 2, 3, 0)

    assert study_streak(moments, now, TOKYO) == 2
    assert study_streak(moments, now, UTC) == 1


def test_study_streak_across_daylight_saving_changes():
    spring = [local(LOS_ANGELES, 2024, 3, d, 23, 30) for d in (8, 9, 10, 11)]
    assert study_streak(spring, local(LOS_ANGELES, 2024, 3, 12, 8, 0), LOS_ANGELES) == 4

    fall = [local(LOS_ANGELES, 2024, 11, d, 0, 15) for d in (2, 3, 4)]
    fall.append(local(LOS_ANGELES, 2024, 11, 3, 23, 45))  # 07:45 UTC on 4 November
    assert study_streak(fall, local(LOS_ANGELES, 2024, 11, 5, 0, 5), LOS_ANGELES) == 3


def test_study_streak_ignores_reviews_after_now():
    now = local(LOS_ANGELES, 2024, 5, 10, 8, 0)
    later_today = local(LOS_ANGELES, 2024, 5, 10, 9, 0)
    assert study_streak([later_today], now, LOS_ANGELES) == 0


@pytest.mark.parametrize(
    ("reviewed_new_today", "limit", "left"),
    [(0, 20, 20), (5, 20, 15), (20, 20, 0), (25, 20, 0), (0, 0, 0)],
)
def test_new_card_allowance(reviewed_new_today, limit, left):
    assert new_card_allowance(reviewed_new_today, limit) == left


def test_new_card_allowance_refuses_negative_numbers():
    with pytest.raises(ValueError):
        new_card_allowance(-1, 20)
    with pytest.raises(ValueError):
        new_card_allowance(0, -1)


# --- naive datetimes are bugs ----------------------------------------------------------

NAIVE = datetime(2024, 5, 1, 12, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda s: CardState.new(NAIVE),
        lambda s: CardState(
            state="review", due=START, stability=1.0, difficulty=5.0, last_review=NAIVE
        ),
        lambda s: s.rate(CardState.new(START), GOOD, NAIVE),
        lambda s: s.preview(CardState.new(START), NAIVE),
        lambda s: s.retrievability(CardState.new(START), NAIVE),
        lambda s: review(NAIVE, GOOD),
        lambda s: local_day(NAIVE, TOKYO),
        lambda s: deck_counts([], NAIVE, 10, TOKYO),
        lambda s: forecast([NAIVE], START, TOKYO),
        lambda s: forecast([], NAIVE, TOKYO),
        lambda s: true_retention([], NAIVE),
        lambda s: reviews_per_day([NAIVE], START, TOKYO),
        lambda s: reviews_per_day([], NAIVE, TOKYO),
        lambda s: study_streak([NAIVE], START, TOKYO),
        lambda s: study_streak([], NAIVE, TOKYO),
    ],
)
def test_naive_datetimes_raise(scheduler, call):
    with pytest.raises(ValueError, match="naive"):
        call(scheduler)
