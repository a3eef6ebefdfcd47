"""The article a bank is written from, and finding a question's source sentence in it."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path

from quizapp.core.bank.files import Unreadable, decode_utf8, read_bytes
from quizapp.core.bank.problems import line_col

MAX_SOURCE_BYTES = 10 * 1024 * 1024

_UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3040-\u30ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uff66-\uff9f"  # half-width Katakana
)
"""Scripts written without spaces between words: each of their characters counts as a
word, since where their words end cannot be told from the text."""
_WORD = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+")
_SPACED_LETTER = re.compile(rf"[^\W{_UNSPACED}]")
# A sentence ends at . ! ? or …, perhaps followed by a closing quote or bracket.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’»)\]])) ")


class ArticleNotFound(Unreadable):
    """The article a bank names is not where it says."""


_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"))
"""Soft hyphens and zero-width spaces: in a pasted quote, they are invisible differences."""


def fold(text: str) -> str:
    """Whitespace runs as one space (line breaks in the YAML or the article do not count),
    accented letters in one Unicode form (NFC: "é" typed as e and an accent is "é"), and
    invisible characters left out: a quote that looks the same is the same."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _cuts_word(text: str, at: int) -> bool:
    """Whether a quote starting or ending at `at` would cut a word of the text in two (in a
    script written without spaces, any place between two characters is a word's end)."""
    return (
        0 < at < len(text)
        and bool(_SPACED_LETTER.match(text[at - 1]))
        and bool(_SPACED_LETTER.match(text[at]))
    )


class Article:
    """An article's text, for checking that sources are quoted from it verbatim."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._folded = fold(text)
        # Sentences, folded; a line without a full stop (a title) counts as one.
        self.sentences = [
            sentence
            for line in text.splitlines()
            for sentence in _SENTENCE_END.split(fold(line))
            if sentence
        ]
        self._sentence_set = set(self.sentences)
        self._sentences_by_word: dict[str, list[int]] | None = None
        self._words: set[str] | None = None

    def contains(self, passage: str) -> bool:
        """Whether the passage is in the article, up to whitespace, in whole words: "wenty
        boats" is not a quote of "Twenty boats".

        Most sources are whole sentences, found in a set at once; anything else
        (part of a sentence, or two) is searched for in the whole text.
        """
        passage = fold(passage)
        if passage in self._sentence_set:
            return True
        # A word of the passage that the article never uses rules it out at once.
        if self._words is None:
            self._words = set(_WORD.findall(self._folded))
        if not passage or not self._words.issuperset(_WORD.findall(passage)):
            return False
        start = self._folded.find(passage)
        while start != -1:
            end = start + len(passage)
            if not (_cuts_word(self._folded, start) or _cuts_word(self._folded, end)):
                return True
            start = self._folded.find(passage, start + 1)
        return False

    def closest(self, passage: str) -> str | None:
        """The article's sentence most like the passage, if one is reasonably close.

        difflib is slow over thousands of sentences, so only the few that share
        the most (and the rarest) words with the passage are compared.
        """
        passage = fold(passage)
        close = difflib.get_close_matches(passage, self._candidates(passage), n=1, cutoff=0.6)
        return close[0] if close else None

    def _candidates(self, passage: str, keep: int = 8) -> list[str]:
        if self._sentences_by_word is None:
            self._sentences_by_word = {}
            for number, sentence in enumerate(self.sentences):
                for word in set(_WORD.findall(sentence.lower())):
                    self._sentences_by_word.setdefault(word, []).append(number)
        index = self._sentences_by_word
        scores: dict[int, float] = {}
        for word in set(_WORD.findall(passage.lower())):
            numbers = index.get(word, ())
            for number in numbers:
                scores[number] = scores.get(number, 0.0) + 1.0 / len(numbers)
        best = sorted(scores, key=scores.__getitem__, reverse=True)[:keep]
        return [self.sentences[number] for number in best]


def article_text(text: str) -> str:
    """The article's text; raises Unreadable if it holds a NUL character, which no
    article has on purpose and PostgreSQL cannot store."""
    at = text.find("\x00")
    if at < 0:
        return text
    line, col = line_col(text, at)
    raise Unreadable(f"the article holds a NUL character (line {line}, column {col}): delete it")


def read_article(written: str, base_dir: Path) -> Article:
    """The article at `written` (as the bank says it), inside `base_dir`; raises Unreadable."""
    relative = Path(written)
    if relative.is_absolute() or relative.drive:
        raise Unreadable(f"source text {written!r} must be a path relative to the bank's folder")
    try:
        base = base_dir.resolve()
        target = (base / relative).resolve()
    except (OSError, ValueError, RuntimeError):
        raise Unreadable(f"source text {written!r} is not a usable path") from None
    if not target.is_relative_to(base):
        raise Unreadable(
            f"source text {written!r} points outside the bank's folder;"
            " keep articles in a folder beside the bank (like sources/)"
        )
    try:
        raw = read_bytes(target, MAX_SOURCE_BYTES)
        return Article(article_text(decode_utf8(raw)))
    except Unreadable as error:
        if error.message == "no such file":
            raise ArticleNotFound(f"source text file {written!r} not found") from None
        raise Unreadable(f"source text file {written!r}: {error.message}") from None
