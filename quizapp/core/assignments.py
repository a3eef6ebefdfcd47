"""Assignments: which attempts count, a learner's status on an assignment, and the average.

The gradebook, the CSV export and a student's home page all read these rules, and the
gradebook page shows their sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from statistics import fmean
from typing import TypeVar

Submitted = TypeVar("Submitted", bound=tuple)

UPCOMING = "upcoming"
TO_DO = "to do"
MISSING = "missing"
DONE = "done"
LATE = "late"
WITHDRAWN = "withdrawn"
AFTER_LEAVING = "after leaving"
BEFORE_JOINING = "before joining"
NOTHING_TO_DO = (DONE, LATE, BEFORE_JOINING, WITHDRAWN)
"""Statuses that ask nothing more of the student: listed after the work still to do."""

COUNTING_RULE = (
    "An assignment counts the attempts submitted from the moment it opens: its open date, "
    "or the moment it was assigned if it has none. Earlier attempts are practice. A quiz "
    "can be practised before its open date, unless it limits attempts: such a test can be "
    "started only once an assignment of it opens. Attempts after the due date count only "
    "for a student who submitted none by then (and are marked late): for the others they "
    "are practice, so going over the quiz again later does not change the grade."
)
STATUS_RULE = (
    "Done: an attempt was submitted by the due date (or there is none). Late: the first "
    "attempt came after the due date. Missing: the due date has passed with no attempt."
    " Withdrawn: a new version of the bank no longer has the quiz, so it can no longer be"
    " taken; attempts made before still count. After leaving: it opened (or, with no open"
    " date, was assigned) after the student was removed from the class, so it is not theirs"
    " and does not count. Before joining: it was due before the student joined the class,"
    " or while they were out of it (removed, then added back), so it is not counted against"
    " them; taken anyway, it is late."
)
AVERAGE_RULE = (
    "The average is the mean of the assignment scores; a missing assignment counts as 0. "
    "An assignment with no attempt that counts is left out when it is to do or upcoming, "
    "withdrawn, after leaving or before joining."
)


def counts_from(opens_at: datetime | None, assigned_at: datetime) -> datetime:
    """The moment from which submitted attempts count for the assignment."""
    return opens_at if opens_at is not None else assigned_at


def counted(attempts: Sequence[Submitted], due_at: datetime | None) -> list[Submitted]:
    """Of a learner's attempts submitted since the assignment opened (tuples whose first item
    is the submission time, oldest first), those that count under `COUNTING_RULE`: the ones
    submitted by the due date if there are any, otherwise all of them (late work)."""
    if due_at is None:
        return list(attempts)
    on_time = [attempt for attempt in attempts if attempt[0] <= due_at]
    return on_time or list(attempts)


def status(
    first_submitted_at: datetime | None,
    opens_at: datetime | None,
    due_at: datetime | None,
    now: datetime,
    *,
    can_be_taken: bool,
    left_before: bool = False,
    joined_at: datetime | None = None,
    away: Sequence[tuple[datetime, datetime]] = (),
) -> str:
    """A learner's status on an assignment, from their first counted submission.

    `first_submitted_at` is the earliest attempt that counts (see `counts_from`), or None.
    `can_be_taken` is False for a quiz that a new version of its bank no longer has.
    `left_before` is True when the learner was removed from the class before the
    assignment started counting: it was never theirs to do. `joined_at` is when the learner
    joined the class, and `away` the times they were out of it since (removed, then added
    back): an assignment due before they joined, or while they were away, is not missing.
    """
    if first_submitted_at is None and left_before:
        return AFTER_LEAVING
    if first_submitted_at is not None:
        if due_at is not None and first_submitted_at > due_at:
            return LATE
        return DONE
    if not can_be_taken:
        return WITHDRAWN
    if due_at is not None and now > due_at:
        out_of_class = (joined_at is not None and joined_at > due_at) or any(
            removed <= due_at < back for removed, back in away
        )
        return BEFORE_JOINING if out_of_class else MISSING
    if opens_at is not None and now < opens_at:
        return UPCOMING
    return TO_DO


CLASS_AVERAGE_RULE = (
    "The class average counts the students in the class now: under each assignment, the mean"
    " of their scores by the same rule (a missing one counts as 0) and how many handed it in;"
    " at the end, the mean of their averages."
)


def handed_in(statuses: Iterable[str]) -> int:
    """How many of these statuses are work handed in, on time or late."""
    return sum(1 for cell_status in statuses if cell_status in (DONE, LATE))


def average(cells: Iterable[tuple[str, float | None]]) -> float | None:
    """The mean of (status, score) cells under `AVERAGE_RULE`; None when nothing counts."""
    counted = []
    for cell_status, score in cells:
        if cell_status == MISSING:
            counted.append(0.0)
        elif score is not None:
            counted.append(score)
    return fmean(counted) if counted else None
