"""Browser fixtures: the app served on a free loopback port, and Playwright driving Chromium."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from quizapp import create_app
from tests.conftest import PASSWORD, TEACHER_CODE, app_config
from tests.provision import CHROMIUM_ARGS, ensure_chromium

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    executable = ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_app(template_database: Path, tmp_path: Path):
    database = tmp_path / "quizapp.sqlite3"
    shutil.copyfile(template_database, database)
    app = create_app({**app_config(database), "TESTING": False})
    yield app
    app.extensions["quizapp.engine"].dispose()


def read_whole(app: WSGIApplication) -> WSGIApplication:
    """The app with each response read and closed before it is sent. Werkzeug's test server
    leaves a static file open when the browser drops the connection while fetching it (a
    reload during the favicon), and the open file's warning failed whichever test was on."""

    def served(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return served


@pytest.fixture
def live_server(live_app) -> Iterator[str]:
    """The base URL of the app, served by a real HTTP server in a thread."""
    server = make_server("127.0.0.1", 0, read_whole(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def new_page(chromium: Browser):
    """Factory for pages in independent browser contexts (two students, a teacher...)."""
    contexts = []

    def make(width: int = 1280, height: int = 900) -> Page:
        context = chromium.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(10_000)
        # axe-core is injected by the browser, not the page, so the site's CSP stays strict.
        context.add_init_script(path=str(AXE))
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/ (kept by CI as an artifact)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def signup(page: Page, base: str, username: str, role: str = "student") -> None:
    page.goto(f"{base}/signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Display name").fill(username.title())
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_label("Teacher" if role == "teacher" else "Student", exact=True).check()
    if role == "teacher":
        page.get_by_label("Teacher code").fill(TEACHER_CODE)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(f"{base}/")


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/")


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run the vendored axe-core on the page; the violations of the given impacts."""
    result = page.evaluate("async () => await axe.run(document)")
    return [v for v in result["violations"] if v.get("impact") in impacts]


def check_page(page: Page, name: str) -> None:
    """No serious or critical axe violation on the page as it is now; keep a screenshot."""
    screenshot(page, name)
    violations = axe_violations(page)
    assert not violations, f"{name} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )
