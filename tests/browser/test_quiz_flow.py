"""A learner's whole path through the app, in Chromium: account, class, every question type,
resuming, the result and its review, guests, the timer and the phone layout."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import cache
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from quizapp.core import grading
from quizapp.core.bank.loader import load_bank_file
from quizapp.core.bank.schema import Bank
from quizapp.core.quizzes import selected_ids
from quizapp.paths import questions_dir
from tests.browser.conftest import screenshot, signup
from tests.conftest import ALL_TYPES_BANK

pytestmark = pytest.mark.browser

ARTICLE_QUIZ = "The whole article"
"""The only quiz with every question type: the library test bank's quizzes each hold a few."""

# Question numbers in "The whole article" (bank order, not shuffled): the first of each type.
FIRST_OF_TYPE = {
    "single": 1,
    "multiple": 43,
    "true_false": 53,
    "short": 68,
    "numeric": 81,
    "date": 85,
    "match": 87,
    "order": 93,
    "cloze": 97,
}


@cache
def article_bank() -> Bank:
    loaded = load_bank_file(questions_dir() / "kosovo-turkish-drones.yaml")
    assert loaded.bank is not None, loaded.problems
    return loaded.bank


@cache
def whole_article() -> list[Any]:
    """The questions of "The whole article", in the order the quiz shows them."""
    bank = article_bank()
    quiz = next(q for q in bank.quizzes if q.title == ARTICLE_QUIZ)
    assert not quiz.shuffle_questions
    return [bank.question(qid) for qid in selected_ids(quiz, bank.questions)]


def test_whole_article_quiz_holds_every_type() -> None:
    questions = whole_article()
    assert {q.type for q in questions} == set(FIRST_OF_TYPE)
    for kind, number in FIRST_OF_TYPE.items():
        assert questions[number - 1].type == kind
        assert all(q.type != kind for q in questions[: number - 1])


def written_date(iso: str) -> str:
    """A date as a person writes it: "12 October", or "14 June 2025" when a year is asked."""
    if iso.startswith("--"):
        return f"{int(iso[5:7])} {calendar.month_name[int(iso[2:4])]}"
    date = dt.date.fromisoformat(iso)
    return f"{date.day} {calendar.month_name[date.month]} {date.year}"


def typed_answer(question: Any) -> str:
    if question.type == "short":
        return question.answers[0]
    if question.type == "numeric":
        return f"{question.answer:g}"
    return written_date(str(question.answer))


def order_items(page: Page) -> list[str]:
    """The texts of an ordering question's items, as the list shows them now."""
    return page.locator(".order-item .order-text").all_inner_texts()


def order_with_buttons(page: Page, items: list[str]) -> None:
    """Sort the items into `items` order with the up/down buttons the script adds."""
    for target, item in enumerate(items):
        for _ in range(order_items(page).index(item) - target):
            page.get_by_role("button", name=f"Move up: {item}", exact=True).click()
    assert order_items(page) == items


def answer_correctly(page: Page, question: Any, *, order_buttons: bool = False) -> None:
    """Give the right answer with the question's own control, as a learner would."""
    kind = question.type
    if kind == "single":
        page.get_by_label(question.correct, exact=True).check()
    elif kind == "multiple":
        for text in question.answer:
            page.get_by_label(text, exact=True).check()
    elif kind == "true_false":
        page.get_by_label("True" if question.answer else "False", exact=True).check()
    elif kind in ("short", "numeric", "date"):
        page.get_by_label(re.compile(r"^Your answer")).fill(typed_answer(question))
    elif kind == "match":
        for pair in question.pairs:
            page.get_by_label(pair.left, exact=True).select_option(label=pair.right)
    elif kind == "order":
        if order_buttons:
            order_with_buttons(page, question.items)
        else:
            for position, item in enumerate(question.items, start=1):
                position_menu(page, item).select_option(str(position))
    elif kind == "cloze":
        for number, accepted in enumerate(question.gaps(), start=1):
            page.get_by_label(f"Gap {number}", exact=True).fill(accepted[0])
    else:
        raise AssertionError(f"no control for {kind}")


def position_menu(page: Page, item: str):
    return page.get_by_role("combobox", name=f"Position of: {item}", exact=True)


def expect_question(page: Page, number: int, total: int) -> None:
    expect(page.locator(".question-count")).to_contain_text(f"Question {number} of {total}")


def start_quiz(page: Page, base: str, title: str) -> str:
    """From the home page, open the quiz and start (or resume) it; the first question's URL."""
    page.goto(f"{base}/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name=re.compile(r"^(Start the quiz|Resume your attempt)$")).click()
    page.wait_for_url(re.compile(r"/attempt/\d+/\d+$"))
    return page.url


def attempt_url(page: Page) -> str:
    """The attempt's base URL (without the question number) from a question page."""
    match = re.search(r"^(.*/attempt/\d+)/\d+$", page.url)
    assert match, page.url
    return match.group(1)


def choice_values(page: Page) -> list[str]:
    return page.locator("input[name=answer]").evaluate_all("inputs => inputs.map(i => i.value)")


def wait_saved(page: Page) -> None:
    expect(page.locator(".save-status")).to_have_text("Saved")


def test_student_joins_a_teachers_class(live_server: str, new_page) -> None:
    teacher = new_page()
    signup(teacher, live_server, "mrs-berisha", role="teacher")
    teacher.get_by_role("link", name="Classes", exact=True).click()
    teacher.get_by_label("Class name").fill("9B Media literacy")
    teacher.get_by_role("button", name="Create class").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("9B Media literacy")
    code = teacher.locator(".join-code-big code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,20}", code), code

    student = new_page()
    signup(student, live_server, "arta")
    student.get_by_role("link", name="Classes", exact=True).click()
    student.get_by_label("Join code").fill(code.lower())
    student.get_by_role("button", name="Join").click()
    expect(student.get_by_role("status")).to_contain_text("You joined “9B Media literacy”")
    expect(student.get_by_role("heading", level=2, name="9B Media literacy")).to_be_visible()
    expect(student.get_by_text("Teacher: Mrs-Berisha")).to_be_visible()
    screenshot(student, "classes")

    student.get_by_role("link", name="Quizzes", exact=True).click()
    expect(student.get_by_text("Your classes:")).to_contain_text("9B Media literacy")

    teacher.reload()
    expect(teacher.get_by_role("cell", name="arta", exact=True)).to_be_visible()

    student.goto(f"{live_server}/classes/join")
    student.get_by_label("Join code").fill("NOPE99")
    student.get_by_role("button", name="Join").click()
    expect(student.locator(".field-error .error")).to_be_visible()
    expect(student.get_by_label("Join code")).to_have_value("NOPE99")


def test_every_question_type_to_the_reviewed_result(live_server: str, page: Page) -> None:
    """All 104 questions of the article, each answered right with its own control, submitted
    and reviewed: the score is full and every review item carries its four parts."""
    questions = whole_article()
    total = len(questions)
    signup(page, live_server, "besa")
    start_quiz(page, live_server, ARTICLE_QUIZ)
    for number, question in enumerate(questions, start=1):
        expect_question(page, number, total)
        answer_correctly(page, question, order_buttons=number == FIRST_OF_TYPE["order"])
        button = "Next →" if number < total else "Finish…"
        page.get_by_role("button", name=button, exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to submit?")
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    page.get_by_role("button", name="Submit the quiz").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")
    expect(page.locator(".result-summary .lead")).to_contain_text(f"{total:g} of {total:g} points")
    items = page.locator(".review-item")
    expect(items).to_have_count(total)
    for number, question in enumerate(questions, start=1):
        item = items.nth(number - 1)
        expect(item.get_by_role("heading", level=3)).to_contain_text(f"Question {number} correct")
        expect(item).to_contain_text("Your answer:")
        expect(item).to_contain_text(f"Correct answer: {grading.describe_answer(question)}")
        expect(item.locator(".source")).to_contain_text(" ".join(question.source.split()))
        expect(item.locator(".explanation")).not_to_be_empty()
    date_item = items.nth(FIRST_OF_TYPE["date"] - 1)
    expect(date_item).to_contain_text("Your answer: October 12")
    screenshot(page, "result")

    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("cell", name=ARTICLE_QUIZ).first).to_be_visible()
    expect(page.locator("table").first).to_contain_text("100%")
    expect(page.get_by_text("Nothing missed so far.")).to_be_visible()


def test_reload_and_previous_keep_the_answer_and_the_choice_order(
    live_server: str, page: Page
) -> None:
    questions = whole_article()
    signup(page, live_server, "driton")
    start_quiz(page, live_server, ARTICLE_QUIZ)
    attempt = attempt_url(page)

    number = FIRST_OF_TYPE["multiple"]
    page.goto(f"{attempt}/{number}")
    question = questions[number - 1]
    order = choice_values(page)
    answer_correctly(page, question)
    wait_saved(page)

    page.reload()
    expect_question(page, number, len(questions))
    assert choice_values(page) == order
    for text in question.answer:
        expect(page.get_by_label(text, exact=True)).to_be_checked()
    for text in set(question.choices) - set(question.answer):
        expect(page.get_by_label(text, exact=True)).not_to_be_checked()

    # Leaving and coming back through the quiz's page resumes on the same question.
    page.goto(f"{live_server}/")
    start_quiz(page, live_server, ARTICLE_QUIZ)
    assert page.url == f"{attempt}/{number}"
    assert choice_values(page) == order

    page.get_by_role("button", name="Next →").click()
    expect_question(page, number + 1, len(questions))
    page.get_by_role("button", name="← Previous").click()
    expect_question(page, number, len(questions))
    for text in question.answer:
        expect(page.get_by_label(text, exact=True)).to_be_checked()
    assert choice_values(page) == order

    # The order question keeps its arrangement through a reload, too.
    number = FIRST_OF_TYPE["order"]
    page.goto(f"{attempt}/{number}")
    question = questions[number - 1]
    shown = order_items(page)
    assert sorted(shown) == sorted(question.items)
    assert shown != question.items, "the items must not be shown already solved"
    answer_correctly(page, question)
    wait_saved(page)
    page.reload()
    assert order_items(page) == question.items
    for position, item in enumerate(question.items, start=1):
        expect(position_menu(page, item)).to_have_value(str(position))

    page.reload()
    assert order_items(page) == question.items


def test_order_buttons_move_items_and_set_positions(live_server: str, page: Page) -> None:
    questions = whole_article()
    number = FIRST_OF_TYPE["order"]
    question = questions[number - 1]
    start_quiz(page, live_server, ARTICLE_QUIZ)
    page.goto(f"{attempt_url(page)}/{number}")

    first_shown = order_items(page)[0]
    page.get_by_role("button", name=f"Move down: {first_shown}", exact=True).click()
    assert order_items(page)[1] == first_shown
    expect(position_menu(page, first_shown)).to_have_value("2")
    expect(page.get_by_role("button", name=f"Move down: {first_shown}")).to_be_focused()

    order_with_buttons(page, question.items)
    for position, item in enumerate(question.items, start=1):
        expect(position_menu(page, item)).to_have_value(str(position))
    wait_saved(page)
    page.get_by_role("button", name="Next →").click()
    expect_question(page, number + 1, len(questions))
    page.get_by_role("button", name="← Previous").click()
    assert order_items(page) == question.items


def test_ambiguous_date_is_refused_and_the_text_kept(live_server: str, page: Page) -> None:
    questions = whole_article()
    number = FIRST_OF_TYPE["date"]
    start_quiz(page, live_server, ARTICLE_QUIZ)
    page.goto(f"{attempt_url(page)}/{number}")

    field = page.get_by_label("Your answer (a date)")
    field.fill("10/12")
    page.get_by_role("button", name="Next →").click()
    expect(page.get_by_role("alert")).to_contain_text(
        '"10/12" could mean 10 December or October 12: write the month as a word'
    )
    expect_question(page, number, len(questions))
    expect(field).to_have_value("10/12")
    screenshot(page, "question-date-refused")

    field.fill("12 October")
    page.get_by_role("button", name="Next →").click()
    expect_question(page, number + 1, len(questions))
    page.get_by_role("button", name="← Previous").click()
    expect(field).to_have_value("12 October")


def test_guest_takes_a_quiz_and_is_offered_an_account(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    start_quiz(page, live_server, "Key facts")
    bank = load_bank_file(ALL_TYPES_BANK / "library.yaml").bank
    assert bank is not None
    by_prompt = {q.prompt: q for q in bank.questions}
    for number in range(1, 4):
        expect_question(page, number, 3)
        question = by_prompt[page.get_by_role("heading", level=1).inner_text()]
        answer_correctly(page, question)
        page.get_by_role("button", name="Next →" if number < 3 else "Finish…").click()
    page.get_by_role("button", name="Submit the quiz").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")
    offer = page.locator(".result-summary .notice")
    expect(offer).to_contain_text("This result is not kept.")
    offer.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")


def test_timer_counts_down_on_a_timed_quiz(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/")
    quiz = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="Key facts in 10 minutes", exact=True)
    )
    expect(quiz).to_contain_text("10 min")
    start_quiz(page, live_server, "Key facts in 10 minutes")
    value = page.locator(".timer .timer-value")
    expect(value).to_have_text(re.compile(r"^(10 min 00 s|9 min [0-5]\d s)$"))
    first = value.inner_text()
    expect(value).not_to_have_text(first, timeout=3_000)
    later = value.inner_text()

    def seconds(text: str) -> int:
        minutes, secs = re.findall(r"\d+", text)
        return int(minutes) * 60 + int(secs)

    assert 0 < seconds(first) - seconds(later) <= 3
    expect(page.locator(".timer")).to_have_attribute("role", "timer")


def test_phone_layout_has_no_horizontal_scroll(live_server: str, new_page) -> None:
    page = new_page(width=360, height=740)
    start_quiz(page, live_server, ARTICLE_QUIZ)
    attempt = attempt_url(page)
    for kind, number in FIRST_OF_TYPE.items():
        page.goto(f"{attempt}/{number}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{kind} question is {width}px wide at 360px"
        if kind == "single":
            screenshot(page, "question-phone")
    for url in (f"{attempt}/finish", f"{live_server}/", f"{live_server}/signup"):
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360, url
