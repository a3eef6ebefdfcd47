"""Shared fixtures: an app over a migrated SQLite copy, clients, users and a form helper."""

from __future__ import annotations

import hashlib
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from quizapp import create_app, migrate
from quizapp.db import session_scope
from quizapp.paths import questions_dir
from quizapp.services import accounts
from quizapp.services.banks import import_paths
from tests.provision import PostgresServer, start_postgres

TESTS = Path(__file__).parent
ALL_TYPES_BANK = TESTS / "data" / "valid"
PASSWORD = "correct horse battery"


TEACHER_CODE = "TEST-CODE-2024"


def app_config(database: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "TEACHER_CODE": TEACHER_CODE,
        "DATABASE_URL": f"sqlite:///{database}",
        "MIGRATE_ON_START": False,
        "IMPORT_ON_START": False,
    }


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once, with the article bank and the all-types test bank imported."""
    database = tmp_path_factory.mktemp("template") / "quizapp.sqlite3"
    migrate.upgrade(f"sqlite:///{database}")
    app = create_app(app_config(database))
    with session_scope(app) as session:
        _reports, failed = import_paths(session, [questions_dir(), ALL_TYPES_BANK])
    assert not failed, [str(p) for loaded in failed for p in loaded.problems]
    app.extensions["quizapp.engine"].dispose()
    return database


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A private PostgreSQL server, started the first time a test asks for it."""
    server = start_postgres()
    yield server
    server.stop()


def postgres_app(server: PostgresServer, test_name: str, *, banks: bool = True) -> Flask:
    """An app over a new, migrated PostgreSQL database named after the test (each of its
    parameters its own); with the template's banks if asked."""
    words = re.sub(r"[^a-z0-9]+", "_", test_name.lower().removeprefix("test_"))[:40]
    digest = hashlib.sha1(test_name.encode()).hexdigest()[:8]
    url = server.create_database(f"quizapp_{words}_{digest}")
    migrate.upgrade(url)
    app = create_app({**app_config(Path("unused")), "DATABASE_URL": url})
    if banks:
        with session_scope(app) as session:
            _reports, failed = import_paths(session, [questions_dir(), ALL_TYPES_BANK])
        assert not failed, [str(p) for loaded in failed for p in loaded.problems]
    return app


@pytest.fixture
def app(template_database: Path, tmp_path: Path) -> Iterator[Flask]:
    database = tmp_path / "quizapp.sqlite3"
    shutil.copyfile(template_database, database)
    app = create_app(app_config(database))
    yield app
    app.extensions["quizapp.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


_names = itertools.count(1)


@pytest.fixture
def create_user(app: Flask):
    """Factory: create_user(role="student", name=None) -> (id, username)."""

    def make(role: str = "student", name: str | None = None) -> tuple[int, str]:
        username = name or f"{role}{next(_names)}"
        with session_scope(app) as session:
            user = accounts.create_user(session, username, username.title(), PASSWORD, role)
            return user.id, user.username

    return make


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient) -> str:
    """The session's CSRF token, read from a page that has a form (any form will do)."""
    for path in ("/", "/login"):
        match = CSRF_INPUT.search(client.get(path).get_data(as_text=True))
        if match:
            return match.group(1) or match.group(2)
    raise AssertionError("no page with a CSRF token")


GUEST_WORK_SHOWN = re.compile(r'name="guest_work_shown" type="hidden" value="([^"]*)"')
GUEST_WORK_BOX = re.compile(r'<input[^>]*name="keep_guest_work"[^>]*>')


def guest_work_fields(form_html: str) -> dict[str, str | list[str]]:
    """What a log-in or sign-up form sends of the guest work it names, as it was drawn."""
    shown = GUEST_WORK_SHOWN.search(form_html)
    ticked = [
        re.search(r'value="(\d+)"', box).group(1)
        for box in GUEST_WORK_BOX.findall(form_html)
        if " checked" in box
    ]
    return {"guest_work_shown": shown.group(1) if shown else "", "keep_guest_work": ticked}


class Browser:
    """A test client that fills in CSRF tokens like a browser would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, data: dict | None = None, **kwargs):
        data = dict(data or {})
        if "csrf_token" not in data:  # not setdefault: reading the token loads a page
            data["csrf_token"] = csrf_token(self.client)
        return self.client.post(path, data=data, **kwargs)

    def login(self, username: str, password: str = PASSWORD):
        """Log in from the form, keeping the guest work it names, as a click would."""
        fields = guest_work_fields(self.get("/login").get_data(as_text=True))
        response = self.post("/login", {"username": username, "password": password, **fields})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response


@pytest.fixture
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


@pytest.fixture
def make_browser(app: Flask):
    """Factory for more independent clients (two students, a teacher and a student, ...)."""

    def make() -> Browser:
        return Browser(app.test_client())

    return make
