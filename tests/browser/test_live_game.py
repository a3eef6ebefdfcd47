"""A live game in Chromium: the teacher hosts it on the projector, two students play on
their phones, and every screen follows the game by itself."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from quizapp.db import session_scope
from quizapp.services import accounts, classes
from tests.browser.conftest import check_page, login
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

RIGHT_ANSWERS = {
    "On which day of the week did the library reopen?": ("check", ["Saturday"]),
    "Which of these are true about the repairs?": (
        "check",
        ["They cost 3.4 million euros", "The regional government paid most of it"],
    ),
    "About how many visitors came on the first day?": ("fill", ["1200"]),
}


@pytest.fixture
def classroom(live_app: Flask) -> int:
    """Mrs Lee's class, with Amira and Ben in it."""
    with session_scope(live_app) as session:
        teacher = accounts.create_user(session, "mrs-lee", "Mrs Lee", PASSWORD, "teacher")
        classroom = classes.create_class(session, teacher, "Year 8 Blue")[0]
        for username in ("amira", "ben"):
            student = accounts.create_user(session, username, username.title(), PASSWORD, "student")
            classes.join_class(session, student, classroom.join_code)
        return classroom.id


def lettered(choice: str) -> re.Pattern:
    """A choice on a phone, lettered as the projector letters it: "C Saturday"."""
    words = [re.escape(word) for word in choice.split()]
    return re.compile(r"^\s*[A-Z]+\s+" + r"\s+".join(words) + r"\s*$")


def answer_right(page: Page) -> None:
    prompt = page.locator("#live-answer h1").inner_text().strip()
    how, values = RIGHT_ANSWERS[prompt]
    for value in values:
        if how == "check":
            page.get_by_label(lettered(value)).check()
        else:
            page.get_by_label("Your answer (a number)").fill(value)
    page.get_by_role("button", name="Send answer").click()


def test_a_class_plays_a_live_game(live_server, live_app, classroom, new_page):
    host = new_page(1366, 800)
    login(host, live_server, "mrs-lee")
    host.goto(f"{live_server}/classes/{classroom}")
    live = host.locator("#live")
    live.get_by_label("Quiz to play").select_option(label="Key facts (3 questions)")
    live.get_by_label("Time for each question").select_option(label="60 seconds")
    host.get_by_role("button", name="Start a live game").click()
    expect(host.get_by_role("heading", name="Join the game")).to_be_visible()

    players = []
    for username in ("amira", "ben"):
        phone = new_page(375, 740)
        login(phone, live_server, username)
        phone.get_by_role("link", name="Join the live game of Key facts").click()
        phone.get_by_role("button", name="Join").click()
        expect(phone.get_by_role("heading", name="You are in!")).to_be_visible()
        players.append(phone)
    amira, ben = players
    # The host's lobby shows the players as they join, by itself.
    expect(host.locator(".live-names li")).to_have_count(2, timeout=10_000)
    check_page(host, "live-host-lobby")

    host.get_by_role("button", name="Start: show question 1").click()
    for number in (1, 2, 3):
        expect(host.locator(".question-count")).to_contain_text(f"Question {number} of 3")
        for phone in players:  # the phones follow without a click
            expect(phone.locator("#live-answer")).to_be_visible(timeout=10_000)
        if number == 1:
            # On a short phone screen, the button that sends the answer is on it, over the
            # choices, without a scroll.
            amira.set_viewport_size({"width": 375, "height": 420})
            send = amira.get_by_role("button", name="Send answer").bounding_box()
            assert send["y"] + send["height"] <= 420, send
            amira.set_viewport_size({"width": 375, "height": 740})
            check_page(amira, "live-player-question")
            check_page(host, "live-host-question")
        answer_right(amira)
        expect(amira.get_by_role("heading", name="Answer sent")).to_be_visible()
        expect(host.locator('[data-live-count="answers"]')).to_have_text("1", timeout=10_000)
        if number == 1:
            answer_right(ben)  # everyone has answered: the question closes at once
        else:
            host.get_by_role("button", name="Close the question now").click()
        expect(host.locator(".live-answer")).to_be_visible(timeout=10_000)
        expect(amira.locator(".feedback h2")).to_contain_text("Right!", timeout=10_000)
        if number == 1:
            expect(ben.locator(".feedback h2")).to_contain_text("Right!", timeout=10_000)
            check_page(host, "live-host-answer")
            check_page(ben, "live-player-answer")
        else:
            expect(ben.locator(".feedback h2")).to_have_text("No answer in time", timeout=10_000)
        next_button = "Show the final standings" if number == 3 else f"Next: question {number + 1}"
        host.get_by_role("button", name=next_button).click()

    expect(host.get_by_role("heading", name="Final standings")).to_be_visible()
    places = host.locator(".live-standings li")
    expect(places).to_have_count(2)
    expect(places.nth(0)).to_contain_text("Amira")
    expect(places.nth(1)).to_contain_text("Ben")
    expect(amira.get_by_role("heading", name="Game over")).to_be_visible(timeout=10_000)
    expect(amira.locator(".lead")).to_contain_text("You finished 1st of 2")
    expect(ben.locator(".lead")).to_contain_text("You finished 2nd of 2")
    check_page(host, "live-host-final")
    check_page(ben, "live-player-final")


def test_without_javascript_a_players_page_refreshes_itself(
    live_server, live_app, classroom, chromium: Browser, new_page
):
    host = new_page()
    login(host, live_server, "mrs-lee")
    host.goto(f"{live_server}/classes/{classroom}")
    host.get_by_role("button", name="Start a live game").click()
    context = chromium.new_context(java_script_enabled=False)
    try:
        phone = context.new_page()
        login(phone, live_server, "amira")
        phone.get_by_role("link", name="Join the live game").first.click()
        phone.get_by_role("button", name="Join").click()
        expect(phone.get_by_role("heading", name="You are in!")).to_be_visible()
        host.get_by_role("button", name="Start: show question 1").click()
        # The lobby refreshes itself every few seconds: the question comes without a click.
        expect(phone.get_by_role("button", name="Send answer")).to_be_visible(timeout=12_000)
        # While an answer is being written, the page stays as it is.
        assert phone.locator('meta[http-equiv="refresh"]').count() == 0
    finally:
        context.close()


def test_an_answer_sent_offline_is_kept_on_the_page_and_sent_again(
    live_server, live_app, classroom, new_page
):
    host = new_page()
    login(host, live_server, "mrs-lee")
    host.goto(f"{live_server}/classes/{classroom}")
    host.get_by_role("button", name="Start a live game").click()
    phone = new_page(375, 740)
    login(phone, live_server, "amira")
    phone.get_by_role("link", name="Join the live game").first.click()
    phone.get_by_role("button", name="Join").click()
    host.get_by_role("button", name="Start: show question 1").click()
    expect(phone.locator("#live-answer")).to_be_visible(timeout=10_000)
    prompt = phone.locator("#live-answer h1").inner_text().strip()

    phone.context.set_offline(True)
    answer_right(phone)
    expect(phone.get_by_role("alert")).to_contain_text("Not sent: there is no connection")
    expect(phone.locator("#live-answer h1")).to_have_text(prompt)  # still the question
    phone.context.set_offline(False)
    phone.get_by_role("button", name="Send answer").click()
    # Her answer counted, and was the last one awaited: the question closes.
    expect(phone.locator(".feedback h2")).to_contain_text("Right!")
    expect(host.locator(".live-answer")).to_be_visible(timeout=10_000)

    # An answer that reaches the server after the question closed is refused with the
    # reason, on the page itself.
    host.get_by_role("button", name="Next: question 2").click()
    expect(phone.locator("#live-answer")).to_be_visible(timeout=10_000)
    key = phone.locator("[data-live-key]").get_attribute("data-live-key")
    # The phone misses the close (it would reload at its next poll).
    phone.route(
        "**/state",
        lambda route: route.fulfill(json={"key": key, "players": 1, "answers": 0, "remaining": 30}),
    )
    host.get_by_role("button", name="Close the question now").click()
    expect(host.locator(".live-answer")).to_be_visible()
    answer_right(phone)
    expect(phone.get_by_role("alert")).to_contain_text("Time was up")
