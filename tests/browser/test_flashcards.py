"""Flashcards in Chromium: a whole review session by keyboard alone, axe-core on the deck
and review pages (with screenshots), and the time zone suggested from the browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from quizapp.db import session_scope
from quizapp.models import BankRecord, CardRecord, ReviewLogRecord, User
from quizapp.services import accounts
from tests.browser.conftest import AXE, axe_violations, check_page, login, signup
from tests.conftest import PASSWORD
from tests.web.helpers import ARTICLE_BANK

pytestmark = pytest.mark.browser


def article_deck(live_app) -> int:
    with session_scope(live_app) as session:
        return session.scalar(select(BankRecord.id).where(BankRecord.slug == ARTICLE_BANK))


def test_a_review_session_by_keyboard_alone(live_server: str, live_app, page: Page) -> None:
    signup(page, live_server, "keys")
    deck = article_deck(live_app)
    page.get_by_role("link", name="Flashcards", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flashcards")
    check_page(page, "flashcards-decks")

    page.goto(f"{live_server}/cards/{deck}")
    page.get_by_label("New cards per day").fill("3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("You will see up to 3 new cards a day.")).to_be_visible()
    check_page(page, "flashcards-deck")

    page.get_by_role("link", name="Start review").click()
    expect(page.locator("#card-back")).to_be_hidden()
    expect(page.get_by_role("button", name=re.compile("^Good"))).to_be_hidden()
    check_page(page, "flashcards-review-front")

    ratings = ["4", "3", "2"]
    shown = []
    for number, key in enumerate(ratings, start=1):
        expect(page.locator(".count-new strong")).to_have_text(str(4 - number))
        shown.append(page.locator("#card-front").inner_text())
        page.keyboard.press("Space")
        expect(page.locator("#card-back")).to_be_visible()
        expect(page.locator("#card-back")).to_be_focused()
        expect(page.locator("#show-answer")).to_be_hidden()
        good = page.get_by_role("button", name=re.compile("^Good"))
        expect(good).to_be_visible()
        expect(good).to_contain_text("10 min")
        if number == 1:
            check_page(page, "flashcards-review")
        with page.expect_navigation():
            page.keyboard.press(key)

    expect(page.get_by_role("heading", level=1)).to_have_text("Done for now")
    check_page(page, "flashcards-done")
    assert len(set(shown)) == 3

    with session_scope(live_app) as session:
        user_id = session.scalar(select(User.id).where(User.username == "keys"))
        logs = session.scalars(
            select(ReviewLogRecord)
            .where(ReviewLogRecord.user_id == user_id)
            .order_by(ReviewLogRecord.id)
        ).all()
        states = [session.get(CardRecord, log.card_id).state for log in logs]
    assert [log.rating for log in logs] == [4, 3, 2]
    assert [log.state_before for log in logs] == ["new"] * 3
    assert states == ["review", "learning", "learning"]


def test_cram_by_keyboard_and_its_pages_pass_axe(live_server: str, live_app, page: Page) -> None:
    signup(page, live_server, "crammer")
    deck = article_deck(live_app)
    page.goto(f"{live_server}/cards/{deck}/cram?tag=numbers")
    expect(page.get_by_text(re.compile(r"Card 1 of \d+"))).to_be_visible()
    check_page(page, "flashcards-cram")
    page.keyboard.press("Space")
    expect(page.locator("#card-back")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(page.get_by_text(re.compile(r"Card 2 of \d+"))).to_be_visible()
    with session_scope(live_app) as session:
        assert session.scalars(select(CardRecord)).all() == []


def test_a_new_account_takes_the_browsers_time_zone(
    live_server: str, live_app, chromium: Browser
) -> None:
    context = chromium.new_context(timezone_id="Asia/Tokyo")
    try:
        page = context.new_page()
        signup(page, live_server, "tokyo")
        with session_scope(live_app) as session:
            user = session.scalar(select(User).where(User.username == "tokyo"))
            assert user.timezone == "Asia/Tokyo"
        page.goto(f"{live_server}/cards/")
        expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")
        expect(page.locator("#zone-suggestion")).to_be_hidden()
    finally:
        context.close()


def test_an_account_still_in_utc_is_offered_the_browsers_time_zone(
    live_server: str, live_app, chromium: Browser
) -> None:
    with session_scope(live_app) as session:
        accounts.create_user(session, "older", "Older", PASSWORD, "student")  # made in UTC
    context = chromium.new_context(timezone_id="Asia/Tokyo")
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        login(page, live_server, "older")
        page.goto(f"{live_server}/cards/")
        expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")
        expect(page.locator("#zone-suggestion")).to_contain_text("Asia/Tokyo")
        assert axe_violations(page) == []
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Your flashcard settings are saved.")).to_be_visible()
        expect(page.get_by_label("Your time zone")).to_have_value("Asia/Tokyo")
        expect(page.locator("#zone-suggestion")).to_be_hidden()  # no longer the default
    finally:
        context.close()
