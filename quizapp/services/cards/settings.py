"""A learner's flashcard settings, and the bounds of their day in their time zone.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from sqlalchemy.orm import Session

from quizapp.core import scheduling
from quizapp.models import User
from quizapp.services.errors import InvalidAnswer

MAX_NEW_CARDS_PER_DAY = 1000


# Zones a learner may pick: the IANA names, without the aliases that are not places.
_NOT_PLACES = {"Factory", "localtime", "posixrules"}


def time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones() - _NOT_PLACES)


def zone_of(user: User) -> dt.tzinfo:
    """The learner's time zone; UTC if the stored name is unknown to this system."""
    return scheduling.zone_named(user.timezone)


def update_settings(
    session: Session,
    user: User,
    *,
    timezone: str | None = None,
    new_cards_per_day: int | None = None,
) -> None:
    if timezone is not None:
        if timezone not in zoneinfo.available_timezones() or timezone in _NOT_PLACES:
            raise InvalidAnswer(f"“{timezone}” is not a time zone we know.")
        user.timezone = timezone
    if new_cards_per_day is not None:
        if not 0 <= new_cards_per_day <= MAX_NEW_CARDS_PER_DAY:
            raise InvalidAnswer(
                f"The daily number of new cards must be between 0 and {MAX_NEW_CARDS_PER_DAY}."
            )
        user.new_cards_per_day = new_cards_per_day
    session.flush()


def end_of_day(now: dt.datetime, zone: dt.tzinfo, days: int = 1) -> dt.datetime:
    """The instant the learner's local day `days - 1` days after today ends."""
    today = scheduling.local_day(now, zone)
    return scheduling.day_bounds(today + dt.timedelta(days=days - 1), zone)[1]


def day_start(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return scheduling.day_bounds(scheduling.local_day(now, zone), zone)[0]
