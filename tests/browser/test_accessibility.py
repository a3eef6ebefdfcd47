"""axe-core on every page of a student's path, a screenshot of each, and a keyboard-only answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, signup
from tests.browser.test_quiz_flow import (
    ALL_TYPES_QUIZ,
    ARTICLE_QUIZ,
    all_types,
    answer_correctly,
    answer_field,
    article_bank,
    click,
    expect_question,
    first_of_type,
    open_quiz,
    quiz_questions,
    shown_library_question,
    start_quiz,
    typed_answer,
)

pytestmark = pytest.mark.browser


def test_every_page_of_the_student_flow_passes_axe(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/")
    check_page(page, "home")
    page.get_by_role("link", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    check_page(page, "login")

    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    check_page(page, "signup")
    page.get_by_label("Username").fill("x")
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".field-error").first).to_be_visible()
    check_page(page, "signup-errors")
    signup(page, live_server, "dua")
    check_page(page, "home-signed-in")

    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Classes", exact=True
    ).click()
    check_page(page, "classes")
    page.goto(f"{live_server}/classes/join")
    page.get_by_label("Join code").fill("ZZZZZZ")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_label("Join code")).to_have_attribute("aria-invalid", "true")
    check_page(page, "join")

    open_quiz(page, live_server, ALL_TYPES_QUIZ)
    check_page(page, "quiz-intro")
    click(page, "Start the quiz")
    questions = all_types()
    for number, question in enumerate(questions, start=1):
        expect_question(page, number, len(questions))
        check_page(page, f"question-{question.type.replace('_', '-')}")
        if question.type == "date":
            page.get_by_label("Your answer (a date)").fill("10/12")
            click(page, "Next →")
            expect(page.get_by_role("alert")).to_be_visible()
            check_page(page, "question-date-refused")
        if question.type in ("single", "short", "match", "order", "cloze"):
            answer_correctly(page, question)
        elif question.type == "multiple":
            page.get_by_label(question.answer[0], exact=True).check()
        elif question.type == "true_false":
            page.get_by_label("False" if question.answer else "True", exact=True).check()
        elif question.type == "date":
            page.get_by_label("Your answer (a date)").fill("1 January 2025")
        click(page, "Next →" if number < len(questions) else "Finish…")

    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to submit?")
    expect(page.locator(".overview .missing")).to_have_count(1)
    check_page(page, "finish")
    page.get_by_role("button", name="Submit the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your score:")
    for verdict in ("correct", "partial", "wrong"):
        expect(page.locator(f".review-item.{verdict}").first).to_be_visible()
    check_page(page, "result")

    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=2, name="Most often missed")).to_be_visible()
    check_page(page, "progress")

    response = page.goto(f"{live_server}/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    check_page(page, "not-found")


def test_feedback_after_each_question_passes_axe(live_server: str, page: Page) -> None:
    start_quiz(page, live_server, "Numbers and dates")
    check_page(page, "question-immediate")
    answer_correctly(page, shown_library_question(page))
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback.correct")).to_contain_text("Correct!")
    check_page(page, "question-feedback")


def test_article_question_pages_pass_axe_on_desktop_and_phone(live_server: str, new_page) -> None:
    """The article's questions have the longest texts: the first of each type, at both widths."""
    numbers = first_of_type(quiz_questions(article_bank(), ARTICLE_QUIZ))
    page = new_page()
    signup(page, live_server, "axe-reader")
    attempt = start_quiz(page, live_server, ARTICLE_QUIZ)
    for kind, number in numbers.items():
        page.goto(f"{attempt}/{number}")
        check_page(page, f"article-question-{kind.replace('_', '-')}")

    phone = new_page(width=360, height=740)
    signup(phone, live_server, "axe-phone-reader")
    attempt = start_quiz(phone, live_server, ARTICLE_QUIZ)
    phone.goto(f"{attempt}/{numbers['order']}")
    check_page(phone, "question-order-phone")
    phone.goto(f"{attempt}/{numbers['single']}")
    check_page(phone, "question-phone")


def test_single_choice_answered_with_the_keyboard_only(live_server: str, page: Page) -> None:
    questions = all_types()
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    expect_question(page, 1, len(questions))
    assert questions[0].type == "single"
    focused = page.locator(":focus")

    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "answer":
            break
    expect(focused).to_have_attribute("type", "radio")
    expect(focused).to_have_css("outline-style", "solid")
    page.keyboard.press("Space")
    expect(focused).to_be_checked()
    picked = focused.get_attribute("value")

    page.keyboard.press("Tab")
    expect(focused).to_have_text("Next →")
    expect(focused).to_have_css("outline-style", "solid")
    page.keyboard.press("Enter")
    expect_question(page, 2, len(questions))

    page.goto(f"{attempt}/1")
    expect(page.locator(f"input[name=answer][value='{picked}']")).to_be_checked()


def test_a_form_sent_back_with_errors_puts_the_cursor_in_the_first_to_fix(
    live_server: str, page: Page
) -> None:
    page.goto(f"{live_server}/signup")
    page.get_by_label("Username").fill("keyboard-kid")
    page.get_by_label("Display name").fill("Kid")
    page.get_by_label("Password", exact=True).fill("long enough pw")
    page.get_by_label("Repeat the password").fill("something else")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("The passwords differ.")).to_be_visible()
    expect(page.get_by_label("Repeat the password")).to_be_focused()
    expect(page.get_by_label("Username")).to_have_value("keyboard-kid")


def test_enter_in_an_answer_moves_forward_not_back(live_server: str, page: Page) -> None:
    """The form's first button is what Enter presses: the step forward, not "Previous"."""
    questions = all_types()
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    number = first_of_type(questions)["short"]
    assert number > 1
    page.goto(f"{attempt}/{number}")
    answer_field(page).fill(typed_answer(questions[number - 1]))
    answer_field(page).press("Enter")
    expect_question(page, number + 1, len(questions))
    page.goto(f"{attempt}/{number}")
    expect(answer_field(page)).to_have_value(typed_answer(questions[number - 1]))


def test_an_answer_typed_just_before_leaving_the_page_is_kept(live_server: str, page: Page):
    """Autosave waits for typing to pause; leaving within that wait still sends the answer."""
    questions = all_types()
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    number = first_of_type(questions)["short"]
    page.goto(f"{attempt}/{number}")
    typed = typed_answer(questions[number - 1])
    answer_field(page).fill(typed)
    page.get_by_role("link", name="Overview and submit").click()  # at once, not a form button
    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to submit?")
    kept = ""
    for _ in range(20):  # the beacon is sent as the page goes; it may land a moment later
        page.goto(f"{attempt}/{number}")
        kept = answer_field(page).input_value()
        if kept:
            break
        page.wait_for_timeout(100)
    assert kept == typed


def test_a_half_ranked_order_question_waits_without_an_error(live_server: str, page: Page):
    questions = all_types()
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    number = first_of_type(questions)["order"]
    page.goto(f"{attempt}/{number}")
    first = page.locator(".order-rank").first
    saves = []
    page.on(
        "request", lambda request: saves.append(request.url) if "autosave" in request.url else 0
    )
    first.select_option("1")
    page.wait_for_timeout(1200)  # twice autosave's wait
    assert saves == []
    expect(page.locator(".save-status")).to_have_text("")
