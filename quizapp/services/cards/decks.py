"""Decks and the faces of their cards.

A deck holds the bank's current questions, or its explicit `cards` when it lists some. A
bank with a test (a quiz that limits attempts) and no `cards` has no deck: its questions'
flashcards would show the test's answers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, case, exists, false, func, select
from sqlalchemy.orm import Session

from quizapp.core import grading
from quizapp.core.bank.schema import Card
from quizapp.models import BankRecord, CardRecord, QuestionVersion, QuizRecord, User
from quizapp.services.bank_access import may_read, readable_by
from quizapp.services.content import question_of
from quizapp.services.errors import NotFound

DeckKind = Literal["card", "question", "none"]


@dataclass(frozen=True)
class Deck:
    """The flashcards of one bank: its explicit cards if it has any, else its questions."""

    bank: BankRecord
    kind: DeckKind

    @property
    def id(self) -> int:
        return self.bank.id

    def holds(self) -> ColumnElement[bool]:
        """True for the current question versions that are cards of this deck."""
        if self.kind == "none":
            return false()
        kind = QuestionVersion.type == "card"
        return (
            (QuestionVersion.bank_id == self.bank.id)
            & QuestionVersion.is_current
            & (kind if self.kind == "card" else ~kind)
        )


def card_of_deck(kind: str) -> ColumnElement[bool]:
    """For a card state: its key is a current card of its bank's deck (of `kind`).

    One lookup per card by the unique (bank_id, question_key, version) index:
    `is_current` goes through coalesce() so that SQLite, which has no statistics,
    does not pick the (bank_id, is_current) index instead and read the whole bank.
    """
    if kind == "none":
        return false()
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
        # By the items' opaque ids: any order alike, the solved one included, since leaving
        # it out would show a two-item answer reversed (see `quizzes.option_order`).
        ids = question.item_ids()
        options = tuple(sorted(question.items, key=lambda item: ids[item]))
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


def has_test(bank_id: Any) -> ColumnElement[bool]:
    """Whether the bank (an id, or a column) has a quiz in use that limits attempts."""
    return exists().where(
        QuizRecord.bank_id == bank_id,
        QuizRecord.is_active,
        QuizRecord.settings["attempts"].as_integer().is_not(None),
    )


def _kind(has_cards: bool, tested: bool) -> DeckKind:
    if has_cards:
        return "card"
    return "none" if tested else "question"


def deck_kind(session: Session, bank_id: int) -> DeckKind:
    has_cards = session.scalar(
        select(
            exists().where(
                QuestionVersion.bank_id == bank_id,
                QuestionVersion.is_current,
                QuestionVersion.type == "card",
            )
        )
    )
    return _kind(bool(has_cards), bool(session.scalar(select(has_test(bank_id)))))


def get_deck(session: Session, bank_id: int, reader: User) -> Deck:
    """The deck of a bank the reader may see."""
    bank = session.get(BankRecord, bank_id)
    if bank is None or not may_read(session, bank_id, reader):
        raise NotFound("There is no such deck.")
    deck = Deck(bank=bank, kind=deck_kind(session, bank_id))
    if deck.kind == "none":
        raise NotFound(
            "This bank's questions make a test, so they are not flashcards: they would show"
            " its answers."
        )
    if not session.scalar(select(exists().where(deck.holds()))):
        raise NotFound("This deck has no cards at the moment.")
    return deck


def all_decks(session: Session, reader: User) -> list[Deck]:
    """Every bank the reader may see that has current questions or cards, by title."""
    rows = session.execute(
        select(
            BankRecord,
            func.max(case((QuestionVersion.type == "card", 1), else_=0)),
            has_test(BankRecord.id),
        )
        .join(QuestionVersion, QuestionVersion.bank_id == BankRecord.id)
        .where(QuestionVersion.is_current, readable_by(reader))
        .group_by(BankRecord.id)
        .order_by(BankRecord.title)
    ).all()
    decks = [Deck(bank=bank, kind=_kind(bool(cards), tested)) for bank, cards, tested in rows]
    return [deck for deck in decks if deck.kind != "none"]


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


def cram(session: Session, deck: Deck, tag: str | None = None) -> list[Face]:
    """The cards to go through in cram mode, in the bank's order. Cramming reads nothing of
    the learner's schedule and writes nothing: no card state, no review log."""
    cards = faces(session, deck)
    keys = keys_with_tag(cards, tag)
    if keys is None:
        return cards
    wanted = set(keys)
    return [face for face in cards if face.key in wanted]
