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
from quizapp.models import (
    Attempt,
    BankRecord,
    Classroom,
    LiveGame,
    LivePlayer,
    Membership,
    QuizRecord,
    User,
)


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
    """Rows written by the models (at the head), then taken back to before the migration,
    which rounds them, and forward again."""
    url = f"sqlite:///{tmp_path / 'percent.sqlite3'}"
    migrate.upgrade(url)
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
            for points, percentage in ((2.0, 200 / 3), (None, None)):
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

        migrate.downgrade(url, "c5f1e7a9d2b4")
        assert percentages() == [66.67, None]
        migrate.upgrade(url)
        assert percentages() == [pytest.approx(200 / 3, abs=1e-12), None]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("table", "column", "before"),
    [("memberships", "absences", "e3b9d5a7c1f4"), ("banks", "archived_at", "f6c2a8e4b0d9")],
)
def test_a_column_migration_undoes_and_redoes(tmp_path: Path, table, column, before):
    url = f"sqlite:///{tmp_path / 'column.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)

    def columns() -> set[str]:
        return {c["name"] for c in inspect(engine).get_columns(table)}

    try:
        assert column in columns()
        migrate.downgrade(url, before)
        assert column not in columns()
        migrate.upgrade(url)
        assert column in columns()
    finally:
        engine.dispose()


def test_migrations_down_and_up_keep_the_rows_other_tables_point_at(tmp_path: Path):
    """SQLite rebuilds a table to change it: with the rows of other tables pointing at its
    rows (a live game's players, a bank's quizzes), that must neither fail nor lose them."""
    url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        with Session(engine) as session, session.begin():
            teacher = User(username="tia", display_name="Tia", password_hash="x", role="teacher")
            student = User(username="sam", display_name="Sam", password_hash="x", role="student")
            bank = BankRecord(
                slug="b", title="B", filename="b.yaml", yaml_text="", content_hash="h"
            )
            quiz = QuizRecord(bank=bank, slug="q", title="Q", settings={}, position=0)
            session.add_all([teacher, student, bank, quiz])
            session.flush()
            classroom = Classroom(name="A", teacher_id=teacher.id, join_code="AAAAAA")
            session.add(classroom)
            session.flush()
            session.add(Membership(class_id=classroom.id, student_id=student.id))
            game = LiveGame(
                class_id=classroom.id,
                quiz_id=quiz.id,
                seconds_per_question=30,
                question_order=[],
                option_orders={},
            )
            session.add(game)
            session.flush()
            session.add(LivePlayer(game_id=game.id, user_id=student.id))

        def counts() -> tuple[int, ...]:
            with engine.connect() as connection:
                return tuple(
                    connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                    for table in ("banks", "quizzes", "memberships", "live_games", "live_players")
                )

        assert counts() == (1, 1, 1, 1, 1)
        migrate.downgrade(url, "b8e4c2d6a1f0")  # each table rebuilt since, rebuilt again
        assert counts() == (1, 1, 1, 1, 1)
        migrate.upgrade(url)
        assert counts() == (1, 1, 1, 1, 1)
    finally:
        engine.dispose()
