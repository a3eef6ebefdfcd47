"""Loading and validating banks: every problem at its line and column, in plain words."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import re
import string
import tempfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizapp import cli
from quizapp.core.bank.export import bank_to_json
from quizapp.core.bank.jsonschema import render_schema
from quizapp.core.bank.loader import (
    MAX_BANK_BYTES,
    Problem,
    find_bank_files,
    load_bank_file,
    load_bank_text,
    load_banks,
)
from quizapp.core.bank.schema import QUESTION_TYPES
from quizapp.core.bank.sources import Article
from quizapp.core.bank.yamlpos import Positions, _syntax_problem, read_yaml

DATA = Path(__file__).parents[1] / "data"
BROKEN = DATA / "broken"
VALID = DATA / "valid"
VALID_BANK = VALID / "library.yaml"
REPO = Path(__file__).parents[2]

TYPES = "one of: single, multiple, true_false, short, numeric, date, match, order, cloze"

# Each broken file and the problems it must report, in order, as "line:col: message";
# each expected text is a prefix of the problem's text.
EXPECTED = {
    "syntax-error.yaml": [
        "12:5: this line is not 'key: value': is the ':' after the key missing",
    ],
    "unknown-key.yaml": [  # one typo, one problem: not also "missing key 'prompt'"
        "12:5: unknown key 'promt', did you mean 'prompt'? (question 'reopened-day')",
    ],
    "missing-key.yaml": [
        "10:5: missing key 'explanation' (question 'reopened-day')",
    ],
    "wrong-type.yaml": [
        "17:13: 'points' must be a number, got 'two' (question 'visitors')",
    ],
    "duplicate-question-id.yaml": [
        "18:9: duplicate question id 'reopened-day' (first on line 10)",
    ],
    "answer-not-among-choices.yaml": [
        "14:5: the answer 'Sunday' is not among the choices (question 'reopened-day')",
    ],
    "single-no-answer.yaml": [
        "14:5: a 'single' question needs exactly one correct answer, got 0",
    ],
    "single-two-answers.yaml": [
        "14:5: a 'single' question needs exactly one correct answer, got 2",
    ],
    "empty-prompt.yaml": [
        "12:13: 'prompt' must not be empty (question 'reopened-day')",
    ],
    "empty-choice.yaml": [
        "15:8: choice 2 must not be empty (question 'reopened-day')",
    ],
    "unknown-question-type.yaml": [
        f"11:11: unknown question type 'singel', did you mean 'single'? ({TYPES})",
    ],
    "quiz-unknown-question.yaml": [
        "28:31: quiz 'key-facts' names unknown question 'visitor', did you mean 'visitors'?",
    ],
    "quiz-unknown-tag.yaml": [
        "26:5: quiz 'by-tag' selects no questions",
        "28:12: quiz 'by-tag' names unknown tag 'dats', did you mean 'dates'?",
    ],
    "quiz-count-too-large.yaml": [
        "29:12: quiz 'numbers' draws 5 questions (count) but selects only 2",
    ],
    "source-not-in-article.yaml": [
        "16:13: source sentence of question 'reopened-day' not found in sources/article.txt;"
        " did you mean: “The library first opened in 1911, in a former grain warehouse"
        " beside the river.”?",
    ],
    "missing-source-file.yaml": [
        "7:9: source text file 'sources/missing.txt' not found",
    ],
    "source-outside-folder.yaml": [
        "7:9: source text '../valid/sources/library.txt' points outside the bank's folder",
    ],
    "duplicate-mapping-key.yaml": [
        "16:5: duplicate key 'prompt' (first on line 12)",
    ],
    "alias-bomb.yaml": [
        "2:4: anchors and aliases (&, *) are not allowed in a bank (80 more)",
    ],
    "unsafe-yaml.yaml": [
        "9:1: the key 'yes' is read as true/false; keys must be text, so put it in quotes",
        "10:1: merge keys (<<) are not allowed in a bank",
        "11:1: unknown key 'extra'; expected one of: id, title, language,",
        "11:8: the YAML tag '!!python/object/apply:os.system' is not allowed in a bank",
    ],
    "not-a-mapping.yaml": [
        "1:1: a bank is a mapping of keys (id, title, questions, …), not a list",
    ],
    "many-problems.yaml": [
        f"11:11: unknown question type 'singel', did you mean 'single'? ({TYPES}) (question 'q1')",
        "19:5: unknown key 'promt', did you mean 'prompt'? (question 'q2')",
        "28:13: 'points' must be a number, got 'two' (question 'q3')",
        "30:13: source sentence of question 'q3' not found in sources/article.txt; did you mean:"
        " “About 1,200 visitors came through the doors on the first day.”?",
        "31:9: duplicate question id 'q3' (first on line 24)",
        "33:13: 'prompt' must not be empty (question 'q3')",
        "34:23: choice 2 must not be empty (question 'q3')",
        # Checked although the question's other fields have problems.
        "35:5: the answer 'Sunday' is not among the choices (question 'q3')",
        "42:5: the answer 'Sunday' is not among the choices (question 'q5')",
        "44:13: source sentence of question 'q5' not found in sources/article.txt",
        "45:5: missing key 'explanation' (question 'q6')",
        "54:13: 'answer' must be a date like 2025-03-05, or --03-05 for a date without a year,"
        " got 5 (question 'q7')",
        "56:17: 'difficulty' must be one of: easy, medium, hard, got 'hardd',"
        " did you mean 'hard'? (question 'q7')",
        "58:5: question 8 must be a mapping of keys, got 'just text'",
        "62:21: quiz 'key-facts' names unknown question 'q99'",
        "63:5: quiz 'tagged' selects no questions",
        "65:12: quiz 'tagged' names unknown tag 'histry' (no question has it)",
        "69:12: quiz 'big' draws 4 questions (count) but selects only 1",
    ],
}


def _report(problems: list[Problem]) -> list[str]:
    return [f"{p.line}:{p.col}: {p.message}" for p in problems]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_bank_reports_each_problem_at_its_place(name: str) -> None:
    loaded = load_bank_file(BROKEN / name)
    assert not loaded.ok and loaded.bank is None
    report = _report(loaded.problems)
    assert len(report) == len(EXPECTED[name]), "\n".join(report)
    for problem, expected in zip(report, EXPECTED[name], strict=True):
        assert problem.startswith(expected)
    assert {p.file for p in loaded.problems} == {str(BROKEN / name)}


def test_every_broken_bank_has_expectations() -> None:
    assert {p.name for p in find_bank_files([BROKEN])} == set(EXPECTED)


def test_problem_reads_as_file_line_col_message() -> None:
    assert str(Problem("a.yaml", 3, 5, "unknown key 'x'")) == "a.yaml:3:5: unknown key 'x'"


def test_valid_bank_has_one_question_of_each_type() -> None:
    loaded = load_bank_file(VALID_BANK)
    assert loaded.ok, [str(p) for p in loaded.problems]
    assert loaded.bank is not None
    assert sorted(q.type for q in loaded.bank.questions) == sorted(QUESTION_TYPES)
    assert loaded.bank_id == "riverside-library"
    assert loaded.source_text is not None
    assert loaded.source_text.startswith("Riverside library reopens")
    assert loaded.text == VALID_BANK.read_text(encoding="utf-8")


def _valid_text() -> str:
    return VALID_BANK.read_text(encoding="utf-8")


def _edited(old: str, new: str) -> tuple[str, list[str]]:
    """The valid bank with one edit, and the problems it then has."""
    text = _valid_text()
    assert old in text
    text = text.replace(old, new, 1)
    return text, _report(load_bank_text(text, "bank.yaml", VALID).problems)


def _line(text: str, snippet: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(snippet, index + 1)
    return text.count("\n", 0, index) + 1


def test_upload_resolves_the_article_in_the_given_folder() -> None:
    loaded = load_bank_text(_valid_text().encode(), "upload.yaml", VALID)
    assert loaded.ok
    assert loaded.source_text is not None


def test_without_a_folder_the_article_is_not_checked() -> None:
    text, problems = _edited("sources/library.txt", "sources/nowhere.txt")
    assert problems == [
        f"{_line(text, 'nowhere')}:9: source text file 'sources/nowhere.txt' not found"
    ]
    assert load_bank_text(text, "upload.yaml", None).ok


def test_an_article_not_found_says_how_to_provide_it_where_the_caller_asks() -> None:
    text, _ = _edited("sources/library.txt", "sources/nowhere.txt")
    loaded = load_bank_text(text, "upload.yaml", VALID, where_to_put_the_article="attach it")
    assert [problem.message for problem in loaded.problems] == [
        "source text file 'sources/nowhere.txt' not found: attach it"
    ]
    unreadable = load_bank_text(
        text.replace("sources/nowhere.txt", "/etc/passwd"),
        "upload.yaml",
        VALID,
        where_to_put_the_article="attach it",
    )
    assert [problem.message for problem in unreadable.problems] == [
        "source text '/etc/passwd' must be a path relative to the bank's folder"
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("answer: 1200", "answer: .nan", "'answer' must be a finite number, got nan"),
        ("answer: 1200", "answer: -.inf", "'answer' must be a finite number, got -inf"),
        ("tolerance: 50", "tolerance: .inf", "'tolerance' must be a finite number, got inf"),
        ("answer: 1200", "answer: '1200'", "'answer' must be a number, got '1200'"),
        ("answer: 1200", "answer: true", "'answer' must be a number, got true"),
        ("answer: 1200", f"answer: 0x{'f' * 5000}", "must be a number, got a number 6021 digits"),
        ("answer: true", "answer: 'yes'", "'answer' must be true or false, got 'yes'"),
        ("answer: true", "answer: 1", "'answer' must be true or false, got 1"),
        ("count: 3", "count: true", "'count' must be a whole number, got true"),
        ("count: 3", "count: '3'", "'count' must be a whole number, got '3'"),
        (
            "time_limit_minutes: 1",
            "time_limit_minutes: 1.0e-300",
            "'time_limit_minutes' must be at least 1, got 1e-300 (quiz 'timed')",
        ),
        # Past a 32-bit integer, PostgreSQL could not read it back: every home page failed.
        ("attempts: 2", "attempts: 3000000000", "'attempts' must be at most 100"),
        # Past what its column holds, PostgreSQL refused the import with a 500.
        ("title: Riverside library reopens", f"title: {'a' * 301}", "at most 300"),
        ("title: Key facts", f"title: {'k' * 301}", "at most 300"),
        ("- id: librarian", f"- id: {'c' * 76}", "at most 75"),
        ("language: en", f"language: en{'-abcdefgh' * 3}", "at most 20"),
    ],
)
def test_values_are_taken_as_written_not_converted(old: str, new: str, problem: str) -> None:
    """A number that no grader can compare with (nan, infinity), or a value of another type
    that pydantic would quietly convert, is a problem at its place."""
    _, problems = _edited(old, new)
    line = _line(_valid_text(), old)
    assert len(problems) == 1 and problems[0].startswith(f"{line}:"), problems
    assert problem in problems[0]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("text: sources/library.txt", "text: ' '", "'text' in 'source' must not be empty"),
        (
            "date: 2025-06-15",
            "date: 2025-06-15\n  url: 'javascript:alert(1)'",
            "'url' in 'source' must be a web address starting with https:// or http://,"
            " got 'javascript:alert(1)'",
        ),
    ],
)
def test_the_source_names_its_article_and_a_web_address(old: str, new: str, problem: str) -> None:
    """An empty source.text would skip the check of every question's source."""
    _, problems = _edited(old, new)
    assert [text.split(": ", 1)[1] for text in problems] == [problem]


def test_a_nul_character_in_a_text_or_the_article_is_a_problem_at_its_place() -> None:
    """Written "\\0" in double quotes, or in an uploaded article, it reached the database,
    which PostgreSQL refuses: a 500 instead of a message."""
    text, problems = _edited("title: ", 'title: "Riverside\\0" #')
    assert problems == [
        f"{_line(text, 'Riverside')}:8: a text holds the NUL character (\\0): delete it"
    ]
    article = (VALID / "sources" / "library.txt").read_text(encoding="utf-8")
    broken = article.replace("\n", "\n\x00", 1)
    loaded = load_bank_text(_valid_text(), "bank.yaml", VALID, source_text_override=broken)
    assert [problem.message for problem in loaded.problems] == [
        "the article holds a NUL character (line 2, column 1): delete it"
    ]
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "sources").mkdir()
        (Path(folder) / "sources" / "library.txt").write_text(broken, encoding="utf-8")
        on_disk = load_bank_text(_valid_text(), "bank.yaml", Path(folder))
    assert [problem.message for problem in on_disk.problems] == [
        "source text file 'sources/library.txt': the article holds a NUL character"
        " (line 2, column 1): delete it"
    ]


def test_a_cards_source_is_checked_against_the_article_like_a_questions() -> None:
    card = "    back: Marta Lindqvist\n"
    quoted = card + "    source: The repairs cost 3.4 million euros\n"
    assert _edited(card, quoted)[1] == []
    typo = "The repairs cost 3.5 million euros, most of it paid by the regional government."
    text, problems = _edited(card, card + f"    source: {typo}\n")
    line = _line(text, "source: The repairs cost 3.5")
    assert problems == [
        f"{line}:13: source sentence of card 'librarian' not found in sources/library.txt;"
        " did you mean: “The repairs cost 3.4 million euros, most of it paid by the regional"
        " government.”?"
    ]


def test_a_date_written_as_a_number_is_refused() -> None:
    """0 used to be read as 1 January 1970, seconds since then."""
    text, problems = _edited("date: 2025-06-15", "date: 1700006400")
    line = _line(text, "date: 1700006400")
    assert problems == [f"{line}:9: write the date as YYYY-MM-DD (2025-06-14), not as a number"]


def test_a_date_may_be_quoted_or_not() -> None:
    assert _edited("date: 2025-06-15", "date: '2025-06-15'")[1] == []
    assert _edited("answer: 2025-06-14", 'answer: "2025-06-14"')[1] == []


def test_source_checks_ignore_whitespace_and_accept_part_of_a_sentence() -> None:
    _, problems = _edited(
        "source: The new reading room holds 40 seats and opens at 8 o'clock every weekday.",
        'source: "The new reading   room holds\n      40 seats"',
    )
    assert problems == []


@pytest.mark.parametrize(
    ("quote", "problem"),
    [
        ("e", "the source of question 'who-said-what' is too short"),
        ("40 seats", "the source of question 'who-said-what' is too short"),
        (
            "ew reading room holds 40 sea",
            "source sentence of question 'who-said-what' not found",
        ),
    ],
)
def test_a_source_quotes_at_least_three_whole_words(quote: str, problem: str) -> None:
    """A letter, or words cut in two, used to pass as a quote of the article."""
    text, problems = _edited(
        "source: The new reading room holds 40 seats and opens at 8 o'clock every weekday.",
        f"source: {quote}",
    )
    line = _line(text, f"source: {quote}")
    assert len(problems) == 1 and problems[0].startswith(f"{line}:13: {problem}")


def test_a_long_wrong_value_is_shortened_in_its_message() -> None:
    """Messages used to repeat a 200 KB unknown id or type whole."""
    long = "q" * 5000
    _, problems = _edited("type: single", f"type: {long}")
    assert len(problems) == 1 and "unknown question type 'qqq" in problems[0]
    assert len(problems[0]) < 250
    text = _valid_text()
    listed = text[text.index("questions: [", text.index("quizzes:")) :].split("\n")[0]
    _, problems = _edited(listed, listed.replace("[", f"[{long}, ", 1))
    unknown = [problem for problem in problems if "names unknown question" in problem]
    assert len(unknown) == 1 and len(unknown[0]) < 200


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (  # further text has quotes: the parser reads on to the next one, lines below
            "prompt: On which day of the week did the library reopen?",
            'prompt: "On which day of the week did the library reopen?',
            ('"On which', 0),
            "this quoted text is not closed on its line, so YAML reads on to the next quote",
        ),
        (  # the last text of the file: the parser gives up at its end
            "back: Marta Lindqvist",
            'back: "Marta Lindqvist',
            ('"Marta', 0),
            "this quoted text is never closed",
        ),
        (
            "prompt: On which day of the week did the library reopen?",
            "prompt: **Which** day of the week did the library reopen?",
            ("**Which", 1),
            "text that starts with * or & must be in quotes",
        ),
        (
            "prompt: On which day of the week did the library reopen?",
            'prompt: "Save it in C:\\Users\\library"',
            ("\\Users", 2),  # at the U, which starts no escape
            "inside double quotes a backslash starts an escape",
        ),
    ],
)
def test_common_syntax_errors_are_explained_where_they_are(old, new, where, message) -> None:
    text, problems = _edited(old, new)
    snippet, offset = where
    line = _line(text, snippet)
    col = text.index(snippet) - text.rindex("\n", 0, text.index(snippet)) + offset
    assert problems == [problems[0]] and problems[0].startswith(f"{line}:{col}: {message}")


def test_a_misspelt_answer_is_reported_beside_another_problem_of_its_question() -> None:
    """A choice listed twice used to hide the misspelt answer until it was fixed."""
    text, problems = _edited(
        "    choices: [Friday, Saturday, Sunday]\n    answer: Saturday\n",
        "    choices: [Friday, Friday, Sunday]\n    answer: Saturdy\n",
    )
    choices, answer = _line(text, "choices: [Friday, Friday"), _line(text, "answer: Saturdy")
    assert problems == [
        f"{choices}:14: choice 'Friday' is listed twice (question 'reopened-day')",
        f"{answer}:5: the answer 'Saturdy' is not among the choices (question 'reopened-day')",
    ]
    # An answer with a problem of its own is told once.
    _, problems = _edited(
        "    choices: [Friday, Saturday, Sunday]\n    answer: Saturday\n",
        "    choices: [Friday, Friday, Sunday]\n    answer: ''\n",
    )
    assert len(problems) == 2 and "not among the choices" not in "".join(problems)


def test_an_answer_with_spaces_around_it_matches_its_choice_beside_another_problem() -> None:
    """The answer is compared with the choices as the schema compares it, spaces trimmed: a
    question blocked by a repeated choice used to have its good answer called misspelt."""
    text, problems = _edited(
        "    choices: [Friday, Saturday, Sunday]\n    answer: Saturday\n",
        '    choices: [Friday, Friday, Saturday]\n    answer: " Saturday "\n',
    )
    line = _line(text, "choices: [Friday, Friday")
    assert problems == [f"{line}:14: choice 'Friday' is listed twice (question 'reopened-day')"]


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "      - The regional government paid most of it\n    explanation",
            "      - They cost 3.4 million euros\n    explanation",
            ("    answer:\n      - They cost", 5),
            "an answer is listed twice (question 'who-paid')",
        ),
        (
            "answer: 2025-06-14",
            "answer: '--02-30'",
            ("answer: '--02-30'", 13),
            "'--02-30' is not a real month and day (question 'reopening-date')",
        ),
        (
            "{{three|3}}",
            "{{}}",
            ("text: Volunteers", 11),
            "a cloze gap {{}} is empty (question 'dried-books')",
        ),
        (
            "{{three|3}}",
            "{{ | }}",
            ("text: Volunteers", 11),
            "a cloze gap {{}} is empty (question 'dried-books')",
        ),
        (
            'right: "10"',
            'right: "40"',
            ("    pairs:", 5),
            "a right-hand item (or distractor) is listed twice (question 'who-said-what')",
        ),
        (
            'distractors: ["1911"]',
            'distractors: ["40"]',
            ("    pairs:", 5),
            "a right-hand item (or distractor) is listed twice (question 'who-said-what')",
        ),
        (  # the quiz's tags select four questions: one more is already too many
            "count: 3",
            "count: 5",
            ("count: 5", 12),
            "quiz 'numbers-and-dates' draws 5 questions (count) but selects only 4",
        ),
    ],
    ids=[
        "answer-twice",
        "no-such-day",
        "empty-gap",
        "blank-gap",
        "right-twice",
        "distractor-is-a-right",
        "count-one-too-many",
    ],
)
def test_a_question_or_quiz_that_cannot_be_asked_is_refused_at_its_place(
    old: str, new: str, where: tuple[str, int], message: str
) -> None:
    text, problems = _edited(old, new)
    snippet, col = where
    assert problems == [f"{_line(text, snippet)}:{col}: {message}"]


def test_the_edge_cases_of_those_checks_pass() -> None:
    """A leap day without a year, a gap with one answer, and a count of all the quiz's
    questions are fine."""
    assert _edited("answer: 2025-06-14", "answer: '--02-29'")[1] == []
    assert _edited("{{three|3}}", "{{ three }}")[1] == []
    assert _edited("count: 3", "count: 4")[1] == []


def test_duplicate_quiz_and_card_ids() -> None:
    text, problems = _edited("id: numbers-and-dates", "id: key-facts")
    first, second = _line(text, "id: key-facts"), _line(text, "id: key-facts", 2)
    assert problems == [f"{second}:9: duplicate quiz id 'key-facts' (first on line {first})"]

    extra_card = "\n  - id: librarian\n    front: Who?\n    back: Her."
    text, problems = _edited("back: Marta Lindqvist", "back: Marta Lindqvist" + extra_card)
    first, second = _line(text, "id: librarian"), _line(text, "id: librarian", 2)
    assert problems == [f"{second}:9: duplicate card id 'librarian' (first on line {first})"]


def test_absolute_source_path_is_refused() -> None:
    text, problems = _edited("text: sources/library.txt", "text: /etc/hostname")
    assert problems == [
        f"{_line(text, '/etc/hostname')}:9: source text '/etc/hostname' must be a path relative"
        " to the bank's folder"
    ]


def test_nested_keys_are_named_with_where_they_are() -> None:
    text, problems = _edited('        right: "40"', '        rigth: "40"')
    key = _line(text, "rigth")
    assert problems == [
        f"{key}:9: unknown key 'rigth' in pair 1, did you mean 'right'? (question 'who-said-what')",
    ]
    text, problems = _edited("  publisher:", "  publsher:")
    assert problems == [
        f"{_line(text, 'publsher')}:3: unknown key 'publsher' in 'source',"
        " did you mean 'publisher'?"
    ]


def test_question_type_that_is_not_text() -> None:
    text, problems = _edited("type: true_false", "type: [true_false]")
    assert problems == [
        f"{_line(text, '[true_false]')}:11: 'type' must be one of: single, multiple, true_false,"
        " short, numeric, date, match, order, cloze, got a list (question 'raised-foundations')"
    ]


def test_article_finds_passages_up_to_whitespace() -> None:
    article = Article("A title\nThe quick brown fox jumps.  It said “no.” Then\nit slept.\n")
    assert article.sentences == [
        "A title",
        "The quick brown fox jumps.",
        "It said “no.”",
        "Then",
        "it slept.",
    ]
    assert article.contains("The quick  brown\nfox jumps.")
    assert article.contains("quick brown fox")
    assert not article.contains("uick brown fo")  # in whole words only
    assert not article.contains("The quick brown fo")
    assert article.contains("said “no.”")
    assert article.contains("The quick bro\u00adwn fox")  # a soft hyphen, unseen
    # In a script written without spaces, any run of characters is in whole words.
    japanese = Article("東京は日本の首都です。大阪は大きい都市です。")
    assert japanese.contains("東京は日本の首都です。") and japanese.contains("日本の首都")
    assert not japanese.contains("日本の京都")
    accented = Article("Le café est fermé.")
    assert accented.contains("Le cafe\u0301 est ferme\u0301.")  # é as e and an accent
    assert article.contains("jumps. It said")
    assert article.contains("Then it slept.")
    assert not article.contains("The quick red fox jumps.")
    assert not article.contains("the quick brown fox")
    assert article.closest("The quick red fox jumps.") == "The quick brown fox jumps."
    assert article.closest("Something else entirely") is None


def test_byte_order_mark_is_tolerated() -> None:
    assert load_bank_text(codecs.BOM_UTF8 + _valid_text().encode(), "bom.yaml", VALID).ok
    assert load_bank_text("\ufeff" + _valid_text(), "bom.yaml", VALID).ok


def test_bytes_that_are_not_utf8_are_reported_at_the_first_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"id: caf\n" + "title: Café Crème\n".encode("latin-1"))
    loaded = load_bank_file(path)
    assert _report(loaded.problems) == [
        "2:11: the file is not UTF-8 text (byte 0xE9 cannot be read); save it with the UTF-8"
        " encoding"
    ]
    assert "Caf\ufffd" in loaded.text


@pytest.mark.parametrize(
    ("character", "named"),
    [
        ("\u2028", "an invisible line separator (U+2028)"),
        ("\x85", "an invisible line break (U+0085)"),
        ("\ufffd", "the replacement character � (U+FFFD)"),
    ],
)
def test_characters_an_editor_hides_are_reported_where_they_are(character, named) -> None:
    """YAML breaks lines at U+2028 and U+0085, so later problems were reported a line off;
    a � left by a bad encoding used to be imported as is."""
    text = _valid_text()
    line = _line(text, "title:")
    at = text.index("title:") + len("title: ")
    loaded = load_bank_text(text[:at] + character + text[at:], "hidden.yaml", VALID)
    assert not loaded.ok
    [problem] = _report(loaded.problems)
    assert problem.startswith(f"{line}:8: the text holds {named}")
    assert problem.endswith(": delete it, or type the character again")
    assert loaded.problems[0].line == line


def test_utf16_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(codecs.BOM_UTF16_LE + "id: x\n".encode("utf-16-le"))
    assert _report(load_bank_file(path).problems) == [
        "1:1: the file is UTF-16 text; save it as UTF-8"
    ]


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as file:
        file.truncate(MAX_BANK_BYTES + 1024 * 1024)
    assert _report(load_bank_file(path).problems) == [
        "1:1: the file is 11.0 MiB; it may be at most 10.0 MiB"
    ]
    text = "x" * (MAX_BANK_BYTES + 1)
    assert _report(load_bank_text(text, "big.yaml").problems) == [
        "1:1: the file is 10.0 MiB; it may be at most 10.0 MiB"
    ]


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_not_a_crash(opening: str) -> None:
    loaded = load_bank_text(opening * 200_000, "deep.yaml")
    assert [p.message for p in loaded.problems] == ["the YAML is nested more than 32 levels deep"]


def test_libyamls_own_nesting_limit_reads_as_ours() -> None:
    """libyaml 0.2.6 (PyYAML 6.0.4) stops 1000 flow levels itself, before the events reach
    the depth check; its message is told in the app's words."""
    mark = yaml.Mark("deep.yaml", 1000, 0, 1000, None, None)
    error = yaml.MarkedYAMLError(
        "while increasing flow level", mark, "exceeded maximum nesting depth", mark
    )
    problem = _syntax_problem(error, "deep.yaml")
    assert (problem.line, problem.col) == (1, 1001)
    assert problem.message == "the YAML is nested more than 32 levels deep"


def test_empty_file_and_second_document() -> None:
    assert _report(load_bank_text("# nothing yet\n", "e.yaml").problems) == [
        "1:1: the file is empty"
    ]
    second = load_bank_text(_valid_text() + "---\nid: other\n", "two.yaml", VALID)
    assert [p.message for p in second.problems] == [
        "a bank file holds one YAML document; a second starts here"
    ]


def test_special_characters_and_lone_surrogates() -> None:
    assert _report(load_bank_text("id: a\ntitle: b\x07\n", "bell.yaml").problems) == [
        "2:9: special character U+0007 is not allowed in YAML"
    ]
    assert _report(load_bank_text("id: a\ntitle: \ud800\n", "s.yaml").problems) == [
        "2:8: the text holds an invalid character (U+D800)"
    ]


def test_tabs_and_colons_get_a_hint() -> None:
    assert _report(load_bank_text("id: a\nsource:\n\ttitle: b\n", "tab.yaml").problems) == [
        "3:1: a tab cannot indent YAML: indent with spaces"
    ]
    (colon,) = load_bank_text("id: a\ntitle: Note: this\n", "colon.yaml").problems
    assert (colon.line, colon.col) == (2, 12)
    assert "put text that contains ': ' in quotes" in colon.message


def test_a_tab_that_breaks_a_value_gets_the_tab_hint_too() -> None:
    text = "id: a\nquestions:\n  - id: q2\n\ttype: single\n"
    assert _report(load_bank_text(text, "tab.yaml").problems) == [
        "4:1: a tab cannot indent YAML: indent with spaces"
    ]


def test_an_indentation_of_non_breaking_spaces_is_named_on_its_line() -> None:
    """Pasted from a word processor: YAML reads the spaces as text and gives up a line on."""
    text, problems = _edited(
        "    prompt: On what date", "\u00a0\u00a0\u00a0\u00a0prompt: On what date"
    )
    assert problems == [
        f"{_line(text, 'prompt: On what date')}:1: this line is indented with a non-breaking space"
        " (U+00A0), which YAML does not count as indentation (it comes with text pasted from a"
        " word processor or a web page): indent with ordinary spaces"
    ]


def test_an_impossible_date_is_one_problem_quoted_or_not() -> None:
    text, unquoted = _edited("answer: 2025-06-14", "answer: 2025-06-31")
    line = _line(text, "answer: 2025-06-31")
    assert unquoted == [
        f"{line}:13: '2025-06-31' is not a real date: correct it, or put it in quotes if it is"
        " meant as text"
    ]
    _, quoted = _edited("answer: 2025-06-14", "answer: '2025-06-31'")
    assert quoted == [f"{line}:13: '2025-06-31' is not a real date (question 'reopening-date')"]


def test_yes_and_no_written_as_choices_are_explained() -> None:
    text, problems = _edited("choices: [Friday, Saturday, Sunday]", "choices: [Yes, No]")
    line = _line(text, "[Yes, No]")
    assert problems[0] == (
        f"{line}:15: choice 1 must be text, got true (yes, no, on, off, true and false are read"
        " as true or false unless quoted); put it in quotes to use it as text"
        " (question 'reopened-day')"
    )


def test_a_value_starting_with_a_character_yaml_keeps_says_which_and_to_quote_it() -> None:
    for char in "%@`":
        problems = load_bank_text(f"id: a\nunit: {char}\n", "unit.yaml").problems
        assert _report(problems) == [
            f"2:7: YAML cannot start a value with {char}: put the text in quotes, as in '{char}…'"
        ]


def test_values_that_are_not_text_get_a_hint() -> None:
    text, problems = _edited("choices: [Friday, Saturday, Sunday]", "choices: [1990, 2000]")
    line = _line(text, "[1990, 2000]")
    assert problems == [
        f"{line}:15: choice 1 must be text, got 1990; put it in quotes to use it as text"
        " (question 'reopened-day')",
        f"{line}:21: choice 2 must be text, got 2000; put it in quotes to use it as text"
        " (question 'reopened-day')",
    ]


def test_invalid_dates_and_tags_are_reported() -> None:
    text = "id: a\ndate: 2025-02-30\nn: !!int ten\n"
    assert _report(read_yaml(text, "d.yaml")[1]) == [
        "2:7: '2025-02-30' is not a real date: correct it, or put it in quotes if it is meant"
        " as text",
        "3:4: 'ten' is not a valid !!int",
    ]


SCALARS = """\
plain: text
quoted: '007'
int: 42
octal: 010
not_octal: 08
hex: 0x1F
underscored: 1_000
sexagesimal: 1:30
float: 1.5e+3
infinity: -.inf
yes: [yes, No, on, OFF, true, False]
nothing: [~, null, ]
day: 2025-03-05
moment: 2025-03-05 10:30:00
folded: >
  one
  two
literal: |
  kept
  lines
"""


def test_times_as_choices_are_text_and_a_number_with_a_leading_zero_is_decimal() -> None:
    days = "    choices: [Friday, Saturday, Sunday]\n    answer: Saturday\n"
    text, problems = _edited(days, "    choices: [9:30, 10:30, 11:45]\n    answer: 10:30\n")
    assert problems == []
    _, problems = _edited("answer: 1200", "answer: 01200")
    assert problems == []
    bank = load_bank_text(text.replace("answer: 1200", "answer: 01200"), "b.yaml", VALID).bank
    assert bank is not None
    assert bank.questions[0].choices == ["9:30", "10:30", "11:45"]
    assert [q.answer for q in bank.questions if q.type == "numeric"] == [1200]


def test_scalars_resolve_as_safe_load_does_but_for_leading_zeros_and_times() -> None:
    """YAML 1.1 reads 010 as octal 8, 08 as text, and 1:30 in base 60 as 90: a teacher
    means 10, 8 and a time, as YAML 1.2 reads them."""
    text = SCALARS.replace("yes:", "'yes':")
    data, problems, _ = read_yaml(text, "s.yaml")
    assert problems == []
    assert data == {**yaml.safe_load(text), "octal": 10, "not_octal": 8, "sexagesimal": "1:30"}
    assert data["day"] == dt.date(2025, 3, 5)


# As st.text() draws, but for NUL, which is a problem of its own, and for digits that YAML
# 1.1 reads as text (08, 0_9: a dumper writes them unquoted) and a teacher as a number.
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00")).filter(
    lambda text: not re.fullmatch(r"[-+]?[0-9][0-9_]*", text)
)
plain_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts | st.dates(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=20,
)


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a value seen twice twice, rather than as an anchor and an alias."""

    def ignore_aliases(self, data: object) -> bool:
        return True


@given(plain_data, st.sampled_from([None, False, True]))
def test_any_dumped_data_reads_back_as_safe_load_reads_it(value: object, flow: bool) -> None:
    text = yaml.dump(value, Dumper=_NoAliasDumper, default_flow_style=flow, allow_unicode=True)
    data, problems, _ = read_yaml(text, "dump.yaml")
    assert problems == []
    assert data == yaml.safe_load(text)


def test_positions_by_path() -> None:
    text = _valid_text()
    positions = Positions(text)
    third_choice = _line(text, "- The town council paid all of it")
    assert positions.find(("questions", 1, "choices", 2)) == (third_choice, 9)
    answer = _line(text, "answer:\n      - They cost")
    assert positions.find(("questions", 1, "answer"), at_key=True) == (answer, 5)
    second_quiz = _line(text, "id: numbers-and-dates")
    assert positions.find(("quizzes", 1, "nowhere")) == (second_quiz, 5)
    assert positions.find(()) == (_line(text, "id: riverside-library"), 1)


def test_the_same_bank_id_in_two_files_is_a_problem_in_the_second(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "library.txt").write_bytes((VALID / "sources/library.txt").read_bytes())
    (tmp_path / "a.yaml").write_text(_valid_text(), encoding="utf-8")
    (tmp_path / "b.yml").write_text(_valid_text(), encoding="utf-8")
    first, second = load_banks([tmp_path])
    assert first.ok
    assert not second.ok and second.bank is None
    assert _report(second.problems) == [
        f"2:5: bank id 'riverside-library' is already used by {tmp_path / 'a.yaml'}"
    ]


def test_bank_files_are_found_in_folders_sorted_without_sources(tmp_path: Path) -> None:
    for name in [
        "b.yaml",
        "a.yml",
        "sub/c.yaml",
        "sources/article.yaml",
        ".hidden/d.yaml",
        "x.txt",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("id: x\n", encoding="utf-8")
    found = find_bank_files([tmp_path, tmp_path / "x.txt", tmp_path / "missing.yaml"])
    relative = [str(p.relative_to(tmp_path)) for p in found]
    assert relative == ["a.yml", "b.yaml", "sub/c.yaml", "x.txt", "missing.yaml"]
    missing = load_bank_file(tmp_path / "missing.yaml")
    assert _report(missing.problems) == ["1:1: no such file"]


def test_json_export_has_the_canonical_answers() -> None:
    loaded = load_bank_file(VALID_BANK)
    assert loaded.bank is not None
    exported = bank_to_json(loaded.bank)
    assert (exported["id"], exported["title"]) == ("riverside-library", "Riverside library reopens")
    by_id = {q["id"]: q for q in exported["questions"]}
    assert set(by_id["reopened-day"]) == {
        "id", "type", "prompt", "choices", "answer", "source", "tags"
    }  # fmt: skip
    assert by_id["reopened-day"]["choices"] == ["Friday", "Saturday", "Sunday"]
    assert by_id["reopened-day"]["answer"] == "Saturday"
    assert by_id["who-paid"]["answer"] == [
        "They cost 3.4 million euros",
        "The regional government paid most of it",
    ]
    assert by_id["raised-foundations"] | {"choices": None} == by_id["raised-foundations"]
    assert by_id["raised-foundations"]["answer"] is True
    assert by_id["head-librarian"]["answer"] == ["Lindqvist"]
    assert by_id["visitors"]["answer"] == 1200
    assert isinstance(by_id["visitors"]["answer"], int)
    assert by_id["reopening-date"]["answer"] == "2025-06-14"
    assert by_id["who-said-what"]["choices"] == ["40", "10", "1911"]
    assert by_id["who-said-what"]["answer"] == [
        ["Seats in the reading room", "40"],
        ["Books a child may borrow", "10"],
    ]
    assert by_id["history"]["choices"] == by_id["history"]["answer"]
    assert by_id["dried-books"]["answer"] == [["school gym", "gym"], ["three", "3"]]
    assert by_id["dried-books"]["tags"] == []
    json.dumps(exported)


def test_committed_schema_is_the_generated_one() -> None:
    committed = (REPO / "questions" / "schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(), (
        "questions/schema.json is out of date; regenerate it with:"
        " python -m quizapp.core.bank.jsonschema > questions/schema.json"
    )
    schema = json.loads(committed)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert "questions" in schema["required"]


# The command line


def _run(*args: str) -> object:
    return CliRunner().invoke(cli.main, ["validate", *args])


@pytest.fixture
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in tests/data, where files are shown relative to it."""
    monkeypatch.chdir(DATA)


def test_cli_valid_bank_prints_its_warnings_and_one_line_and_exits_0(in_data: None) -> None:
    result = _run(str(VALID_BANK))
    assert result.exit_code == 0, result.output
    *warnings, ok = result.stdout.splitlines()
    assert ok == (
        "valid/library.yaml: ok — riverside-library: Riverside library reopens"
        " (9 questions, 4 quizzes)"
    )
    assert [warning.split(": warning: ")[0] for warning in warnings] == [
        "valid/library.yaml:110:9",
        "valid/library.yaml:114:9",
        "valid/library.yaml:119:9",
    ]
    assert warnings[0].endswith(
        "quiz 'key-facts' shares 2 of its questions with the test 'timed' (attempts: 2), and"
        " its review shows their answers: give the test questions of its own, or a bank of its"
        " own"
    )


def test_a_practice_quiz_sharing_questions_with_a_test_is_a_warning_not_a_problem() -> None:
    """The quizzes of the valid bank that share questions with its test, and how many each."""
    loaded = load_bank_text(_valid_text(), "bank.yaml", VALID)
    assert loaded.ok
    shares = [
        (warning.line, warning.message.split(" of its questions")[0]) for warning in loaded.warnings
    ]
    text = _valid_text()
    assert shares == [
        (_line(text, "- id: key-facts"), "quiz 'key-facts' shares 2"),
        (_line(text, "- id: numbers-and-dates"), "quiz 'numbers-and-dates' shares 2"),
        (_line(text, "- id: all-types"), "quiz 'all-types' shares 3"),
    ]


def test_quizzes_that_share_no_question_with_a_test_or_are_tests_are_not_warned_of() -> None:
    text = _valid_text()
    assert not load_bank_text(text.replace("    attempts: 2\n", ""), "b.yaml", VALID).warnings
    both_tests = text.replace("    shuffle_questions: true\n", "    attempts: 1\n", 1)
    both_tests = both_tests.replace("    count: 3\n", "    count: 3\n    attempts: 3\n")
    loaded = load_bank_text(both_tests, "b.yaml", VALID)
    assert loaded.ok
    assert [warning.message.split(" shares")[0] for warning in loaded.warnings] == [
        "quiz 'all-types'",
        "quiz 'all-types'",
        "quiz 'all-types'",
    ]


def test_cli_broken_banks_print_every_problem_and_a_summary(in_data: None) -> None:
    result = _run("broken")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    problems = sum(len(expected) for expected in EXPECTED.values())
    assert lines[-1] == f"{problems} problems in {len(EXPECTED)} files"
    assert len(lines) == problems + 1
    assert "broken/wrong-type.yaml:17:13: 'points' must be a number, got 'two'" in result.stdout


def test_cli_mixes_valid_and_broken_and_counts_files() -> None:
    result = _run(str(VALID_BANK), str(BROKEN / "missing-key.yaml"))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 problem in 1 file"


def test_cli_json_prints_the_banks() -> None:
    result = _run(str(VALID), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [bank["id"] for bank in payload["banks"]] == ["riverside-library"]
    question = payload["banks"][0]["questions"][0]
    assert set(question) == {"id", "type", "prompt", "choices", "answer", "source", "tags"}


def test_cli_json_prints_the_problems_beside_the_valid_banks() -> None:
    result = _run(str(VALID_BANK), str(BROKEN / "missing-key.yaml"), "--json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [bank["id"] for bank in payload["banks"]] == ["riverside-library"]
    [problem] = payload["problems"]
    assert set(problem) == {"file", "line", "col", "message"}
    assert [warning["line"] for warning in payload["warnings"]] == [110, 114, 119]
    assert payload["warnings"][0]["message"].startswith("quiz 'key-facts' shares 2 ")
    assert problem["file"].endswith("missing-key.yaml") and problem["line"] >= 1
    assert "missing key 'explanation'" in problem["message"]


def test_cli_defaults_to_the_questions_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(cli, "questions_dir", lambda configured=None: configured or tmp_path)
    empty = _run()
    assert empty.exit_code == 1
    assert "no question banks" in empty.stderr
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "library.txt").write_bytes((VALID / "sources/library.txt").read_bytes())
    (tmp_path / "library.yaml").write_text(_valid_text(), encoding="utf-8")
    assert _run().exit_code == 0


def test_cli_defaults_to_the_configured_questions_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As `quizapp import` does: QUIZAPP_QUESTIONS_DIR names the folder."""
    monkeypatch.setenv("QUIZAPP_QUESTIONS_DIR", str(tmp_path))
    empty = _run()
    assert empty.exit_code == 1
    assert f"no question banks (*.yaml, *.yml) found in {tmp_path}" in empty.stderr


def test_cli_shows_paths_relative_to_the_current_folder(in_data: None) -> None:
    result = _run(str(BROKEN / "missing-key.yaml"))
    assert result.stdout.startswith("broken/missing-key.yaml:10:5: missing key 'explanation'")
    outside = _run(str(Path("..") / "data" / "broken" / "missing-key.yaml"))
    assert outside.stdout.startswith("../data/broken/missing-key.yaml:10:5:")


# Whatever the input, problems come back: never an exception, never a traceback.

yamlish = st.text(alphabet=string.printable + "é—“”\u00a0\t", max_size=300)


@st.composite
def mutated_bank(draw: st.DrawFn) -> str:
    text = _valid_text()
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            text = text[:at] + draw(yamlish) + text[at:]
    return text


inputs = st.one_of(st.text(), st.binary(), yamlish, mutated_bank())


def _check_problems(loaded: object, name: str) -> None:
    for problem in loaded.problems:
        assert problem.file == name
        assert problem.line >= 1 and problem.col >= 1
        assert problem.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs)
def test_loading_never_raises(content: str | bytes) -> None:
    loaded = load_bank_text(content, "fuzz.yaml", VALID)
    _check_problems(loaded, "fuzz.yaml")
    assert loaded.ok == (loaded.bank is not None)
    assert loaded.ok or loaded.problems


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs)
def test_cli_never_shows_a_traceback(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bank.yaml"
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogatepass")
        path.write_bytes(content)
        result = CliRunner().invoke(cli.main, ["validate", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1)
