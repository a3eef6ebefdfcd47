"""The teachers' guide (questions/README.md): its examples are banks the validator accepts."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from quizapp.core.bank.loader import load_bank_text

REPO = Path(__file__).parents[2]
GUIDE = (REPO / "questions" / "README.md").read_text(encoding="utf-8")
ARTICLE_BANK = REPO / "questions" / "kosovo-turkish-drones.yaml"
ARTICLE = (REPO / "questions" / "sources" / "kosovo-turkish-drones.txt").read_text("utf-8")
EXAMPLES = [
    textwrap.dedent(block) for block in re.findall(r"^ *```yaml\n(.*?)^ *```", GUIDE, re.S | re.M)
]


def _problems(text: str) -> list[str]:
    loaded = load_bank_text(text, "guide.yaml", source_text_override=ARTICLE)
    return [f"{p.line}:{p.col}: {p.message}" for p in loaded.problems]


def _examples_starting(prefix: str) -> list[str]:
    found = [example for example in EXAMPLES if example.startswith(prefix)]
    assert found, prefix
    return found


def test_the_minimal_bank_is_valid():
    (minimal,) = _examples_starting("# yaml-language-server: $schema=./schema.json\nid:")
    assert _problems(minimal) == []


def test_every_question_example_is_valid_in_the_minimal_bank():
    (minimal,) = _examples_starting("# yaml-language-server: $schema=./schema.json\nid:")
    questions = _examples_starting("- id:")
    assert len(questions) >= 9  # one per question type
    listed = "".join(textwrap.indent(question, "  ") for question in questions)
    bank = minimal.replace("\nquizzes:\n", f"\n{listed}quizzes:\n", 1)
    assert bank != minimal
    assert _problems(bank) == []


def test_the_quiz_and_card_examples_are_valid_in_the_article_bank():
    bank = ARTICLE_BANK.read_text(encoding="utf-8")
    (quiz,) = _examples_starting("quizzes:")
    (cards,) = _examples_starting("cards:")
    quiz_entries = quiz.split("\n", 1)[1]
    assert "\nquizzes:\n" in bank and "\ncards:" not in bank
    bank = bank.replace("\nquizzes:\n", f"\nquizzes:\n{quiz_entries}", 1) + cards
    assert _problems(bank) == []
