"""Flashcard study in figures, from the learner's review logs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.core import scheduling
from quizapp.core.scheduling import Review
from quizapp.models import ReviewLogRecord, User
from quizapp.services.cards.settings import zone_of

STATS_DAYS = 30


@dataclass(frozen=True)
class LearnerStats:
    """Flashcard study in figures: true retention (0-1, None without reviews of cards in
    review) and reviews per day over the last `days` days, and the streak of study days."""

    retention: float | None
    reviews_per_day: float
    streak: int
    reviews: int
    days: int


_REVIEW_COLUMNS = (
    ReviewLogRecord.rating,
    ReviewLogRecord.reviewed_at,
    ReviewLogRecord.state_before,
    ReviewLogRecord.due_before,
    ReviewLogRecord.stability,
    ReviewLogRecord.difficulty,
    ReviewLogRecord.elapsed_days,
    ReviewLogRecord.scheduled_days,
    ReviewLogRecord.duration_ms,
)


def learner_stats(
    session: Session, user: User, now: dt.datetime, days: int = STATS_DAYS
) -> LearnerStats:
    """The learner's figures from their flashcard review logs (quiz misses left out)."""
    zone = zone_of(user)
    today = scheduling.local_day(now, zone)
    since = scheduling.day_bounds(today - dt.timedelta(days=days), zone)[0]
    own = (ReviewLogRecord.user_id == user.id) & (ReviewLogRecord.source == "review")
    logs = [
        Review(*row)
        for row in session.execute(
            select(*_REVIEW_COLUMNS).where(own, ReviewLogRecord.reviewed_at >= since)
        )
    ]
    moments = [log.reviewed_at for log in logs]
    streak = scheduling.study_streak(moments, now, zone)
    if streak >= days:  # the streak may go back further than the window: read it all
        moments = list(session.scalars(select(ReviewLogRecord.reviewed_at).where(own)))
        streak = scheduling.study_streak(moments, now, zone)
    recent = [log for log in logs if log.reviewed_at >= now - dt.timedelta(days=days)]
    return LearnerStats(
        retention=scheduling.true_retention(recent, now, days),
        reviews_per_day=scheduling.reviews_per_day(moments, now, zone, days),
        streak=streak,
        reviews=len(recent),
        days=days,
    )
