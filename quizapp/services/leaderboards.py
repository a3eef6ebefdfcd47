"""Class leaderboards: overall and per quiz, for this week and for all time.

Each board is computed by one aggregate query (the best attempt per learner and quiz is
picked in the database by a window function) and ranked by `core.scoring.rank`. Overall
boards add one more grouped query for the flashcard review streaks.

Standings are kept for a short while in a small in-process cache, as CTFd keeps its
scoreboard: a projector polling every few seconds, or thirty students reloading at once,
cost one query per board and period. Submitting an attempt forgets every cached board
(`standings_changed`, called by `attempts.submit_attempt`), so a new score shows at once in
this process; other processes of a multi-worker server catch up when their entry expires.
Streak points, a removed student and the teacher's time zone also wait for the expiry.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    bindparam,
    cast,
    event,
    extract,
    func,
    select,
    type_coerce,
    union,
)
from sqlalchemy.orm import Session

from quizapp.core.scheduling import day_bounds, local_day, study_streak, zone_named
from quizapp.core.scoring import (
    LEADERBOARD_MODES,
    STREAK_CAP_DAYS,
    Entry,
    RankedEntry,
    overall_points,
    rank,
    visible_leaderboard,
)
from quizapp.models import (
    Assignment,
    Attempt,
    BankRecord,
    Classroom,
    Membership,
    QuizRecord,
    ReviewLogRecord,
    User,
)
from quizapp.services.errors import Forbidden, NotFound
from quizapp.services.names import shown_bank_titles, shown_names

PERIODS = {"week": "This week", "all": "All time"}
OVERALL = "overall"
CACHE_SECONDS = 30.0

NO_FINISH = datetime(1970, 1, 1, tzinfo=UTC)
"""The finish of a learner whose overall points are all streak points (no quiz counted)."""

_NOBODY = 0
"""A viewer id no learner has (ids start at 1): the public screen has no row of its own."""


@dataclass(frozen=True)
class Standing(RankedEntry):
    """A ranked row with what its score is made of.

    `score` is the points the board ranks by: overall points, or the points of the best
    attempt on a quiz board. `quizzes` is how many quizzes (attempts) were counted.
    """

    quiz_points: float = 0.0
    streak_days: int = 0
    quizzes: int = 0
    percentage: float | None = None


@dataclass(frozen=True)
class Board:
    class_id: int
    quiz_id: int | None
    period: str
    since: datetime | None
    zone: tzinfo
    rows: tuple[Standing, ...]

    @property
    def is_overall(self) -> bool:
        return self.quiz_id is None

    def own(self, learner_id: int) -> Standing | None:
        return next((row for row in self.rows if row.learner_id == learner_id), None)

    def visible_to(self, viewer_id: int | None, mode: str) -> list[Standing]:
        """The rows a viewer may see: a student passes their id, a teacher None."""
        return visible_leaderboard(self.rows, viewer_id, mode)  # type: ignore[return-value]

    def on_screen(self, mode: str) -> list[Standing]:
        """The rows the public big screen shows: all, the top 10, or none when hidden."""
        return self.visible_to(_NOBODY, mode)


# Who may see what


def class_for_viewer(session: Session, class_id: int, user: User) -> tuple[Classroom, int | None]:
    """The class and the viewer id to pass to `Board.visible_to`.

    Its teacher sees every row (None); an active member sees what the class's mode allows
    (their own id), while the class is open; anyone else is refused.
    """
    classroom = session.get(Classroom, class_id)
    if classroom is None:
        raise NotFound("There is no such class.")
    if classroom.teacher_id == user.id:
        return classroom, None
    if classroom.archived_at is not None:
        raise Forbidden("This class was archived by its teacher, and its leaderboard with it.")
    member = session.scalar(
        select(Membership.id).where(
            Membership.class_id == class_id,
            Membership.student_id == user.id,
            Membership.removed_at.is_(None),
        )
    )
    if member is None:
        raise Forbidden("This leaderboard belongs to a class you are not in.")
    return classroom, user.id


def class_for_screen(session: Session, token: str) -> Classroom:
    classroom = session.scalar(select(Classroom).where(Classroom.screen_token == token))
    if classroom is None or classroom.archived_at is not None:
        raise NotFound(
            "This big-screen link does not work (any more). Ask the teacher for the new one."
        )
    return classroom


def set_mode(classroom: Classroom, mode: str) -> None:
    if mode not in LEADERBOARD_MODES:
        raise ValueError(f"unknown leaderboard mode {mode!r}")
    classroom.leaderboard_mode = mode


def new_screen_token(session: Session, classroom: Classroom) -> str:
    """Give the class a new big-screen address; the old one stops working."""
    classroom.screen_token = secrets.token_urlsafe(32)
    session.flush()
    return classroom.screen_token


def turn_screen_off(session: Session, classroom: Classroom) -> None:
    """Take the class's big-screen address down; `new_screen_token` makes a new one."""
    classroom.screen_token = None
    session.flush()


@dataclass(frozen=True)
class QuizChoice:
    id: int
    title: str
    bank_title: str


def quizzes_of(session: Session, class_id: int) -> list[QuizChoice]:
    """Quizzes with a board in this class: assigned to it, or taken by one of its students,
    from the school's banks or its teacher's."""
    rows = session.execute(_quizzes_query(), {"class_id": class_id}).all()
    banks = shown_bank_titles(session, rows)  # each row's id, title and owner are its bank's
    return [QuizChoice(row.quiz_id, row.quiz_title, banks[row.id]) for row in rows]


@cache
def _quizzes_query() -> Select[Any]:
    class_id = bindparam("class_id")
    taken = (
        select(Attempt.quiz_id)
        .join(Membership, Membership.student_id == Attempt.user_id)
        .where(
            Membership.class_id == class_id,
            Membership.removed_at.is_(None),
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
    )
    assigned = select(Assignment.quiz_id).where(
        Assignment.class_id == class_id, Assignment.archived_at.is_(None)
    )
    # One IN over a UNION: with OR, SQLite read the class's attempts twice.
    return (
        select(
            QuizRecord.id.label("quiz_id"),
            QuizRecord.title.label("quiz_title"),
            BankRecord.id,
            BankRecord.title,
            BankRecord.owner_id,
        )
        .join(BankRecord, BankRecord.id == QuizRecord.bank_id)
        .where(
            QuizRecord.id.in_(union(assigned, taken)), QuizRecord.id.in_(_shown_quizzes(class_id))
        )
        .order_by(BankRecord.title, BankRecord.id, QuizRecord.position, QuizRecord.title)
    )


def board_quiz(quizzes: list[QuizChoice], quiz_id: int) -> QuizChoice:
    """The quiz among those with a board in the class (`quizzes_of`); any other is not
    found, so that a board's address does not show the titles of other teachers' quizzes."""
    for quiz in quizzes:
        if quiz.id == quiz_id:
            return quiz
    raise NotFound("This class has no board for that quiz.")


# Periods and time zones


def week_start(now: datetime, zone: tzinfo) -> datetime:
    """Monday 00:00 of the current week in `zone`, as a UTC instant."""
    today = local_day(now, zone)
    return day_bounds(today - timedelta(days=today.weekday()), zone)[0]


def period_start(period: str, now: datetime, zone: tzinfo) -> datetime | None:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    return week_start(now, zone) if period == "week" else None


# Standings, cached

_cache: dict[tuple[Any, ...], tuple[float, Board]] = {}
_cache_lock = threading.Lock()


def forget_standings() -> None:
    with _cache_lock:
        _cache.clear()


def standings_changed(session: Session) -> None:
    """Forget the cached boards now, and again when this session commits.

    The second time matters: a board computed by another request between now and the
    commit cannot see the new attempt yet, and would otherwise stay cached.
    """
    forget_standings()
    event.listen(session, "after_commit", lambda _session: forget_standings(), once=True)


def standings(
    session: Session,
    classroom: Classroom,
    quiz_id: int | None,
    period: str,
    now: datetime,
    *,
    cache_seconds: float = CACHE_SECONDS,
) -> Board:
    """The ranked board of a class: overall (`quiz_id` None) or of one quiz, for a period.

    A week starts on Monday at 00:00 in the teacher's time zone.
    """
    key = (str(session.get_bind().url), classroom.id, quiz_id, period)
    if cache_seconds > 0:
        with _cache_lock:
            cached = _cache.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
    zone = zone_named(classroom.teacher.timezone)
    since = period_start(period, now, zone)
    shown = shown_names(session, classroom.id)
    if quiz_id is None:
        rows = _overall(session, classroom.id, since, now, shown)
    else:
        rows = _per_quiz(session, classroom.id, quiz_id, since, shown)
    board = Board(classroom.id, quiz_id, period, since, zone, tuple(rows))
    if cache_seconds > 0:
        with _cache_lock:
            _cache[key] = (time.monotonic() + cache_seconds, board)
    return board


# The queries
#
# Each is built once per database dialect and run with bound parameters: building a
# statement of this size costs more than SQLite takes to run it for a class.


def _seconds(dialect: str, start: Any, end: Any) -> ColumnElement[Any]:
    """The seconds from `start` to `end`, computed by the database (SQLite or PostgreSQL)."""
    if dialect == "sqlite":
        return type_coerce((func.julianday(end) - func.julianday(start)) * 86400.0, Float)
    return cast(extract("epoch", end - start), Float)


def _ms(seconds: Any) -> float:
    """Seconds to the millisecond: SQLite's julianday arithmetic is off by some microseconds,
    and times equal to the millisecond must tie."""
    return round(float(seconds or 0), 3)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _best_attempts(dialect: str, *, one_quiz: bool, since: bool):
    """Submitted, non-preview attempts of the class's active students, numbered per student
    and quiz from the best: highest score in percent (the quiz's maximum may change with a
    new version of its bank), then shortest, then earliest finished (`place` 1).

    Parameters: `class_id`, and `quiz_id` and `since` when asked for.
    The students are an IN subquery rather than a join, so that SQLite reads the class's
    attempts by (user, quiz) instead of every attempt at the quiz, school-wide.
    """
    seconds = _seconds(dialect, Attempt.started_at, Attempt.submitted_at)
    place = func.row_number().over(
        partition_by=(Attempt.user_id, Attempt.quiz_id),
        order_by=(Attempt.percentage.desc(), seconds, Attempt.submitted_at, Attempt.id),
    )
    students = select(Membership.student_id).where(
        Membership.class_id == bindparam("class_id"), Membership.removed_at.is_(None)
    )
    query = select(
        Attempt.user_id,
        Attempt.quiz_id,
        Attempt.points,
        Attempt.percentage,
        Attempt.submitted_at,
        seconds.label("seconds"),
        place.label("place"),
    ).where(
        Attempt.user_id.in_(students),
        Attempt.submitted_at.is_not(None),
        Attempt.preview.is_(False),
    )
    if since:
        query = query.where(
            Attempt.submitted_at >= bindparam("since", type_=Attempt.submitted_at.type)
        )
    if one_quiz:
        query = query.where(Attempt.quiz_id == bindparam("quiz_id"))
    else:
        query = query.where(Attempt.quiz_id.in_(_shown_quizzes(bindparam("class_id"))))
    return query.subquery("ranked_attempts")


def _shown_quizzes(class_id: Any) -> Select[Any]:
    """The quizzes a class's boards may show: the school's, and its teacher's own. A
    student's quiz from another teacher's bank is that teacher's to show."""
    teacher = select(Classroom.teacher_id).where(Classroom.id == class_id).scalar_subquery()
    return (
        select(QuizRecord.id)
        .join(BankRecord, BankRecord.id == QuizRecord.bank_id)
        .where(BankRecord.owner_id.is_(None) | (BankRecord.owner_id == teacher))
    )


@cache
def _quiz_board_query(dialect: str, since: bool) -> Select[Any]:
    best = _best_attempts(dialect, one_quiz=True, since=since)
    return (
        select(
            User.id,
            User.display_name,
            best.c.points,
            best.c.percentage,
            best.c.seconds,
            best.c.submitted_at,
        )
        .join(best, best.c.user_id == User.id)
        .where(best.c.place == 1)
    )


@cache
def _overall_query(dialect: str, since: bool) -> Select[Any]:
    best = _best_attempts(dialect, one_quiz=False, since=since)
    return (
        select(
            User.id,
            User.display_name,
            func.sum(func.coalesce(best.c.percentage, 0.0)),
            func.sum(best.c.seconds),
            func.max(best.c.submitted_at),
            func.count(),
        )
        .join(best, best.c.user_id == User.id)
        .where(best.c.place == 1)
        .group_by(User.id, User.display_name)
    )


def _board_params(class_id: int, since: datetime | None, **more: Any) -> dict[str, Any]:
    params = {"class_id": class_id, **more}
    if since is not None:
        params["since"] = since
    return params


def _per_quiz(
    session: Session, class_id: int, quiz_id: int, since: datetime | None, shown: dict[int, str]
) -> list[Standing]:
    rows = session.execute(
        _quiz_board_query(_dialect(session), since is not None),
        _board_params(class_id, since, quiz_id=quiz_id),
    ).all()
    details = {}
    entries = []
    for user_id, name, points, percentage, seconds, finished in rows:
        entries.append(
            Entry(user_id, shown.get(user_id, name), float(percentage), _ms(seconds), finished)
        )
        details[user_id] = {"quiz_points": float(points), "quizzes": 1, "percentage": percentage}
    return _standings(entries, details)


def _overall(
    session: Session,
    class_id: int,
    since: datetime | None,
    now: datetime,
    shown: dict[int, str],
):
    quiz_rows = session.execute(
        _overall_query(_dialect(session), since is not None), _board_params(class_id, since)
    ).all()
    names: dict[int, str] = {}
    quiz_totals: dict[int, tuple[float, float, datetime, int]] = {}
    for user_id, name, points, seconds, finished, count in quiz_rows:
        names[user_id] = name
        quiz_totals[user_id] = (float(points), _ms(seconds), finished, count)
    streaks = _streaks(session, class_id, since, now, names)

    entries = []
    details = {}
    for user_id, name in names.items():
        quiz_points, seconds, finished, count = quiz_totals.get(user_id, (0.0, 0.0, NO_FINISH, 0))
        streak = min(streaks.get(user_id, 0), STREAK_CAP_DAYS)
        if not count and not streak:
            continue
        points = overall_points(quiz_points, streak)
        entries.append(Entry(user_id, shown.get(user_id, name), points, seconds, finished))
        details[user_id] = {"quiz_points": quiz_points, "streak_days": streak, "quizzes": count}
    return _standings(entries, details)


def _streaks(
    session: Session,
    class_id: int,
    since: datetime | None,
    now: datetime,
    names: dict[int, str],
) -> dict[int, int]:
    """Each active student's current flashcard review streak (in their own time zone),
    counting only days since `since`; fills `names` with students who have reviews but no
    quiz. Cards rated by a quiz's wrong answers (source "quiz") are not flashcard study.

    Only the last STREAK_CAP_DAYS + 2 days are read (longer streaks earn no more), and
    reviews are grouped by student and UTC hour, keeping the first and last of each hour.
    That is enough to know every local day with a review in any time zone: a local
    midnight splits an hour at most once, so if reviews lie on both sides of it, the first
    is on one side and the last on the other.
    """
    start = now - timedelta(days=STREAK_CAP_DAYS + 2)
    if since is not None:
        start = max(start, since)
    rows = session.execute(
        _streaks_query(), {"class_id": class_id, "start": start, "now": now}
    ).all()
    moments: dict[int, list[datetime]] = defaultdict(list)
    zones: dict[int, str] = {}
    for user_id, name, zone, first, last in rows:
        names.setdefault(user_id, name)
        zones[user_id] = zone
        moments[user_id] += [first, last]
    return {
        user_id: study_streak(reviewed, now, zone_named(zones[user_id]))
        for user_id, reviewed in moments.items()
    }


@cache
def _streaks_query() -> Select[Any]:
    """Parameters: `class_id`, and the `start` and `now` of the reviews to read."""
    moment = ReviewLogRecord.reviewed_at
    hour = [extract(part, moment) for part in ("year", "month", "day", "hour")]
    return (
        select(
            User.id,
            User.display_name,
            User.timezone,
            func.min(moment),
            func.max(moment),
        )
        .join(ReviewLogRecord, ReviewLogRecord.user_id == User.id)
        .join(Membership, Membership.student_id == User.id)
        .where(
            Membership.class_id == bindparam("class_id"),
            Membership.removed_at.is_(None),
            ReviewLogRecord.source == "review",
            moment >= bindparam("start", type_=moment.type),
            moment <= bindparam("now", type_=moment.type),
        )
        .group_by(User.id, User.display_name, User.timezone, *hour)
    )


def _standings(entries: list[Entry], details: dict[int, dict[str, Any]]) -> list[Standing]:
    return [
        Standing(
            learner_id=row.learner_id,
            name=row.name,
            score=row.score,
            time_seconds=row.time_seconds,
            finished_at=row.finished_at,
            rank=row.rank,
            **details[row.learner_id],
        )
        for row in rank(entries)
    ]
