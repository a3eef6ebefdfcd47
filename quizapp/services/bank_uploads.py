"""Banks a teacher uploads in the browser: who may see, upload and download which bank.

An upload is validated exactly as `quizapp validate` validates a file (`load_bank_text`),
against the questions folder for its article, or against an article uploaded with it, or
against the article stored with the bank's previous version. Nothing is imported unless
the whole file is valid. The school's banks (from the questions folder) belong to no
teacher; a teacher may replace only their own banks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from quizapp.core.bank.loader import LoadedBank, Problem, load_bank_text
from quizapp.core.bank.yamlpos import read_yaml
from quizapp.models import BankRecord, QuizRecord, User
from quizapp.services.banks import BankOwnedByAnother, ImportReport, import_bank
from quizapp.services.errors import Forbidden, NotFound

LISTING_CONTEXT = 2
"""Lines shown above and below each line with a problem."""

ARTICLE_HINT = "upload the article as a text file in “Article”, or paste its text, with the bank"
"""In the browser, the file a bank names is the article uploaded or pasted with it."""


def visible_banks(session: Session, teacher: User) -> list[BankRecord]:
    """The school's banks and the teacher's own (archived ones too), with their quizzes, by
    title."""
    return list(
        session.scalars(
            select(BankRecord)
            .where(BankRecord.owner_id.is_(None) | (BankRecord.owner_id == teacher.id))
            .options(selectinload(BankRecord.quizzes))
            .order_by(BankRecord.owner_id.is_not(None), BankRecord.title)
        )
    )


def bank_for_teacher(session: Session, bank_id: int, teacher: User) -> BankRecord:
    """A school bank or one of the teacher's own; another teacher's bank is refused."""
    bank = session.get(BankRecord, bank_id)
    if bank is None:
        raise NotFound("There is no such bank.")
    if bank.owner_id is not None and bank.owner_id != teacher.id:
        raise Forbidden("This bank belongs to another teacher.")
    return bank


def own_bank(session: Session, bank_id: int, teacher: User) -> BankRecord:
    """One of the teacher's own banks, to archive or unarchive."""
    bank = bank_for_teacher(session, bank_id, teacher)
    if bank.owner_id is None:
        raise Forbidden("School banks come from the questions folder: they are not archived.")
    return bank


def archive_bank(session: Session, bank: BankRecord, now: dt.datetime) -> None:
    """Put the bank away from the teacher's students: its quizzes are withdrawn (their
    assignments say so, and their results stay) and its flashcards are no longer shown.
    Undone by `unarchive_bank`, or by uploading a new version."""
    if bank.archived_at is not None:
        return
    bank.archived_at = now
    for quiz in bank.quizzes:
        quiz.is_active = False
    session.flush()


def unarchive_bank(session: Session, bank: BankRecord) -> None:
    """Bring the bank back, with the quizzes its file lists."""
    if bank.archived_at is None:
        return
    data, _problems, _positions = read_yaml(bank.yaml_text, bank.filename)
    listed = data.get("quizzes") if isinstance(data, dict) else None
    slugs = {quiz.get("id") for quiz in listed or () if isinstance(quiz, dict)}
    for quiz in bank.quizzes:
        quiz.is_active = quiz.slug in slugs
    bank.archived_at = None
    session.flush()


def quiz_for_teacher(session: Session, quiz_id: int, teacher: User) -> QuizRecord:
    quiz = session.get(QuizRecord, quiz_id)
    if quiz is None or not quiz.is_active:
        raise NotFound("There is no such quiz.")
    bank_for_teacher(session, quiz.bank_id, teacher)
    return quiz


class UploadRefused(Forbidden):
    """An upload of a bank whose id is the school's or another teacher's."""

    def __init__(self, message: str, loaded: LoadedBank) -> None:
        super().__init__(message)
        self.loaded = loaded


def _owned_by_another(bank_id: str) -> Forbidden:
    return Forbidden(
        f"A bank with the id “{bank_id}” already exists and belongs to the school or to another"
        " teacher, so it cannot be replaced. Give your bank a different id (the “id:” line)."
    )


def check_may_upload(session: Session, bank_id: str | None, teacher: User) -> None:
    """Refuse a bank id that the school or another teacher already uses."""
    if bank_id is None:
        return
    owner = session.execute(
        select(BankRecord.owner_id).where(BankRecord.slug == bank_id)
    ).one_or_none()
    if owner is not None and owner[0] != teacher.id:
        raise _owned_by_another(bank_id)


def validate_upload(
    session: Session,
    content: str | bytes,
    filename: str,
    teacher: User,
    base_dir: Path,
    article: str | None = None,
) -> LoadedBank:
    """Validate an uploaded bank as `quizapp validate` does, then raise `UploadRefused`
    (with the bank as read, its problems too) for a bank id that is not the teacher's.

    The article is the one given, else the one stored with the teacher's earlier version of
    the bank (so a new version needs no new article), else the file the bank names in the
    questions folder.
    """
    loaded = load_bank_text(
        content,
        filename,
        base_dir,
        source_text_override=article,
        where_to_put_the_article=ARTICLE_HINT,
    )
    if article is None and loaded.bank_id is not None:
        stored = session.scalar(
            select(BankRecord.source_text).where(
                BankRecord.slug == loaded.bank_id, BankRecord.owner_id == teacher.id
            )
        )
        if stored is not None:
            loaded = load_bank_text(content, filename, base_dir, source_text_override=stored)
    try:
        check_may_upload(session, loaded.bank_id, teacher)
    except Forbidden as refusal:
        # Told with the file's other problems: fixing them all first, only to learn that
        # the id is taken, would be work lost.
        raise UploadRefused(refusal.message, loaded) from None
    return loaded


def import_upload(session: Session, loaded: LoadedBank, teacher: User) -> ImportReport:
    """Import a valid upload as the teacher's bank."""
    if not loaded.ok:
        raise ValueError("only a valid bank can be imported")
    try:
        return import_bank(session, loaded, owner_id=teacher.id)
    except BankOwnedByAnother as error:
        raise _owned_by_another(str(error)) from None


@dataclass
class ListingLine:
    number: int
    text: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ListingPart:
    """Consecutive lines of the file; parts are separated by lines left out."""

    lines: list[ListingLine]


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line breaks as YAML counts them (the other breaks it knows are refused before)."""


def listing(
    text: str, problems: list[Problem], context: int = LISTING_CONTEXT
) -> list[ListingPart]:
    """The lines with problems and `context` lines around each, each problem under its line.

    A problem placed past the last line (an unfinished file) is shown on the last line.
    """
    lines = _LINE_BREAK.split(text) if text else [""]
    if lines[-1] == "" and len(lines) > 1:
        lines.pop()
    by_line: dict[int, list[Problem]] = {}
    for problem in problems:
        number = min(max(problem.line, 1), len(lines))
        by_line.setdefault(number, []).append(problem)
    shown: set[int] = set()
    for number in by_line:
        shown.update(range(max(1, number - context), min(len(lines), number + context) + 1))
    parts: list[ListingPart] = []
    previous = None
    for number in sorted(shown):
        if previous is None or number != previous + 1:
            parts.append(ListingPart([]))
        parts[-1].lines.append(ListingLine(number, lines[number - 1], by_line.get(number, [])))
        previous = number
    return parts
