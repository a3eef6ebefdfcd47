"""The `quizapp` command."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from flask import Flask

from quizapp.core.bank.export import bank_to_json
from quizapp.core.bank.loader import LoadedBank, Problem, load_banks
from quizapp.paths import questions_dir


@click.group()
def main() -> None:
    """Quizzes and flashcards for classrooms, from question banks written in YAML."""


def init_app(app: Flask) -> None:
    """Offer the same commands under `flask --app quizapp`."""
    for command in main.commands.values():
        app.cli.add_command(command)


def _shown_path(path: Path | str) -> str:
    """The path relative to the current folder when it is inside it, else as it is."""
    path = Path(path)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return str(path)
    return str(path)


def _plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the valid banks as JSON.")
def validate(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check question banks: every problem, at its file:line:col.

    PATHS are bank files or folders (searched for *.yaml and *.yml); by default
    the questions folder. Exits with status 1 if any bank has a problem.
    """
    folders = list(paths) or [questions_dir()]
    loaded = load_banks(folders)
    if not loaded:
        where = ", ".join(_shown_path(p) for p in folders)
        raise click.ClickException(f"no question banks (*.yaml, *.yml) found in {where}")

    failed = [item for item in loaded if not item.ok]
    if failed:
        problems = [
            dataclasses.replace(problem, file=_shown_path(problem.file))
            for item in failed
            for problem in _problems_of(item)
        ]
        for problem in problems:
            click.echo(str(problem), err=as_json)
        summary = f"{_plural(len(problems), 'problem')} in {_plural(len(failed), 'file')}"
        click.echo(summary, err=as_json)
        raise SystemExit(1)

    if as_json:
        banks = [bank_to_json(item.bank) for item in loaded if item.bank is not None]
        click.echo(json.dumps({"banks": banks}, ensure_ascii=False, indent=2))
        return
    for item in loaded:
        bank = item.bank
        if bank is None:
            continue
        questions = _plural(len(bank.questions), "question")
        quizzes = _plural(len(bank.quizzes), "quiz", "quizzes")
        counts = f"{questions}, {quizzes}"
        click.echo(f"{_shown_path(item.path)}: ok — {bank.id}: {bank.title} ({counts})")


def _problems_of(item: LoadedBank) -> list[Problem]:
    return item.problems or [Problem(str(item.path), 1, 1, "the bank could not be loaded")]


if __name__ == "__main__":
    main()
