"""Flashcard scheduling over the FSRS algorithm, and the counts and statistics built on it.

The algorithm itself is the `fsrs` package's; this module translates between what the
app stores per learner and card (`CardState`, `Review`) and `fsrs.Card`, and holds the
rules about days: a learner's day runs from local midnight to local midnight in their
own time zone, so counts, forecasts and streaks follow the learner's calendar rather
than UTC.

Every datetime going in must be time-zone aware; naive ones raise ValueError because
they are a bug (we could not know which instant they mean). Datetimes coming out are UTC.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import fsrs

StateName = Literal["new", "learning", "review", "relearning"]
STATES: tuple[StateName, ...] = ("new", "learning", "review", "relearning")
RATINGS = (1, 2, 3, 4)  # Again, Hard, Good, Easy

_TO_FSRS = {
    "new": fsrs.State.Learning,
    "learning": fsrs.State.Learning,
    "review": fsrs.State.Review,
    "relearning": fsrs.State.Relearning,
}
_FROM_FSRS: dict[fsrs.State, StateName] = {
    fsrs.State.Learning: "learning",
    fsrs.State.Review: "review",
    fsrs.State.Relearning: "relearning",
}

DAY_SECONDS = 86_400


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} is a naive datetime; pass a time-zone aware one")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class CardState:
    """What the app stores for one learner and one card.

    `state` is "new" until the first review. `step` is the learning or relearning step
    (None when new or in review). Stability and difficulty are FSRS's memory state,
    None until the first review.
    """

    state: StateName
    due: datetime
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    last_review: datetime | None = None

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ValueError(f"unknown card state {self.state!r}")
        object.__setattr__(self, "due", _utc(self.due, "due"))
        if self.last_review is not None:
            object.__setattr__(self, "last_review", _utc(self.last_review, "last_review"))
        memory = (self.stability, self.difficulty, self.last_review)
        if self.state == "new":
            if self.step is not None or any(v is not None for v in memory):
                raise ValueError("a new card has no step, memory state or last review")
        else:
            if any(v is None for v in memory):
                raise ValueError(f"a {self.state} card needs stability, difficulty, last_review")
            if (self.state == "review") != (self.step is None):
                raise ValueError(f"a {self.state} card has the wrong step {self.step!r}")

    @classmethod
    def new(cls, now: datetime) -> CardState:
        """A card the learner has never reviewed, due at once."""
        return cls(state="new", due=now)

    def _to_fsrs(self) -> fsrs.Card:
        # card_id is given so that fsrs does not derive one from the clock (and sleep 1 ms).
        return fsrs.Card(
            card_id=0,
            state=_TO_FSRS[self.state],
            step=0 if self.state == "new" else self.step,
            stability=self.stability,
            difficulty=self.difficulty,
            due=self.due,
            last_review=self.last_review,
        )

    @classmethod
    def _from_fsrs(cls, card: fsrs.Card) -> CardState:
        return cls(
            state=_FROM_FSRS[card.state],
            due=card.due,
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            last_review=card.last_review,
        )


@dataclass(frozen=True)
class Review:
    """One review, as the review log stores it.

    `elapsed_days` is the time since the previous review and `scheduled_days` the
    interval this review gave (new due minus `reviewed_at`), both as float days so that
    learning steps keep their minutes (10 min is 0.00694); intervals of review-state
    cards are whole days. `elapsed_days` is 0.0 on a card's first review.
    `stability` and `difficulty` are the memory state after the review.
    """

    rating: int
    reviewed_at: datetime
    state_before: StateName
    due_before: datetime
    stability: float
    difficulty: float
    elapsed_days: float
    scheduled_days: float
    review_duration_ms: int | None = None

    def __post_init__(self) -> None:
        if self.rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, not {self.rating!r}")
        if self.state_before not in STATES:
            raise ValueError(f"unknown card state {self.state_before!r}")
        object.__setattr__(self, "reviewed_at", _utc(self.reviewed_at, "reviewed_at"))
        object.__setattr__(self, "due_before", _utc(self.due_before, "due_before"))


def _days(delta: timedelta) -> float:
    return delta.total_seconds() / DAY_SECONDS


class Scheduler:
    """FSRS with the default parameters and a desired retention of 90%.

    Fuzzing (a small random spread of review intervals, so cards learnt together do not
    stay together) is on by default; tests turn it off to get the published intervals.
    """

    def __init__(self, *, desired_retention: float = 0.9, enable_fuzzing: bool = True) -> None:
        self._fsrs = fsrs.Scheduler(
            desired_retention=desired_retention, enable_fuzzing=enable_fuzzing
        )
        self._unfuzzed = fsrs.Scheduler(desired_retention=desired_retention, enable_fuzzing=False)

    def rate(
        self,
        state: CardState,
        rating: int,
        now: datetime,
        review_duration_ms: int | None = None,
    ) -> tuple[CardState, Review]:
        """The card's state after the learner rates it 1-4 at `now`, and the review to log."""
        return self._review(self._fsrs, state, rating, now, review_duration_ms)

    def preview(self, state: CardState, now: datetime) -> dict[int, timedelta]:
        """The interval each rating would give, for the labels on the answer buttons.

        Computed without fuzzing so the labels are stable, as Anki's are. FSRS then spreads
        a review card's interval at random so that cards learned together do not come back
        together: by about a day on short intervals (a "3 days" may be stored as 2 to 5
        days) and by about 5 to 15% on long ones, so a fuzzed Good can come out past the
        Easy label of a short card.
        """
        now = _utc(now, "now")
        return {
            rating: self._review(self._unfuzzed, state, rating, now, None)[0].due - now
            for rating in RATINGS
        }

    def retrievability(self, state: CardState, now: datetime) -> float:
        """The predicted probability (0-1) that the learner recalls the card at `now`; 0 if new."""
        now = _utc(now, "now")
        if state.state == "new":
            return 0.0
        return float(self._fsrs.get_card_retrievability(state._to_fsrs(), now))

    @staticmethod
    def _review(
        scheduler: fsrs.Scheduler,
        state: CardState,
        rating: int,
        now: datetime,
        review_duration_ms: int | None,
    ) -> tuple[CardState, Review]:
        now = _utc(now, "now")
        if isinstance(rating, bool) or rating not in RATINGS:
            raise ValueError(f"rating must be 1-4, not {rating!r}")
        if state.last_review is not None and now < state.last_review:
            raise ValueError("a review cannot come before the card's last review")
        card, _ = scheduler.review_card(
            card=state._to_fsrs(),
            rating=fsrs.Rating(rating),
            review_datetime=now,
            review_duration=review_duration_ms,
        )
        after = CardState._from_fsrs(card)
        review = Review(
            rating=rating,
            reviewed_at=now,
            state_before=state.state,
            due_before=state.due,
            stability=float(card.stability),
            difficulty=float(card.difficulty),
            elapsed_days=_days(now - state.last_review) if state.last_review is not None else 0.0,
            scheduled_days=_days(after.due - now),
            review_duration_ms=review_duration_ms,
        )
        return after, review


def _half_up(value: float, decimals: int = 0) -> float:
    scale = 10**decimals
    return math.floor(value * scale + 0.5) / scale


# (unit, its length in seconds, how many of it before the next unit, decimals shown)
_MONTH = 365 / 12 * DAY_SECONDS
_YEAR = 365 * DAY_SECONDS
_UNITS = (
    ("min", 60, 60, 0),
    ("h", 3600, 24, 0),
    ("day", DAY_SECONDS, _MONTH / DAY_SECONDS, 0),
    ("mo", _MONTH, 12, 1),
    ("yr", _YEAR, math.inf, 1),
)


def format_interval(interval: timedelta) -> str:
    """A short label for an interval, as on Anki's answer buttons.

    "<1 min" under a minute, then whole minutes ("10 min"), hours ("5 h") and days
    ("1 day", "3 days"), then months of 365/12 days ("2.1 mo") and years ("1.3 yr").
    Values are rounded half up; one that rounds to the next unit is shown in that unit
    (59 min 40 s is "1 h", not "60 min").
    """
    seconds = interval.total_seconds()
    if seconds < 0:
        raise ValueError("an interval cannot be negative")
    if seconds < 60:
        return "<1 min"
    for unit, length, limit, decimals in _UNITS:
        value = _half_up(seconds / length, decimals)
        if value >= limit:
            continue
        if decimals:
            return f"{value:.{decimals}f} {unit}"
        count = int(value)
        return f"{count} days" if unit == "day" and count != 1 else f"{count} {unit}"
    raise AssertionError("the last unit has no limit")


def zone_named(name: str | None) -> tzinfo:
    """The time zone of that IANA name; UTC when the name is missing or unknown here."""
    if not name or name == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The learner's calendar date at `moment`."""
    return _utc(moment, "moment").astimezone(tz).date()


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants at which local `day` starts and the next day starts (half-open).

    A day is 23 or 25 hours long across a daylight-saving change.
    """
    start = datetime.combine(day, time(), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _end_of_today(now: datetime, tz: tzinfo) -> datetime:
    return day_bounds(local_day(now, tz), tz)[1]


def new_card_allowance(reviewed_new_today: int, limit: int) -> int:
    """How many more new cards the learner may start today under a daily limit."""
    if reviewed_new_today < 0 or limit < 0:
        raise ValueError("counts and limits cannot be negative")
    return max(limit - reviewed_new_today, 0)


@dataclass(frozen=True)
class DeckCounts:
    new: int
    learning: int
    due: int


def deck_counts(
    states: Iterable[CardState], now: datetime, new_limit_left: int, tz: tzinfo
) -> DeckCounts:
    """The three numbers on a deck: new, learning and due cards.

    new: never-reviewed cards, capped by what is left of today's new-card allowance.
    learning: learning and relearning cards due now or earlier (their steps are minutes,
    so one due later today is not waiting yet).
    due: review cards due by the end of the learner's local day.
    """
    now = _utc(now, "now")
    if new_limit_left < 0:
        raise ValueError("new_limit_left cannot be negative")
    end_of_today = _end_of_today(now, tz)
    new = learning = due = 0
    for state in states:
        if state.state == "new":
            new += 1
        elif state.state == "review":
            if state.due < end_of_today:
                due += 1
        elif state.due <= now:
            learning += 1
    return DeckCounts(new=min(new, new_limit_left), learning=learning, due=due)


def forecast(
    due_datetimes: Iterable[datetime], now: datetime, tz: tzinfo, days: int = 7
) -> list[tuple[date, int]]:
    """Reviews due on each of the learner's next `days` local days, today first.

    Today's count includes everything overdue; cards due after the last day are left out.
    """
    if days < 1:
        raise ValueError("a forecast covers at least one day")
    today = local_day(now, tz)
    last = today + timedelta(days=days - 1)
    per_day: Counter[date] = Counter()
    for due in due_datetimes:
        day = max(local_day(due, tz), today)
        if day <= last:
            per_day[day] += 1
    return [(day, per_day[day]) for day in (today + timedelta(days=i) for i in range(days))]


def true_retention(reviews: Iterable[Review], now: datetime, days: int = 30) -> float | None:
    """The share of reviews of cards in review (not learning) passed in the last `days` days.

    "Passed" is any rating but Again. Learning steps are left out because they test
    short-term memory, not what the schedule is for. None when there were no such reviews.
    """
    now = _utc(now, "now")
    since = now - timedelta(days=days)
    passed = total = 0
    for review in reviews:
        if review.state_before == "review" and since <= review.reviewed_at <= now:
            total += 1
            passed += review.rating != 1
    return passed / total if total else None


def reviews_per_day(
    review_datetimes: Iterable[datetime], now: datetime, tz: tzinfo, days: int = 30
) -> float:
    """Mean reviews a day over the learner's last `days` local days, today included."""
    if days < 1:
        raise ValueError("an average covers at least one day")
    now = _utc(now, "now")
    today = local_day(now, tz)
    start = day_bounds(today - timedelta(days=days - 1), tz)[0]
    count = sum(start <= _utc(moment, "review datetime") <= now for moment in review_datetimes)
    return count / days


def study_streak(review_datetimes: Iterable[datetime], now: datetime, tz: tzinfo) -> int:
    """How many consecutive local days the learner has reviewed on, up to today.

    A streak is not broken until the day is over: with no review yet today, it counts
    up to yesterday.
    """
    now = _utc(now, "now")
    days = {local_day(m, tz) for m in review_datetimes if _utc(m, "review datetime") <= now}
    day = local_day(now, tz)
    if day not in days:
        day -= timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak
