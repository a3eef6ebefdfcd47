"""The app on PostgreSQL: migrations, bank import and a whole quiz, as on SQLite; two starts
of a quiz at the same moment, since PostgreSQL locks rows where SQLite locks the file; and
text with a NUL character, which PostgreSQL cannot store."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from quizapp import migrate
from quizapp.db import session_scope
from quizapp.paths import questions_dir
from quizapp.services.banks import import_paths
from tests.conftest import ALL_TYPES_BANK, Browser, postgres_app
from tests.web.helpers import (
    LIBRARY_BANK,
    attempt_state,
    correct_form,
    questions_of,
    quiz_id,
    start,
)
from tests.web.test_accounts import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_a_nul_character_sent_in_a_form_is_dropped,
)
from tests.web.test_authorization import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_a_number_too_large_for_an_id_is_not_found_on_every_route,
    test_ids_too_large_in_a_form_or_query_are_refused_not_a_server_error,
    world,
)
from tests.web.test_cards import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_a_bank_with_a_test_makes_no_flashcards_of_its_questions,
)
from tests.web.test_quiz import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_two_starts_sent_at_once_share_one_attempt,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(postgres, request):
    app = postgres_app(postgres, request.node.name, banks=False)
    yield app
    app.extensions["quizapp.engine"].dispose()


@pytest.fixture
def app(postgres, request):
    """For the tests of the SQLite suite run again here: the template's banks imported."""
    app = postgres_app(postgres, request.node.name)
    yield app
    app.extensions["quizapp.engine"].dispose()


def test_migrations_create_every_table_and_downgrade_cleanly(pg_app):
    engine = pg_app.extensions["quizapp.engine"]
    tables = set(inspect(engine).get_table_names())
    assert {"users", "banks", "question_versions", "attempts", "responses", "card_states"} <= tables
    url = pg_app.config["DATABASE_URL"]
    migrate.downgrade(url, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(url)
    assert "attempts" in inspect(engine).get_table_names()


def test_a_student_takes_a_quiz_on_postgresql(pg_app):
    with session_scope(pg_app) as session:
        reports, failed = import_paths(session, [questions_dir(), ALL_TYPES_BANK])
    assert not failed and len(reports) == 2
    browser = Browser(pg_app.test_client())
    signup = browser.post(
        "/signup",
        {
            "username": "pgstudent",
            "display_name": "Pg Student",
            "password": "long enough password",
            "confirm": "long enough password",
            "role": "student",
        },
    )
    assert signup.status_code == 302
    attempt, _ = start(browser, quiz_id(pg_app, LIBRARY_BANK, "all-types"))
    for number, question in enumerate(questions_of(pg_app, attempt), start=1):
        response = browser.post(
            f"/attempt/{attempt}/{number}", {**correct_form(question), "action": "next"}
        )
        assert response.status_code == 302
    browser.post(f"/attempt/{attempt}/submit")
    state = attempt_state(pg_app, attempt)
    assert state.percentage == 100.0 and state.submitted_at.tzinfo is not None
    assert "Your score: 100%" in browser.get(f"/attempt/{attempt}/result").get_data(as_text=True)
    assert "100%" in browser.get("/progress").get_data(as_text=True)
