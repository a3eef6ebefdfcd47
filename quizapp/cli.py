"""The `quizapp` command."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import make_url

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
    the questions folder that `quizapp import` reads (QUESTIONS_DIR, as configured).
    Exits with status 1 if any bank has a problem. Warnings (a practice quiz that gives a
    test's answers away) are printed too, but do not stop a bank from being imported.
    """
    from quizapp import read_settings

    folders = list(paths) or [questions_dir(read_settings()["QUESTIONS_DIR"])]
    loaded = load_banks(folders)
    if not loaded:
        where = ", ".join(_shown_path(p) for p in folders)
        raise click.ClickException(f"no question banks (*.yaml, *.yml) found in {where}")

    failed = [item for item in loaded if not item.ok]
    problems = [
        dataclasses.replace(problem, file=_shown_path(problem.file))
        for item in failed
        for problem in _problems_of(item)
    ]
    warnings = [
        dataclasses.replace(warning, file=_shown_path(warning.file))
        for item in loaded
        if item.ok
        for warning in item.warnings
    ]
    if as_json:
        banks = [bank_to_json(item.bank) for item in loaded if item.ok and item.bank is not None]
        found = [dataclasses.asdict(problem) for problem in problems]
        told = [dataclasses.asdict(warning) for warning in warnings]
        click.echo(
            json.dumps(
                {"banks": banks, "problems": found, "warnings": told}, ensure_ascii=False, indent=2
            )
        )
        if failed:
            raise SystemExit(1)
        return
    for warning in warnings:
        click.echo(warning.as_warning())
    if failed:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{_plural(len(problems), 'problem')} in {_plural(len(failed), 'file')}")
        raise SystemExit(1)
    for item in loaded:
        bank = item.bank
        if bank is None:
            continue
        questions = _plural(len(bank.questions), "question")
        quizzes = _plural(len(bank.quizzes), "quiz", "quizzes")
        counts = f"{questions}, {quizzes}"
        click.echo(f"{_shown_path(item.path)}: ok — {bank.id}: {bank.title} ({counts})")


def _shown_url(url: str) -> str:
    """The database's address without its password, which would end up in service logs."""
    return make_url(url).render_as_string(hide_password=True)


def _problems_of(item: LoadedBank) -> list[Problem]:
    return item.problems or [Problem(str(item.path), 1, 1, "the bank could not be loaded")]


def _app(**overrides: object) -> Flask:
    from quizapp import create_app

    return create_app(overrides=overrides)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
def serve(host: str, port: int) -> None:
    """Run the app: migrate the database, import the banks, and serve.

    For a classroom laptop. On a server, run gunicorn (see the README).
    """
    from werkzeug.serving import run_simple

    app = _app()
    click.echo(f"quizapp is ready: open http://{host}:{port}/ in a browser (Ctrl+C stops it).")
    click.echo(f"Database: {_shown_url(app.config['DATABASE_URL'])}")
    click.echo(f"Teachers sign up with the teacher code {app.config['TEACHER_CODE']}.")
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.command("teacher-code")
def teacher_code() -> None:
    """Print the code a new account needs to be a teacher's."""
    click.echo(_app(IMPORT_ON_START=False, MIGRATE_ON_START=False).config["TEACHER_CODE"])


@main.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def import_banks(paths: tuple[Path, ...]) -> None:
    """Import banks into the database (default: the questions folder).

    A bank that fails validation is not imported; the others are.
    """
    from quizapp.db import session_scope
    from quizapp.services.banks import import_paths

    app = _app(IMPORT_ON_START=False)
    folders = list(paths) or [questions_dir(app.config["QUESTIONS_DIR"])]
    with session_scope(app) as session:
        reports, failed = import_paths(session, folders)
    for report in reports:
        click.echo(report.summary())
    for item in failed:
        for problem in _problems_of(item):
            click.echo(str(dataclasses.replace(problem, file=_shown_path(problem.file))))
    if failed:
        raise SystemExit(1)


@main.group()
def db() -> None:
    """Database schema migrations."""


@db.command()
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    from quizapp import migrate

    app = _app(MIGRATE_ON_START=False, IMPORT_ON_START=False)
    migrate.upgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}: {_shown_url(app.config['DATABASE_URL'])}")


@db.command()
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Revert migrations down to REVISION ("base" removes every table)."""
    from quizapp import migrate

    app = _app(MIGRATE_ON_START=False, IMPORT_ON_START=False)
    migrate.downgrade(app.config["DATABASE_URL"], revision)
    click.echo(f"Database at {revision}.")


if __name__ == "__main__":
    main()
