"""The migrations build exactly the schema the models describe, and each one undoes."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from quizapp import migrate
from quizapp.db import Base


def test_the_migrated_schema_is_the_models_schema(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


def test_the_session_version_migration_undoes_and_redoes(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'steps.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("users")}
        assert "session_version" in columns
        migrate.downgrade(url, "9ca722e0e271")
        columns = {column["name"] for column in inspect(engine).get_columns("users")}
        assert "session_version" not in columns and "username" in columns
        migrate.upgrade(url)
        columns = {column["name"] for column in inspect(engine).get_columns("users")}
        assert "session_version" in columns
    finally:
        engine.dispose()


def test_the_live_games_migration_undoes_and_redoes(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    live_tables = {"live_games", "live_players", "live_answers"}
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        assert live_tables <= set(inspect(engine).get_table_names())
        migrate.downgrade(url, "b8e4c2d6a1f0")
        columns = {column["name"] for column in inspect(engine).get_columns("live_players")}
        assert "seen_at" not in columns and "user_id" in columns
        assert "host_id" in {c["name"] for c in inspect(engine).get_columns("live_games")}
        migrate.downgrade(url, "7d3c1a5e9f20")
        assert not live_tables & set(inspect(engine).get_table_names())
        migrate.upgrade(url)
        assert live_tables <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
