"""Each learner's card states: created when the learner opens a deck, counted against
the daily new-card limit.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from sqlalchemy import ScalarSelect, bindparam, exists, func, select
from sqlalchemy.orm import Session, aliased

from quizapp.core import scheduling
from quizapp.core.scheduling import CardState
from quizapp.models import AwareDateTime, CardRecord, QuestionVersion, ReviewLogRecord, User
from quizapp.services import locks
from quizapp.services.cards.decks import Deck, card_of_deck
from quizapp.services.cards.settings import day_start, zone_of


def in_deck(user: User, deck: Deck, keys: Collection[str] | None = None) -> list[Any]:
    """The learner's card states that are cards of the deck (and of `keys`, if given)."""
    criteria: list[Any] = [
        CardRecord.user_id == user.id,
        CardRecord.bank_id == deck.id,
        card_of_deck(deck.kind),
    ]
    if keys is not None:
        criteria.append(CardRecord.card_key.in_(keys))
    return criteria


def unstarted_keys(session: Session, user: User, deck: Deck) -> list[str]:
    """Keys of the deck's cards the learner has no state for yet, in the bank's order."""
    started = exists().where(
        CardRecord.user_id == user.id,
        CardRecord.bank_id == deck.id,
        CardRecord.card_key == QuestionVersion.question_key,
    )
    return list(
        session.scalars(
            select(QuestionVersion.question_key)
            .where(deck.holds(), ~started)
            .order_by(QuestionVersion.position)
        )
    )


def open_deck(session: Session, user: User, deck: Deck, now: dt.datetime) -> int:
    """Give the learner a new card state for every card of the deck without one.

    Called when a review starts, so that cards added to the bank since join the deck.
    Returns how many states were created.
    """
    if not unstarted_keys(session, user, deck):
        return 0
    # Two tabs opening a new deck at once (or a quiz submitted then): the second waits, then
    # finds the first's cards.
    locks.hold(session, user)
    missing = unstarted_keys(session, user, deck)
    session.add_all(
        CardRecord(
            user_id=user.id,
            bank_id=deck.id,
            card_key=key,
            state="new",
            due=now,
            created_at=now,
        )
        for key in missing
    )
    session.flush()
    return len(missing)


def state_of(card: CardRecord) -> CardState:
    return CardState(
        state=card.state,  # type: ignore[arg-type]
        due=card.due,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        last_review=card.last_review,
    )


def started_today() -> ScalarSelect[int]:
    """How many new cards of the deck the learner started today (by their first flashcard
    review since `day_start`; a card that went into learning because it was missed in a
    quiz is not one). Parameters: user_id, bank_id, day_start."""
    started = aliased(CardRecord, name="started")
    return (
        select(func.count(ReviewLogRecord.id))
        .join(started, started.id == ReviewLogRecord.card_id)
        .where(
            ReviewLogRecord.user_id == bindparam("user_id"),
            ReviewLogRecord.reviewed_at >= bindparam("day_start", type_=AwareDateTime()),
            ReviewLogRecord.state_before == "new",
            ReviewLogRecord.source == "review",
            started.bank_id == bindparam("bank_id"),
        )
        .scalar_subquery()
    )


_STARTED_TODAY = select(started_today())


def new_cards_left(session: Session, user: User, deck: Deck, now: dt.datetime) -> int:
    """How many new cards of this deck the learner may still start today."""
    params = {"user_id": user.id, "bank_id": deck.id, "day_start": day_start(now, zone_of(user))}
    started = session.connection().execute(_STARTED_TODAY, params).scalar_one()
    return scheduling.new_card_allowance(started, user.new_cards_per_day)
