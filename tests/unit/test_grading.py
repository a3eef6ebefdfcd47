import datetime as dt
import json
import math
from fractions import Fraction
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.core.bank.schema import (
    QUESTION_TYPES,
    ClozeQuestion,
    DateQuestion,
    MatchQuestion,
    MultipleQuestion,
    NumericQuestion,
    OrderQuestion,
    Pair,
    ShortQuestion,
    SingleQuestion,
    TrueFalseQuestion,
    choice_id,
)
from quizapp.core.grading import (
    GRADERS,
    YEAR_NEEDED,
    Grade,
    InvalidResponse,
    PartResult,
    canonical_answer,
    check_response,
    describe_answer,
    describe_response,
    format_number,
    grade,
    longest_increasing,
)

BASE: dict[str, Any] = {"prompt": "p", "explanation": "e", "source": "s"}


def single(**overrides: Any) -> SingleQuestion:
    fields = {
        "id": "capital",
        "choices": ["Pristina", "Belgrade", "Skopje"],
        "answer": "Pristina",
        **BASE,
        **overrides,
    }
    return SingleQuestion(type="single", **fields)


def multiple(**overrides: Any) -> MultipleQuestion:
    fields = {
        "id": "leaders",
        "choices": ["Vučić", "Osmani", "Kurti", "Rama", "Orbán"],
        "answer": ["Osmani", "Kurti"],
        **BASE,
        **overrides,
    }
    return MultipleQuestion(type="multiple", **fields)


def true_false(answer: bool = True) -> TrueFalseQuestion:
    return TrueFalseQuestion(type="true_false", id="tf", answer=answer, **BASE)


def short(**overrides: Any) -> ShortQuestion:
    fields = {"id": "who", "answers": ["Ulutaş", "Ozkan Ulutaş"], **BASE, **overrides}
    return ShortQuestion(type="short", **fields)


def numeric(**overrides: Any) -> NumericQuestion:
    fields = {"id": "distance", "answer": 1244, **BASE, **overrides}
    return NumericQuestion(type="numeric", **fields)


def date(answer: Any = "--10-12") -> DateQuestion:
    return DateQuestion(type="date", id="when", answer=answer, **BASE)


def match(**overrides: Any) -> MatchQuestion:
    fields = {
        "id": "quotes",
        "pairs": [
            Pair(left="Vučić", right="“I am appalled…”"),
            Pair(left="Osmani", right="“A historic day”"),
            Pair(left="Kurti", right="“We will not be silent”"),
        ],
        "distractors": ["“No comment”"],
        **BASE,
        **overrides,
    }
    return MatchQuestion(type="match", **fields)


def order(items: list[str] | None = None) -> OrderQuestion:
    return OrderQuestion(type="order", id="events", items=items or list("ABCDE"), **BASE)


def cloze(**overrides: Any) -> ClozeQuestion:
    fields = {
        "id": "gaps",
        "text": "{{Pristina|Prishtina}} is the capital of {{Kosovo}}, independent since {{2008}}.",
        **BASE,
        **overrides,
    }
    return ClozeQuestion(type="cloze", **fields)


def ids(question: Any, *texts: str) -> list[str]:
    if isinstance(question, OrderQuestion):
        by_text = question.item_ids()
    else:
        by_text = question.choice_ids()
    return [by_text[text] for text in texts]


def graded(question: Any, raw: Any) -> Grade:
    return grade(question, check_response(question, raw))


def test_every_question_type_has_a_grader() -> None:
    assert set(GRADERS) == set(QUESTION_TYPES)


def test_invalid_response_is_a_value_error() -> None:
    assert issubclass(InvalidResponse, ValueError)


# single -------------------------------------------------------------------------------


def test_single_correct_and_wrong() -> None:
    question = single(points=2.5)
    [pristina, belgrade] = ids(question, "Pristina", "Belgrade")
    assert check_response(question, pristina) == pristina
    assert graded(question, pristina) == Grade(
        1.0, 2.5, 2.5, True, (PartResult("Answer", "Pristina", "Pristina", True),)
    )
    assert graded(question, belgrade) == Grade(
        0.0, 0.0, 2.5, False, (PartResult("Answer", "Belgrade", "Pristina", False),)
    )


def test_single_answer_given_as_a_list_of_one() -> None:
    question = single(answer=["Skopje"])
    assert graded(question, ids(question, "Skopje")[0]).correct
    assert canonical_answer(question) == "Skopje"


@pytest.mark.parametrize(
    "raw",
    [
        "deadbeef",
        choice_id("another-question", "Pristina"),
        "Pristina",
        "",
        None,
        1,
        True,
        [choice_id("capital", "Pristina")],
        {"id": choice_id("capital", "Pristina")},
    ],
)
def test_single_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(single(), raw)


# multiple -----------------------------------------------------------------------------


# 5 choices, 2 correct (k = 2) and 3 wrong (w = 3): +1/2 per correct pick, -1/3 per wrong pick.
@pytest.mark.parametrize(
    ("picks", "fraction"),
    [
        (["Osmani", "Kurti"], Fraction(1)),
        (["Osmani"], Fraction(1, 2)),
        (["Kurti"], Fraction(1, 2)),
        ([], Fraction(0)),
        (["Osmani", "Vučić"], Fraction(1, 6)),
        (["Osmani", "Kurti", "Rama"], Fraction(2, 3)),
        (["Osmani", "Kurti", "Rama", "Orbán"], Fraction(1, 3)),
        (["Osmani", "Kurti", "Vučić", "Rama", "Orbán"], Fraction(0)),
        (["Vučić"], Fraction(0)),  # -1/3, clamped
        (["Osmani", "Vučić", "Rama"], Fraction(0)),  # 1/2 - 2/3, clamped
    ],
)
def test_multiple_partial_credit(picks: list[str], fraction: Fraction) -> None:
    question = multiple(points=3)
    result = graded(question, ids(question, *picks))
    assert result.fraction == float(fraction)
    assert result.points == round(float(fraction) * 3, 4)
    assert result.max_points == 3
    assert result.correct is (fraction == 1)


def test_multiple_when_every_choice_is_correct() -> None:
    question = multiple(choices=["a", "b", "c"], answer=["a", "b", "c"])
    assert graded(question, ids(question, "a", "b", "c")).fraction == 1.0
    assert graded(question, ids(question, "b")).fraction == float(Fraction(1, 3))


def test_multiple_parts_per_choice() -> None:
    question = multiple()
    result = graded(question, ids(question, "Osmani", "Rama"))
    assert result.parts == (
        PartResult("Vučić", "not picked", "not picked", True),
        PartResult("Osmani", "picked", "picked", True),
        PartResult("Kurti", "not picked", "picked", False),
        PartResult("Rama", "picked", "not picked", False),
        PartResult("Orbán", "not picked", "not picked", True),
    )


def test_multiple_normalizes_duplicates_and_order() -> None:
    question = multiple()
    osmani, kurti = ids(question, "Osmani", "Kurti")
    stored = check_response(question, [kurti, osmani, kurti])
    assert stored == sorted([osmani, kurti])
    assert check_response(question, [osmani, kurti]) == stored
    assert check_response(question, []) == []


@pytest.mark.parametrize(
    "raw",
    [
        ["deadbeef"],
        [choice_id("leaders", "Osmani"), "deadbeef"],
        [choice_id("capital", "Pristina")],
        [choice_id("another-question", "Osmani")],
        choice_id("leaders", "Osmani"),
        [1],
        [None],
        None,
        {"a": True},
        "Osmani",
    ],
)
def test_multiple_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(multiple(), raw)


# true_false ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("false", False),
        (" TRUE ", True),
        ("False", False),
    ],
)
def test_true_false_reads(raw: Any, stored: bool) -> None:
    assert check_response(true_false(), raw) is stored


@pytest.mark.parametrize("raw", ["yes", "no", "", "t", 1, 0, None, [True]])
def test_true_false_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(true_false(), raw)


def test_true_false_grades() -> None:
    assert graded(true_false(True), "true").fraction == 1.0
    assert graded(true_false(True), False).fraction == 0.0
    assert graded(true_false(False), False).parts == (PartResult("Answer", "False", "False", True),)


# short --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "tolerance", "correct"),
    [
        ("Ulutaş", 0, True),
        ("ulutas", 0, True),
        ("  OZKAN   ULUTAS. ", 0, True),
        ("Ozkan", 0, False),
        ("Ulutsa", 0, False),
        ("Ulutsa", 1, True),
        ("Ulutzz", 1, False),
        ("Ulutzz", 2, True),
        ("", 3, False),
    ],
)
def test_short(typed: str, tolerance: int, correct: bool) -> None:
    question = short(typo_tolerance=tolerance)
    result = graded(question, typed)
    assert result.correct is correct
    assert result.fraction == float(correct)
    assert result.parts == (PartResult("Answer", typed.strip() or "—", "Ulutaş", correct),)


def test_short_never_forgives_typos_in_short_answers() -> None:
    question = short(answers=["USA"], typo_tolerance=3)
    assert graded(question, "U.S.A.").correct
    assert not graded(question, "USB").correct


def test_short_stores_the_stripped_text() -> None:
    assert check_response(short(), "  Ulutaş \n") == "Ulutaş"
    assert check_response(short(), "   ") == ""


def test_short_length_limit() -> None:
    assert check_response(short(), "a" * 500) == "a" * 500
    with pytest.raises(InvalidResponse, match="too long"):
        check_response(short(), "a" * 501)


@pytest.mark.parametrize("raw", [None, 1, ["Ulutaş"], {"text": "Ulutaş"}, True])
def test_short_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(short(), raw)


# numeric ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("1244", 1244),
        ("1,244", 1244),
        ("1 244", 1244),
        ("1\u00a0244", 1244),
        ("1\u202f244", 1244),
        ("1244.0", 1244),
        ("1,244,000", 1244000),
        ("1 244 000", 1244000),
        ("1,244.5", 1244.5),
        ("-3.5", -3.5),
        ("- 3.5", -3.5),
        ("−3.5", -3.5),
        ("+7", 7),
        (".5", 0.5),
        ("5.", 5),
        ("0", 0),
        ("  12  ", 12),
        ("1244 km", 1244),
        ("1244km", 1244),
        ("1244 KM", 1244),
        ("1,244 km", 1244),
        (12, 12),
        (12.0, 12),
        (12.5, 12.5),
        (-0.25, -0.25),
    ],
)
def test_numeric_reads(raw: Any, stored: float) -> None:
    value = check_response(numeric(unit="km"), raw)
    assert value == stored
    assert type(value) is type(stored)


@pytest.mark.parametrize(
    "raw",
    [
        "1,5",
        "12,34",
        "1,2345",
        "1244,000",
        "1.244,5",
        "1,24,4",
        "abc",
        "12 miles",
        "1 24",
        "1e3",
        "12-3",
        "--5",
        "",
        "   ",
        "1" * 51,
        True,
        False,
        None,
        [1244],
        {"value": 1244},
        math.nan,
        math.inf,
        -math.inf,
        10**400,
    ],
)
def test_numeric_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(numeric(unit="km"), raw)


def test_numeric_messages() -> None:
    with pytest.raises(InvalidResponse) as comma:
        check_response(numeric(), "1,5")
    assert str(comma.value) == (
        '"1,5" is not clear: a comma can only group thousands, as in 1,244.'
        " For decimals use a point, as in 1.5."
    )
    with pytest.raises(InvalidResponse) as unit:
        check_response(numeric(unit="km"), "12 miles")
    assert str(unit.value) == '"12 miles" is not a number. Type a number (in km), for example 42.'
    with pytest.raises(InvalidResponse) as empty:
        check_response(numeric(), "")
    assert str(empty.value) == "Type a number, for example 42."


@pytest.mark.parametrize(
    ("raw", "correct"),
    [
        (100, True),
        (95, True),
        (105, True),
        ("94.9", False),
        ("105.0001", False),
        (-100, False),
    ],
)
def test_numeric_tolerance(raw: Any, correct: bool) -> None:
    assert graded(numeric(answer=100, tolerance=5), raw).correct is correct


def test_a_point_before_groups_of_three_digits_is_asked_about_when_the_answer_is_whole() -> None:
    """Where a point groups thousands, "1.200" is 1200; read as 1.2, it could only be wrong
    for a whole answer, so the learner is asked. To a decimal answer it is a decimal."""
    with pytest.raises(InvalidResponse) as error:
        check_response(numeric(answer=1200), "1.200")
    assert str(error.value) == (
        '"1.200" is not clear: in some countries a point groups thousands.'
        " Type 1200 if you mean that, or 1.2 for a decimal."
    )
    with pytest.raises(InvalidResponse) as groups:
        check_response(numeric(answer=2.5), "-1.244.000")
    assert str(groups.value).endswith("Type -1244000 if you mean that.")
    assert check_response(numeric(answer=3.142), "3.142") == 3.142
    assert check_response(numeric(answer=1200), "0.125") == 0.125
    assert check_response(numeric(answer=1200), "1.25") == 1.25


@pytest.mark.parametrize(
    ("value", "shown"),
    [(5e-05, "0.00005"), (1200.0, "1200"), (-0.25, "-0.25"), (1.5e16 + 2, "15000000000000002")],
)
def test_a_number_is_shown_without_an_exponent(value: float, shown: str) -> None:
    assert format_number(value) == shown
    assert graded(numeric(answer=value), shown).correct  # a page can send it back as it is


def test_numeric_exact_without_tolerance() -> None:
    assert graded(numeric(), "1,244").correct
    assert not graded(numeric(), "1245").correct
    assert not graded(numeric(), "1244.01").correct


def test_numeric_forgives_floating_point_error() -> None:
    assert graded(numeric(answer=0.3), 0.1 + 0.2).correct
    assert graded(numeric(answer=1.1, tolerance=0.1), 1.2).correct
    assert not graded(numeric(answer=0.3), 0.3001).correct


def test_numeric_parts() -> None:
    question = numeric(answer=1244, tolerance=10, unit="km")
    assert graded(question, "1,250").parts == (
        PartResult("Answer", "1250 km", "1244 ± 10 km", True),
    )


# date ---------------------------------------------------------------------------------


def test_date_stores_text_and_iso() -> None:
    assert check_response(date(), "Oct. 12th") == {"text": "Oct. 12th", "iso": "--10-12"}
    assert check_response(date(), "  12  October 2025 ") == {
        "text": "12 October 2025",
        "iso": "2025-10-12",
    }


@pytest.mark.parametrize(
    ("answer", "typed", "correct"),
    [
        ("--10-12", "October 12", True),
        ("--10-12", "Oct. 12th", True),
        ("--10-12", "12 October 2020", True),
        ("--10-12", "October 13", False),
        ("2025-10-12", "12 Oct 2025", True),
        ("2025-10-12", "2025-10-12", True),
        ("2025-10-12", "October 12, 2024", False),
        (dt.date(2025, 10, 12), "Sunday, October 12, 2025", True),
    ],
)
def test_date_grades(answer: Any, typed: str, correct: bool) -> None:
    assert graded(date(answer), typed).correct is correct


def test_date_parts() -> None:
    assert graded(date("2025-10-12"), "oct 12 2024").parts == (
        PartResult("Date", "October 12, 2024", "October 12, 2025", False),
    )


def test_a_date_without_its_year_is_refused_when_the_answer_has_one() -> None:
    """Refused, not marked wrong: the question's hint asks for the year, and the learner
    who left it out loses nothing."""
    with pytest.raises(InvalidResponse) as error:
        check_response(date("2025-10-12"), "October 12")
    assert str(error.value) == YEAR_NEEDED
    assert check_response(date("--10-12"), "October 12")["iso"] == "--10-12"


def test_date_refuses_ambiguous_numbers_with_the_parser_message() -> None:
    with pytest.raises(InvalidResponse) as error:
        check_response(date(), "10/12")
    assert str(error.value) == (
        '"10/12" could mean 10 December or October 12: write the month as a word,'
        ' for example "12 October".'
    )


@pytest.mark.parametrize(
    "raw", ["", "February 30", "12/10/2025", "Octobr 12", None, 20251012, ["October 12"]]
)
def test_date_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(date(), raw)


# match --------------------------------------------------------------------------------


def pairs(question: MatchQuestion, chosen: dict[str, str]) -> dict[str, str]:
    lefts, rights = question.left_ids(), question.right_ids()
    return {lefts[left]: rights[right] for left, right in chosen.items()}


VUCIC, OSMANI, KURTI = "Vučić", "Osmani", "Kurti"
APPALLED, HISTORIC, SILENT, NO_COMMENT = (
    "“I am appalled…”",
    "“A historic day”",
    "“We will not be silent”",
    "“No comment”",
)


@pytest.mark.parametrize(
    ("chosen", "fraction"),
    [
        ({VUCIC: APPALLED, OSMANI: HISTORIC, KURTI: SILENT}, Fraction(1)),
        ({VUCIC: APPALLED, OSMANI: HISTORIC, KURTI: NO_COMMENT}, Fraction(2, 3)),
        ({VUCIC: APPALLED, OSMANI: HISTORIC}, Fraction(2, 3)),
        ({VUCIC: APPALLED, OSMANI: SILENT, KURTI: HISTORIC}, Fraction(1, 3)),
        ({VUCIC: APPALLED, OSMANI: APPALLED, KURTI: APPALLED}, Fraction(1, 3)),
        ({VUCIC: HISTORIC, OSMANI: SILENT, KURTI: APPALLED}, Fraction(0)),
        ({}, Fraction(0)),
    ],
)
def test_match_partial_credit(chosen: dict[str, str], fraction: Fraction) -> None:
    question = match(points=6)
    result = graded(question, pairs(question, chosen))
    assert result.fraction == float(fraction)
    assert result.points == round(float(fraction) * 6, 4)
    assert result.correct is (fraction == 1)


def test_match_parts_per_pair() -> None:
    question = match()
    result = graded(question, pairs(question, {VUCIC: APPALLED, OSMANI: NO_COMMENT}))
    assert result.parts == (
        PartResult(VUCIC, APPALLED, APPALLED, True),
        PartResult(OSMANI, NO_COMMENT, HISTORIC, False),
        PartResult(KURTI, "—", SILENT, False),
    )


def test_match_normalizes_unanswered_pairs_away() -> None:
    question = match()
    lefts, rights = question.left_ids(), question.right_ids()
    raw = {lefts[KURTI]: rights[SILENT], lefts[VUCIC]: None, lefts[OSMANI]: ""}
    assert check_response(question, raw) == {lefts[KURTI]: rights[SILENT]}


def test_match_refuses() -> None:
    question = match()
    lefts, rights = question.left_ids(), question.right_ids()
    other = match(id="other-quotes")
    tampered: list[Any] = [
        {"deadbeef": rights[APPALLED]},
        {lefts[VUCIC]: "deadbeef"},
        {lefts[VUCIC]: other.right_ids()[APPALLED]},
        {other.left_ids()[VUCIC]: rights[APPALLED]},
        {lefts[VUCIC]: lefts[OSMANI]},
        {rights[APPALLED]: rights[APPALLED]},
        {lefts[VUCIC]: APPALLED},
        {VUCIC: rights[APPALLED]},
        {lefts[VUCIC]: [rights[APPALLED]]},
        {lefts[VUCIC]: 1},
        [[lefts[VUCIC], rights[APPALLED]]],
        "pairs",
        None,
    ]
    for raw in tampered:
        with pytest.raises(InvalidResponse):
            check_response(question, raw)


# order --------------------------------------------------------------------------------


# 5 items: (L - 1) / 4, where L is the longest run kept in the correct relative order.
@pytest.mark.parametrize(
    ("arranged", "fraction", "in_order"),
    [
        ("ABCDE", Fraction(4, 4), 5),
        ("BACDE", Fraction(3, 4), 4),  # one adjacent swap
        ("EABCD", Fraction(3, 4), 4),  # the last moved first
        ("ABCED", Fraction(3, 4), 4),
        ("ACBED", Fraction(2, 4), 3),  # two swaps
        ("BADCE", Fraction(2, 4), 3),
        ("CDEAB", Fraction(2, 4), 3),
        ("EDCAB", Fraction(1, 4), 2),
        ("EDCBA", Fraction(0), 0),  # reversed: a single item is in order with nothing
    ],
)
def test_order_partial_credit(arranged: str, fraction: Fraction, in_order: int) -> None:
    question = order()
    result = graded(question, ids(question, *arranged))
    assert result.fraction == float(fraction)
    assert result.correct is (fraction == 1)
    marked = [part.label for part in result.parts if part.correct]
    assert len(marked) == in_order
    # the marked items are in the correct relative order
    assert marked == sorted(marked)


def test_order_of_two() -> None:
    question = order(["first", "second"])
    assert graded(question, ids(question, "first", "second")).fraction == 1.0
    assert graded(question, ids(question, "second", "first")).fraction == 0.0


def test_order_parts() -> None:
    question = order()
    result = graded(question, ids(question, *"EABCD"))
    assert result.parts == (
        PartResult("E", "position 1", "position 5", False),
        # In order with one another, though none is in its place: not "A: position 2".
        PartResult("A", "in order", "position 1", True),
        PartResult("B", "in order", "position 2", True),
        PartResult("C", "in order", "position 3", True),
        PartResult("D", "in order", "position 4", True),
    )


def test_order_stores_the_arrangement() -> None:
    question = order()
    arranged = ids(question, *"CABED")
    assert check_response(question, arranged) == arranged


def test_order_refuses() -> None:
    question = order()
    a, b, c, d, e = ids(question, *"ABCDE")
    tampered: list[Any] = [
        [a, b, c, d],  # an item missing
        [a, b, c, d, d],  # an item twice
        [a, a, b, c, d, e],
        [a, b, c, d, e, "deadbeef"],  # an unknown id
        [a, b, c, d, "deadbeef"],
        [a, b, c, d, order(list("ABCDEF")).item_ids()["F"]],
        [a, b, c, d, choice_id("another-question", "E")],
        [],
        list("ABCDE"),  # texts, not ids
        [a, b, c, d, 5],
        {"order": [a, b, c, d, e]},
        a,
        None,
    ]
    for raw in tampered:
        with pytest.raises(InvalidResponse):
            check_response(question, raw)


@pytest.mark.parametrize(
    ("values", "length"),
    [([], 0), ([3], 1), ([0, 1, 2], 3), ([2, 1, 0], 1), ([1, 0, 2, 3], 3), ([4, 0, 1, 2, 3], 4)],
)
def test_longest_increasing(values: list[int], length: int) -> None:
    chosen = longest_increasing(values)
    assert len(chosen) == length
    assert [values[i] for i in chosen] == sorted(values[i] for i in chosen)


@given(st.permutations(range(7)))
def test_longest_increasing_is_longest(values: list[int]) -> None:
    chosen = longest_increasing(values)
    picked = [values[i] for i in chosen]
    assert chosen == sorted(chosen)
    assert all(x < y for x, y in zip(picked, picked[1:], strict=False))
    longest = max(
        size
        for size in range(1, len(values) + 1)
        for subset in combinations(values, size)
        if list(subset) == sorted(subset)
    )
    assert len(chosen) == longest


# cloze --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gaps", "tolerance", "fraction"),
    [
        (["Pristina", "Kosovo", "2008"], 0, Fraction(1)),
        (["prishtina", "KOSOVO", "2008."], 0, Fraction(1)),
        (["Pristina", "Kosovo", "2009"], 0, Fraction(2, 3)),
        (["Pristina", "Serbia", ""], 0, Fraction(1, 3)),
        (["", "", ""], 0, Fraction(0)),
        (["Pristna", "Kosova", "2008"], 0, Fraction(1, 3)),
        (["Pristna", "Kosova", "2008"], 1, Fraction(1)),
        (["Pristina", "Kosovo", "2009"], 1, Fraction(2, 3)),  # no typo in digits
    ],
)
def test_cloze_partial_credit(gaps: list[str], tolerance: int, fraction: Fraction) -> None:
    question = cloze(typo_tolerance=tolerance, points=3)
    result = graded(question, gaps)
    assert result.fraction == float(fraction)
    assert result.points == round(float(fraction) * 3, 4)
    assert result.correct is (fraction == 1)


def test_cloze_parts_per_gap() -> None:
    result = graded(cloze(), ["Prishtina", "", "2009"])
    assert result.parts == (
        PartResult("Gap 1", "Prishtina", "Pristina", True),
        PartResult("Gap 2", "—", "Kosovo", False),
        PartResult("Gap 3", "2009", "2008", False),
    )


def test_cloze_stores_stripped_gaps() -> None:
    assert check_response(cloze(), [" Pristina ", None, ""]) == ["Pristina", "", ""]


@pytest.mark.parametrize(
    "raw",
    [
        ["Pristina", "Kosovo"],
        ["Pristina", "Kosovo", "2008", "extra"],
        [],
        "Pristina Kosovo 2008",
        None,
        {"1": "Pristina"},
        ["Pristina", "Kosovo", 2008],
        ["Pristina", "Kosovo", ["2008"]],
        ["Pristina", "Kosovo", "2" * 501],
    ],
)
def test_cloze_refuses(raw: Any) -> None:
    with pytest.raises(InvalidResponse):
        check_response(cloze(), raw)


def test_cloze_gap_count_message() -> None:
    with pytest.raises(InvalidResponse) as error:
        check_response(cloze(), ["Pristina"])
    assert str(error.value) == (
        "This question has 3 gaps: send one answer for each. Reload the page and answer again."
    )


# points and unanswered ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question_points", "right", "points"),
    [(3, 1, 1.0), (3, 2, 2.0), (1, 1, 0.3333), (1, 2, 0.6667), (100, 1, 33.3333), (0.5, 2, 0.3333)],
)
def test_points_are_rounded_to_four_places(
    question_points: float, right: int, points: float
) -> None:
    question = cloze(points=question_points)
    gaps = ["Pristina", "Kosovo", "2008"][:right] + [""] * (3 - right)
    result = graded(question, gaps)
    assert result.points == points
    assert result.max_points == question_points


def test_unanswered_earns_nothing() -> None:
    question = single(points=2)
    assert grade(question, None) == Grade(
        0.0, 0.0, 2.0, False, (PartResult("Answer", "—", "Pristina", False),)
    )
    assert describe_response(question, None) == "—"


# canonical_answer, describe_answer, describe_response ---------------------------------


@pytest.mark.parametrize(
    ("question", "canonical", "described"),
    [
        (single(), "Pristina", "Pristina"),
        (
            multiple(answer=["Kurti", "Osmani"]),
            ["Osmani", "Kurti"],
            "Osmani; Kurti",
        ),
        (true_false(True), True, "True"),
        (true_false(False), False, "False"),
        (short(), ["Ulutaş", "Ozkan Ulutaş"], "Ulutaş"),
        (numeric(), 1244, "1244"),
        (numeric(answer=1244.0), 1244, "1244"),
        (numeric(answer=-3.5), -3.5, "-3.5"),
        (numeric(answer=12, unit="%"), 12, "12%"),
        (numeric(answer=1244, tolerance=10, unit="km"), 1244, "1244 ± 10 km"),
        (numeric(answer=0.5, tolerance=0.05), 0.5, "0.5 ± 0.05"),
        (date(), "--10-12", "October 12"),
        (date("2025-10-12"), "2025-10-12", "October 12, 2025"),
        (date(dt.date(2025, 10, 12)), "2025-10-12", "October 12, 2025"),
        (
            match(),
            [[VUCIC, APPALLED], [OSMANI, HISTORIC], [KURTI, SILENT]],
            f"{VUCIC} — {APPALLED}; {OSMANI} — {HISTORIC}; {KURTI} — {SILENT}",
        ),
        (order(list("ABC")), ["A", "B", "C"], "A → B → C"),
        (cloze(), [["Pristina", "Prishtina"], ["Kosovo"], ["2008"]], "Pristina; Kosovo; 2008"),
    ],
)
def test_canonical_and_described_answers(question: Any, canonical: Any, described: str) -> None:
    assert canonical_answer(question) == canonical
    assert type(canonical_answer(question)) is type(canonical)
    assert json.loads(json.dumps(canonical_answer(question))) == canonical
    assert describe_answer(question) == described


def test_describe_response() -> None:
    choices = multiple()
    match_question = match()
    items = order(list("ABC"))
    assert describe_response(single(), ids(single(), "Skopje")[0]) == "Skopje"
    assert describe_response(choices, ids(choices, "Kurti", "Vučić")) == "Vučić; Kurti"
    assert describe_response(choices, []) == "—"
    assert describe_response(true_false(), False) == "False"
    assert describe_response(short(), "Ulutas") == "Ulutas"
    assert describe_response(short(), "") == "—"
    assert describe_response(numeric(unit="km"), 1250) == "1250 km"
    assert describe_response(numeric(), -3.5) == "-3.5"
    assert describe_response(date(), {"text": "Oct. 12th", "iso": "--10-12"}) == "October 12"
    assert describe_response(match_question, pairs(match_question, {KURTI: NO_COMMENT})) == (
        f"{KURTI} — {NO_COMMENT}"
    )
    assert describe_response(match_question, {}) == "—"
    assert describe_response(items, ids(items, *"CAB")) == "C → A → B"
    assert describe_response(cloze(), ["Pristina", "", "2008"]) == "Pristina; —; 2008"
    assert describe_response(cloze(), ["", "", ""]) == "—"


# properties ---------------------------------------------------------------------------


words = st.text(alphabet="abcdeĐčš 12.,-'", min_size=1, max_size=8).map(str.strip).filter(bool)


def distinct_words(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(words, min_size=min_size, max_size=max_size, unique=True)


@st.composite
def questions(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(QUESTION_TYPES))
    common = {"id": "q", "points": draw(st.sampled_from([0.5, 1, 3, 100])), **BASE}
    if kind in ("single", "multiple"):
        choices = draw(distinct_words(2, 6))
        if kind == "single":
            return SingleQuestion(
                type=kind, choices=choices, answer=draw(st.sampled_from(choices)), **common
            )
        answer = draw(st.lists(st.sampled_from(choices), min_size=1, unique=True))
        return MultipleQuestion(type=kind, choices=choices, answer=answer, **common)
    if kind == "true_false":
        return TrueFalseQuestion(type=kind, answer=draw(st.booleans()), **common)
    if kind == "short":
        return ShortQuestion(
            type=kind,
            answers=draw(distinct_words(1, 3)),
            typo_tolerance=draw(st.integers(0, 3)),
            **common,
        )
    if kind == "numeric":
        return NumericQuestion(
            type=kind,
            answer=draw(st.floats(-1e9, 1e9)),
            tolerance=draw(st.sampled_from([0, 0.5, 10])),
            unit=draw(st.sampled_from([None, "km", "%"])),
            **common,
        )
    if kind == "date":
        day = draw(st.dates())
        answer = day.isoformat() if draw(st.booleans()) else day.strftime("--%m-%d")
        return DateQuestion(type=kind, answer=answer, **common)
    if kind == "match":
        rights = draw(distinct_words(3, 7))
        lefts = draw(distinct_words(2, len(rights) - 1))
        return MatchQuestion(
            type=kind,
            pairs=[
                Pair(left=left, right=right) for left, right in zip(lefts, rights, strict=False)
            ],
            distractors=rights[len(lefts) :],
            **common,
        )
    if kind == "order":
        return OrderQuestion(type=kind, items=draw(distinct_words(2, 7)), **common)
    gaps = draw(st.lists(distinct_words(1, 3), min_size=1, max_size=4))
    text = " ".join(f"w{{{{{'|'.join(accepted)}}}}}" for accepted in gaps)
    return ClozeQuestion(type=kind, text=text, typo_tolerance=draw(st.integers(0, 3)), **common)


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=12),
    st.lists(st.text(max_size=6), max_size=4),
    st.dictionaries(st.text(max_size=6), st.text(max_size=6), max_size=3),
)


def raw_responses(question: Any) -> st.SearchStrategy[Any]:
    """Responses a form could post: well-formed ones built from the question, and junk."""
    kind = question.type
    if kind == "single":
        made = st.sampled_from(list(question.choice_ids().values()))
    elif kind == "multiple":
        made = st.lists(st.sampled_from(list(question.choice_ids().values())))
    elif kind == "true_false":
        made = st.sampled_from([True, False, "true", "false", "True"])
    elif kind == "short":
        made = st.one_of(words, st.sampled_from(question.answers))
    elif kind == "numeric":
        made = st.one_of(
            st.floats(),
            st.integers(),
            st.text(alphabet="0123456789,. -km%", max_size=12),
            st.just(question.answer),
        )
    elif kind == "date":
        made = st.one_of(
            st.dates().map(lambda day: day.strftime("%B %d, %Y")),
            st.dates().map(lambda day: day.strftime("%d %b")),
            st.text(alphabet="0123456789/.- OctJanth", max_size=14),
        )
    elif kind == "match":
        made = st.dictionaries(
            st.sampled_from(list(question.left_ids().values())),
            st.sampled_from([*question.right_ids().values(), "", None]),
        )
    elif kind == "order":
        item_ids = list(question.item_ids().values())
        made = st.one_of(st.permutations(item_ids), st.lists(st.sampled_from(item_ids)))
    else:
        count = len(question.gaps())
        made = st.lists(st.one_of(words, st.just("")), min_size=count, max_size=count)
    return st.one_of(made, junk)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_any_accepted_response_grades_between_zero_and_one(data: st.DataObject) -> None:
    question = data.draw(questions())
    raw = data.draw(raw_responses(question))
    try:
        response = check_response(question, raw)
    except InvalidResponse as error:
        assert str(error)
        return
    assert json.loads(json.dumps(response)) == response
    result = grade(question, response)
    assert 0 <= result.fraction <= 1
    assert result.points == round(result.fraction * question.points, 4)
    assert 0 <= result.points <= result.max_points == question.points
    assert result.correct is (result.fraction == 1)
    assert result.parts
    assert isinstance(describe_response(question, response), str)


def perfect_response(question: Any) -> Any:
    """What a learner who knows the answer sends."""
    answer = canonical_answer(question)
    kind = question.type
    if kind == "single":
        return question.choice_ids()[answer]
    if kind == "multiple":
        return [question.choice_ids()[text] for text in answer]
    if kind == "short":
        return answer[0]
    if kind == "match":
        lefts, rights = question.left_ids(), question.right_ids()
        return {lefts[left]: rights[right] for left, right in answer}
    if kind == "order":
        return [question.item_ids()[text] for text in answer]
    if kind == "cloze":
        return [accepted[0] for accepted in answer]
    return answer


@settings(deadline=None)
@given(questions())
def test_the_canonical_answer_earns_full_points(question: Any) -> None:
    result = grade(question, check_response(question, perfect_response(question)))
    assert result.correct
    assert result.fraction == 1.0
    assert result.points == round(question.points, 4)
    assert all(part.correct for part in result.parts)
