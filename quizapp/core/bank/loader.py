"""Loading question banks: every problem found, each at its file, line and column.

A bank is read in steps, each reporting what it finds in plain words:
the bytes (size, UTF-8), the YAML (syntax, duplicate keys, anchors), the
models in `schema.py` (all their errors at once), then the checks across the
bank (ids, quizzes, sources quoted from the article). A bank with any problem
is not loaded: `LoadedBank.bank` is None and `ok` is false.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from quizapp.core.bank.checks import answers_left_unchecked, check_bank, warnings_of
from quizapp.core.bank.files import Unreadable, check_size, decode_utf8, read_bytes
from quizapp.core.bank.messages import describe_errors
from quizapp.core.bank.problems import Issue, Problem, line_col, shown
from quizapp.core.bank.schema import Bank
from quizapp.core.bank.sources import Article, ArticleNotFound, article_text, read_article
from quizapp.core.bank.yamlpos import Positions, read_yaml

__all__ = [
    "MAX_BANK_BYTES",
    "LoadedBank",
    "Problem",
    "find_bank_files",
    "load_bank_file",
    "load_bank_text",
    "load_banks",
]

MAX_BANK_BYTES = 10 * 1024 * 1024
BANK_SUFFIXES = (".yaml", ".yml")
SOURCES_FOLDER = "sources"


@dataclass
class LoadedBank:
    """A bank file as read: the bank if it is valid, else the problems to fix."""

    path: Path
    bank: Bank | None
    problems: list[Problem]
    text: str
    source_text: str | None = None
    bank_id: str | None = None
    """The bank's id as written, even when the bank is not valid."""
    warnings: list[Problem] = field(default_factory=list)
    """Of a valid bank: what it had better not do, though it is imported all the same."""

    @property
    def ok(self) -> bool:
        return self.bank is not None and not self.problems


def load_bank_text(
    content: str | bytes,
    filename: str,
    base_dir: Path | None = None,
    source_text_override: str | None = None,
    where_to_put_the_article: str | None = None,
) -> LoadedBank:
    """Read and validate a bank from its text or bytes.

    `filename` names the file in problems. `base_dir` is where the bank's
    `source.text` is looked for (the bank's folder, or the questions folder for
    an upload); without it the article and the questions' sources are not checked.
    `source_text_override` is the article's text itself, given instead of the file
    that `source.text` names (an article uploaded beside a bank): the questions'
    sources are then checked against it, and `base_dir` is not read.
    `where_to_put_the_article` is added to the problem of an article not found, to say how
    to provide it where the bank comes from (a folder, a form).
    """
    path = Path(filename)
    try:
        text = _decoded(content)
    except Unreadable as error:
        problem = Problem(filename, error.line, error.col, error.message)
        return LoadedBank(path, None, [problem], error.text)

    data, problems, positions = read_yaml(text, filename)
    loaded = LoadedBank(path, None, problems, text)
    if data is None and problems:
        return loaded
    if not isinstance(data, dict):
        line, col = positions.find(())
        message = f"a bank is a mapping of keys (id, title, questions, …), not {shown(data)}"
        problems.append(Problem(filename, line, col, message))
        return loaded
    if isinstance(data.get("id"), str):
        loaded.bank_id = data["id"]

    issues: list[Issue] = []
    bank = None
    try:
        bank = Bank.model_validate(data)
    except ValidationError as error:
        schema_issues = describe_errors(error.errors(include_url=False), data)
        issues += schema_issues + answers_left_unchecked(data, schema_issues)
    article, article_name, issue = _article(
        data, base_dir, source_text_override, where_to_put_the_article
    )
    if issue is not None:
        issues.append(issue)
    if article is not None:
        loaded.source_text = article.text
    issues += check_bank(data, positions, article, article_name)

    # A value YAML could not read (an impossible date) is reported once, as YAML's problem,
    # not again by the schema that then finds text where it expects a date.
    unread = {(problem.line, problem.col) for problem in problems}
    for issue in issues:
        line, col = positions.find(issue.path, issue.at_key)
        if (line, col) not in unread:
            problems.append(Problem(filename, line, col, issue.message))
    problems.sort(key=lambda p: (p.line, p.col))
    if not problems:
        loaded.bank = bank
        for issue in warnings_of(bank):
            line, col = positions.find(issue.path, issue.at_key)
            loaded.warnings.append(Problem(filename, line, col, issue.message))
    return loaded


def _decoded(content: str | bytes) -> str:
    if isinstance(content, str):
        text = content.removeprefix("\ufeff")
        try:
            size = len(text.encode("utf-8"))
        except UnicodeEncodeError as error:
            line, col = line_col(text, error.start)
            raise Unreadable(
                f"the text holds an invalid character (U+{ord(text[error.start]):04X})",
                line,
                col,
                text.encode("utf-8", errors="replace").decode("utf-8"),
            ) from None
        check_size(size, MAX_BANK_BYTES)
        return _readable(text)
    check_size(len(content), MAX_BANK_BYTES)
    return _readable(decode_utf8(content))


_UNSEEN = {
    "\u2028": "an invisible line separator (U+2028)",
    "\u2029": "an invisible paragraph separator (U+2029)",
    "\x85": "an invisible line break (U+0085)",
    "\ufffd": "the replacement character � (U+FFFD), left where a character could not be read",
}
_UNSEEN_CHARACTER = re.compile("[" + "".join(_UNSEEN) + "]")


def _readable(text: str) -> str:
    """The text, unless it holds a character an editor hides: YAML counts the separators as
    line breaks (so every later line number would be off), and � stands for a character
    lost when the file was saved in another encoding."""
    found = _UNSEEN_CHARACTER.search(text)
    if found is None:
        return text
    line, col = line_col(text, found.start())
    raise Unreadable(
        f"the text holds {_UNSEEN[found.group()]}: delete it, or type the character again",
        line,
        col,
        text,
    )


def _article(
    data: dict[str, Any], base_dir: Path | None, override: str | None, not_found_hint: str | None
) -> tuple[Article | None, str, Issue | None]:
    source = data.get("source")
    written = source.get("text") if isinstance(source, dict) else None
    if not isinstance(written, str) or not written.strip():
        return None, "", None
    if override is not None:
        try:
            return Article(article_text(override.removeprefix("\ufeff"))), written, None
        except Unreadable as error:
            return None, written, Issue(("source", "text"), error.message)
    if base_dir is None:
        return None, "", None
    try:
        return read_article(written, base_dir), written, None
    except ArticleNotFound as error:
        message = f"{error.message}: {not_found_hint}" if not_found_hint else error.message
        return None, written, Issue(("source", "text"), message)
    except Unreadable as error:
        return None, written, Issue(("source", "text"), error.message)


def load_bank_file(path: Path | str) -> LoadedBank:
    """Read and validate the bank in `path`; its article is looked for beside it."""
    path = Path(path)
    try:
        raw = read_bytes(path, MAX_BANK_BYTES)
    except Unreadable as error:
        return LoadedBank(path, None, [Problem(str(path), 1, 1, error.message)], "")
    return load_bank_text(raw, str(path), path.parent)


def find_bank_files(paths: Iterable[Path | str]) -> list[Path]:
    """The bank files named, and those in the folders named (recursively), each folder sorted.

    Folders called `sources` (articles) and hidden folders are skipped. A name
    that does not exist is kept, so that loading it reports it.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if not path.is_dir():
            found.append(path)
            continue
        in_folder = []
        for folder, subfolders, files in os.walk(path):
            subfolders[:] = [
                name for name in subfolders if name != SOURCES_FOLDER and not name.startswith(".")
            ]
            in_folder += [
                Path(folder, name)
                for name in files
                if name.lower().endswith(BANK_SUFFIXES) and not name.startswith(".")
            ]
        found += sorted(in_folder)
    return list(dict.fromkeys(found))


def load_banks(paths: Iterable[Path | str]) -> list[LoadedBank]:
    """Load every bank file in `paths`; a bank id used by two files is a problem in the second."""
    loaded = [load_bank_file(path) for path in find_bank_files(paths)]
    first: dict[str, LoadedBank] = {}
    for item in loaded:
        if item.bank_id is None:
            continue
        other = first.setdefault(item.bank_id, item)
        if other is item:
            continue
        line, col = Positions(item.text).find(("id",))
        message = f"bank id {item.bank_id!r} is already used by {other.path}"
        item.problems.append(Problem(str(item.path), line, col, message))
        item.problems.sort(key=lambda p: (p.line, p.col))
        item.bank = None
    return loaded
