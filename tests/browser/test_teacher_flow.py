"""A teacher's path in Chromium: a class, a bank uploaded with an error and fixed in the page,
an assignment, two students taking it, and the gradebook, the reviews and the item analysis
showing their numbers. Every teacher page is screenshotted and checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page, signup
from tests.web.test_teach import ARTICLE, BROKEN_BANK

pytestmark = pytest.mark.browser

QUIZ = "Harbour quiz (best)"
# The broken bank has one mistake on line 24, another reported at line 29.
FIRST_PROBLEM = "tiny.yaml:24:13"


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def take_quiz(page: Page, answers: list[str]) -> None:
    """From the home page's assignment to the submitted result, one answer per question."""
    page.get_by_role("link", name=QUIZ, exact=True).first.click()
    click(page, "Start the quiz")
    for number, answer in enumerate(answers, start=1):
        page.get_by_label(answer, exact=True).check()
        click(page, "Next →" if number < len(answers) else "Finish…")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ready to submit?")
    click(page, "Submit the quiz")
    page.wait_for_url(re.compile(r"/result$"))


def test_teacher_uploads_fixes_assigns_and_reads_the_gradebook(
    live_server: str, new_page, page: Page
) -> None:
    teacher = page
    signup(teacher, live_server, "mr-haxhiu", role="teacher")
    teacher.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Classes", exact=True
    ).click()
    teacher.get_by_label("Class name").fill("9C Harbour")
    click(teacher, "Create class")
    expect(teacher.get_by_role("heading", level=1)).to_have_text("9C Harbour")
    code = teacher.locator(".join-code-big code").inner_text().strip()
    click(teacher, "Copy the code")  # copied, or selected for Ctrl+C where the clipboard is shut
    expect(teacher.locator("#join-code-status")).to_contain_text(code)
    check_page(teacher, "teacher-class-new")

    # The bank, with a mistake: the page shows it at its line, with the file in a text box.
    teacher.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Banks", exact=True
    ).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Question banks")
    check_page(teacher, "teacher-banks-empty")
    teacher.get_by_role("link", name="Upload a bank or a new version").click()
    check_page(teacher, "teacher-upload")
    teacher.get_by_label("Bank file (.yaml)").set_input_files(
        files=[
            {"name": "tiny.yaml", "mimeType": "application/yaml", "buffer": BROKEN_BANK.encode()}
        ]
    )
    teacher.get_by_label("Article (plain text; needed for a new bank)").set_input_files(
        files=[{"name": "tiny.txt", "mimeType": "text/plain", "buffer": ARTICLE.encode()}]
    )
    click(teacher, "Check and upload")
    problems = teacher.get_by_role("heading", level=2, name=re.compile("problems found"))
    expect(problems).to_be_visible()
    expect(problems).to_be_focused()  # what went wrong is read out first
    expect(teacher.locator(".problem-list")).to_contain_text(FIRST_PROBLEM)
    bad_line = teacher.locator("#line-24")
    expect(bad_line).to_contain_text("source: Thirty boats sailed past the lighthouse.")
    expect(teacher.locator(".listing-message").first).to_contain_text("line 24, column 13")
    check_page(teacher, "teacher-upload-errors")

    box = teacher.get_by_label("Or paste or edit the bank's YAML here")
    expect(box).to_have_value(BROKEN_BANK)
    expect(teacher.get_by_label("Or paste the article")).to_have_value(ARTICLE)
    box.fill(
        box.input_value()
        .replace("Thirty boats", "Twenty boats")
        .replace("answer: Stormy", "answer: Windy")
    )
    click(teacher, "Check and upload")
    expect(teacher.locator(".flash")).to_contain_text("Bank tiny-bank: imported.")
    expect(teacher.get_by_role("heading", level=3, name="Tiny test bank")).to_be_visible()
    check_page(teacher, "teacher-banks")

    # A preview is the quiz as a student sees it.
    teacher.get_by_role("button", name=f"Preview {QUIZ}", exact=True).click()
    expect(teacher.locator(".quiz-head .notice")).to_have_text(
        "Preview: this attempt is not recorded in any score. Leave the preview"
    )
    expect(teacher.get_by_role("heading", level=1)).to_have_text("On which day was the festival?")

    # The assignment.
    teacher.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Classes", exact=True
    ).click()
    teacher.get_by_role("link", name="9C Harbour", exact=True).click()
    teacher.get_by_label("Quiz", exact=True).select_option(label=QUIZ)
    teacher.get_by_label("Due (optional)").fill("2999-06-30T17:00")
    click(teacher, "Assign")
    expect(teacher.locator(".flash")).to_contain_text(f"“{QUIZ}” assigned to the class.")
    expect(teacher.locator("#assignments tbody tr")).to_contain_text("Sun 30 Jun 2999, 17:00 UTC")

    # Two students join and take it: one gets all three right, the other one of three.
    students = {"lena": ["Saturday", "20", "Windy"], "omar": ["Saturday", "12", "Sunny"]}
    for name, answers in students.items():
        student = new_page()
        signup(student, live_server, name)
        student.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Classes", exact=True
        ).click()
        student.get_by_label("Join code").fill(code)
        click(student, "Join")
        student.goto(f"{live_server}/")
        assignment = student.locator(".assignment-item", has_text=QUIZ)
        expect(assignment.locator(".badge")).to_have_text("to do")
        take_quiz(student, answers)
        student.goto(f"{live_server}/")
        expect(assignment.locator(".badge")).to_have_text("done")
        expect(assignment.locator(".assignment-score")).to_contain_text(
            "100%" if name == "lena" else "33.3%"
        )
        check_page(student, f"student-home-assignments-{name}")

    teacher.reload()
    expect(teacher.locator("#roster tbody tr")).to_have_count(2)
    check_page(teacher, "teacher-class")

    # The gradebook.
    teacher.get_by_role("link", name="Gradebook", exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Gradebook: 9C Harbour")
    rows = teacher.locator("table.gradebook tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("th")).to_contain_text("Lena")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("100%")
    expect(rows.nth(0).locator("td.average")).to_have_text("100%")
    expect(rows.nth(1).locator("th")).to_contain_text("Omar")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("33.3%")
    check_page(teacher, "teacher-gradebook")

    # One student's attempts, and the review of one.
    teacher.get_by_role("link", name="Omar", exact=True).click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text("Omar")
    check_page(teacher, "teacher-student")
    teacher.get_by_role("link", name=re.compile(r"^Review")).click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text("Omar’s score: 33.3%")
    expect(teacher.locator(".review-item").nth(1)).to_contain_text("Answer given: 12")
    check_page(teacher, "teacher-attempt-review")

    # The item analysis of the quiz.
    teacher.get_by_role("link", name="9C Harbour", exact=True).click()
    teacher.get_by_role("link", name=f"Item analysis of {QUIZ}").click()
    expect(teacher.get_by_role("heading", level=1)).to_have_text(f"Item analysis: {QUIZ}")
    expect(teacher.locator(".lead")).to_contain_text("2 submitted attempts")
    expect(teacher.locator(".analysis-table tbody tr").nth(0)).to_contain_text("100%")
    expect(teacher.locator(".analysis-table tbody tr").nth(1)).to_contain_text("50%")
    expect(teacher.locator("svg[role=img]")).to_have_count(2)
    check_page(teacher, "teacher-item-analysis")

    # The class leaderboard: Lena, who scored 100%, ranks above Omar.
    class_id = re.search(r"/classes/(\d+)/", teacher.url).group(1)
    teacher.goto(f"{live_server}/board/{class_id}")
    board = teacher.locator("table.board-table tbody tr")
    expect(board).to_have_count(2)
    expect(board.nth(0).locator("th")).to_contain_text("Lena")
    expect(board.nth(0).locator("td").nth(0)).to_have_text("1")
    expect(board.nth(1).locator("th")).to_contain_text("Omar")
    expect(board.nth(1).locator("td").nth(0)).to_have_text("2")
    # Overall points: one per percent of each quiz's best attempt.
    expect(board.nth(0).locator("td").nth(1)).to_have_text("100")
    expect(board.nth(1).locator("td").nth(1)).to_have_text("33.33")
    check_page(teacher, "teacher-leaderboard")

    # Removing a student is confirmed in the browser's dialog and undone from the roster.
    teacher.goto(f"{live_server}/classes/{class_id}")
    teacher.once("dialog", lambda dialog: dialog.accept())
    teacher.get_by_role("button", name="Remove Omar", exact=True).click()
    expect(teacher.locator(".flash")).to_contain_text("Omar was removed")
    omar = teacher.locator("#roster tbody tr", has_text="Omar")
    expect(omar).to_contain_text("removed")
    teacher.get_by_role("link", name="Gradebook", exact=True).click()
    expect(teacher.locator("table.gradebook tbody tr", has_text="Omar")).to_contain_text("removed")

    # A new join code: a dismissed dialog changes nothing, an accepted one makes it.
    teacher.get_by_role("link", name="9C Harbour", exact=True).click()
    teacher.once("dialog", lambda dialog: dialog.dismiss())
    click(teacher, "Make a new code")
    expect(teacher.locator(".join-code-big code")).to_have_text(code)
    teacher.once("dialog", lambda dialog: dialog.accept())
    click(teacher, "Make a new code")
    expect(teacher.locator(".flash")).to_contain_text("The new join code is")
    expect(teacher.locator(".join-code-big code")).not_to_have_text(code)
