"""Reading a bank's files as UTF-8 text, within a size limit, with plain errors."""

from __future__ import annotations

import codecs
from pathlib import Path

from quizapp.core.bank.problems import line_col

MIB = 1024 * 1024


class Unreadable(Exception):
    """A file that cannot be read as text; `line` and `col` say where, when it is known."""

    def __init__(self, message: str, line: int = 1, col: int = 1, text: str = "") -> None:
        super().__init__(message)
        self.message, self.line, self.col, self.text = message, line, col, text


def size_in_words(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size} bytes"


def check_size(size: int, limit: int) -> None:
    if size > limit:
        raise Unreadable(
            f"the file is {size_in_words(size)}; it may be at most {size_in_words(limit)}"
        )


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes; raises Unreadable if it is missing, a folder, or over `limit` bytes."""
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)
            if len(raw) > limit:
                check_size(max(path.stat().st_size, len(raw)), limit)
    except FileNotFoundError:
        raise Unreadable("no such file") from None
    except IsADirectoryError:
        raise Unreadable("this is a folder, not a file") from None
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise Unreadable(f"cannot read the file: {reason}") from None
    return raw


def decode_utf8(raw: bytes) -> str:
    """Text from UTF-8 bytes (with or without a byte order mark); raises Unreadable if not UTF-8.

    The exception's `text` is the decoded text with replacement characters, to show its lines.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable("the file is UTF-16 text; save it as UTF-8")
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8")
        line, col = line_col(before, len(before))
        raise Unreadable(
            f"the file is not UTF-8 text (byte 0x{raw[error.start]:02X} cannot be read);"
            " save it with the UTF-8 encoding",
            line,
            col,
            raw.decode("utf-8", errors="replace"),
        ) from None
