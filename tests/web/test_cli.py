"""The `quizapp` command's app-side commands: db upgrade, import and serve."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

from click.testing import CliRunner
from flask import Flask
from sqlalchemy import create_engine, inspect, text

from quizapp import cli, config
from quizapp.cli import main
from tests.conftest import ALL_TYPES_BANK


def env_for(tmp_path) -> dict[str, str]:
    return {
        "QUIZAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "QUIZAPP_SECRET_KEY": "cli-test",
        "QUIZAPP_TEACHER_CODE": "123456",  # all digits: still read as text
    }


def test_db_upgrade_creates_the_schema(tmp_path):
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    assert "attempts" in inspect(engine).get_table_names()
    engine.dispose()


def test_import_loads_valid_banks_and_reports_broken_ones(tmp_path):
    folder = tmp_path / "banks"
    shutil.copytree(ALL_TYPES_BANK, folder)
    (folder / "broken.yaml").write_text("id: broken\nquestions: [\n", encoding="utf-8")
    env = {**env_for(tmp_path), "QUIZAPP_QUESTIONS_DIR": str(folder)}
    result = CliRunner().invoke(main, ["import", str(folder)], env=env)
    assert result.exit_code == 1
    assert "riverside-library: imported" in result.output
    assert "broken.yaml:3:1:" in result.output
    engine = create_engine(env["QUIZAPP_DATABASE_URL"])
    with engine.connect() as connection:
        slugs = connection.execute(text("SELECT slug FROM banks")).scalars().all()
    engine.dispose()
    assert slugs == ["riverside-library"]


def test_validate_checks_the_folder_import_reads_when_config_py_names_it(tmp_path, monkeypatch):
    """A questions folder named in the instance folder's config.py, not in the environment:
    validate used to check the bundled banks (all fine) while import read this folder."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setattr(Flask, "auto_find_instance_path", lambda _app: str(instance))
    folder = tmp_path / "banks"
    shutil.copytree(ALL_TYPES_BANK, folder)
    (folder / "broken.yaml").write_text("id: broken\nquestions: [\n", encoding="utf-8")
    (instance / "config.py").write_text(f"QUESTIONS_DIR = {str(folder)!r}\n", encoding="utf-8")
    for command in ("validate", "import"):
        result = CliRunner().invoke(main, [command], env=env_for(tmp_path))
        assert result.exit_code == 1, (command, result.output)
        assert "broken.yaml:3:1:" in result.output, command


def test_serve_starts_the_app_on_the_given_address(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(
        "werkzeug.serving.run_simple", lambda host, port, app, **kw: calls.append((host, port, app))
    )
    result = CliRunner().invoke(main, ["serve", "--port", "5099"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5099/" in result.output
    assert "Teachers sign up with the teacher code 123456." in result.output
    host, port, app = calls[0]
    assert (host, port) == ("127.0.0.1", 5099)
    assert "Turkish drones" in app.test_client().get("/").get_data(as_text=True)


def test_teacher_code_prints_the_code_and_one_is_made_once_per_instance(tmp_path):
    result = CliRunner().invoke(main, ["teacher-code"], env=env_for(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.output == "123456\n"
    made = config.instance_teacher_code(str(tmp_path))
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", made)
    assert config.instance_teacher_code(str(tmp_path)) == made
    assert (tmp_path / "teacher_code").stat().st_mode & 0o077 == 0


def test_a_database_address_is_printed_without_its_password():
    shown = cli._shown_url("postgresql+psycopg://quizapp:s3cret@db.school:5432/quizapp")
    assert shown == "postgresql+psycopg://quizapp:***@db.school:5432/quizapp"
    assert cli._shown_url("sqlite:////srv/quizapp.sqlite3") == "sqlite:////srv/quizapp.sqlite3"


def test_db_downgrade_to_base_removes_every_table(tmp_path):
    env = env_for(tmp_path)
    assert CliRunner().invoke(main, ["db", "upgrade"], env=env).exit_code == 0
    result = CliRunner().invoke(main, ["db", "downgrade", "base"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Database at base."
    engine = create_engine(env["QUIZAPP_DATABASE_URL"])
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_settings_from_the_environment_are_parsed_and_only_quizapp_ones_are_read():
    settings = config.from_environment(
        {
            "QUIZAPP_IMPORT_ON_START": "false",
            "QUIZAPP_SESSION_COOKIE_SECURE": " Yes ",
            "QUIZAPP_LEADERBOARD_CACHE_SECONDS": "5",
            "QUIZAPP_DATABASE_URL": "sqlite:///x.db",
            "QUIZAPP_TEACHER_CODE": "001234",
            "QUIZAPP_SECRET_KEY": "123456789",
            "HOME": "/root",
        }
    )
    assert settings == {
        "IMPORT_ON_START": False,
        "SESSION_COOKIE_SECURE": True,
        "LEADERBOARD_CACHE_SECONDS": 5,
        "DATABASE_URL": "sqlite:///x.db",
        "TEACHER_CODE": "001234",  # text, as written: not the number 1234
        "SECRET_KEY": "123456789",
    }


def test_a_secret_key_is_made_once_per_instance_and_kept_private(tmp_path):
    key = config.instance_secret_key(str(tmp_path))
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert config.instance_secret_key(str(tmp_path)) == key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_python_dash_m_quizapp_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "quizapp", "--help"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    for command in ("serve", "validate", "import", "db", "teacher-code"):
        assert command in result.stdout
