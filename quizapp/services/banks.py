"""Importing banks: upsert by bank and question id, a new version for changed content."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from quizapp.core.bank.loader import LoadedBank, load_banks
from quizapp.core.bank.problems import Problem
from quizapp.models import BankRecord, QuestionVersion, QuizRecord, utcnow
from quizapp.paths import questions_dir
from quizapp.services.content import content_hash

log = logging.getLogger(__name__)


class BankOwnedByAnother(Exception):
    """A bank's id is another owner's: a teacher's upload of a school bank or of another
    teacher's, or a school bank (from the questions folder) of a teacher's upload."""


@dataclass
class ImportReport:
    slug: str
    created: bool = False
    new_versions: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    """The titles of the quizzes this version no longer has."""
    unarchived: bool = False
    """Whether the bank was archived: a new version brings it back."""

    def summary(self) -> str:
        verb = "imported" if self.created else "updated"
        parts = [f"{self.slug}: {verb}"]
        if self.new_versions and not self.created:
            parts.append(f"{len(self.new_versions)} new or changed question(s)")
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        if self.withdrawn:
            titles = ", ".join(f"“{title}”" for title in self.withdrawn)
            parts.append(f"{_quizzes(len(self.withdrawn))} withdrawn ({titles})")
        return ", ".join(parts)


def _quizzes(count: int) -> str:
    return "1 quiz" if count == 1 else f"{count} quizzes"


def import_bank(session: Session, loaded: LoadedBank, owner_id: int | None = None) -> ImportReport:
    """Store a valid bank: unchanged questions keep their version, changed ones get a new one."""
    bank = loaded.bank
    if bank is None:
        raise ValueError("only a valid bank can be imported")
    record = session.scalar(select(BankRecord).where(BankRecord.slug == bank.id))
    report = ImportReport(slug=bank.id, created=record is None)
    if record is None:
        record = BankRecord(slug=bank.id, owner_id=owner_id)
        session.add(record)
    elif record.owner_id != owner_id:
        raise BankOwnedByAnother(bank.id)
    record.title = bank.title
    record.description = bank.description
    record.language = bank.language
    record.filename = loaded.path.name
    record.yaml_text = loaded.text
    record.source_text = loaded.source_text
    record.content_hash = content_hash({"yaml": loaded.text})
    record.imported_at = utcnow()
    report.unarchived = record.archived_at is not None
    record.archived_at = None
    session.flush()

    current = {
        v.question_key: v
        for v in session.scalars(
            select(QuestionVersion).where(
                QuestionVersion.bank_id == record.id, QuestionVersion.is_current
            )
        )
    }
    latest = dict(
        session.execute(
            select(QuestionVersion.question_key, QuestionVersion.version)
            .where(QuestionVersion.bank_id == record.id)
            .order_by(QuestionVersion.version)
        ).all()
    )
    items = [(q.id, q.type, q.model_dump(mode="json")) for q in bank.questions]
    items += [
        ("card:" + c.id, "card", {"type": "card", **c.model_dump(mode="json")}) for c in bank.cards
    ]
    seen: set[str] = set()
    for position, (key, kind, data) in enumerate(items):
        seen.add(key)
        digest = content_hash(data)
        existing = current.get(key)
        if existing is not None and existing.content_hash == digest:
            existing.position = position
            continue
        if existing is not None:
            existing.is_current = False
        session.add(
            QuestionVersion(
                bank_id=record.id,
                question_key=key,
                version=latest.get(key, 0) + 1,
                type=kind,
                content_hash=digest,
                data=data,
                position=position,
                is_current=True,
            )
        )
        report.new_versions.append(key)
    for key, version in current.items():
        if key not in seen:
            version.is_current = False
            report.removed.append(key)

    quizzes = {
        q.slug: q
        for q in session.scalars(select(QuizRecord).where(QuizRecord.bank_id == record.id))
    }
    for position, quiz in enumerate(bank.quizzes):
        quiz_record = quizzes.pop(quiz.id, None)
        if quiz_record is None:
            quiz_record = QuizRecord(bank_id=record.id, slug=quiz.id)
            session.add(quiz_record)
        quiz_record.title = quiz.title
        quiz_record.settings = quiz.model_dump(mode="json")
        quiz_record.position = position
        quiz_record.is_active = True
    for stale in quizzes.values():
        if stale.is_active:
            report.withdrawn.append(stale.title)
        stale.is_active = False
    session.flush()
    return report


def import_paths(
    session: Session, paths: list[Path]
) -> tuple[list[ImportReport], list[LoadedBank]]:
    """Import every valid bank under `paths`; invalid ones are returned, the loaded ones stay."""
    reports, failed = [], []
    for loaded in load_banks(paths):
        if not loaded.ok:
            failed.append(loaded)
            continue
        try:
            reports.append(import_bank(session, loaded))  # refused before it writes anything
        except BankOwnedByAnother:
            failed.append(_taken_by_a_teacher(loaded))
    return reports, failed


def _taken_by_a_teacher(loaded: LoadedBank) -> LoadedBank:
    """The bank, refused: a teacher uploaded a bank with its id first, and that stays theirs."""
    lines = loaded.text.splitlines()
    line = next((n for n, text in enumerate(lines, start=1) if text.startswith("id:")), 1)
    message = (
        f"a teacher has uploaded a bank with the id '{loaded.bank.id}': give this bank"
        " another id (it was not imported)"
    )
    return dataclasses.replace(loaded, problems=[Problem(str(loaded.path), line, 1, message)])


def import_folder_on_start(app: Flask) -> None:
    from quizapp.db import session_scope

    folder = questions_dir(app.config["QUESTIONS_DIR"])
    with session_scope(app) as session:
        reports, failed = import_paths(session, [folder])
    for report in reports:
        log.info("bank %s", report.summary())
    for loaded in failed:
        for problem in loaded.problems:
            log.error("bank not imported: %s", problem)
