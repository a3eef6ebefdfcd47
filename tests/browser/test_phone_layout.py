"""Teacher, leaderboard and flashcard pages on a 360 px phone: nothing wider than the screen.

Wide tables may scroll inside their own box; the page itself never scrolls sideways.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from quizapp.core.live import Phase
from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Classroom,
    LiveGame,
    QuestionVersion,
    QuizRecord,
    User,
    utcnow,
)
from quizapp.services import live
from quizapp.services.content import question_of
from quizapp.web.answers import answer_from_form
from tests.browser.conftest import axe_violations, login, screenshot, signup
from tests.browser.test_leaderboard_screen import add_student, classroom, submit  # noqa: F401
from tests.web.helpers import (
    ARTICLE_BANK,
    LIBRARY_BANK,
    correct_form,
    questions_of,
    quiz_id,
    wrong_form,
)
from tests.web.test_teach import ARTICLE, BROKEN_BANK

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
TABLET = {"width": 768, "height": 1024}
SHORT_PHONE = {"width": 360, "height": 560}
"""A phone held sideways, or with its keyboard open: shorter than a card."""

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter((el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || el.closest(".table-wrap, .listing, pre, textarea")) return false;
    return box.right > width + 1;
  });
  return {
    scroll: document.documentElement.scrollWidth,
    width,
    wide: wide.slice(0, 5).map((el) => el.tagName + "." + el.className),
  };
}"""


BROKEN_CELLS = """() => [...document.querySelectorAll(
    ".board-table tbody th, .board-table td, .screen-table tbody th, .screen-table td,"
    + " .table td.when")]
  .filter((cell) => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const lines = new Set([...range.getClientRects()].map((box) => Math.round(box.bottom)));
    const words = cell.textContent.trim().split(/\\s+/).length;
    return lines.size > (cell.classList.contains("when") ? 1 : words);
  })
  .map((cell) => cell.textContent.trim())"""
"""Board cells whose words are broken across lines, and times on more than one line."""


def assert_fits(page: Page, name: str) -> None:
    result = page.evaluate(OVERFLOW)
    screenshot(page, f"phone-{name}")
    assert result["scroll"] <= result["width"], (name, result)
    assert result["wide"] == [], (name, result)
    assert page.evaluate(BROKEN_CELLS) == [], name


def in_view(page: Page, locator) -> None:
    """The element is on the screen as it is, without scrolling."""
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height, box


def test_teacher_pages_fit_a_phone(live_app: Flask, live_server: str, classroom, new_page):  # noqa: F811
    quiz = quiz_id(live_app, LIBRARY_BANK, "key-facts")
    with session_scope(live_app) as session:
        session.add(Assignment(class_id=classroom, quiz_id=quiz))
        token = "phone-test-screen-token"
        session.get(Classroom, classroom).screen_token = token
        amira = session.scalar(select(User.id).where(User.username == "amira"))
    page = new_page(**PHONE)
    login(page, live_server, "mrs-lee")
    pages = {
        "teacher-classes": "/classes/",
        "teacher-class": f"/classes/{classroom}",
        "teacher-banks": "/teach/banks",
        "teacher-upload": "/teach/banks/upload",
        "teacher-gradebook": f"/teach/classes/{classroom}/gradebook",
        "teacher-student": f"/teach/classes/{classroom}/students/{amira}",
        "teacher-analysis": f"/teach/classes/{classroom}/quizzes/{quiz}/analysis",
        "leaderboard": f"/board/{classroom}",
        "big-screen": f"/board/screen/{token}",
    }
    for name, path in pages.items():
        page.goto(live_server + path)
        assert_fits(page, name)
        # A table that scrolls sideways can be reached by keyboard to scroll it.
        assert axe_violations(page) == [], name
    # The class page's tables scroll sideways, but each row's actions stay on the screen.
    page.goto(f"{live_server}/classes/{classroom}")
    for action in ("Archive", "Remove", "New password"):
        button = page.get_by_role("button", name=re.compile(f"^{action}")).first
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (action, box)
    analysis = page.get_by_role("link", name=re.compile("^Item analysis")).first.bounding_box()
    assert analysis["x"] + analysis["width"] <= PHONE["width"], analysis
    # The assignments' dates are read without scrolling: each row is a block of lines.
    dates = page.locator("table.stack-on-phone td.when").all()
    assert len(dates) == 2  # the assignment's open and due dates
    for cell in dates:
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    screenshot(page, "phone-teacher-class-actions")
    # The item analysis gives each prompt room to be read, the table scrolling sideways.
    page.goto(live_server + pages["teacher-analysis"])
    prompt = page.locator(".analysis-table tbody td:nth-child(2)").first.bounding_box()
    assert prompt["width"] >= 15 * 16, prompt
    # With problems, the file's lines scroll sideways in their own box, which the keyboard
    # can reach, and the quiz facts fit their card.
    page.goto(live_server + "/teach/banks/upload")
    page.get_by_label("Or paste or edit the bank's YAML here").fill(BROKEN_BANK)
    page.get_by_label("Or paste the article").fill(ARTICLE)
    page.get_by_role("button", name="Check and upload", exact=True).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("problems found"))).to_be_visible()
    assert_fits(page, "teacher-upload-errors")
    assert axe_violations(page) == []
    page.goto(f"{live_server}/quiz/{quiz_id(live_app, LIBRARY_BANK, 'timed')}")
    assert_fits(page, "teacher-quiz-intro")


def test_flashcard_pages_fit_a_phone(live_app: Flask, live_server: str, classroom, new_page):  # noqa: F811
    page = new_page(**PHONE)
    login(page, live_server, "amira")
    page.goto(f"{live_server}/cards/")
    assert_fits(page, "flashcard-decks")
    # Each page is measured once loaded, styles included, not while the click's page loads.
    page.get_by_role("link", name="Riverside library reopens").first.click()
    page.wait_for_url(re.compile(r"/cards/\d+$"))
    assert_fits(page, "flashcard-deck")
    page.get_by_role("link", name="Start review").click()
    page.wait_for_url(re.compile(r"/cards/\d+/review"))
    assert_fits(page, "flashcard-front")
    # On a short screen, the buttons a review goes on with stay at its bottom: no scroll
    # for each card.
    page.set_viewport_size(SHORT_PHONE)
    in_view(page, page.get_by_role("link", name="Show answer"))
    page.get_by_role("link", name="Show answer").click()
    expect(page.get_by_role("button", name=re.compile("^Again"))).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    for rating in ("Again", "Easy"):
        in_view(page, page.get_by_role("button", name=re.compile(f"^{rating}")))
    page.set_viewport_size(PHONE)
    assert_fits(page, "flashcard-back")
    page.goto(f"{live_server}/progress")
    assert_fits(page, "progress-with-flashcards")
    # A deck with sub-decks: each one's links are on screen, not past a sideways scroll.
    page.goto(f"{live_server}/cards/")
    page.get_by_role("link", name=re.compile("^Turkish drones for Kosovo")).first.click()
    page.wait_for_url(re.compile(r"/cards/\d+$"))
    assert_fits(page, "flashcard-deck-with-tags")
    cram = page.locator(".subdeck-links a", has_text="Cram").first.bounding_box()
    assert cram["x"] + cram["width"] <= PHONE["width"]


def test_a_quiz_link_focused_in_the_gradebook_is_not_under_the_names(
    live_app: Flask,
    live_server: str,
    classroom,  # noqa: F811
    new_page,
):
    with session_scope(live_app) as session:
        for quiz in session.scalars(select(QuizRecord)):
            session.add(Assignment(class_id=classroom, quiz_id=quiz.id))
    page = new_page(**PHONE)
    login(page, live_server, "mrs-lee")
    page.goto(f"{live_server}/teach/classes/{classroom}/gradebook")
    page.locator(".gradebook-wrap").evaluate("(box) => { box.scrollLeft = box.scrollWidth; }")
    first_quiz = page.locator("table.gradebook thead a").first
    first_quiz.focus()  # as Shift+Tab back from the last column does
    names = page.locator("table.gradebook thead th").first.bounding_box()
    assert first_quiz.bounding_box()["x"] >= names["x"] + names["width"]


def test_a_long_display_name_in_the_header_fits_a_phone(live_server: str, new_page):
    """Its hidden "your account" text sat past the cut name, making every page scroll."""
    page = new_page(**PHONE)
    signup(page, live_server, "longname")
    page.goto(f"{live_server}/account")
    page.locator("#display_name").fill("Alexandrina Wilhelmina Montgomery-Featherstonehaugh")
    page.get_by_role("button", name="Save the name").click()
    page.goto(f"{live_server}/")
    assert_fits(page, "long-display-name")


def test_a_students_new_password_is_on_one_line_on_a_phone(
    live_server: str,
    classroom,  # noqa: F811
    new_page,
):
    """It broke at its hyphens, easy to misread when copied by hand."""
    page = new_page(width=320, height=640)
    login(page, live_server, "mrs-lee")
    page.goto(f"{live_server}/classes/{classroom}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile("^New password for")).first.click()
    page.wait_for_url(re.compile(r"/password$"))
    assert_fits(page, "new-password")
    shown = page.locator(".new-password code")
    lines = shown.evaluate(
        "(code) => { const range = document.createRange(); range.selectNodeContents(code);"
        " return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size; }"
    )
    assert re.fullmatch(r"\w{4}-\w{4}-\w{4}", shown.inner_text()) and lines == 1


def test_a_match_shows_each_chosen_partner_whole_on_a_phone(
    live_app: Flask, live_server: str, new_page
):
    """A closed menu cut a long partner short ("Accused Turkey of "violating inte…")."""
    page = new_page(**PHONE)
    signup(page, live_server, "matcher")
    page.get_by_role("link", name="The whole article").first.click()
    page.get_by_role("button", name="Start the quiz").click()
    attempt = int(re.search(r"/attempt/(\d+)/", page.url).group(1))
    kinds = [question.type for question in questions_of(live_app, attempt)]
    page.goto(f"{live_server}/attempt/{attempt}/{kinds.index('match') + 1}")
    menu = page.locator(".match-row select").first
    longest = max(menu.locator("option").all_inner_texts(), key=len)
    menu.select_option(label=longest)
    chosen = page.locator(".match-chosen").first
    expect(chosen).to_have_text(longest)
    box = chosen.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"], box
    # The menu alone names it for a screen reader.
    assert chosen.get_attribute("aria-hidden") == "true"
    screenshot(page, "phone-match-chosen")


BROKEN_WORDS = """(box) => {
  const broken = [];
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (text.parentElement.closest(".live-address")) continue;  // an address breaks anywhere
    for (const word of text.data.matchAll(/[^\\s-]+-?/g)) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].map((line) => Math.round(line.bottom)));
      if (lines.size > 1) broken.push(word[0]);
    }
  }
  return broken;
}"""
"""Words split across two lines (a name cut as "Featherstone / haugh"); a break after a
hyphen is a break between words."""

SMALLEST_TEXT = """(box) => Math.min(...[...box.querySelectorAll("*")]
  .filter((el) => el.getClientRects().length
    && [...el.childNodes].some((node) => node.nodeType === 3 && node.data.trim()))
  .map((el) => parseFloat(getComputedStyle(el).fontSize)))"""
"""The size in pixels of the smallest text shown in the box."""


def longest_of_each_kind(app: Flask, game_id: int, kinds: tuple[str, ...]) -> dict[int, str]:
    """The place in the game (from 0) of its longest question of each kind: the one that
    needs the most room."""
    longest: dict[str, tuple[int, int]] = {}
    with session_scope(app) as session:
        order = session.get(LiveGame, game_id).question_order
        for index, version_id in enumerate(order):
            question = question_of(session.get(QuestionVersion, version_id))
            size = len(question.model_dump_json())
            if question.type in kinds and size > longest.get(question.type, (0, -1))[0]:
                longest[question.type] = (size, index)
    assert set(longest) == set(kinds), longest
    return {index: kind for kind, (_size, index) in longest.items()}


def open_question(app: Flask, game_id: int, index: int) -> None:
    """Move the game on, as the host's button does, until its question `index` is open."""
    with session_scope(app) as session:
        game = session.get(LiveGame, game_id)
        while not (game.question_index == index and live.phase(game, utcnow()) is Phase.QUESTION):
            live.advance(session, game, game.step, live.phase(game, utcnow()), utcnow())


def answer_question(app: Flask, game_id: int, usernames: dict[str, bool]) -> None:
    """Answer the open question for these players, right (True) or wrong where it can be."""
    with session_scope(app) as session:
        game = session.get(LiveGame, game_id)
        question, _options = live.current_question(session, game)
        for username, right in usernames.items():
            if not right and question.type in ("match", "order", "cloze"):
                continue  # no wrong answer to give
            form = MultiDict(correct_form(question) if right else wrong_form(question))
            player = session.scalar(select(User).where(User.username == username))
            number = game.question_index + 1
            live.answer(session, game, player, number, answer_from_form(question, form), utcnow())


def assert_host_screen_fits(page: Page, name: str) -> None:
    """The host's screen as it is now, on a phone and on a tablet: nothing wider than the
    screen, no word cut in two, no tiny text, no squashed bar, the button that moves the
    game on in view; and axe on the phone."""
    page.locator("details").evaluate_all("(all) => all.forEach((box) => { box.open = true; })")
    for size in (TABLET, PHONE):
        page.set_viewport_size(size)
        assert_fits(page, f"live-host-{size['width']}-{name}")
        host = page.locator(".live-host")
        assert host.evaluate(BROKEN_WORDS) == [], (name, size)
        assert host.evaluate(SMALLEST_TEXT) >= 14, (name, size)
        for bar in page.locator(".live-bar").all():
            assert bar.bounding_box()["width"] >= 8 * 16, (name, size)
        # The button that moves the game on is in view, however long the question.
        for button in page.locator(".live-host > .actions:not(.live-end) button").all():
            in_view(page, button)
    assert axe_violations(page) == [], name


def test_the_live_host_screens_fit_a_phone_and_a_tablet(
    live_app: Flask,
    live_server: str,
    classroom,  # noqa: F811
    new_page,
):
    """The projector's screen, hosted from a phone or a tablet instead: the lobby, the
    longest question of each kind that shows differently, open and closed, and the end."""
    add_student(
        live_app, classroom, "alexandrina", "Alexandrina Wilhelmina Montgomery-Featherstonehaugh"
    )
    page = new_page(**PHONE)
    login(page, live_server, "mrs-lee")
    page.goto(f"{live_server}/classes/{classroom}")
    live_box = page.locator("#live")
    live_box.get_by_label("Quiz to play").select_option(
        str(quiz_id(live_app, ARTICLE_BANK, "whole-article"))
    )
    live_box.get_by_label("Time for each question").select_option(label="120 seconds")
    page.get_by_role("button", name="Start a live game").click()
    expect(page.get_by_role("heading", name="Join the game")).to_be_visible()
    game_id = int(re.search(r"/live/(\d+)/host$", page.url).group(1))
    with session_scope(live_app) as session:
        game = session.get(LiveGame, game_id)
        total = len(game.question_order)
        for student in session.scalars(select(User).where(User.role == "student")):
            live.join(session, game, student, utcnow())
    expect(page.locator(".live-names li")).to_have_count(4)  # the lobby reloads by itself
    assert_host_screen_fits(page, "lobby")

    kinds = ("single", "multiple", "match", "order", "cloze", "short", "numeric")
    for index, kind in sorted(longest_of_each_kind(live_app, game_id, kinds).items()):
        open_question(live_app, game_id, index)
        count = page.locator(".question-count")
        expect(count).to_have_text(f"Question {index + 1} of {total}")  # it follows the game
        assert_host_screen_fits(page, f"{kind}-open")
        answer_question(live_app, game_id, {"amira": True, "alexandrina": True, "ben": False})
        page.get_by_role("button", name="Close the question now").click()
        expect(count).to_contain_text("closed")
        assert_host_screen_fits(page, f"{kind}-closed")

    open_question(live_app, game_id, total - 1)
    expect(page.locator(".question-count")).to_have_text(f"Question {total} of {total}")
    page.get_by_role("button", name="Close the question now").click()
    page.get_by_role("button", name="Show the final standings").click()
    expect(page.get_by_role("heading", name="Final standings")).to_be_visible()
    assert_host_screen_fits(page, "final")
