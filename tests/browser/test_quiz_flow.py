"""A learner's whole path through the app, in Chromium: account, class, every question type,
resuming, the result and its review, guests, the timer and the phone layout."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page, Response, expect
from sqlalchemy import select

from quizapp.core import grading
from quizapp.core.bank.loader import load_bank_file
from quizapp.core.bank.schema import QUESTION_TYPES, Bank
from quizapp.core.quizzes import selected_ids
from quizapp.db import session_scope
from quizapp.models import Attempt, User
from quizapp.paths import questions_dir
from quizapp.services.banks import import_paths
from tests.browser.conftest import axe_violations, screenshot, signup
from tests.conftest import ALL_TYPES_BANK, PASSWORD
from tests.web.helpers import LIBRARY_BANK, assign_to_a_class, quiz_id
from tests.web.test_teach import ARTICLE, TINY_BANK

pytestmark = pytest.mark.browser

ALL_TYPES_QUIZ = "Every kind of question"
"""The library test bank's quiz with one question of each type, in the bank's order."""
ARTICLE_QUIZ = "The whole article"
"""Every question of the article bank, in the bank's order: the longest texts to lay out."""


@cache
def bank(path: str) -> Bank:
    loaded = load_bank_file(path)
    assert loaded.bank is not None, loaded.problems
    return loaded.bank


def library_bank() -> Bank:
    return bank(str(ALL_TYPES_BANK / "library.yaml"))


def article_bank() -> Bank:
    return bank(str(questions_dir() / "kosovo-turkish-drones.yaml"))


def quiz_questions(source: Bank, title: str) -> list[Any]:
    """The questions of a quiz that does not shuffle them, in the order it shows them."""
    quiz = next(q for q in source.quizzes if q.title == title)
    assert not quiz.shuffle_questions and quiz.count is None
    return [source.question(qid) for qid in selected_ids(quiz, source.questions)]


def all_types() -> list[Any]:
    return quiz_questions(library_bank(), ALL_TYPES_QUIZ)


def first_of_type(questions: list[Any]) -> dict[str, int]:
    """Question number of the first question of each type, every type present."""
    numbers: dict[str, int] = {}
    for number, question in enumerate(questions, start=1):
        numbers.setdefault(question.type, number)
    assert sorted(numbers) == sorted(QUESTION_TYPES)
    return numbers


def shown_library_question(page: Page) -> Any:
    """The library bank's question on the page, found by its prompt (some quizzes shuffle)."""
    prompt = page.get_by_role("heading", level=1).inner_text()
    return next(q for q in library_bank().questions if q.prompt == prompt)


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


def answer_field(page: Page) -> Locator:
    """The text field of a short, numeric or date question."""
    return page.get_by_label(re.compile(r"^Your answer"))


def position_menu(page: Page, item: str) -> Locator:
    return page.get_by_role("combobox", name=f"Position of: {item}", exact=True)


def order_texts(page: Page) -> Locator:
    """An ordering question's items, in the order the list shows them."""
    return page.locator(".order-item .order-text")


def order_with_buttons(page: Page, items: list[str]) -> None:
    """Sort the items into `items` order with the up/down buttons the script adds."""
    for target, item in enumerate(items):
        for _ in range(order_texts(page).all_inner_texts().index(item) - target):
            page.get_by_role("button", name=f"Move up: {item}", exact=True).click()
    expect(order_texts(page)).to_have_text(items)


def answer_correctly(page: Page, question: Any) -> None:
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
        answer_field(page).fill(typed_answer(question))
    elif kind == "match":
        for pair in question.pairs:
            page.get_by_label(pair.left, exact=True).select_option(label=pair.right)
    elif kind == "order":
        for position, item in enumerate(question.items, start=1):
            position_menu(page, item).select_option(str(position))
    elif kind == "cloze":
        for number, accepted in enumerate(question.gaps(), start=1):
            page.get_by_label(f"Gap {number}", exact=True).fill(accepted[0])
    else:
        raise AssertionError(f"no control for {kind}")


def expect_answered(page: Page, question: Any) -> None:
    """The question's controls show the right answer given before (checked, typed, chosen)."""
    kind = question.type
    if kind in ("single", "multiple"):
        correct = [question.correct] if kind == "single" else question.answer
        for text in question.choices:
            expect(page.get_by_label(text, exact=True)).to_be_checked(checked=text in correct)
    elif kind == "true_false":
        truth = "True" if question.answer else "False"
        expect(page.get_by_label(truth, exact=True)).to_be_checked()
    elif kind in ("short", "numeric", "date"):
        expect(answer_field(page)).to_have_value(typed_answer(question))
    elif kind == "match":
        for pair in question.pairs:
            menu = page.get_by_label(pair.left, exact=True)
            expect(menu.locator("option:checked")).to_have_text(pair.right)
    elif kind == "order":
        expect(order_texts(page)).to_have_text(question.items)
        for position, item in enumerate(question.items, start=1):
            expect(position_menu(page, item)).to_have_value(str(position))
    elif kind == "cloze":
        for number, accepted in enumerate(question.gaps(), start=1):
            expect(page.get_by_label(f"Gap {number}", exact=True)).to_have_value(accepted[0])


def expect_question(page: Page, number: int, total: int) -> None:
    expect(page.locator(".question-count")).to_contain_text(f"Question {number} of {total}")


def open_quiz(page: Page, base: str, title: str) -> None:
    """From the home page to the quiz's page, by its link."""
    page.goto(f"{base}/")
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def start_quiz(page: Page, base: str, title: str) -> str:
    """Open the quiz and start (or resume) it; the attempt's URL, without a question number."""
    open_quiz(page, base, title)
    page.get_by_role("button", name=re.compile(r"^(Start the quiz|Resume your attempt)$")).click()
    page.wait_for_url(re.compile(r"/attempt/\d+/\d+$"))
    return attempt_url(page)


def attempt_url(page: Page) -> str:
    match = re.search(r"^(.*/attempt/\d+)/\d+$", page.url)
    assert match, page.url
    return match.group(1)


def choice_values(page: Page) -> list[str]:
    """The option ids of a choice question, in the order the page shows them."""
    return page.locator("input[name=answer]").evaluate_all("inputs => inputs.map(i => i.value)")


@contextmanager
def autosaved(page: Page, fields: list[tuple[str, str]]) -> Iterator[None]:
    """Wait until the script's autosave has sent all these form fields and the page says so.

    An earlier save of half the answer may finish first: the save waited for is the one
    that carries every field."""

    def complete(response: Response) -> bool:
        body = response.request.post_data or ""
        return response.url.endswith("/autosave") and all(
            f'name="{name}"\r\n\r\n{value}\r\n' in body for name, value in fields
        )

    with page.expect_response(complete) as saved:
        yield
    assert saved.value.ok
    expect(page.locator(".save-status")).to_have_text("Saved")


def answer_fields(question: Any) -> list[tuple[str, str]]:
    """The form fields of the right answer to a multiple-choice or ordering question."""
    if question.type == "multiple":
        return [("answer", question.choice_ids()[text]) for text in question.answer]
    ids = question.item_ids()
    return [(f"rank-{ids[item]}", str(n)) for n, item in enumerate(question.items, start=1)]


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def test_student_joins_a_class_and_takes_every_question_type(
    live_server: str, new_page, page: Page
) -> None:
    teacher = new_page()
    signup(teacher, live_server, "mrs-berisha", role="teacher")
    teacher.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Classes", exact=True
    ).click()
    teacher.get_by_label("Class name").fill("9B Media literacy")
    click(teacher, "Create class")
    expect(teacher.get_by_role("heading", level=1)).to_have_text("9B Media literacy")
    code = teacher.locator(".join-code-big code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,20}", code), code

    signup(page, live_server, "arta")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Classes", exact=True
    ).click()
    page.get_by_label("Join code").fill(code.lower())
    click(page, "Join")
    expect(page.get_by_role("status")).to_contain_text("You joined “9B Media literacy”")
    expect(page.get_by_role("heading", level=2, name="9B Media literacy")).to_be_visible()
    teacher.reload()
    expect(teacher.get_by_role("cell", name="arta", exact=True)).to_be_visible()

    questions = all_types()
    total = len(questions)
    numbers = first_of_type(questions)
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    wrong = questions[numbers["numeric"] - 1]
    for number, question in enumerate(questions, start=1):
        expect_question(page, number, total)
        expect(page.locator("progress")).to_have_attribute("value", str(number))
        if question is wrong:
            answer_field(page).fill("900")
        elif question.type == "multiple":
            with autosaved(page, answer_fields(question)):
                answer_correctly(page, question)
        else:
            answer_correctly(page, question)

        if question.type == "multiple":
            # Reload mid-quiz: same question, same choice order, the saved answer still there.
            order = choice_values(page)
            page.reload()
            expect_question(page, number, total)
            assert choice_values(page) == order
            expect_answered(page, question)
            # Leaving and coming back by the quiz's page resumes on the same question.
            start_quiz(page, live_server, ALL_TYPES_QUIZ)
            assert page.url == f"{attempt}/{number}"
            assert choice_values(page) == order

        click(page, "Next →" if number < total else "Finish…")
        if number == numbers["true_false"]:
            expect_question(page, number + 1, total)
            click(page, "← Previous")
            expect_question(page, number, total)
            expect_answered(page, question)
            click(page, "Next →")

    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to submit?")
    expect(page.get_by_text("Every question has an answer.")).to_be_visible()
    expect(page.locator(".overview li")).to_have_count(total)
    click(page, "Submit the quiz")

    points = sum(q.points for q in questions)
    earned = points - wrong.points
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Your score: {100 * earned / points:.1f}%"
    )
    expect(page.locator(".result-summary .lead")).to_contain_text(
        f"{earned:g} of {points:g} points · time taken"
    )
    items = page.locator(".review-item")
    expect(items).to_have_count(total)
    reviews = [" ".join(text.split()) for text in items.all_inner_texts()]
    explanations = items.locator(".explanation").all_inner_texts()
    sources = items.locator(".source").all_inner_texts()
    for number, question in enumerate(questions, start=1):
        review = reviews[number - 1]
        verdict = "wrong" if question is wrong else "correct"
        assert review.lower().startswith(f"question {number} {verdict}"), review[:80]
        assert f"Correct answer: {grading.describe_answer(question)}" in review, review
        if question is not wrong:
            answer = grading.check_response(question, raw_answer(question))
            assert f"Your answer: {grading.describe_response(question, answer)}" in review
        assert " ".join(explanations[number - 1].split()) == question.explanation
        assert " ".join(question.source.split()) in sources[number - 1]
    assert "Your answer: 900" in reviews[numbers["numeric"] - 1]
    expect(items.nth(numbers["numeric"] - 1)).to_have_class(re.compile(r"\bwrong\b"))
    screenshot(page, "result-all-types")

    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My progress")
    best = page.get_by_role("row").filter(has_text=ALL_TYPES_QUIZ).first
    expect(best).to_contain_text(f"{100 * earned / points:.1f}%")
    expect(page.get_by_role("link", name=re.compile(re.escape(wrong.prompt)))).to_be_visible()


def raw_answer(question: Any) -> Any:
    """The raw answer `answer_correctly` gives, as the grading core reads it from the form."""
    kind = question.type
    if kind == "single":
        return question.choice_ids()[question.correct]
    if kind == "multiple":
        return [question.choice_ids()[text] for text in question.answer]
    if kind == "true_false":
        return "true" if question.answer else "false"
    if kind in ("short", "numeric", "date"):
        return typed_answer(question)
    if kind == "match":
        rights = question.right_ids()
        return {question.left_ids()[p.left]: rights[p.right] for p in question.pairs}
    if kind == "order":
        return list(question.item_ids().values())
    return [accepted[0] for accepted in question.gaps()]


def test_order_buttons_move_items_and_the_order_survives_a_reload(
    live_server: str, page: Page
) -> None:
    questions = all_types()
    number = first_of_type(questions)["order"]
    question = questions[number - 1]
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    page.goto(f"{attempt}/{number}")
    shown = order_texts(page).all_inner_texts()
    assert sorted(shown) == sorted(question.items)
    page.reload()
    expect(order_texts(page)).to_have_text(shown)

    first = shown[0]
    click(page, f"Move down: {first}")
    expect(order_texts(page).nth(1)).to_have_text(first)
    expect(position_menu(page, first)).to_have_value("2")
    expect(page.get_by_role("button", name=f"Move down: {first}")).to_be_focused()
    # The focus stays on the button: a live region says where the item went.
    status = page.locator(".order-status")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_have_text(f"{first}: position 2 of {len(shown)}.")

    with autosaved(page, answer_fields(question)):
        order_with_buttons(page, question.items)
    expect_answered(page, question)
    page.reload()
    expect_answered(page, question)
    click(page, "Next →")
    expect_question(page, number + 1, len(questions))
    click(page, "← Previous")
    expect_question(page, number, len(questions))
    expect_answered(page, question)


def test_every_question_type_works_without_javascript(live_server: str, chromium) -> None:
    """The ordering control falls back to its position menus; every page still submits."""
    context = chromium.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        questions = all_types()
        start_quiz(page, live_server, ALL_TYPES_QUIZ)
        for number, question in enumerate(questions, start=1):
            expect_question(page, number, len(questions))
            expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))
            if question.type == "order":
                expect(page.get_by_role("button", name=re.compile("^Move "))).to_have_count(0)
            answer_correctly(page, question)
            click(page, "Next →" if number < len(questions) else "Finish…")
        click(page, "Submit the quiz")
        expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")
    finally:
        context.close()


def test_an_ambiguous_or_yearless_date_is_refused_and_the_text_kept(
    live_server: str, page: Page
) -> None:
    questions = all_types()
    number = first_of_type(questions)["date"]
    attempt = start_quiz(page, live_server, ALL_TYPES_QUIZ)
    page.goto(f"{attempt}/{number}")

    field = page.get_by_label("Your answer (a date)")
    field.fill("10/12")
    click(page, "Next →")
    expect(page.get_by_role("alert")).to_have_text(
        '"10/12" could mean 10 December or October 12: write the month as a word,'
        ' for example "12 October".'
    )
    expect_question(page, number, len(questions))
    expect(field).to_have_value("10/12")
    screenshot(page, "question-date-refused")

    field.fill("14 June")  # the answer has a year: asked for, not marked wrong
    click(page, "Next →")
    expect(page.get_by_role("alert")).to_have_text(grading.YEAR_NEEDED)
    expect(field).to_have_value("14 June")

    field.fill("14 June 2025")
    click(page, "Next →")
    expect_question(page, number + 1, len(questions))
    click(page, "← Previous")
    expect(field).to_have_value("14 June 2025")


def test_guest_takes_a_quiz_and_signs_up_to_keep_the_result(live_server: str, page: Page) -> None:
    page.goto(f"{live_server}/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    open_quiz(page, live_server, "Key facts")
    expect(page.locator(".notice")).to_contain_text("You are practising as a guest")
    click(page, "Start the quiz")
    for number in range(1, 4):
        expect_question(page, number, 3)
        answer_correctly(page, shown_library_question(page))
        click(page, "Next →" if number < 3 else "Finish…")
    click(page, "Submit the quiz")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")
    expect(page.locator(".review-item")).to_have_count(3)
    offer = page.locator(".result-summary .notice")
    expect(offer).to_contain_text("This result is kept only for a day.")
    screenshot(page, "result-guest")
    result_url = page.url
    offer.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Username").fill("guest-who-stays")
    page.get_by_label("Display name").fill("Guest Who Stays")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    # The form names the guest work it keeps, ticked, for the next student on a shared
    # laptop to untick.
    work = page.get_by_role("group", name="Keep what was done as a guest in this browser")
    expect(work.get_by_role("checkbox", name="“Key facts” (finished, just now)")).to_be_checked()
    assert axe_violations(page) == []
    screenshot(page, "signup-guest-work")
    page.get_by_role("button", name="Sign up").click()
    # Back at the result, now the account's.
    page.wait_for_url(result_url)
    kept = page.locator(".flash", has_text="What you did as a guest is now kept on your account.")
    expect(kept).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")
    expect(offer).to_have_count(0)
    page.get_by_role("link", name="My progress").click()
    expect(page.locator("main")).to_contain_text("Key facts")


def test_timer_counts_down_on_a_timed_quiz(live_server: str, page: Page) -> None:
    title = "Key facts in 10 minutes"
    page.goto(f"{live_server}/")
    listed = page.locator(".quiz-item").filter(has=page.get_by_role("link", name=title, exact=True))
    expect(listed).to_contain_text("· 10 min")
    start_quiz(page, live_server, title)
    timer = page.get_by_role("timer")
    value = timer.locator(".timer-value")
    expect(value).to_have_text(re.compile(r"^(10 min 00 s|9 min [0-5]\d s)$"))
    first = value.inner_text()
    expect(value).not_to_have_text(first, timeout=3_000)

    def seconds(text: str) -> int:
        minutes, secs = re.findall(r"\d+", text)
        return int(minutes) * 60 + int(secs)

    elapsed = seconds(first) - seconds(value.inner_text())
    assert elapsed in (1, 2, 3), f"the timer went down by {elapsed} s"
    expect(page.locator(".timer-warning")).to_have_text("")  # nothing read out yet


def test_the_last_minute_of_a_timed_quiz_is_read_out_once(
    live_app: Flask, live_server: str, page: Page
):
    signup(page, live_server, "clock-watcher")
    with session_scope(live_app) as session:
        student = session.scalar(select(User.id).where(User.username == "clock-watcher"))
    # The quiz limits its attempts: a test, taken through its class's assignment.
    quiz = quiz_id(live_app, LIBRARY_BANK, "timed")  # a one-minute quiz
    assign_to_a_class(live_app, quiz, student)
    page.goto(f"{live_server}/quiz/{quiz}")
    page.get_by_role("button", name="Start the quiz").click()
    warning = page.locator(".timer-warning")
    expect(warning).to_have_attribute("aria-live", "assertive")
    expect(warning).to_have_text(
        "One minute left: your saved answers are submitted when the time is up."
    )
    expect(page.get_by_role("timer")).to_have_class(re.compile(r"\blow\b"))


def test_the_time_left_stays_in_a_corner_when_the_timer_scrolls_away(
    live_server: str, new_page
) -> None:
    page = new_page(360, 420)  # a phone held sideways: the question is longer than the screen
    start_quiz(page, live_server, "Key facts in 10 minutes")
    corner = page.locator(".timer-corner")
    expect(corner).to_be_hidden()  # the timer itself is on screen
    page.mouse.wheel(0, 2000)
    expect(page.get_by_role("timer")).not_to_be_in_viewport()
    expect(corner).to_be_visible()
    expect(corner).to_have_text(re.compile(r"^Time left (10:00|9:[0-5]\d)$"))
    expect(corner).to_have_attribute("aria-hidden", "true")  # the timer is read, not this copy
    box = corner.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 360 and box["y"] < 20
    page.mouse.wheel(0, -2000)
    expect(corner).to_be_hidden()


def test_the_autosave_says_what_happened_when_the_session_has_ended(
    live_server: str, new_page
) -> None:
    laptop, phone = new_page(), new_page()
    signup(laptop, live_server, "two-devices")
    phone.goto(f"{live_server}/login")
    phone.get_by_label("Username").fill("two-devices")
    phone.get_by_label("Password").fill(PASSWORD)
    click(phone, "Log in")
    start_quiz(laptop, live_server, "Every kind of question")  # a single choice first
    phone.get_by_role("button", name="Log out").click()  # on every device
    laptop.locator("input[name=answer]").first.check()
    expect(laptop.locator(".save-status")).to_have_text(
        "Your session has ended, so what you just sent was not saved: log in to go on."
        " The answers saved before are kept."
    )
    # With its cookie gone as well, the token is refused by an error page, not JSON.
    laptop.context.clear_cookies()
    laptop.locator("input[name=answer]").nth(1).check()
    expect(laptop.locator(".save-status")).to_have_text(
        "Not saved: reload the page to go on. Your answer is kept on this page."
    )


OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => getComputedStyle(el).overflowX !== "visible";
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    let limit = width;
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (scrolls(up)) { limit = null; break; }
      if (up.classList.contains("card")) { limit = up.getBoundingClientRect().right; break; }
    }
    if (limit !== null && box.right > limit + 0.5) {
      out.push(`${el.tagName}.${el.className} ends at ${box.right}, beyond ${limit}`);
    }
  }
  return out;
}"""
"""Elements that stick out of the viewport, or out of the card they are in (content inside a
scrolling box, like a wide table, is left to its box)."""


def test_phone_layout_has_no_horizontal_scroll(live_server: str, new_page) -> None:
    page = new_page(width=360, height=740)
    signup(page, live_server, "phone-user")
    open_quiz(page, live_server, ARTICLE_QUIZ)
    urls = [page.url]
    attempt = start_quiz(page, live_server, ARTICLE_QUIZ)
    numbers = first_of_type(quiz_questions(article_bank(), ARTICLE_QUIZ))
    urls += [f"{attempt}/{number}" for number in numbers.values()]
    urls += [f"{attempt}/finish", f"{live_server}/", f"{live_server}/progress"]
    urls += [f"{live_server}/classes/", f"{live_server}/no-such-page"]
    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width}px wide at 360px"
        assert page.evaluate(OVERFLOWING) == [], url


def test_an_answer_not_yet_checked_when_the_time_runs_out_is_kept(
    live_app: Flask, live_server: str, page: Page, tmp_path
) -> None:
    """Under feedback after each question only a checked answer is saved: the one typed but
    not checked when the time ran out was lost."""
    quick = (
        "  - id: quick\n    title: Quick timed check\n    questions: [boats]\n"
        "    time_limit_minutes: 1\n    feedback: immediate\n"
    )
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "tiny.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "tiny.yaml").write_text(TINY_BANK + quick, encoding="utf-8")
    with session_scope(live_app) as session:
        _reports, failed = import_paths(session, [tmp_path / "tiny.yaml"])
        assert not failed
    signup(page, live_server, "last-second")
    attempt = start_quiz(page, live_server, "Quick timed check")
    with session_scope(live_app) as session:  # four seconds left
        record = session.get(Attempt, int(attempt.rsplit("/", 1)[1]))
        record.started_at -= dt.timedelta(seconds=56)
        record.deadline_at -= dt.timedelta(seconds=56)
    page.reload()
    page.get_by_label("20", exact=True).check()  # given, never checked
    page.wait_for_url(re.compile(r"/result$"), timeout=15_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your score: 100%")


def test_an_answer_given_just_before_opening_the_overview_counts_there(
    live_server: str, page: Page
) -> None:
    """The overview opened before the autosave's wait was over said "not answered"."""
    start_quiz(page, live_server, "Key facts")
    state = page.locator("input[name=answer_state]")
    expect(state).to_have_value("none")
    answer_correctly(page, shown_library_question(page))
    # Changed here: an answer then erased on this page would be taken back on purpose.
    expect(state).to_have_value("changed")
    page.get_by_role("link", name="Overview and submit").click()  # within the wait
    page.wait_for_url(re.compile(r"/finish$"))
    expect(page.locator(".overview li").first).to_contain_text("Question 1 — answered")
