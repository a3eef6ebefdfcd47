"""Comparing typed answers: folding away what a learner should not lose points for."""

from __future__ import annotations

import unicodedata

# Letters that NFKD leaves whole (they are letters of their own, not a base plus a mark),
# mapped to what a learner typing on an English keyboard writes instead.
_PLAIN_LETTERS = str.maketrans(
    {
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "ı": "i",
        "ĸ": "k",
        "ł": "l",
        "ø": "o",
        "œ": "oe",
        "æ": "ae",
        "ß": "ss",
        "þ": "th",
        "ŧ": "t",
        "\u2044": "/",  # the fraction slash NFKD leaves in "½"
    }
)

_DROPPED_CATEGORIES = frozenset({"Mn", "Mc", "Me", "Sk", "So", "Cc", "Cf", "Co", "Cn", "Cs"})
_SEPARATORS = frozenset("/\\|")


def fold(text: str) -> str:
    """The form of `text` that answers are compared in.

    - case is folded and compatibility forms are decomposed (NFKD: "ﬁ" -> "fi", "²" -> "2");
    - accents and other combining marks are dropped ("Vučić" -> "vucic"), and letters that
      do not decompose are spelled plainly ("đ" -> "d", "ß" -> "ss", "æ" -> "ae", "ø" -> "o",
      "ł" -> "l");
    - punctuation (every Unicode P* category) is dropped, so "O'Brien" is "obrien" and
      "U.S." is "us"; but dashes, underscores and slashes separate words ("Jean-Luc" is
      "jean luc"), and a point between two digits is kept ("3.5" is not "35");
    - modifier and other symbols (quotes like ´ and `, °, emoji) and invisible format
      characters (soft hyphens, zero-width spaces) are dropped; math and currency symbols
      (+, <, $, €) are kept, they change what an answer means;
    - runs of whitespace become one space, and the ends are stripped.
    """
    # Casefold after decomposing, since some compatibility forms decompose to capitals
    # ("㎁" is "nA"); then decompose again whatever case folding gave.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    text = text.translate(_PLAIN_LETTERS)
    out: list[str] = []
    last = len(text) - 1
    for i, char in enumerate(text):
        category = unicodedata.category(char)
        if char.isspace():
            out.append(" ")
        elif category in _DROPPED_CATEGORIES:
            continue
        elif category[0] == "P":
            if char == "." and 0 < i < last and text[i - 1].isdigit() and text[i + 1].isdigit():
                out.append(".")
            elif category in ("Pd", "Pc") or char in _SEPARATORS:
                out.append(" ")
        else:
            out.append(char)
    return " ".join("".join(out).split())


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """The optimal string alignment distance between `a` and `b`.

    Insertions, deletions, substitutions and swaps of two adjacent characters each cost one
    edit (Damerau-Levenshtein, where no substring is edited twice). With a `limit`, the work
    stops as soon as the distance is known to exceed it, and `limit + 1` is returned: callers
    asking "within n edits?" need no more than that.
    """
    if limit is not None and abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    previous_min = 0
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        current_min = min(current)
        # Each row's values are at least min(this row, the row before + 1): once both are
        # past the limit, every later row (and so the distance) is too.
        if limit is not None and current_min > limit and previous_min >= limit:
            return limit + 1
        previous2, previous, previous_min = previous, current, current_min
    distance = previous[len(b)]
    if limit is not None and distance > limit:
        return limit + 1
    return distance


SHORTEST_FORGIVING = 4
"""Folded answers shorter than this must be typed exactly: in a name of two or three
letters one edit usually makes another name ("Ali" and "Ala"), not a typo."""


def matches(given: str, accepted: list[str], typo_tolerance: int) -> bool:
    """Whether the typed answer `given` is one of the `accepted` answers.

    Both sides are folded (see `fold`) and must then be equal, or at most `typo_tolerance`
    edits apart (see `edit_distance`). Typos are never forgiven when the folded accepted
    answer is 3 characters or shorter, nor when they touch a digit: "1945" is not a typo
    of "1944". An empty answer matches nothing; an accepted answer made only of
    punctuation or symbols (it folds to nothing) must be typed exactly as written. A
    leading "the", "a" or "an" on either side is left out: "the Ottomans" is "Ottomans".
    """
    folded = _without_article(fold(given))
    for answer in accepted:
        target = _without_article(fold(answer))
        if not target:
            # An answer made only of punctuation or symbols: compare it as written.
            if given.strip() and given.strip() == answer.strip():
                return True
            continue
        if not folded:
            continue
        if folded == target:
            return True
        if (
            typo_tolerance > 0
            and len(target) >= SHORTEST_FORGIVING
            and _digits(folded) == _digits(target)
            and edit_distance(folded, target, typo_tolerance) <= typo_tolerance
        ):
            return True
    return False


_ARTICLES = ("the ", "a ", "an ")


def _without_article(folded: str) -> str:
    """A folded answer without its leading English article, when more than that is left."""
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())
