"""Taking a quiz: start or resume an attempt, save answers, submit, and read the results.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from quizapp.core import grading
from quizapp.core.assignments import counts_from
from quizapp.core.quizzes import draw, option_order
from quizapp.core.scoring import quiz_grade
from quizapp.models import (
    Assignment,
    Attempt,
    Classroom,
    Membership,
    QuestionVersion,
    QuizRecord,
    Response,
    User,
)
from quizapp.services import leaderboards, locks
from quizapp.services.bank_access import may_read
from quizapp.services.content import question_of, quiz_of
from quizapp.services.errors import Conflict, Forbidden, InvalidAnswer, NotFound

MAX_SECONDS_PER_ANSWER = 30 * 60


@dataclass(frozen=True)
class Taker:
    """Who is taking quizzes: a signed-in user, or a guest known by a session token."""

    user: User | None
    guest_token: str | None = None

    @property
    def is_guest(self) -> bool:
        return self.user is None


def current_versions(session: Session, bank_id: int) -> list[QuestionVersion]:
    return list(
        session.scalars(
            select(QuestionVersion)
            .where(
                QuestionVersion.bank_id == bank_id,
                QuestionVersion.is_current,
                QuestionVersion.type != "card",
            )
            .order_by(QuestionVersion.position)
        )
    )


def get_quiz(session: Session, quiz_id: int, taker: Taker) -> QuizRecord:
    """An active quiz of a bank the taker may see."""
    quiz = session.get(QuizRecord, quiz_id)
    if quiz is None or not quiz.is_active or not may_read(session, quiz.bank_id, taker.user):
        raise NotFound("There is no such quiz.")
    return quiz


def counted_since(session: Session, quiz: QuizRecord, user: User) -> dt.datetime | None:
    """From when the learner's attempts at the quiz use up its attempts limit.

    From the moment their class's assignment of the quiz opens (`core.assignments.counts_from`),
    as in the gradebook: attempts before it are practice. If several of their classes assign
    the quiz, the earliest of those moments; None (every attempt counts) if none does.
    """
    rows = session.execute(
        select(Assignment.opens_at, Assignment.created_at)
        .join(Classroom, Classroom.id == Assignment.class_id)
        .join(Membership, Membership.class_id == Assignment.class_id)
        .where(
            Assignment.quiz_id == quiz.id,
            Assignment.archived_at.is_(None),
            Classroom.archived_at.is_(None),
            Membership.student_id == user.id,
            Membership.removed_at.is_(None),
        )
    ).all()
    return min((counts_from(opens, assigned) for opens, assigned in rows), default=None)


@dataclass(frozen=True)
class AttemptsUsed:
    """The taker's submitted attempts that use up the quiz's attempts limit."""

    count: int
    since: dt.datetime | None
    """From when attempts count (see `counted_since`); None if every attempt does."""

    def practice(self, now: dt.datetime) -> bool:
        """Whether an attempt made now is practice, before the assignment opens."""
        return self.since is not None and self.since > now


def attempts_used(session: Session, quiz: QuizRecord, taker: Taker) -> AttemptsUsed:
    if taker.user is None:
        return AttemptsUsed(0, None)
    return _submitted_since(session, quiz, taker.user, counted_since(session, quiz, taker.user))


def _submitted_since(
    session: Session, quiz: QuizRecord, user: User, since: dt.datetime | None
) -> AttemptsUsed:
    query = select(func.count(Attempt.id)).where(
        Attempt.quiz_id == quiz.id,
        Attempt.user_id == user.id,
        Attempt.submitted_at.is_not(None),
        Attempt.preview.is_(False),
    )
    if since is not None:
        query = query.where(Attempt.submitted_at >= since)
    return AttemptsUsed(session.scalar(query) or 0, since)


def answers_withheld(session: Session, attempt: Attempt, taker: Taker) -> bool:
    """Whether the review of a test keeps its right answers, explanations and sources: until
    the learner has used all its attempts, or the next attempt would be a copy of the review.
    An attempt in progress (a test with immediate feedback) counts as used: its feedback
    keeps them when another attempt would follow it.

    Attempts count from the opening of the class's assignment (`attempts_used`). While no
    assignment lets the learner take the test (it is archived, the learner was removed
    from the class, the quiz withdrawn), they count from the opening of the latest one the
    learner had: each of those can be undone, and the test taken again."""
    settings = quiz_of(attempt.quiz)
    if settings.attempts is None or attempt.preview:
        return False
    if taker.user is None or taker.user.is_teacher:
        return False
    used = attempts_used(session, attempt.quiz, taker)
    if used.since is None:
        used = _attempts_in_last_round(session, attempt.quiz, taker.user)
    count = used.count if attempt.is_submitted else used.count + 1
    return count < settings.attempts


def _attempts_in_last_round(session: Session, quiz: QuizRecord, user: User) -> AttemptsUsed:
    """The learner's attempts since the latest assignment of the quiz they had, archived or
    not, in a class they are still in or not (all of them if they never had one)."""
    rounds = session.execute(
        select(Assignment.opens_at, Assignment.created_at)
        .join(Membership, Membership.class_id == Assignment.class_id)
        .where(Assignment.quiz_id == quiz.id, Membership.student_id == user.id)
    ).all()
    since = max((counts_from(opens, assigned) for opens, assigned in rounds), default=None)
    return _submitted_since(session, quiz, user, since)


def withheld_quizzes(session: Session, user: User, attempts: list[Attempt]) -> set[int]:
    """Of the quizzes of these submitted attempts, the tests whose answers
    `answers_withheld` keeps from the user now: their responses tell nothing either."""
    latest: dict[int, Attempt] = {}
    for attempt in attempts:
        latest.setdefault(attempt.quiz_id, attempt)
    taker = Taker(user=user)
    return {
        quiz_id for quiz_id, attempt in latest.items() if answers_withheld(session, attempt, taker)
    }


def quizzes_in_progress(
    session: Session, taker: Taker, now: dt.datetime
) -> dict[int, dt.datetime | None]:
    """The quizzes the taker has an attempt at still open (and with time left), to resume,
    with the attempt's deadline (None: no time limit)."""
    query = select(Attempt.quiz_id, Attempt.deadline_at).where(
        Attempt.submitted_at.is_(None),
        Attempt.preview.is_(False),
        (Attempt.deadline_at.is_(None)) | (Attempt.deadline_at > now),
    )
    if taker.user is not None:
        query = query.where(Attempt.user_id == taker.user.id)
    elif taker.guest_token:
        query = query.where(Attempt.guest_token == taker.guest_token)
    else:
        return {}
    return {quiz_id: deadline for quiz_id, deadline in session.execute(query)}


def open_attempt(session: Session, quiz: QuizRecord, taker: Taker) -> Attempt | None:
    query = select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.submitted_at.is_(None))
    if taker.user is not None:
        query = query.where(Attempt.user_id == taker.user.id)
    elif taker.guest_token:
        query = query.where(Attempt.guest_token == taker.guest_token)
    else:
        return None
    return session.scalars(query.order_by(Attempt.id.desc())).first()


def _hold_learner(session: Session, user: User, now: dt.datetime) -> None:
    """Mark the learner active, by an UPDATE that holds their row as `locks.hold` does (and
    records the activity while it is at it). A second start sent at the same moment
    (another tab, a double click) waits, then finds the first one's attempt and its count
    of attempts used, so two starts cannot open two attempts."""
    session.execute(update(User).where(User.id == user.id).values(last_seen_at=now))


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def start_attempt(
    session: Session,
    quiz: QuizRecord,
    taker: Taker,
    now: dt.datetime,
    *,
    preview: bool = False,
    rng: random.Random | None = None,
) -> Attempt:
    """Resume the taker's open attempt at this quiz, or start a new one if attempts remain.

    An open attempt whose time ran out is submitted and returned as it is: the taker asked
    to resume it, and sees its result rather than a new attempt's clock."""
    if taker.user is not None:
        _hold_learner(session, taker.user, now)
    else:
        # A guest has no row to hold: the quiz's stands in, so that a double click on Start
        # finds the first click's attempt.
        locks.hold(session, quiz)
        purge_guest_attempts(session, now)  # guests are the only ones who add to them
    existing = open_attempt(session, quiz, taker)
    if existing is not None:
        expire_if_due(session, existing, now)
        return existing
    settings = quiz_of(quiz)
    if settings.attempts is not None and taker.user is None:
        raise Forbidden(
            f"This quiz allows {_attempts(settings.attempts)}, counted on your account:"
            " log in to take it."
        )
    if settings.attempts is not None and not preview:
        used = attempts_used(session, quiz, taker)
        if used.since is None and not taker.user.is_teacher:
            # A test taken before it is assigned would show its answers, and its attempts
            # would start again from the assignment.
            raise Conflict(
                "This quiz limits its attempts, so it is a test: it opens when your teacher"
                " assigns it to your class."
            )
        if used.practice(now):
            # Practice would show the answers of a test before it opens.
            raise Conflict(
                "Your class's assignment of this quiz has not opened yet: its"
                f" {_attempts(settings.attempts)} can be taken once it opens."
            )
        if used.count >= settings.attempts:
            raise Conflict(
                f"You have used all {_attempts(settings.attempts)} allowed for this quiz."
            )
    drawn = draw_questions(session, quiz, rng or random.Random(secrets.randbits(64)))
    deadline = None
    if settings.time_limit_minutes:
        deadline = now + dt.timedelta(minutes=settings.time_limit_minutes)
    attempt = Attempt(
        quiz_id=quiz.id,
        user_id=taker.user.id if taker.user else None,
        guest_token=None if taker.user else taker.guest_token,
        preview=preview,
        started_at=now,
        last_activity_at=now,
        deadline_at=deadline,
        question_order=drawn.order,
        option_orders=drawn.options,
        current_index=0,
        max_points=drawn.max_points,
    )
    session.add(attempt)
    session.flush()
    return attempt


def start_preview(session: Session, quiz: QuizRecord, teacher: User, now: dt.datetime) -> Attempt:
    """A new preview of the quiz, with the bank as it is now (a version just uploaded): an
    unfinished earlier preview is dropped, since previews count nowhere. The teacher's own
    attempt in progress, if they have one, is returned instead: a preview would replace it."""
    _hold_learner(session, teacher, now)
    taker = Taker(user=teacher)
    existing = open_attempt(session, quiz, taker)
    if existing is not None and not existing.preview:
        return existing
    if existing is not None:
        _delete_attempts(session, [existing.id])
    return start_attempt(session, quiz, taker, now, preview=True)


@dataclass(frozen=True)
class Drawn:
    """The questions drawn for an attempt or a live game, fixed so that a reload shows the
    same: question version ids, and per version the order of its choices or items."""

    order: list[int]
    options: dict[str, list[str]]
    max_points: float


def draw_questions(session: Session, quiz: QuizRecord, rng: random.Random) -> Drawn:
    """Draw the quiz's questions (its selection, count and shuffling) from its bank as it
    is now."""
    settings = quiz_of(quiz)
    versions = {v.question_key: v for v in current_versions(session, quiz.bank_id)}
    keys = draw(settings, [question_of(v) for v in versions.values()], rng)
    if not keys:
        raise Conflict("This quiz has no questions at the moment.")
    drawn = [versions[key] for key in keys]
    return Drawn(
        order=[version.id for version in drawn],
        options={
            str(version.id): option_order(question_of(version), settings.shuffle_choices, rng)
            for version in drawn
        },
        max_points=sum(question_of(version).points for version in drawn),
    )


def get_attempt(session: Session, attempt_id: int, taker: Taker) -> Attempt:
    """The attempt, if it belongs to the taker; another person's attempt is refused, and so
    is going on with one at a quiz the taker may no longer see."""
    attempt = session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound("There is no such attempt.")
    if taker.user is not None:
        owned = attempt.user_id == taker.user.id
    else:
        owned = attempt.user_id is None and attempt.guest_token == taker.guest_token
    if not owned or (taker.guest_token is None and taker.user is None):
        raise Forbidden("This attempt belongs to someone else.")
    if not attempt.is_submitted and not may_read(session, attempt.quiz.bank_id, taker.user):
        # Its bank was their teacher's, and they have left the class: their result stays.
        raise Forbidden(
            "This quiz is no longer open to you: it belongs to a class you left, or its"
            " teacher archived its bank."
        )
    return attempt


def expire_if_due(session: Session, attempt: Attempt, now: dt.datetime) -> bool:
    """Submit the attempt with what was saved when its time is up. True if it was expired."""
    if attempt.is_submitted or attempt.deadline_at is None or now < attempt.deadline_at:
        return False
    submit_attempt(session, attempt, attempt.deadline_at, auto=True)
    return True


def expire_overdue(
    session: Session, now: dt.datetime, *, class_id: int | None = None, user_id: int | None = None
) -> int:
    """Submit the timed attempts of a class's students, or of one learner, whose time ran
    out while nobody had them open (the tab closed as the bell rang): they count from their
    deadline in the gradebook, the boards and the statistics, not from whenever the learner
    next opens them. Returns how many were submitted."""
    learners = (
        select(Membership.student_id).where(Membership.class_id == class_id)
        if class_id is not None
        else [user_id]
    )
    overdue = session.scalars(
        select(Attempt)
        .where(
            Attempt.user_id.in_(learners),
            Attempt.submitted_at.is_(None),
            Attempt.deadline_at < now,
        )
        # Each submit locks its learner: always in the same order, so that two pages of
        # classes that share students never wait on each other.
        .order_by(Attempt.user_id, Attempt.id)
    ).all()
    for attempt in overdue:
        expire_if_due(session, attempt, now)
    return len(overdue)


def versions_of(session: Session, attempt: Attempt) -> list[QuestionVersion]:
    """The attempt's question versions, in its order, in one query."""
    rows = session.scalars(
        select(QuestionVersion).where(QuestionVersion.id.in_(attempt.question_order))
    ).all()
    by_id = {v.id: v for v in rows}
    return [by_id[vid] for vid in attempt.question_order]


def responses_of(session: Session, attempt: Attempt) -> dict[int, Response]:
    rows = session.scalars(select(Response).where(Response.attempt_id == attempt.id))
    return {r.question_version_id: r for r in rows}


def version_at(session: Session, attempt: Attempt, index: int) -> QuestionVersion:
    if not 0 <= index < len(attempt.question_order):
        raise NotFound("This quiz has no such question.")
    version = session.get(QuestionVersion, attempt.question_order[index])
    assert version is not None
    return version


def save_answer(
    session: Session,
    attempt: Attempt,
    version_id: int,
    raw: Any,
    now: dt.datetime,
) -> Response:
    """Check, grade and store an answer. Saving again replaces it (same row, counted once),
    except under immediate feedback: once its feedback is shown, an answer is final."""
    _hold_open_attempt(session, attempt, version_id, now)
    response = _saved_response(session, attempt, version_id)
    if response is not None:
        _refuse_after_feedback(attempt)
    version = session.get(QuestionVersion, version_id)
    assert version is not None
    question = question_of(version)
    answer = checked_answer(question, raw)
    result = grading.grade(question, answer)
    spent = min((now - attempt.last_activity_at).total_seconds(), MAX_SECONDS_PER_ANSWER)
    if response is None:
        response = Response(attempt_id=attempt.id, question_version_id=version_id, time_spent_ms=0)
        session.add(response)
    response.answer = answer
    response.points = result.points
    response.max_points = result.max_points
    response.is_correct = result.correct
    response.answered_at = now
    response.time_spent_ms = (response.time_spent_ms or 0) + max(0, int(spent * 1000))
    attempt.last_activity_at = now
    session.flush()
    return response


def checked_answer(question: Any, raw: Any) -> Any:
    """The answer as it is stored and graded, or InvalidAnswer with the reason to show."""
    try:
        return grading.check_response(question, raw)
    except grading.InvalidResponse as error:
        raise InvalidAnswer(str(error)) from None


def clear_answer(session: Session, attempt: Attempt, version_id: int, now: dt.datetime) -> bool:
    """Take back the saved answer to a question (every box unticked, the text erased), so
    that it is unanswered again; not under immediate feedback, where an answer is final.
    Returns whether there was one."""
    _hold_open_attempt(session, attempt, version_id, now)
    response = _saved_response(session, attempt, version_id)
    if response is None:
        return False
    _refuse_after_feedback(attempt)
    session.delete(response)
    attempt.last_activity_at = now
    session.flush()
    return True


def _hold_attempt(session: Session, attempt: Attempt) -> None:
    """Lock the attempt until the caller commits (its row on PostgreSQL, the database's write
    lock on SQLite), then read it again. A request for the same attempt sent at the same
    moment (an autosave and Next, a double click, a second tab) waits for this one, then
    sees what it did: the answer it saved, or the attempt it submitted."""
    if attempt.user_id is not None:
        locks.hold_row(session, User, attempt.user_id)  # and with it their flashcards
    locks.hold(session, attempt)
    session.refresh(attempt)


def _hold_open_attempt(
    session: Session, attempt: Attempt, version_id: int, now: dt.datetime
) -> None:
    """Hold the attempt, and refuse a change to one that has ended or to another question."""
    _hold_attempt(session, attempt)
    if attempt.is_submitted:
        raise Conflict("This attempt has already been submitted; answers can no longer change.")
    if attempt.deadline_at is not None and now >= attempt.deadline_at:
        # The caller submits it with expire_if_due; an answer this late is never saved.
        raise Conflict("Time is up: the attempt is submitted with the answers saved before.")
    if version_id not in attempt.question_order:
        raise InvalidAnswer("That question is not part of this attempt.")


def _refuse_after_feedback(attempt: Attempt) -> None:
    """Under immediate feedback, an answer whose feedback has been shown is final."""
    if quiz_of(attempt.quiz).feedback == "immediate":
        raise Conflict("This question was already answered and its feedback shown.")


def _saved_response(session: Session, attempt: Attempt, version_id: int) -> Response | None:
    return session.scalar(
        select(Response).where(
            Response.attempt_id == attempt.id, Response.question_version_id == version_id
        )
    )


def submit_attempt(
    session: Session, attempt: Attempt, now: dt.datetime, *, auto: bool = False
) -> Attempt:
    """Finish the attempt and total its score. Submitting twice, even at the same moment,
    changes nothing."""
    _hold_attempt(session, attempt)
    if attempt.is_submitted:
        return attempt
    points = session.scalar(
        select(func.coalesce(func.sum(Response.points), 0)).where(Response.attempt_id == attempt.id)
    )
    attempt.points = round(float(points or 0), 4)
    # Not rounded: the boards add scores and the gradebook averages them, and rounded
    # parts drift (three scores of 2/3 would make 200.01 points).
    attempt.percentage = 100 * attempt.points / attempt.max_points if attempt.max_points else 0.0
    attempt.submitted_at = now
    attempt.auto_submitted = auto
    session.flush()
    if attempt.user_id is not None and not attempt.preview:
        from quizapp.services.cards import schedule_missed

        schedule_missed(session, attempt)
    leaderboards.standings_changed(session)
    return attempt


def last_submitted(session: Session, quiz: QuizRecord, user: User) -> Attempt | None:
    """The learner's most recent submitted attempt at the quiz (previews included)."""
    return session.scalars(
        select(Attempt)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_not(None),
        )
        .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        .limit(1)
    ).first()


def quiz_score(session: Session, quiz: QuizRecord, user: User) -> float | None:
    """The learner's score on the quiz (percent) under the quiz's grading method."""
    percentages = session.scalars(
        select(Attempt.percentage)
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id == user.id,
            Attempt.submitted_at.is_not(None),
            Attempt.preview.is_(False),
        )
        .order_by(Attempt.submitted_at)
    ).all()
    return quiz_grade([p for p in percentages if p is not None], quiz_of(quiz).grading)


@dataclass(frozen=True)
class ReviewItem:
    number: int
    version: QuestionVersion
    question: Any
    response: Response | None
    given: str
    expected: str
    parts: tuple[Any, ...]


def review(session: Session, attempt: Attempt) -> list[ReviewItem]:
    """Every question of the attempt with the learner's answer, the correct answer and feedback,
    as graded against the version the attempt used."""
    responses = responses_of(session, attempt)
    items = []
    for number, version in enumerate(versions_of(session, attempt), start=1):
        question = question_of(version)
        response = responses.get(version.id)
        if response is None:
            given, parts = "—", ()
        else:
            given = grading.describe_response(question, response.answer)
            parts = grading.grade(question, response.answer).parts
        items.append(
            ReviewItem(
                number=number,
                version=version,
                question=question,
                response=response,
                given=given,
                expected=grading.describe_answer(question),
                parts=parts,
            )
        )
    return items


GUEST_ATTEMPTS_KEPT = dt.timedelta(days=1)


GUEST_WORK_ADOPTED = dt.timedelta(hours=1)
"""How recent a guest's work must be to be kept at log-in: on a shared school laptop, the
previous lesson's guest is someone else."""


def still_adoptable(attempt: Attempt, now: dt.datetime) -> bool:
    """Whether a guest's attempt would still be kept at a log-in now (as
    `adopt_guest_attempts` picks them: by its submission, or its last activity if open)."""
    last = attempt.submitted_at or attempt.last_activity_at
    return attempt.user_id is None and last >= now - GUEST_WORK_ADOPTED


@dataclass(frozen=True)
class Adoption:
    """What became of a guest's work at log-in."""

    kept: int
    """How many of the guest's attempts are now the account's."""
    finished: list[str] = field(default_factory=list)
    """The titles of the quizzes whose open attempt on the account was submitted, so that
    the learner goes on with the one begun as a guest."""
    left: int = 0
    """How many of the attempts asked for could not be kept: older than the hour by now, or
    at a quiz that now limits attempts."""


def guest_work(session: Session, guest_token: str, now: dt.datetime) -> list[Attempt]:
    """The guest's attempts that a log-in now would keep (`adopt_guest_attempts`), oldest
    first: the log-in form names them, so that on a shared computer the next user can tell
    whether they were theirs."""
    recent = session.scalars(
        select(Attempt)
        .where(
            Attempt.user_id.is_(None),
            Attempt.guest_token == guest_token,
            func.coalesce(Attempt.submitted_at, Attempt.last_activity_at)
            >= now - GUEST_WORK_ADOPTED,
        )
        .order_by(Attempt.started_at, Attempt.id)
    )
    return [attempt for attempt in recent if quiz_of(attempt.quiz).attempts is None]


def adopt_guest_attempts(
    session: Session, user: User, guest_token: str, now: dt.datetime, ids: Collection[int]
) -> Adoption:
    """Give the attempts made as a guest in this browser, in the last hour, to the account
    just logged in to, those of `ids` (the ones they chose): an open one carries on as the
    learner's, and a submitted one counts as theirs, its missed questions becoming due as
    flashcards. Left to the guest (and purged with the guest's) are the others, older
    attempts and any attempt at a quiz that now limits attempts.

    A learner has one open attempt per quiz. When the account has one open at a quiz the
    guest has one open at too, the guest's goes on, as it is the one in this browser (and
    the page the learner logged in from); the account's is submitted with its saved answers,
    or, if it has none, dropped. Nothing answered is lost either way.
    """
    adopted = [attempt for attempt in guest_work(session, guest_token, now) if attempt.id in ids]
    left = len(set(ids)) - len(adopted)
    if not adopted:
        return Adoption(kept=0, left=left)
    open_own = {
        attempt.quiz_id: attempt
        for attempt in session.scalars(
            select(Attempt).where(Attempt.user_id == user.id, Attempt.submitted_at.is_(None))
        )
        if not expire_if_due(session, attempt, now)
    }
    finished: list[str] = []
    for attempt in adopted:
        own = open_own.get(attempt.quiz_id)
        if own is None or attempt.is_submitted:
            continue
        if session.scalar(select(func.count()).where(Response.attempt_id == own.id)):
            submit_attempt(session, own, now)  # which schedules its missed cards
            finished.append(own.quiz.title)
        else:
            session.delete(own)
    for attempt in adopted:
        attempt.user_id, attempt.guest_token = user.id, None
    session.flush()
    from quizapp.services.cards import schedule_missed

    for attempt in adopted:
        if attempt.is_submitted:
            schedule_missed(session, attempt)
    if any(attempt.is_submitted for attempt in adopted):
        leaderboards.standings_changed(session)
    return Adoption(kept=len(adopted), finished=finished, left=left)


def purge_guest_attempts(session: Session, now: dt.datetime) -> int:
    """Delete guests' attempts older than a day: a guest's result lives only for their visit."""
    old = select(Attempt.id).where(
        Attempt.user_id.is_(None), Attempt.started_at < now - GUEST_ATTEMPTS_KEPT
    )
    ids = list(session.scalars(old))
    if ids:
        _delete_attempts(session, ids)
    return len(ids)


def _delete_attempts(session: Session, ids: list[int]) -> None:
    """Delete attempts that count nowhere, with their answers."""
    session.execute(delete(Response).where(Response.attempt_id.in_(ids)))
    session.execute(delete(Attempt).where(Attempt.id.in_(ids)))
    session.flush()
