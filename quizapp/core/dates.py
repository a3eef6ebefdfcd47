"""Reading a calendar date as a learner writes it: "Oct. 12th", "12 October 2025", "2025-10-12".

Only forms that cannot be misread are accepted. "10/12" is 10 December to most of the world
and October 12 to the rest, so any date written with numbers only is refused with a message
asking for the month as a word, except the year-first ISO forms ("2025-10-12", "2025/10/12"),
which nobody writes day-first.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

_MONTH_NUMBERS: dict[str, int] = {}
for _number, _name in enumerate(MONTHS, start=1):
    _MONTH_NUMBERS[_name.lower()] = _number
    _MONTH_NUMBERS[_name[:3].lower()] = _number
_MONTH_NUMBERS["sept"] = 9

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAYS = frozenset(
    [name.lower() for name in WEEKDAYS]
    + [name[:3].lower() for name in WEEKDAYS]
    + ["tues", "thur", "thurs"]
)
_FILLERS = frozenset({"the", "of"})
_SEPARATORS = frozenset(",.-/–")

_TOKEN = re.compile(r"\d+(?:st|nd|rd|th)\b|\d+|[^\W\d_]+|\S", re.IGNORECASE)
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})")
_NO_YEAR = re.compile(r"--(\d{2})-(\d{2})")
_NUMBERS_ONLY = re.compile(r"[\d\s./-]+")

MAX_LENGTH = 100
EXAMPLE = '"12 October"'


class DateError(ValueError):
    """Text that cannot be read as one certain date; the message says what to write instead."""


@dataclass(frozen=True)
class ParsedDate:
    """A day of a month, with or without a year. Impossible dates raise DateError."""

    year: int | None
    month: int
    day: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise DateError(f"There is no month {self.month}: months go from 1 to 12.")
        if self.year is not None and not 1 <= self.year <= 9999:
            raise DateError(f"There is no year {self.year}: years go from 1 to 9999.")
        name = MONTHS[self.month - 1]
        if self.year is not None and (self.month, self.day) == (2, 29):
            if not calendar.isleap(self.year):
                raise DateError(
                    f"There is no February 29, {self.year}: {self.year} is not a leap year."
                )
            return
        if self.year is None:
            days = calendar.monthrange(2000, self.month)[1]
            if not 1 <= self.day <= days:
                raise DateError(f"There is no {name} {self.day}: {name} has {days} days.")
        else:
            days = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= days:
                raise DateError(
                    f"There is no {name} {self.day}, {self.year}:"
                    f" {name} {self.year} has {days} days."
                )

    @classmethod
    def from_iso(cls, iso: str) -> ParsedDate:
        """Read "YYYY-MM-DD", or "--MM-DD" for a date without a year."""
        if match := _NO_YEAR.fullmatch(iso):
            return cls(None, int(match[1]), int(match[2]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
            return cls(int(iso[:4]), int(iso[5:7]), int(iso[8:10]))
        raise DateError(f'"{iso}" is not an ISO date (YYYY-MM-DD or --MM-DD).')

    def iso(self) -> str:
        """ "YYYY-MM-DD", or "--MM-DD" without a year."""
        year = "-" if self.year is None else f"{self.year:04d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def describe(self) -> str:
        """The date in words: "October 12" or "October 12, 2025"."""
        words = f"{MONTHS[self.month - 1]} {self.day}"
        return words if self.year is None else f"{words}, {self.year}"


def parse_date(text: str) -> ParsedDate:
    """Read one date from what a learner typed.

    Accepted, in any case and with any spacing: the month as an English word, full or
    abbreviated ("October", "Oct", "Oct.", "Sept"), before or after the day ("October 12",
    "12 October", "12th of October", "the 12th of October"); the day as a number or an
    ordinal ("12", "12th", "1st", "2nd", "3rd"); an optional four-digit year after both
    ("October 12, 2025", "12 Oct 2025") or before both ("2025 October 12"); an optional
    weekday, which is ignored ("Sunday, October 12"); and the year-first numeric forms
    "2025-10-12", "2025/10/12", "2025.10.12" (and "--10-12" for a day without a year).

    Refused, with a message that says what to write instead (DateError): empty text, dates
    written with numbers only in any other order ("10/12", "10.12.", "10-12",
    "12/10/2025", even "25/10/2025"), two-digit years, unknown words, a month without a
    day, and impossible dates ("February 30", "February 29, 2025").
    """
    text = " ".join(text.split())
    if not text:
        raise DateError(f"Write a date, for example {EXAMPLE}.")
    if len(text) > MAX_LENGTH:
        raise DateError(f"That is too long for a date: write it like {EXAMPLE}.")
    if match := _YEAR_FIRST.fullmatch(text):
        return ParsedDate(int(match[1]), int(match[3]), int(match[4]))
    if match := _NO_YEAR.fullmatch(text):
        return ParsedDate(None, int(match[1]), int(match[2]))
    if _NUMBERS_ONLY.fullmatch(text):
        raise DateError(_numbers_only_message(text))
    return _parse_words(text)


def date_matches(given: ParsedDate, answer_iso: str) -> bool:
    """Whether the learner's date is the answer ("YYYY-MM-DD" or "--MM-DD").

    An answer without a year ("--10-12") asks for a day of the year: any year the learner
    adds, or none, is accepted. An answer with a year needs that year: the year is part of
    what is asked, so "October 12" (no year) does not match "2025-10-12", and neither does
    "October 12, 2024".
    """
    answer = ParsedDate.from_iso(answer_iso)
    if (given.month, given.day) != (answer.month, answer.day):
        return False
    return answer.year is None or given.year == answer.year


_ORDINAL_WORDS = dict(
    zip(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
        " thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        " twentieth thirtieth".split(),
        ["1st", "2nd", "3rd", *(f"{n}th" for n in range(4, 21)), "30th"],
        strict=True,
    )
)
"""Days written as words ("twelfth"), which a learner is asked to write as numbers."""


def _parse_words(text: str) -> ParsedDate:
    unreadable = DateError(
        f'We could not read "{text}" as a date: write it like {EXAMPLE} or "12 October 2025".'
    )
    kinds: list[tuple[str, int]] = []
    for written in _TOKEN.findall(text):
        token = written.lower()
        if token in _SEPARATORS or token in _FILLERS or token in _WEEKDAYS:
            continue
        if token in _MONTH_NUMBERS:
            kinds.append(("month", _MONTH_NUMBERS[token]))
        elif token[0].isdecimal():
            digits = token.rstrip("stndrh")
            if digits != token:
                kinds.append(("day", int(digits)))
            elif len(digits) <= 2:
                kinds.append(("number", int(digits)))
            elif len(digits) == 4:
                kinds.append(("year", int(digits)))
            else:
                raise unreadable
        elif token in _ORDINAL_WORDS:
            raise DateError(
                f'Write the day as a number: "{_ORDINAL_WORDS[token]}", not "{written}",'
                f" for example {EXAMPLE}."
            )
        elif token[0].isalpha():
            raise DateError(
                f'"{written}" is not a month we know: write the month in English,'
                f" for example {EXAMPLE}."
            )
        else:
            raise unreadable

    names = [kind for kind, _ in kinds]
    months = names.count("month")
    if months == 0:
        raise DateError(f'"{text}" has no month: add it as a word, for example {EXAMPLE}.')
    if months > 1:
        raise unreadable
    if not any(kind in ("day", "number") for kind in names):
        raise DateError(f'"{text}" has no day: add it, for example {EXAMPLE}.')
    if names in (["year", "month", "day"], ["year", "month", "number"]):
        return ParsedDate(kinds[0][1], kinds[1][1], kinds[2][1])
    if len(kinds) == 3 and names[2] == "number":
        raise DateError("Write the year with four digits, for example 2025.")

    if names[:2] in (["month", "day"], ["month", "number"]):
        month, day = kinds[0][1], kinds[1][1]
    elif names[:2] in (["day", "month"], ["number", "month"]):
        day, month = kinds[0][1], kinds[1][1]
    else:
        raise unreadable
    if len(kinds) == 2:
        return ParsedDate(None, month, day)
    if len(kinds) == 3 and names[2] == "year":
        return ParsedDate(kinds[2][1], month, day)
    raise unreadable


def _numbers_only_message(text: str) -> str:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    lengths = [len(n) for n in re.findall(r"\d+", text)]
    readings: list[str] = []
    day_and_month = len(numbers) == 2 and max(lengths) <= 2
    with_year = len(numbers) == 3 and max(lengths[:2]) <= 2 and lengths[2] == 4
    if day_and_month or with_year:
        year = numbers[2] if len(numbers) == 3 else None
        first, second = numbers[0], numbers[1]
        day_first = _reading(year, second, first)
        month_first = _reading(year, first, second)
        if day_first:
            readings.append(_day_month(day_first))
        if month_first and month_first != day_first:
            readings.append(month_first.describe())
    if len(readings) == 2:
        return (
            f'"{text}" could mean {readings[0]} or {readings[1]}:'
            f" write the month as a word, for example {EXAMPLE}."
        )
    if len(readings) == 1:
        return (
            f'"{text}" gives the month as a number: write it as a word,'
            f' for example "{readings[0]}".'
        )
    return f'"{text}" is not a date we can read: write the month as a word, for example {EXAMPLE}.'


def _reading(year: int | None, month: int, day: int) -> ParsedDate | None:
    try:
        return ParsedDate(year, month, day)
    except DateError:
        return None


def _day_month(date: ParsedDate) -> str:
    words = f"{date.day} {MONTHS[date.month - 1]}"
    return words if date.year is None else f"{words} {date.year}"
