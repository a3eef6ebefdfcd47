"""Flashcards: a deck per bank, each learner's card states, the due queue and ratings.

A deck holds the bank's current questions, or its explicit `cards` when it lists some.
A learner's state for a card is keyed by `card_key` (the question id, or "card:<id>"), so
a question the teacher edits keeps its history, and a question the teacher removes leaves
the deck while its state and review logs stay. States are created the first time the
learner opens the deck for review; until then every card of the deck counts as new.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    ScalarSelect,
    Select,
    bindparam,
    case,
    exists,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session, aliased

from quizapp.core import grading, scheduling
from quizapp.core.bank.schema import Card
from quizapp.core.scheduling import CardState, DeckCounts, Review, Scheduler
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
from quizapp.services.content import question_of
from quizapp.services.errors import Conflict, Forbidden, InvalidAnswer, NotFound

AGAIN = 1
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
QUEUE_LIMIT = 50
FORECAST_DAYS = 7
STATS_DAYS = 30
MAX_NEW_CARDS_PER_DAY = 1000
ALREADY_RATED = (
    "This card was already rated in another tab or window, so this rating was not saved."
    " Continue from here to see the next card."
)
SCHEDULER = Scheduler()
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


# --- decks and the faces of their cards -------------------------------------------------


@dataclass(frozen=True)
class Deck:
    """The flashcards of one bank: its explicit cards if it has any, else its questions."""

    bank: BankRecord
    kind: Literal["card", "question"]

    @property
    def id(self) -> int:
        return self.bank.id

    def holds(self) -> ColumnElement[bool]:
        """True for the current question versions that are cards of this deck."""
        kind = QuestionVersion.type == "card"
        return (
            (QuestionVersion.bank_id == self.bank.id)
            & QuestionVersion.is_current
            & (kind if self.kind == "card" else ~kind)
        )


def _card_of_deck(kind: str) -> ColumnElement[bool]:
    """For a card state: its key is a current card of its bank's deck (of `kind`).

    One lookup per card by the unique (bank_id, question_key, version) index:
    `is_current` goes through coalesce() so that SQLite, which has no statistics,
    does not pick the (bank_id, is_current) index instead and read the whole bank.
    """
    is_card = QuestionVersion.type == "card"
    return exists().where(
        QuestionVersion.bank_id == CardRecord.bank_id,
        QuestionVersion.question_key == CardRecord.card_key,
        func.coalesce(QuestionVersion.is_current, False),
        is_card if kind == "card" else ~is_card,
    )


@dataclass(frozen=True)
class Face:
    """What a card shows: the front (prompt, and the options or gapped text it needs to make
    sense), and the back (the answer, the explanation and the article's sentence)."""

    key: str
    version_id: int
    type: str  # the question type, or "card"
    prompt: str
    options: tuple[str, ...]
    gapped_text: str | None
    answer: str
    explanation: str | None
    source: str | None
    tags: tuple[str, ...]


def face_of(version: QuestionVersion) -> Face:
    question = question_of(version)
    key, version_id = version.question_key, version.id
    if isinstance(question, Card):
        return Face(
            key=key,
            version_id=version_id,
            type="card",
            prompt=question.front,
            options=(),
            gapped_text=None,
            answer=question.back,
            explanation=None,
            source=question.source,
            tags=tuple(question.tags),
        )
    options: tuple[str, ...] = ()
    gapped = None
    if question.type in ("single", "multiple"):
        options = tuple(question.choices)
    elif question.type == "match":
        options = tuple(pair.left for pair in question.pairs)
    elif question.type == "order":
        # Never in the right order: by the items' opaque ids.
        ids = question.item_ids()
        options = tuple(sorted(question.items, key=lambda item: ids[item]))
        if list(options) == list(question.items):
            options = options[1:] + options[:1]
    elif question.type == "cloze":
        gapped = "_____".join(question.segments())
    return Face(
        key=key,
        version_id=version_id,
        type=question.type,
        prompt=question.prompt,
        options=options,
        gapped_text=gapped,
        answer=grading.describe_answer(question),
        explanation=question.explanation,
        source=question.source,
        tags=tuple(question.tags),
    )


def _kind(session: Session, bank_id: int) -> Literal["card", "question"]:
    has_cards = session.scalar(
        select(
            exists().where(
                QuestionVersion.bank_id == bank_id,
                QuestionVersion.is_current,
                QuestionVersion.type == "card",
            )
        )
    )
    return "card" if has_cards else "question"


def get_deck(session: Session, bank_id: int) -> Deck:
    bank = session.get(BankRecord, bank_id)
    if bank is None:
        raise NotFound("There is no such deck.")
    deck = Deck(bank=bank, kind=_kind(session, bank_id))
    if not session.scalar(select(exists().where(deck.holds()))):
        raise NotFound("This deck has no cards at the moment.")
    return deck


def all_decks(session: Session) -> list[Deck]:
    """Every bank that has current questions or cards, by title."""
    rows = session.execute(
        select(BankRecord, func.max(case((QuestionVersion.type == "card", 1), else_=0)))
        .join(QuestionVersion, QuestionVersion.bank_id == BankRecord.id)
        .where(QuestionVersion.is_current)
        .group_by(BankRecord.id)
        .order_by(BankRecord.title)
    ).all()
    return [Deck(bank=bank, kind="card" if has_cards else "question") for bank, has_cards in rows]


def faces(session: Session, deck: Deck) -> list[Face]:
    """The deck's cards, in the bank's order."""
    versions = session.scalars(
        select(QuestionVersion).where(deck.holds()).order_by(QuestionVersion.position)
    )
    return [face_of(version) for version in versions]


def tags_of(cards: Iterable[Face]) -> list[str]:
    return sorted({tag for face in cards for tag in face.tags})


def keys_with_tag(cards: Iterable[Face], tag: str | None) -> list[str] | None:
    """The keys of the sub-deck of `tag`; None (the whole deck) without a tag."""
    if tag is None:
        return None
    keys = [face.key for face in cards if tag in face.tags]
    if not keys:
        raise NotFound(f"This deck has no cards tagged “{tag}”.")
    return keys


# --- card states ---------------------------------------------------------------------------


def _in_deck(user: User, deck: Deck, keys: Collection[str] | None = None) -> list[Any]:
    """The learner's card states that are cards of the deck (and of `keys`, if given)."""
    criteria: list[Any] = [
        CardRecord.user_id == user.id,
        CardRecord.bank_id == deck.id,
        _card_of_deck(deck.kind),
    ]
    if keys is not None:
        criteria.append(CardRecord.card_key.in_(keys))
    return criteria


def _unstarted_keys(session: Session, user: User, deck: Deck) -> list[str]:
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
    missing = _unstarted_keys(session, user, deck)
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


def _end_of_day(now: dt.datetime, zone: dt.tzinfo, days: int = 1) -> dt.datetime:
    """The instant the learner's local day `days - 1` days after today ends."""
    today = scheduling.local_day(now, zone)
    return scheduling.day_bounds(today + dt.timedelta(days=days - 1), zone)[1]


def _day_start(now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return scheduling.day_bounds(scheduling.local_day(now, zone), zone)[0]


def _started_today() -> ScalarSelect[int]:
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


_STARTED_TODAY = select(_started_today())


def new_cards_left(session: Session, user: User, deck: Deck, now: dt.datetime) -> int:
    """How many new cards of this deck the learner may still start today."""
    params = {"user_id": user.id, "bank_id": deck.id, "day_start": _day_start(now, zone_of(user))}
    started = session.connection().execute(_STARTED_TODAY, params).scalar_one()
    return scheduling.new_card_allowance(started, user.new_cards_per_day)


# --- the due queue ---------------------------------------------------------------------------


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
        columns.append(_started_today().label("started_today"))
    query = (
        select(*columns)
        .where(
            CardRecord.user_id == bindparam("user_id"),
            CardRecord.bank_id == bindparam("bank_id"),
            or_(*(CardRecord.state == state for state in states)),
            _card_of_deck(kind),
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
    params["end_of_today"] = _end_of_day(now, zone)
    if keys is not None:
        params["keys"] = list(keys)
    connection = session.connection()
    queue: list[QueuedCard] = []
    for part, (_states, due_by) in enumerate(_QUEUE_PARTS):
        room = limit - len(queue)
        if due_by is None:  # new cards: never more than the daily limit
            room = min(room, user.new_cards_per_day)
            params["day_start"] = _day_start(now, zone)
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
    end_of_today = _end_of_day(now, zone_of(user))
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
            *_in_deck(user, deck),
            (CardRecord.state == "new") | (CardRecord.due < end_of_today),
        )
    )
    new = CardState.new(now)  # all new cards count alike, whenever they joined the deck
    waiting = [(row.card_key, new if row.state == "new" else CardState(*row[1:])) for row in rows]
    waiting += [(key, new) for key in _unstarted_keys(session, user, deck)]
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
            *_in_deck(user, deck),
            CardRecord.state.in_(("learning", "relearning", "review")),
            CardRecord.due < _end_of_day(now, zone_of(user), days),
        )
    )
    return scheduling.forecast(dues, now, zone_of(user), days)


def next_learning_due(session: Session, user: User, deck: Deck) -> dt.datetime | None:
    """When the next learning or relearning card of the deck comes due."""
    return session.scalar(
        select(func.min(CardRecord.due)).where(
            *_in_deck(user, deck), CardRecord.state.in_(("learning", "relearning"))
        )
    )


# --- reviewing -------------------------------------------------------------------------------


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
        raise NotFound("This card is no longer in the deck: its question was removed.")
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


MAX_REVIEW_MS = 10 * 60 * 1000


def moment_ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


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
    deck = Deck(bank=bank, kind=_kind(session, bank_id))
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


# --- cram --------------------------------------------------------------------------------------


def cram(session: Session, deck: Deck, tag: str | None = None) -> list[Face]:
    """The cards to go through in cram mode, in the bank's order. Cramming reads nothing of
    the learner's schedule and writes nothing: no card state, no review log."""
    cards = faces(session, deck)
    keys = keys_with_tag(cards, tag)
    if keys is None:
        return cards
    wanted = set(keys)
    return [face for face in cards if face.key in wanted]


# --- statistics ------------------------------------------------------------------------------


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
