"""Rating cards in a flashcard review, and making the questions missed in a quiz due.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    exists,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from quizapp.core import scheduling
from quizapp.core.scheduling import CardState, Review, Scheduler
from quizapp.models import (
    Attempt,
    AwareDateTime,
    BankRecord,
    CardRecord,
    QuestionVersion,
    Response,
    ReviewLogRecord,
    User,
)
from quizapp.services.cards.decks import Deck, Face, deck_kind, face_of
from quizapp.services.cards.states import state_of
from quizapp.services.errors import Conflict, Forbidden, InvalidAnswer, NotFound

AGAIN = 1
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
NO_LONGER_IN_DECK = "This card is no longer in the deck: its question was removed."
ALREADY_RATED = (
    "This card was already rated (after going Back, or in another tab or window), so this"
    " rating was not saved. Continue from here to see the next card."
)
SCHEDULER = Scheduler()
MAX_REVIEW_MS = 10 * 60 * 1000
"""The longest a review can count as taking: see `review_duration_ms`."""


def get_card(session: Session, user: User, card_id: int, deck: Deck | None = None) -> CardRecord:
    """The learner's own card state; another learner's is refused."""
    card = session.get(CardRecord, card_id)
    if card is None or (deck is not None and card.bank_id != deck.id):
        raise NotFound("There is no such card in this deck.")
    if card.user_id != user.id:
        raise Forbidden("This card belongs to someone else.")
    return card


def current_face(session: Session, deck: Deck, card: CardRecord) -> Face:
    version = session.scalar(select(QuestionVersion).where(deck.holds(), _same_key(card)))
    if version is None:
        raise NotFound(NO_LONGER_IN_DECK)
    return face_of(version)


def _same_key(card: CardRecord) -> ColumnElement[bool]:
    return (QuestionVersion.bank_id == card.bank_id) & (
        QuestionVersion.question_key == card.card_key
    )


@dataclass(frozen=True)
class Choice:
    rating: int
    name: str
    interval: str


def choices(card: CardRecord, now: dt.datetime, scheduler: Scheduler = SCHEDULER) -> list[Choice]:
    """The four answer buttons, each with the interval it would give ("10 min", "3 days")."""
    state = state_of(card)
    preview = scheduler.preview(state, _not_before(now, state))
    return [
        Choice(rating, RATING_NAMES[rating], scheduling.format_interval(preview[rating]))
        for rating in scheduling.RATINGS
    ]


def _not_before(now: dt.datetime, state: CardState) -> dt.datetime:
    return max(now, state.last_review) if state.last_review is not None else now


_CARDS = CardRecord.__table__
_CARD_MAPPER = inspect(CardRecord)
_CURRENT = aliased(QuestionVersion, name="current_version")
_CARD_TO_RATE = (
    select(
        _CARDS.c.user_id,
        _CARDS.c.bank_id,
        _CARDS.c.card_key,
        _CARDS.c.state,
        _CARDS.c.step,
        _CARDS.c.stability,
        _CARDS.c.difficulty,
        _CARDS.c.due,
        _CARDS.c.last_review,
        _CARDS.c.revision,
        QuestionVersion.bank_id.label("version_bank_id"),
        QuestionVersion.question_key.label("version_key"),
        exists()
        .where(
            _CURRENT.bank_id == _CARDS.c.bank_id,
            _CURRENT.question_key == _CARDS.c.card_key,
            func.coalesce(_CURRENT.is_current, False),
        )
        .label("still_asked"),
    )
    .select_from(_CARDS)
    .outerjoin(QuestionVersion, QuestionVersion.id == bindparam("version_id"))
    .where(_CARDS.c.id == bindparam("card_id"))
)


# The revision in the WHERE clause is the row's version counter: of two ratings of the
# same state, the second updates no row.
_SAVE_RATING = (
    update(_CARDS)
    .where(_CARDS.c.id == bindparam("card_id"), _CARDS.c.revision == bindparam("revision"))
    .values(
        state=bindparam("new_state"),
        step=bindparam("new_step"),
        stability=bindparam("new_stability"),
        difficulty=bindparam("new_difficulty"),
        due=bindparam("new_due", type_=AwareDateTime()),
        last_review=bindparam("new_last_review", type_=AwareDateTime()),
        revision=_CARDS.c.revision + 1,
    )
)


_LOG_REVIEW = insert(ReviewLogRecord.__table__)


def moment_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def just_rated(
    session: Session, user: User, card_id: int, revision: int, rating: int, version_id: int
) -> bool:
    """Whether this very rating of the card, as shown at `revision`, is the one saved last:
    the form sent twice (a double click without JavaScript), not a rating from another tab."""
    card = session.get(CardRecord, card_id)
    if card is None or card.user_id != user.id or card.revision != revision + 1:
        return False
    last = session.scalars(
        select(ReviewLogRecord)
        .where(ReviewLogRecord.card_id == card_id, ReviewLogRecord.source == "review")
        .order_by(ReviewLogRecord.id.desc())
        .limit(1)
    ).first()
    return last is not None and last.rating == rating and last.question_version_id == version_id


def review_duration_ms(shown_ms: int | None, now: dt.datetime) -> int | None:
    """Time from showing a card's front to its rating, as the page reported when it was shown.

    None when unknown or implausible (in the future); capped at ten minutes, since a card
    left open while the learner did something else says nothing about recall.
    """
    if shown_ms is None:
        return None
    elapsed = moment_ms(now) - shown_ms
    if elapsed < 0:
        return None
    return min(elapsed, MAX_REVIEW_MS)


def _log_values(
    user_id: int, card_id: int, review: Review, version_id: int | None, source: str
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "card_id": card_id,
        "question_version_id": version_id,
        "rating": review.rating,
        "state_before": review.state_before,
        "reviewed_at": review.reviewed_at,
        "due_before": review.due_before,
        "elapsed_days": review.elapsed_days,
        "scheduled_days": review.scheduled_days,
        "stability": review.stability,
        "difficulty": review.difficulty,
        "duration_ms": review.review_duration_ms,
        "source": source,
    }


def rate_card(
    session: Session,
    user: User,
    card_id: int,
    rating: int,
    now: dt.datetime,
    *,
    revision: int,
    version_id: int,
    deck: Deck | None = None,
    duration_ms: int | None = None,
    scheduler: Scheduler = SCHEDULER,
) -> Review:
    """Rate the learner's card as it was shown: at `revision` of its state, with the question
    version `version_id` (which the review log keeps). Returns the review logged.

    If the card was rated since it was shown (in another tab), the rating is refused with
    Conflict and nothing changes: the posted revision is compared first, and if two ratings
    race past that check, the row's revision counter lets only the first one update it.
    One read, one conditional UPDATE and one INSERT, since a review session does this at
    every card.
    """
    connection = session.connection()
    row = connection.execute(_CARD_TO_RATE, {"card_id": card_id, "version_id": version_id}).first()
    if row is None or (deck is not None and row.bank_id != deck.id):
        raise NotFound("There is no such card in this deck.")
    if row.user_id != user.id:
        raise Forbidden("This card belongs to someone else.")
    if not row.still_asked:
        # A tab left open on a card whose question a new version of the bank removed.
        raise NotFound(NO_LONGER_IN_DECK)
    if revision != row.revision:
        raise Conflict(ALREADY_RATED)
    if rating not in scheduling.RATINGS:
        raise InvalidAnswer("Rate the card with Again, Hard, Good or Easy.")
    if (row.version_bank_id, row.version_key) != (row.bank_id, row.card_key):
        raise InvalidAnswer("That is not a version of this card. Reload the page.")
    before = CardState(
        state=row.state,
        due=row.due,
        step=row.step,
        stability=row.stability,
        difficulty=row.difficulty,
        last_review=row.last_review,
    )
    after, review = scheduler.rate(before, rating, _not_before(now, before), duration_ms)
    if not _save(session, connection, card_id, revision, after):
        raise Conflict(ALREADY_RATED)
    connection.execute(_LOG_REVIEW, _log_values(user.id, card_id, review, version_id, "review"))
    return review


def _save(
    session: Session, connection: Connection, card_id: int, revision: int, state: CardState
) -> bool:
    """Store the card's new state if its revision is still `revision`; False if it is not."""
    saved = connection.execute(
        _SAVE_RATING,
        {
            "card_id": card_id,
            "revision": revision,
            "new_state": state.state,
            "new_step": state.step,
            "new_stability": state.stability,
            "new_difficulty": state.difficulty,
            "new_due": state.due,
            "new_last_review": state.last_review,
        },
    )
    # A CardRecord of this card loaded in the session no longer matches its row.
    loaded = session.identity_map.get(_CARD_MAPPER.identity_key_from_primary_key((card_id,)))
    if loaded is not None:
        session.expire(loaded)
    return saved.rowcount == 1


def schedule_missed(
    session: Session, attempt: Attempt, scheduler: Scheduler = SCHEDULER
) -> list[str]:
    """Make each question the learner got wrong in a quiz due at once in their deck.

    A wrong answer (any answer that is not fully correct; unanswered questions are not
    counted) is a failed recall, so it is recorded as one: the card is rated Again at the
    time of submission and logged with source "quiz", and its due date is then set to that
    time, so the card is waiting in the deck straight away. Its memory state thus records
    the lapse, rather than taking the next flashcard review, made just after seeing the
    answer in the quiz's results, for a success. The log says how the card was rated, so
    the statistics and the daily new-card limit, which are about flashcard study, leave
    these out. Questions that are not cards of the bank's deck (a bank with explicit cards)
    are left alone. Returns the keys of the cards made due.
    """
    if attempt.user_id is None or attempt.preview or attempt.submitted_at is None:
        return []
    now = attempt.submitted_at
    missed = session.execute(
        select(QuestionVersion.bank_id, QuestionVersion.question_key, QuestionVersion.id)
        .join(Response, Response.question_version_id == QuestionVersion.id)
        .where(Response.attempt_id == attempt.id, Response.is_correct.is_(False))
    ).all()
    if not missed:
        return []
    bank_id = missed[0].bank_id
    bank = session.get(BankRecord, bank_id)
    assert bank is not None
    deck = Deck(bank=bank, kind=deck_kind(session, bank_id))
    in_deck = set(
        session.scalars(
            select(QuestionVersion.question_key).where(
                deck.holds(), QuestionVersion.question_key.in_([row.question_key for row in missed])
            )
        )
    )
    cards = {
        card.card_key: card
        for card in session.scalars(
            select(CardRecord).where(
                CardRecord.user_id == attempt.user_id,
                CardRecord.bank_id == bank_id,
                CardRecord.card_key.in_(in_deck),
            )
        )
    }
    started = [
        CardRecord(
            user_id=attempt.user_id,
            bank_id=bank_id,
            card_key=key,
            state="new",
            due=now,
            created_at=now,
        )
        for key in sorted(in_deck - cards.keys())
    ]
    session.add_all(started)
    session.flush()
    cards.update((card.card_key, card) for card in started)
    connection = session.connection()
    scheduled = []
    for row in missed:
        card = cards.get(row.question_key)
        if card is None:
            continue
        card_id, before = card.id, state_of(card)
        at = _not_before(now, before)
        after, review = scheduler.rate(before, AGAIN, at)
        # Rated in a flashcard review at this very moment: that review stands.
        if not _save(session, connection, card_id, card.revision, replace(after, due=at)):
            continue
        log = _log_values(attempt.user_id, card_id, review, row.id, "quiz")
        log["scheduled_days"] = 0.0  # due at once, as set above
        connection.execute(_LOG_REVIEW, log)
        scheduled.append(row.question_key)
    return scheduled
