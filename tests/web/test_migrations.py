"""The migrations build exactly the schema the models describe, and each one undoes."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.orm import Session

from quizapp import migrate
from quizapp.db import Base
from quizapp.models import Attempt, BankRecord, QuizRecord, User


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


def test_the_unrounded_percentages_migration_recomputes_and_undoes(tmp_path: Path):
    """It changes no table, so the models can write the rows it reads."""
    url = f"sqlite:///{tmp_path / 'percent.sqlite3'}"
    migrate.upgrade(url, "c5f1e7a9d2b4")
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            user = User(username="ana", display_name="Ana", password_hash="x", role="student")
            bank = BankRecord(
                slug="b", title="B", filename="b.yaml", yaml_text="", content_hash="h"
            )
            quiz = QuizRecord(bank=bank, slug="q", title="Q", settings={}, position=0)
            session.add_all([user, bank, quiz])
            session.flush()
            for points, percentage in ((2.0, 66.67), (None, None)):
                session.add(
                    Attempt(
                        quiz_id=quiz.id,
                        user_id=user.id,
                        question_order=[],
                        option_orders={},
                        points=points,
                        max_points=3,
                        percentage=percentage,
                    )
                )

        def percentages() -> list:
            with engine.connect() as connection:
                query = text("SELECT percentage FROM attempts ORDER BY id")
                return connection.execute(query).scalars().all()

        migrate.upgrade(url)
        assert percentages() == [pytest.approx(200 / 3, abs=1e-12), None]
        migrate.downgrade(url, "c5f1e7a9d2b4")
        assert percentages() == [66.67, None]
    finally:
        engine.dispose()


def test_the_membership_absences_migration_undoes_and_redoes(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'absences.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        assert "absences" in {c["name"] for c in inspect(engine).get_columns("memberships")}
        migrate.downgrade(url, "e3b9d5a7c1f4")
        assert "absences" not in {c["name"] for c in inspect(engine).get_columns("memberships")}
        migrate.upgrade(url)
        assert "absences" in {c["name"] for c in inspect(engine).get_columns("memberships")}
    finally:
        engine.dispose()
