"""The names lists show: a class's students on its boards and games, banks in menus."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.core.names import any_alike, bank_titles, told_apart
from quizapp.models import Membership, User


def shown_names(session: Session, class_id: int) -> dict[int, str]:
    """Each current student's display name, numbered where two are alike (`told_apart`),
    by student id."""
    rows = session.execute(
        select(Membership.student_id, User.display_name)
        .join(User, User.id == Membership.student_id)
        .where(Membership.class_id == class_id, Membership.removed_at.is_(None))
        .order_by(Membership.id)
    ).all()
    return told_apart((student_id, name) for student_id, name in rows)


class Bank(Protocol):
    """A bank's record, or a row with its id, title and owner id."""

    @property
    def id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def owner_id(self) -> int | None: ...


def shown_bank_titles(session: Session, banks: Iterable[Bank]) -> dict[int, str]:
    """The titles of the banks a list shows, by bank id: a title that two of them share
    says whose bank each is (`bank_titles`). The owners' names are read only then."""
    banks = list({bank.id: bank for bank in banks}.values())
    owners: dict[int, str] = {}
    if any_alike(bank.title for bank in banks):
        owner_ids = {bank.owner_id for bank in banks if bank.owner_id is not None}
        owners = dict(
            session.execute(select(User.id, User.display_name).where(User.id.in_(owner_ids))).all()
        )
    return bank_titles(
        (bank.id, bank.title, owners.get(bank.owner_id) if bank.owner_id is not None else None)
        for bank in banks
    )
