"""The due queue of a deck, its counts and its forecast."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from quizapp.core import scheduling
from quizapp.core.scheduling import CardState, DeckCounts
from quizapp.models import AwareDateTime, CardRecord, User
from quizapp.services.cards.decks import Deck, card_of_deck
from quizapp.services.cards.settings import day_start, end_of_day, zone_of
from quizapp.services.cards.states import in_deck, new_cards_left, started_today, unstarted_keys

QUEUE_LIMIT = 50
FORECAST_DAYS = 7


class QueuedCard(NamedTuple):
    card_id: int
    key: str
    state: str
    revision: int


# The queue's three parts, in order: their card states, and whether they are due by now,
# by the end of the learner's day, or not at all (new cards).
_QUEUE_PARTS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("learning", "relearning"), "now"),
    (("review",), "end_of_today"),
    (("new",), None),
)


@lru_cache(maxsize=64)
def _queue_part(kind: str, part: int, with_keys: bool) -> Select[Any]:
    """One part of the due queue as a statement built once, with bound parameters:
    user_id, bank_id, room (how many cards), and now, end_of_today, keys, day_start as
    the part needs them. New cards come with how many were started today."""
    states, due_by = _QUEUE_PARTS[part]
    columns: list[Any] = [CardRecord.id, CardRecord.card_key, CardRecord.state, CardRecord.revision]
    if due_by is None:
        columns.append(started_today().label("started_today"))
    query = (
        select(*columns)
        .where(
            CardRecord.user_id == bindparam("user_id"),
            CardRecord.bank_id == bindparam("bank_id"),
            or_(*(CardRecord.state == state for state in states)),
            card_of_deck(kind),
        )
        .order_by(CardRecord.due, CardRecord.id)
        .limit(bindparam("room", type_=Integer()))
    )
    if due_by == "now":
        query = query.where(CardRecord.due <= bindparam("now", type_=AwareDateTime()))
    elif due_by == "end_of_today":
        query = query.where(CardRecord.due < bindparam("end_of_today", type_=AwareDateTime()))
    if with_keys:
        query = query.where(CardRecord.card_key.in_(bindparam("keys", expanding=True)))
    return query


def due_queue(
    session: Session,
    user: User,
    deck: Deck,
    now: dt.datetime,
    *,
    keys: Collection[str] | None = None,
    limit: int = QUEUE_LIMIT,
) -> list[QueuedCard]:
    """The cards to review now, in order, at most `limit`:

    learning and relearning cards due now (their steps are minutes), then review cards due
    by the end of the learner's local day, each oldest due first; then new cards, in the
    order they joined the deck (the bank's order), up to what is left of today's new-card
    limit.
    Each part is one range of the index `ix_card_states_due`, read no further than needed;
    the statements are built once, since a review session asks for its queue at every card.
    """
    zone = zone_of(user)
    params: dict[str, Any] = {"user_id": user.id, "bank_id": deck.id, "now": now}
    params["end_of_today"] = end_of_day(now, zone)
    if keys is not None:
        params["keys"] = list(keys)
    connection = session.connection()
    queue: list[QueuedCard] = []
    for part, (_states, due_by) in enumerate(_QUEUE_PARTS):
        room = limit - len(queue)
        if due_by is None:  # new cards: never more than the daily limit
            room = min(room, user.new_cards_per_day)
            params["day_start"] = day_start(now, zone)
        if room <= 0:
            break
        params["room"] = room
        rows = connection.execute(_queue_part(deck.kind, part, keys is not None), params).all()
        if due_by is None and rows:
            left = scheduling.new_card_allowance(rows[0].started_today, user.new_cards_per_day)
            rows = [row[:4] for row in rows[:left]]
        queue += map(QueuedCard._make, rows)
    return queue


def _states_waiting(
    session: Session, user: User, deck: Deck, now: dt.datetime
) -> list[tuple[str, CardState]]:
    """The deck's cards that can count today: new ones (including cards not started yet) and
    the others due by the end of the learner's day."""
    end_of_today = end_of_day(now, zone_of(user))
    rows = session.execute(
        select(
            CardRecord.card_key,
            CardRecord.state,
            CardRecord.due,
            CardRecord.step,
            CardRecord.stability,
            CardRecord.difficulty,
            CardRecord.last_review,
        ).where(
            *in_deck(user, deck),
            (CardRecord.state == "new") | (CardRecord.due < end_of_today),
        )
    )
    new = CardState.new(now)  # all new cards count alike, whenever they joined the deck
    waiting = [(row.card_key, new if row.state == "new" else CardState(*row[1:])) for row in rows]
    waiting += [(key, new) for key in unstarted_keys(session, user, deck)]
    return waiting


def counts(
    session: Session,
    user: User,
    deck: Deck,
    now: dt.datetime,
    subdecks: dict[str, Collection[str]] | None = None,
) -> tuple[DeckCounts, dict[str, DeckCounts]]:
    """New, learning and due counts of the deck, and of each sub-deck (name to card keys)."""
    zone = zone_of(user)
    waiting = _states_waiting(session, user, deck, now)
    new_left = new_cards_left(session, user, deck, now)
    total = scheduling.deck_counts((state for _, state in waiting), now, new_left, zone)
    by_subdeck = {}
    for name, keys in (subdecks or {}).items():
        wanted = set(keys)
        states = (state for key, state in waiting if key in wanted)
        by_subdeck[name] = scheduling.deck_counts(states, now, new_left, zone)
    return total, by_subdeck


def forecast(
    session: Session, user: User, deck: Deck, now: dt.datetime, days: int = FORECAST_DAYS
) -> list[tuple[dt.date, int]]:
    """Cards coming due on each of the learner's next `days` days, today's overdue included."""
    dues = session.scalars(
        select(CardRecord.due).where(
            *in_deck(user, deck),
            CardRecord.state.in_(("learning", "relearning", "review")),
            CardRecord.due < end_of_day(now, zone_of(user), days),
        )
    )
    return scheduling.forecast(dues, now, zone_of(user), days)


def next_learning_due(
    session: Session, user: User, deck: Deck, keys: Collection[str] | None = None
) -> dt.datetime | None:
    """When the next learning or relearning card of the deck (of `keys`, a sub-deck's
    cards, if given) comes due."""
    query = select(func.min(CardRecord.due)).where(
        *in_deck(user, deck), CardRecord.state.in_(("learning", "relearning"))
    )
    if keys is not None:
        query = query.where(CardRecord.card_key.in_(keys))
    return session.scalar(query)
