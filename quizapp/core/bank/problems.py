"""What is wrong with a bank file, and where."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

DataPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing to fix, at a 1-based line and column of the file."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"

    def as_warning(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: warning: {self.message}"


@dataclass(frozen=True)
class Issue:
    """A problem known by its place in the data (keys and indices), before it has a position.

    `at_key` points at the key itself (an unknown key, a duplicate) rather than at its value.
    """

    path: DataPath
    message: str
    at_key: bool = False


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The one of `choices` that `word` is most likely a misspelling of, if any."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The words ", did you mean 'x'?" for the closest of `choices`, or nothing."""
    match = closest(word, choices)
    return f", did you mean {match!r}?" if match else ""


def shown(value: object, limit: int = 60) -> str:
    """A value as a teacher would recognise it from their YAML."""
    if value is None:
        return "nothing"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= limit else value[: limit - 1] + "…"
        return repr(text)
    if isinstance(value, int) and value.bit_length() > 64:
        # str() of a huge integer is slow, and refused past 4,300 digits.
        return f"a number {value.bit_length() * 0.30103:.0f} digits long"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping of keys"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return type(value).__name__


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of `text[index]`, counting line breaks as YAML does."""
    line, start = 1, 0
    for match in _LINE_BREAK.finditer(text, 0, index):
        line, start = line + 1, match.end()
    return line, index - start + 1
