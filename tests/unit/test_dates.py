import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizapp.core.dates import MONTHS, DateError, ParsedDate, date_matches, parse_date

OCT_12 = ParsedDate(None, 10, 12)
OCT_12_2025 = ParsedDate(2025, 10, 12)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        # month first
        ("October 12", OCT_12),
        ("Oct 12", OCT_12),
        ("Oct. 12", OCT_12),
        ("Oct. 12th", OCT_12),
        ("October 12th", OCT_12),
        ("October the 12th", OCT_12),
        ("October 12, 2025", OCT_12_2025),
        ("October 12 2025", OCT_12_2025),
        ("Oct. 12th, 2025", OCT_12_2025),
        # day first
        ("12 October", OCT_12),
        ("12 Oct", OCT_12),
        ("12th October", OCT_12),
        ("12th of October", OCT_12),
        ("the 12th of October", OCT_12),
        ("12. October", OCT_12),
        ("12 Oct 2025", OCT_12_2025),
        ("12 October, 2025", OCT_12_2025),
        ("12th of October 2025", OCT_12_2025),
        ("12-Oct-2025", OCT_12_2025),
        ("12 october of 2025", OCT_12_2025),
        # weekdays are ignored
        ("Sunday, October 12", OCT_12),
        ("Sunday October 12, 2025", OCT_12_2025),
        ("Sun, 12 Oct 2025", OCT_12_2025),
        ("Sun. 12 Oct", OCT_12),
        ("Monday, October 12", OCT_12),
        ("Thurs., 2 jan. 2025", ParsedDate(2025, 1, 2)),
        ("tues 2 jan", ParsedDate(None, 1, 2)),
        # case and spacing
        ("OCTOBER 12", OCT_12),
        ("october 12", OCT_12),
        ("oCt 12TH", OCT_12),
        ("  October   12 ", OCT_12),
        ("October12", OCT_12),
        ("12october", OCT_12),
        # ordinals
        ("1st May", ParsedDate(None, 5, 1)),
        ("2nd May", ParsedDate(None, 5, 2)),
        ("3rd May", ParsedDate(None, 5, 3)),
        ("4th May", ParsedDate(None, 5, 4)),
        ("11th May", ParsedDate(None, 5, 11)),
        ("21st May", ParsedDate(None, 5, 21)),
        ("22nd May", ParsedDate(None, 5, 22)),
        ("23rd May", ParsedDate(None, 5, 23)),
        ("31st May", ParsedDate(None, 5, 31)),
        ("May 1st", ParsedDate(None, 5, 1)),
        # September's extra abbreviation
        ("Sept 3", ParsedDate(None, 9, 3)),
        ("Sept. 3rd, 1939", ParsedDate(1939, 9, 3)),
        ("3 Sep 1939", ParsedDate(1939, 9, 3)),
        # leap days
        ("February 29", ParsedDate(None, 2, 29)),
        ("29 Feb 2024", ParsedDate(2024, 2, 29)),
        ("29 Feb 2000", ParsedDate(2000, 2, 29)),
        # year-first numbers
        ("2025-10-12", OCT_12_2025),
        ("2025/10/12", OCT_12_2025),
        ("2025.10.12", OCT_12_2025),
        ("2025-1-5", ParsedDate(2025, 1, 5)),
        (" 2025-10-12 ", OCT_12_2025),
        ("--10-12", OCT_12),
        # year first with the month in words
        ("2025 October 12", OCT_12_2025),
        ("2025, Oct. 12th", OCT_12_2025),
    ],
)
def test_accepted(text: str, parsed: ParsedDate) -> None:
    assert parse_date(text) == parsed


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_full_and_abbreviated(month: int) -> None:
    name = MONTHS[month - 1]
    for written in (name, name[:3], name[:3] + ".", name.upper(), name.lower()):
        assert parse_date(f"{written} 1") == ParsedDate(None, month, 1)
        assert parse_date(f"1 {written} 2020") == ParsedDate(2020, month, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "10/12",
            '"10/12" could mean 10 December or October 12: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "10.12.",
            '"10.12." could mean 10 December or October 12: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "10-12",
            '"10-12" could mean 10 December or October 12: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "10 12",
            '"10 12" could mean 10 December or October 12: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "12/10/2025",
            '"12/10/2025" could mean 12 October 2025 or December 10, 2025:'
            ' write the month as a word, for example "12 October".',
        ),
        (
            "10.12.2025",
            '"10.12.2025" could mean 10 December 2025 or October 12, 2025:'
            ' write the month as a word, for example "12 October".',
        ),
        # one reading only: still refused, teachers prefer the month in words
        (
            "25/10/2025",
            '"25/10/2025" gives the month as a number: write it as a word,'
            ' for example "25 October 2025".',
        ),
        (
            "10/25",
            '"10/25" gives the month as a number: write it as a word, for example "October 25".',
        ),
        (
            "10/10",
            '"10/10" gives the month as a number: write it as a word, for example "10 October".',
        ),
        (
            "30/2",
            '"30/2" is not a date we can read: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "40/50",
            '"40/50" is not a date we can read: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "12/10/25",
            '"12/10/25" is not a date we can read: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "2025",
            '"2025" is not a date we can read: write the month as a word,'
            ' for example "12 October".',
        ),
        (
            "...",
            '"..." is not a date we can read: write the month as a word, for example "12 October".',
        ),
        # empty
        ("", 'Write a date, for example "12 October".'),
        ("   ", 'Write a date, for example "12 October".'),
        ("x" * 101, 'That is too long for a date: write it like "12 October".'),
        # impossible dates
        ("February 30", "There is no February 30: February has 29 days."),
        ("April 31", "There is no April 31: April has 30 days."),
        ("0 October", "There is no October 0: October has 31 days."),
        ("October 32", "There is no October 32: October has 31 days."),
        ("February 29, 2025", "There is no February 29, 2025: 2025 is not a leap year."),
        ("29 Feb 1900", "There is no February 29, 1900: 1900 is not a leap year."),
        ("2025-02-30", "There is no February 30, 2025: February 2025 has 28 days."),
        ("2025-13-01", "There is no month 13: months go from 1 to 12."),
        ("0000-01-01", "There is no year 0: years go from 1 to 9999."),
        ("--02-30", "There is no February 30: February has 29 days."),
        # words we do not know
        (
            "Octobr 12",
            '"Octobr" is not a month we know: write the month in English,'
            ' for example "12 October".',
        ),
        (
            "12 Oktober",
            '"Oktober" is not a month we know: write the month in English,'
            ' for example "12 October".',
        ),
        (
            "next Friday",
            '"next" is not a month we know: write the month in English, for example "12 October".',
        ),
        # a day written as a word
        (
            "October twelfth",
            'Write the day as a number: "12th", not "twelfth", for example "12 October".',
        ),
        # something missing
        ("October", '"October" has no day: add it, for example "12 October".'),
        ("October 2025", '"October 2025" has no day: add it, for example "12 October".'),
        ("Sunday", '"Sunday" has no month: add it as a word, for example "12 October".'),
        ("12th", '"12th" has no month: add it as a word, for example "12 October".'),
        ("12 October 25", "Write the year with four digits, for example 2025."),
        ("Oct 12th, 25", "Write the year with four digits, for example 2025."),
        # too much, or in an order we do not read
        (
            "Oct 123",
            'We could not read "Oct 123" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
        (
            "12 Oct 2025 2026",
            'We could not read "12 Oct 2025 2026" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
        (
            "October November 12",
            'We could not read "October November 12" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
        (
            "2025 12 October",
            'We could not read "2025 12 October" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
        (
            "12 October!",
            'We could not read "12 October!" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
        (
            "12 October 12345",
            'We could not read "12 October 12345" as a date: write it like "12 October"'
            ' or "12 October 2025".',
        ),
    ],
)
def test_refused(text: str, message: str) -> None:
    with pytest.raises(DateError) as error:
        parse_date(text)
    assert str(error.value) == message


def test_date_error_is_a_value_error() -> None:
    assert issubclass(DateError, ValueError)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_date_error(text: str) -> None:
    try:
        parsed = parse_date(text)
    except DateError as error:
        assert str(error)
    else:
        assert parse_date(parsed.iso()) == parsed


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_written_forms_of_any_date(date: dt.date) -> None:
    month = MONTHS[date.month - 1]
    parsed = ParsedDate(date.year, date.month, date.day)
    assert parse_date(f"{month} {date.day}, {date.year}") == parsed
    assert parse_date(f"{date.day} {month[:3]} {date.year}") == parsed
    assert parse_date(date.isoformat()) == parsed
    assert parse_date(parsed.describe()) == parsed


# ParsedDate ---------------------------------------------------------------------------


def test_iso() -> None:
    assert OCT_12_2025.iso() == "2025-10-12"
    assert OCT_12.iso() == "--10-12"
    assert ParsedDate(476, 9, 4).iso() == "0476-09-04"
    assert ParsedDate(None, 1, 5).iso() == "--01-05"


def test_from_iso() -> None:
    assert ParsedDate.from_iso("2025-10-12") == OCT_12_2025
    assert ParsedDate.from_iso("--10-12") == OCT_12
    with pytest.raises(DateError):
        ParsedDate.from_iso("October 12")
    with pytest.raises(DateError):
        ParsedDate.from_iso("2025-02-30")


def test_describe() -> None:
    assert OCT_12.describe() == "October 12"
    assert OCT_12_2025.describe() == "October 12, 2025"


@pytest.mark.parametrize(
    ("year", "month", "day"),
    [(2025, 2, 29), (None, 2, 30), (None, 13, 1), (None, 0, 1), (None, 4, 31), (2025, 1, 0)],
)
def test_impossible_dates_cannot_be_made(year: int | None, month: int, day: int) -> None:
    with pytest.raises(DateError):
        ParsedDate(year, month, day)


def test_parsed_dates_are_frozen() -> None:
    with pytest.raises(AttributeError):
        OCT_12.day = 13  # type: ignore[misc]


# date_matches -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_date", "answer", "result"),
    [
        # an answer without a year: any year, or none
        (OCT_12, "--10-12", True),
        (OCT_12_2025, "--10-12", True),
        (ParsedDate(1999, 10, 12), "--10-12", True),
        (ParsedDate(None, 10, 13), "--10-12", False),
        (ParsedDate(None, 12, 10), "--10-12", False),
        # an answer with a year: that year, and it must be given
        (OCT_12_2025, "2025-10-12", True),
        (ParsedDate(2024, 10, 12), "2025-10-12", False),
        (OCT_12, "2025-10-12", False),
        (ParsedDate(2025, 10, 13), "2025-10-12", False),
    ],
)
def test_date_matches(given_date: ParsedDate, answer: str, result: bool) -> None:
    assert date_matches(given_date, answer) is result
