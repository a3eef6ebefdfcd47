"""How long validating a big bank takes, next to plain YAML parsing of the same file.

    python tests/benchmarks/validate.py [--questions 10000] [--runs 7]

Generates a bank of questions of every type, with an article that each question
quotes, then times, in turns in this process, `yaml.load(text,
Loader=yaml.CSafeLoader)` (the baseline) and `load_bank_file` (reading, YAML,
models, positions, checks and sources). Prints a table, and as its last line a
JSON object; exits with status 1 if the validator takes more than LIMIT times
the baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizapp.core.bank.loader import load_bank_file  # noqa: E402

LIMIT = 2.0
WORDS = (
    "council minister border treaty bridge river harbour summit trade court museum school"
    " railway festival election drought harvest library mayor report budget village"
).split()
TYPES = ("single", "multiple", "true_false", "short", "numeric", "date", "match", "order", "cloze")


def _sentence(rnd: random.Random, number: int) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 16))]
    words.insert(rnd.randrange(len(words)), f"number-{number}")
    return " ".join(words).capitalize() + "."


def _question(number: int, kind: str, sentence: str, rnd: random.Random) -> list[str]:
    lines = [
        f"  - id: q{number}",
        f"    type: {kind}",
        f"    prompt: What does the article say about {rnd.choice(WORDS)} number {number}?",
        f"    explanation: Sentence {number} of the article says so.",
    ]
    if number % 2:
        lines.append(f'    source: "{sentence}"')
    else:
        half = len(sentence) // 2
        cut = sentence.rfind(" ", 0, half) if " " in sentence[:half] else half
        lines += ["    source: >-", f"      {sentence[:cut]}", f"      {sentence[cut:].strip()}"]
    lines.append(f"    tags: [t{number % 7}, {rnd.choice(WORDS)}]")
    if kind == "single":
        lines += ["    choices:", "      - Harbour", "      - Bridge", "      - Museum"]
        lines.append("    answer: Bridge")
    elif kind == "multiple":
        lines.append("    choices: [Harbour, Bridge, Museum, Railway]")
        lines.append("    answer: [Bridge, Railway]")
        lines.append("    points: 2")
    elif kind == "true_false":
        lines.append(f"    answer: {'true' if number % 3 else 'false'}")
    elif kind == "short":
        lines += ["    answers: [Riverside, River side]", "    typo_tolerance: 1"]
    elif kind == "numeric":
        lines += [f"    answer: {number * 3}", "    tolerance: 0.5", "    unit: people"]
    elif kind == "date":
        lines.append(f"    answer: 20{number % 25:02d}-0{number % 9 + 1}-1{number % 9}")
    elif kind == "match":
        lines += [
            "    pairs:",
            "      - left: Mayor",
            "        right: Town hall",
            "      - left: Librarian",
            "        right: Library",
            "    distractors: [Harbour]",
        ]
    elif kind == "order":
        lines += ["    items:", "      - First", "      - Second", "      - Third"]
    else:
        lines.append("    text: The {{bridge|new bridge}} opened in {{May}}.")
    return lines


def generate(folder: Path, questions: int, seed: int = 1) -> Path:
    """Write a valid bank of `questions` questions and its article; return the bank's path."""
    rnd = random.Random(seed)
    sentences = [_sentence(rnd, n) for n in range(questions)]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, questions, 5)]
    (folder / "sources").mkdir()
    (folder / "sources" / "article.txt").write_text(
        "A generated article\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
    )
    lines = [
        "id: benchmark",
        "title: A generated bank",
        "language: en",
        "description: Questions of every type on a generated article.",
        "source:",
        "  title: A generated article",
        "  date: 2025-01-31",
        "  text: sources/article.txt",
        "license: CC0-1.0",
        "tags: [generated]",
        "questions:",
    ]
    for number in range(questions):
        lines += _question(number, TYPES[number % len(TYPES)], sentences[number], rnd)
    lines.append("quizzes:")
    for tag in range(7):
        lines += [
            f"  - id: tag-{tag}",
            f"    title: Tag {tag}",
            f"    tags: [t{tag}]",
            "    count: 20",
        ]
    lines += [
        "  - id: first",
        "    title: The first ten",
        f"    questions: [{', '.join(f'q{n}' for n in range(10))}]",
    ]
    lines.append("cards:")
    for number in range(0, questions, 10):
        lines += [
            f"  - id: c{number}",
            f"    front: Card {number}",
            f"    back: '{sentences[number]}'",
        ]
    path = folder / "bank.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _timed(action: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def measure(path: Path, runs: int) -> tuple[list[float], list[float]]:
    """Baseline and validator times, taken in turns (alternating which goes first)."""

    def baseline() -> object:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)

    def validator() -> object:
        return load_bank_file(path)

    loaded = load_bank_file(path)
    if not loaded.ok:
        raise SystemExit(
            "the generated bank is not valid:\n" + "\n".join(map(str, loaded.problems))
        )
    baseline_times: list[float] = []
    validator_times: list[float] = []
    for run in range(runs):
        if run % 2:
            validator_times.append(_timed(validator))
            baseline_times.append(_timed(baseline))
        else:
            baseline_times.append(_timed(baseline))
            validator_times.append(_timed(validator))
    return baseline_times, validator_times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        path = generate(Path(folder), args.questions)
        size = path.stat().st_size
        baseline_times, validator_times = measure(path, args.runs)

    baseline = statistics.median(baseline_times)
    validator = statistics.median(validator_times)
    ratio = validator / baseline
    print(f"validate: {args.questions:,} questions, {size / 1e6:.1f} MB, {args.runs} runs")
    print(f"{'':<12}{'median s':>10}{'min s':>10}")
    print(f"{'baseline':<12}{baseline:>10.3f}{min(baseline_times):>10.3f}")
    print(f"{'validator':<12}{validator:>10.3f}{min(validator_times):>10.3f}")
    print(f"ratio {ratio:.2f} (limit {LIMIT})")
    result = {
        "benchmark": "validate",
        "questions": args.questions,
        "baseline_median_s": round(baseline, 4),
        "validator_median_s": round(validator, 4),
        "ratio": round(ratio, 3),
        "limit": LIMIT,
    }
    print(json.dumps(result))
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
