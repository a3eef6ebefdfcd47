"""Teacher tools through the Flask test client: classes, assignments, banks in the browser,
previews, the gradebook and its CSV, item analysis, and who may do each of them."""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import pytest
from flask import Flask, url_for
from sqlalchemy import event, func, select, update

from quizapp.core import assignments as rules
from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Attempt,
    BankRecord,
    CardRecord,
    Classroom,
    Membership,
    QuestionVersion,
    QuizRecord,
    Response,
    ReviewLogRecord,
    User,
    utcnow,
)
from quizapp.services import accounts, assignments, gradebook, item_analysis
from quizapp.services import attempts as attempt_service
from quizapp.services.content import question_of
from tests.conftest import PASSWORD, Browser
from tests.web.helpers import (
    LIBRARY_BANK,
    correct_form,
    questions_of,
    quiz_id,
    start,
    text_of,
    wrong_form,
)

UTC = dt.UTC

ARTICLE = (
    "The harbour festival took place on Saturday. Twenty boats sailed past the lighthouse.\n"
    "The wind was strong all afternoon.\n"
)

TINY_BANK = """\
id: tiny-bank
title: Tiny test bank
language: en
description: Three questions on a short article.
source:
  title: The harbour festival
  text: sources/tiny.txt
license: CC-BY-4.0

questions:
  - id: day
    type: single
    prompt: On which day was the festival?
    choices: [Friday, Saturday, Sunday]
    answer: Saturday
    explanation: It was on Saturday.
    source: The harbour festival took place on Saturday.
  - id: boats
    type: single
    prompt: How many boats sailed?
    choices: ["12", "20", "30"]
    answer: "20"
    explanation: Twenty boats sailed.
    source: Twenty boats sailed past the lighthouse.
  - id: weather
    type: single
    prompt: What was the weather like?
    choices: [Sunny, Rainy, Windy]
    answer: Windy
    explanation: It was windy.
    source: The wind was strong all afternoon.

quizzes:
  - id: best
    title: Harbour quiz (best)
    questions: [day, boats, weather]
  - id: last
    title: Harbour quiz (last)
    questions: [day, boats, weather]
    grading: last
  - id: average
    title: Harbour quiz (average)
    questions: [day, boats, weather]
    grading: average
"""

# Two mistakes: a source sentence the article does not hold (line 24, column 13), and an
# answer that is not among the choices (reported at the question, line 29, column 5).
BROKEN_BANK = TINY_BANK.replace(
    "source: Twenty boats sailed past the lighthouse.",
    "source: Thirty boats sailed past the lighthouse.",
).replace("answer: Windy", "answer: Stormy")

RIGHT = {"day": "Saturday", "boats": "20", "weather": "Windy"}
WRONG = {"day": "Friday", "boats": "12", "weather": "Sunny"}


# Helpers


def teacher_browser(make_browser, create_user) -> tuple[Browser, int]:
    teacher_id, username = create_user("teacher")
    browser = make_browser()
    browser.login(username)
    return browser, teacher_id


def student_browser(make_browser, create_user, name: str | None = None) -> tuple[Browser, int]:
    student_id, username = create_user("student", name)
    browser = make_browser()
    browser.login(username)
    return browser, student_id


def new_class(browser: Browser, name: str = "Year 9 English") -> int:
    response = browser.post("/classes/new", {"name": name})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/classes/(\d+)$", response.headers["Location"]).group(1))


def join_code(app: Flask, class_id: int) -> str:
    with session_scope(app) as session:
        return session.get(Classroom, class_id).join_code


def join(app: Flask, browser: Browser, class_id: int) -> None:
    response = browser.post("/classes/join", {"code": join_code(app, class_id)})
    assert response.status_code == 302, response.get_data(as_text=True)
    browser.get(response.headers["Location"])  # shows (and so clears) the flashed message


def upload(browser: Browser, yaml_text: str, article: str | None = ARTICLE, **extra):
    data = {"bank_file": (io.BytesIO(yaml_text.encode()), "tiny.yaml"), **extra}
    if article is not None:
        data["article_file"] = (io.BytesIO(article.encode()), "tiny.txt")
    return browser.post("/teach/banks/upload", data, content_type="multipart/form-data")


def tiny_quiz(app: Flask, slug: str = "best") -> int:
    return quiz_id(app, "tiny-bank", slug)


def uploaded_tiny_bank(app: Flask, teacher: Browser) -> None:
    response = upload(teacher, TINY_BANK)
    assert response.status_code == 302, response.get_data(as_text=True)


def assign(browser: Browser, class_id: int, quiz: int, opens: str = "", due: str = ""):
    return browser.post(
        f"/classes/{class_id}/assignments", {"quiz": str(quiz), "opens_at": opens, "due_at": due}
    )


def assignment_id(app: Flask, class_id: int, quiz: int) -> int:
    with session_scope(app) as session:
        return session.scalar(
            select(Assignment.id).where(Assignment.class_id == class_id, Assignment.quiz_id == quiz)
        )


def take(app: Flask, user_id: int, quiz: int, picks: dict[str, str], at: dt.datetime) -> int:
    """A submitted attempt at `at`, answering the questions in `picks` with those choices."""
    with session_scope(app) as session:
        taker = attempt_service.Taker(user=session.get(User, user_id))
        record = session.get(QuizRecord, quiz)
        attempt = attempt_service.start_attempt(
            session, record, taker, at - dt.timedelta(minutes=5)
        )
        for version in attempt_service.versions_of(session, attempt):
            if version.question_key not in picks:
                continue
            question = question_of(version)
            raw = question.choice_ids()[picks[version.question_key]]
            attempt_service.save_answer(
                session, attempt, version.id, raw, at - dt.timedelta(minutes=1)
            )
        attempt_service.submit_attempt(session, attempt, at)
        return attempt.id


def score_picks(correct: int) -> dict[str, str]:
    """Picks with the first `correct` questions right and the others wrong."""
    keys = ["day", "boats", "weather"]
    return {key: (RIGHT if n < correct else WRONG)[key] for n, key in enumerate(keys)}


def soon(minutes: int = 1) -> dt.datetime:
    """A moment just after now: after an assignment made by a request a moment ago."""
    return dt.datetime.now(UTC) + dt.timedelta(minutes=minutes)


ALL_YEAR = dt.datetime(2019, 9, 1, tzinfo=UTC)
"""When `add_student` students joined: before any assignment of these tests was due."""


def add_student(app: Flask, class_id: int, username: str, display_name: str) -> int:
    with session_scope(app) as session:
        user = accounts.create_user(session, username, display_name, PASSWORD, "student")
        session.add(Membership(class_id=class_id, student_id=user.id, joined_at=ALL_YEAR))
        session.flush()
        return user.id


# Classes


def test_a_new_teachers_home_page_says_where_to_start(make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    home = text_of(teacher.get("/").get_data(as_text=True))
    assert "Start under Classes : create a class and give your students its join code." in home
    new_class(teacher)
    assert "Start under Classes" not in text_of(teacher.get("/").get_data(as_text=True))
    student, _ = student_browser(make_browser, create_user)
    assert "Start under Classes" not in text_of(student.get("/").get_data(as_text=True))


def test_a_class_without_a_name_is_asked_again_at_its_field(make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    refused = teacher.post("/classes/new", {"name": "   "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in html and "Give the class a name." in html
    too_long = teacher.post("/classes/new", {"name": "x" * 81})
    assert too_long.status_code == 422 and "Field cannot be longer than 80" in too_long.get_data(
        as_text=True
    )


def test_teacher_renames_archives_and_unarchives_a_class(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    student, _ = student_browser(make_browser, create_user)
    class_id = new_class(teacher, "Year 9")
    join(app, student, class_id)

    renamed = teacher.post(f"/classes/{class_id}/rename", {"name": "  Year 9 Blue "})
    assert renamed.status_code == 302
    # Not at the form the address came from: at the top, where the message is.
    assert renamed.headers["Location"].endswith("#main")
    with session_scope(app) as session:
        assert session.get(Classroom, class_id).name == "Year 9 Blue"
    for empty in ("", "   "):
        rejected = teacher.post(f"/classes/{class_id}/rename", {"name": empty})
        assert rejected.status_code == 422
        assert "Give the class a name." in rejected.get_data(as_text=True)

    gone = add_student(app, class_id, "gone", "Gone")
    teacher.post(f"/classes/{class_id}/students/{gone}/remove", {"confirmed": "yes"})
    assert "Add back" in teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert teacher.post(f"/classes/{class_id}/archive").status_code == 302
    with session_scope(app) as session:
        classroom = session.get(Classroom, class_id)
        assert classroom.archived_at is not None
        code = classroom.join_code
    assert "Year 9 Blue" not in student.get("/classes/").get_data(as_text=True)
    other, _ = student_browser(make_browser, create_user)
    assert "No open class has that join code" in other.post(
        "/classes/join", {"code": code}
    ).get_data(as_text=True)
    index = teacher.get("/classes/").get_data(as_text=True)
    assert "Archived classes" in index and "Year 9 Blue" in index
    assert "You have no open class: your archived classes are below." in index
    archived = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "Add back" not in archived and "add them back here" not in archived
    # The gradebook of an archived class is kept.
    assert teacher.get(f"/teach/classes/{class_id}/gradebook").status_code == 200
    empty = new_class(teacher, "Nobody came")
    assert teacher.post(f"/classes/{empty}/archive").status_code == 302
    page = teacher.get(f"/classes/{empty}").get_data(as_text=True)
    assert "No student joined this class." in page and "Share the join code" not in page

    assert teacher.post(f"/classes/{class_id}/unarchive").status_code == 302
    assert "Year 9 Blue" in student.get("/classes/").get_data(as_text=True)


def test_regenerating_the_join_code_asks_first_and_retires_the_old_code(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    old = join_code(app, class_id)
    page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert f'<p class="join-code-big"><code>{old}</code></p>' in page
    assert 'data-copy=".join-code-big code"' in page and "js-only" in page

    # Without the confirmation (no JavaScript), a page asks first and nothing changes.
    asked = teacher.post(f"/classes/{class_id}/join-code")
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "Make a new join code?" in html and 'name="confirmed" value="yes"' in html
    assert join_code(app, class_id) == old

    assert teacher.post(f"/classes/{class_id}/join-code", {"confirmed": "yes"}).status_code == 302
    new = join_code(app, class_id)
    assert new != old and len(new) == 6
    student, _ = student_browser(make_browser, create_user)
    refused = student.post("/classes/join", {"code": old})
    assert "No open class has that join code" in refused.get_data(as_text=True)
    assert student.post("/classes/join", {"code": new}).status_code == 302


def test_the_questions_folder_cannot_take_over_a_teachers_bank(
    app, make_browser, create_user, tmp_path
):
    """A teacher uploaded "tiny-bank" first; a school bank with that id is refused at its
    id line, and the teacher's bank stays theirs, unchanged."""
    from quizapp.services.banks import import_paths

    teacher, teacher_id = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "tiny.txt").write_text(ARTICLE, encoding="utf-8")
    school = TINY_BANK.replace("title: Tiny test bank", "title: The school's tiny bank")
    (tmp_path / "tiny.yaml").write_text(school, encoding="utf-8")
    with session_scope(app) as session:
        reports, failed = import_paths(session, [tmp_path])
    assert reports == []
    assert [str(problem) for problem in failed[0].problems] == [
        f"{tmp_path / 'tiny.yaml'}:1:1: a teacher has uploaded a bank with the id 'tiny-bank':"
        " give this bank another id (it was not imported)"
    ]
    with session_scope(app) as session:
        bank = session.scalar(select(BankRecord).filter_by(slug="tiny-bank"))
        assert (bank.owner_id, bank.title) == (teacher_id, "Tiny test bank")


def test_removing_a_student_asks_keeps_their_data_and_is_undone_by_adding_back(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    student, student_id = student_browser(make_browser, create_user, "rosa")
    class_id = new_class(teacher)
    join(app, student, class_id)
    assign(teacher, class_id, tiny_quiz(app))
    taken = take(app, student_id, tiny_quiz(app), score_picks(3), soon())
    started = student.post(f"/quiz/{tiny_quiz(app)}/start").headers["Location"]

    asked = teacher.post(f"/classes/{class_id}/students/{student_id}/remove")
    assert asked.status_code == 200 and "Remove Rosa from the class?" in asked.get_data(
        as_text=True
    )
    with session_scope(app) as session:
        assert session.scalar(select(Membership.removed_at)) is None

    removed = teacher.post(
        f"/classes/{class_id}/students/{student_id}/remove", {"confirmed": "yes"}
    )
    assert removed.status_code == 302
    with session_scope(app) as session:
        assert session.scalar(select(Membership.removed_at)) is not None
    listed = student.get("/classes/").get_data(as_text=True)
    assert (
        "<h2>Year 9 English</h2>" not in listed and "You are in no class at the moment." in listed
    )
    assert "Your teacher removed you from “Year 9 English”. Your work there is kept" in listed
    assert "My assignments" not in student.get("/").get_data(as_text=True)
    # The teacher's bank is no longer theirs to answer; their result stays theirs to see.
    going_on = student.get(started)
    assert going_on.status_code == 403
    assert "belongs to a class you left" in going_on.get_data(as_text=True)
    open_attempt = re.search(r"/attempt/(\d+)/", started).group(1)
    assert student.post(f"/attempt/{open_attempt}/submit").status_code == 403
    assert student.get(f"/attempt/{taken}/result").status_code == 200
    book = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    assert re.search(r"Rosa</a>\s*<span class=\"badge badge-removed\">removed</span>", book)
    assert "100%" in book
    roster = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert 'Add back<span class="visually-hidden"> Rosa</span>' in roster
    # The join code does not bring a removed student back: only the teacher does.
    rejoin = student.post("/classes/join", {"code": join_code(app, class_id)})
    assert "Your teacher removed you from this class" in rejoin.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(Membership.removed_at)) is not None

    assert teacher.post(f"/classes/{class_id}/students/{student_id}/restore").status_code == 302
    with session_scope(app) as session:
        assert session.scalar(select(Membership.removed_at)) is None
    listed = student.get("/classes/").get_data(as_text=True)
    assert "<h2>Year 9 English</h2>" in listed and "removed you" not in listed

    # A student of another class cannot be removed from this one.
    _, stranger = student_browser(make_browser, create_user)
    missing = teacher.post(f"/classes/{class_id}/students/{stranger}/remove", {"confirmed": "yes"})
    assert missing.status_code == 404


def test_roster_shows_the_latest_of_sign_in_quiz_work_and_flashcard_review(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    seen_only = add_student(app, class_id, "seen", "Seen Only")
    quizzer = add_student(app, class_id, "quizzer", "Quizzer")
    reviewer = add_student(app, class_id, "reviewer", "Reviewer")
    add_student(app, class_id, "idle", "Idle")
    with session_scope(app) as session:
        for user_id in (seen_only, quizzer, reviewer):
            session.get(User, user_id).last_seen_at = dt.datetime(2024, 1, 10, 8, 0, tzinfo=UTC)
    take(app, quizzer, tiny_quiz(app), RIGHT, dt.datetime(2024, 2, 10, 8, 0, tzinfo=UTC))
    take(app, reviewer, tiny_quiz(app), RIGHT, dt.datetime(2024, 2, 10, 8, 0, tzinfo=UTC))
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).where(BankRecord.slug == "tiny-bank"))
        reviewed = dt.datetime(2024, 3, 10, 8, 0, tzinfo=UTC)
        card = CardRecord(
            user_id=reviewer, bank_id=bank_id, card_key="day", state="review", due=reviewed
        )
        session.add(card)
        session.flush()
        session.add(
            ReviewLogRecord(
                user_id=reviewer,
                card_id=card.id,
                rating=3,
                state_before="review",
                reviewed_at=reviewed,
                due_before=reviewed,
                scheduled_days=3,
            )
        )
    html = teacher.get(f"/classes/{class_id}").get_data(as_text=True)

    def activity(name: str) -> str:
        row = re.search(rf">{name}</a></td>(.*?)</tr>", html, re.S).group(1)
        return re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[2]

    assert activity("Seen Only") == "Wed 10 Jan 2024, 08:00 UTC"
    assert activity("Quizzer") == "Sat 10 Feb 2024, 08:00 UTC"
    assert activity("Reviewer") == "Sun 10 Mar 2024, 08:00 UTC"
    assert activity("Idle") == "—"


def test_roster_runs_the_same_number_of_queries_for_any_class_size(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    small, large = new_class(teacher, "Small"), new_class(teacher, "Large")
    for n in range(2):
        add_student(app, small, f"small{n}", f"Small {n}")
    for n in range(8):
        user = add_student(app, large, f"large{n}", f"Large {n}")
        take(app, user, tiny_quiz(app), RIGHT, soon())
    for class_id in (small, large):
        assign(teacher, class_id, tiny_quiz(app))

    def queries(path: str) -> int:
        teacher.get(path)  # warm up: the session's user and the CSRF token
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1

        engine = app.extensions["quizapp.engine"]
        event.listen(engine, "before_cursor_execute", counter)
        try:
            assert teacher.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count

    for template in (
        "/classes/{}",
        "/teach/classes/{}/gradebook",
        "/teach/classes/{}/gradebook.csv",
        f"/teach/classes/{{}}/quizzes/{tiny_quiz(app)}/analysis",
    ):
        assert queries(template.format(small)) == queries(template.format(large)), template


# Assignments


def test_assignment_dates_are_read_in_the_teachers_time_zone_and_stored_in_utc(
    app, make_browser, create_user
):
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    with session_scope(app) as session:
        session.get(User, teacher_id).timezone = "Europe/Berlin"
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    response = assign(teacher, class_id, quiz, "2030-06-01T09:00", "2030-06-08T18:30")
    assert response.status_code == 302, response.get_data(as_text=True)
    with session_scope(app) as session:
        assignment = session.scalar(select(Assignment))
        assert assignment.opens_at == dt.datetime(2030, 6, 1, 7, 0, tzinfo=UTC)
        assert assignment.due_at == dt.datetime(2030, 6, 8, 16, 30, tzinfo=UTC)
    page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "Sat 01 Jun 2030, 09:00 CEST" in page
    assert "Times are in your time zone, Europe/Berlin" in page

    # Assigning it again changes the dates; a due date before the opening is refused.
    assert assign(teacher, class_id, quiz, "", "2030-07-01T10:00").status_code == 302
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Assignment.id))) == 1
        assert session.scalar(select(Assignment.opens_at)) is None
    refused = assign(teacher, class_id, quiz, "2030-07-02T10:00", "2030-07-01T10:00")
    assert refused.status_code == 422
    assert "The due date must come after the open date." in refused.get_data(as_text=True)
    assert assign(teacher, class_id, 999999).status_code == 422  # not a choice


def test_change_dates_fills_the_form_with_the_assignments_quiz_and_dates(
    app, make_browser, create_user
):
    """Changing a due date by assigning again, with the form empty, used to clear the open
    date without a word."""
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    with session_scope(app) as session:
        session.get(User, teacher_id).timezone = "Europe/Berlin"
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    assert (
        assign(teacher, class_id, quiz, "2030-06-01T09:00", "2030-06-08T18:30").status_code == 302
    )
    page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    change = f"/classes/{class_id}?change={assignment_id(app, class_id, quiz)}#assign-heading"
    assert f'href="{change}">Change dates' in page
    form = teacher.get(change.split("#")[0]).get_data(as_text=True)
    assert "Change the dates of “Key facts”" in form
    assert f'<option selected value="{quiz}">' in form
    assert 'value="2030-06-01T09:00"' in form and 'value="2030-06-08T18:30"' in form
    assert "Save the dates" in form
    # A date refused keeps the page about changing that assignment.
    refused = assign(teacher, class_id, quiz, "2030-06-01T09:00", "20300-06-08T18:30")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Change the dates of “Key facts”" in page and "Save the dates" in page
    backwards = assign(teacher, class_id, quiz, "2030-06-08T09:00", "2030-06-01T09:00")
    assert backwards.status_code == 422
    assert "Change the dates of “Key facts”" in backwards.get_data(as_text=True)
    # The page opens at the form, its errors in view, with or without JavaScript.
    assert f'action="/classes/{class_id}/assignments#assign-heading"' in page
    other_class = new_class(teacher, "Other class")
    assign(teacher, other_class, quiz)
    other = assignment_id(app, other_class, quiz)
    assert teacher.get(f"/classes/{class_id}?change={other}").status_code == 404
    # An id no database could hold is no assignment: the class page, as without one.
    huge = teacher.get(f"/classes/{class_id}?change=99999999999999999999")
    assert huge.status_code == 200 and "Change the dates of" not in huge.get_data(as_text=True)


def test_an_assignment_date_far_from_now_is_refused_as_a_typo(app, make_browser, create_user):
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    with session_scope(app) as session:
        session.get(User, teacher_id).timezone = "Etc/GMT+12"  # 9999-12-31 would overflow UTC
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    for opens, due in [
        ("", "9999-12-31T23:59"),
        ("0001-01-01T00:00", ""),
        ("", "1999-12-31T23:59"),
        ("20255-01-01T09:00", ""),
        ("", "2025-13-01T09:00"),
    ]:
        refused = assign(teacher, class_id, quiz, opens, due)
        assert refused.status_code == 422
        message = "Give a real date, between the years 2000 and 2999."
        assert message in refused.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Assignment.id))) == 0


def test_students_see_their_assignments_with_status_and_score(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    student, student_id = student_browser(make_browser, create_user)
    class_id = new_class(teacher, "Harbour class")
    join(app, student, class_id)
    with session_scope(app) as session:  # in the class before the assignments were due
        session.execute(update(Membership).values(joined_at=ALL_YEAR))
    best, last, average = (tiny_quiz(app, slug) for slug in ("best", "last", "average"))
    key_facts = quiz_id(app, LIBRARY_BANK, "key-facts")
    numbers = quiz_id(app, LIBRARY_BANK, "numbers-and-dates")
    assign(teacher, class_id, best, "2020-01-01T00:00", "2020-02-01T00:00")
    assign(teacher, class_id, last, "2020-01-01T00:00", "2020-02-01T00:00")
    assign(teacher, class_id, average)
    assign(teacher, class_id, key_facts, "2999-01-01T09:00")
    assign(teacher, class_id, numbers, "2020-01-01T00:00", "2020-02-01T00:00")

    take(app, student_id, best, score_picks(1), dt.datetime(2019, 12, 1, tzinfo=UTC))  # practice
    take(app, student_id, best, score_picks(2), dt.datetime(2020, 1, 15, tzinfo=UTC))
    take(app, student_id, last, score_picks(3), dt.datetime(2020, 3, 1, tzinfo=UTC))
    # Before the assignment was made, with no open date: practice, so still to do.
    take(app, student_id, average, score_picks(3), dt.datetime(2020, 3, 1, tzinfo=UTC))

    html = student.get("/").get_data(as_text=True)
    assert "My assignments" in html
    rows = {
        re.search(r"<h3><a [^>]*>(.*?)</a></h3>", item).group(1): item
        for item in html.split('<li class="assignment-item">')[1:]
    }
    assert set(rows) == {
        "Harbour quiz (best)",
        "Harbour quiz (last)",
        "Harbour quiz (average)",
        "Key facts",
        "Numbers and dates",
    }

    def status(title: str) -> str:
        return re.search(r'<span class="badge [^"]*">(.*?)</span>', rows[title]).group(1)

    assert status("Harbour quiz (best)") == "done"
    assert "score <strong>66.7%</strong>" in rows["Harbour quiz (best)"]
    assert status("Harbour quiz (last)") == "late"
    assert "score <strong>100%</strong>" in rows["Harbour quiz (last)"]
    assert status("Harbour quiz (average)") == "to do"
    assert "score" not in rows["Harbour quiz (average)"]
    assert status("Key facts") == "upcoming"
    assert "opens Tue 01 Jan 2999, 09:00 UTC" in rows["Key facts"]
    assert status("Numbers and dates") == "missing"
    # A student reading "missing" knows it can still be handed in.
    assert "overdue: you can still hand it in, marked late" in rows["Numbers and dates"]
    assert "overdue" not in rows["Harbour quiz (average)"]
    # The quiz itself stays open to practice before its open date.
    assert "Start the quiz" in student.get(f"/quiz/{key_facts}").get_data(as_text=True)


def test_the_home_page_says_how_many_attempts_are_left(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # two attempts allowed
    assert assign(teacher, class_id, quiz).status_code == 302
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)

    def home() -> str:
        return text_of(student.get("/").get_data(as_text=True))

    assert "2 attempts left" in home()
    take(app, student_id, quiz, {}, soon(6))  # started a minute after the assignment
    assert "1 attempt left" in home()
    take(app, student_id, quiz, {}, soon(7))
    assert "no attempts left" in home()


def test_an_assignment_in_progress_offers_resume_and_its_quiz_says_it_is_assigned(
    app, make_browser, create_user
):
    """A timed assignment left mid-way said "to do", with Resume only far down the page;
    its quiz's page, the same as any copy's, did not say it was the assigned one."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher, "Year 9 English")
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    assign(teacher, class_id, quiz, "", "2999-01-01T09:00")
    student, _ = student_browser(make_browser, create_user)
    join(app, student, class_id)
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "Assigned to Year 9 English, due Tue 01 Jan 2999, 09:00 UTC." in intro
    assert student.post(f"/quiz/{quiz}/start").status_code == 302
    item = student.get("/").get_data(as_text=True).split('<li class="assignment-item">')[1]
    assert re.search(r"in progress ?, its time runs until \w{3} \d\d \w{3} \d{4}", text_of(item))
    assert re.search(rf'<a class="button primary" href="/quiz/{quiz}">Resume', item)
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "Resume your attempt Its time runs until" in intro


def open_attempts(app: Flask, student_id: int) -> int:
    with session_scope(app) as session:
        query = select(func.count(Attempt.id)).filter_by(user_id=student_id, submitted_at=None)
        return session.scalar(query)


def test_a_quiz_that_limits_attempts_cannot_be_taken_before_its_assignment_opens(
    app, make_browser, create_user
):
    """Practice would show the answers of a test before it opens."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    opens = dt.datetime.now(UTC) + dt.timedelta(days=2)
    assert assign(teacher, class_id, quiz, opens=f"{opens:%Y-%m-%dT%H:%M}").status_code == 302
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "0 of 2 used" in intro and "This quiz opens for your class on" in intro
    assert "Start the quiz" not in intro
    home = text_of(student.get("/").get_data(as_text=True))
    assert "· opens " in home and "you can practise before" not in home
    assert '<td data-label="State">not open yet</td>' in teacher.get(
        f"/classes/{class_id}"
    ).get_data(as_text=True)
    refused = student.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 409 and "has not opened yet" in refused.get_data(as_text=True)
    assert open_attempts(app, student_id) == 0

    # Once the assignment is open, attempts count from the moment it opened.
    with session_scope(app) as session:
        assignment = session.get(Assignment, assignment_id(app, class_id, quiz))
        assignment.opens_at = dt.datetime.now(UTC) - dt.timedelta(minutes=30)
    take(app, student_id, quiz, {}, soon())
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "1 of 2 used" in intro and "opens for your class" not in intro
    take(app, student_id, quiz, {}, soon())
    refused = student.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 409 and "used all 2 attempts" in refused.get_data(as_text=True)


def test_a_quiz_that_limits_attempts_is_taken_only_once_it_is_assigned(
    app, make_browser, create_user
):
    """A test taken before it was assigned showed its answers, and its attempts began again
    once it was assigned. A teacher may still try it."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "it is a test: it opens when your teacher assigns it to your class" in intro
    assert "Start the quiz" not in intro
    refused = student.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 409 and "it is a test" in refused.get_data(as_text=True)
    assert open_attempts(app, student_id) == 0
    assert teacher.post(f"/quiz/{quiz}/start").status_code == 302

    assert assign(teacher, class_id, quiz).status_code == 302
    assert "Start the quiz" in student.get(f"/quiz/{quiz}").get_data(as_text=True)
    assert student.post(f"/quiz/{quiz}/start").status_code == 302


def test_a_tests_review_keeps_its_answers_while_attempts_are_left(app, make_browser, create_user):
    """After a first attempt, the review gave every right answer for the second."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    assign(teacher, class_id, quiz)
    first = take(app, student_id, quiz, {}, soon(10))
    review = student.get(f"/attempt/{first}/result").get_data(as_text=True)
    assert "you have attempts left: which answers are right" in review
    assert "Correct answer:" not in review and 'class="explanation"' not in review
    # The teacher's review of it is whole.
    teacher_review = teacher.get(f"/teach/classes/{class_id}/attempts/{first}")
    assert "Correct answer:" in teacher_review.get_data(as_text=True)
    # Removed from the class, the student cannot take it now, but could once added back:
    # the answers stay kept.
    teacher.post(f"/classes/{class_id}/students/{student_id}/remove", {"confirmed": "yes"})
    assert "Correct answer:" not in student.get(f"/attempt/{first}/result").get_data(as_text=True)
    assert teacher.post(f"/classes/{class_id}/students/{student_id}/restore").status_code == 302
    assert "Correct answer:" not in student.get(f"/attempt/{first}/result").get_data(as_text=True)

    take(app, student_id, quiz, {}, soon(20))  # the last attempt
    review = student.get(f"/attempt/{first}/result").get_data(as_text=True)
    assert "Correct answer:" in review and 'class="explanation"' in review
    assert "attempts left" not in review


def test_a_tests_immediate_feedback_keeps_the_answer_while_attempts_would_be_left(
    app, make_browser, create_user
):
    """Checking an answer in a test showed the right one, for the next attempt to copy; and
    a multiple-choice question's marks, choice by choice, told which choices are right."""
    facts = (
        "  - id: facts\n    type: multiple\n    prompt: Which are true?\n"
        "    choices: [It was on Saturday, Twenty boats sailed, It rained]\n"
        "    answer: [It was on Saturday, Twenty boats sailed]\n"
        "    explanation: It was windy, not rainy.\n"
        "    source: Twenty boats sailed past the lighthouse.\n"
    )
    checked_test = (
        "  - id: checked\n    title: Harbour test (checked)\n    questions: [facts, day]\n"
        "    shuffle_questions: false\n    feedback: immediate\n    attempts: 2\n"
    )
    bank = TINY_BANK.replace("\nquizzes:\n", facts + "\nquizzes:\n") + checked_test
    teacher, _ = teacher_browser(make_browser, create_user)
    assert upload(teacher, bank).status_code == 302
    class_id = new_class(teacher)
    student, _ = student_browser(make_browser, create_user)
    join(app, student, class_id)
    quiz = tiny_quiz(app, "checked")
    assign(teacher, class_id, quiz)

    def check_first(attempt: int) -> str:
        question = questions_of(app, attempt)[0]
        assert question.type == "multiple"
        one_right = {"answer": question.choice_ids()["It was on Saturday"]}
        student.post(f"/attempt/{attempt}/1", {**one_right, "action": "check"})
        return student.get(f"/attempt/{attempt}/1").get_data(as_text=True)

    first, _ = start(student, quiz)
    page = check_first(first)
    assert "Answer saved" in page and "attempts left after this one" in page
    assert "Partly right" not in page and "Correct answer:" not in page
    assert 'class="explanation"' not in page
    assert "✓" not in page and "✗" not in page and "not picked" not in page
    assert student.post(f"/attempt/{first}/submit").status_code == 302
    review = student.get(f"/attempt/{first}/result").get_data(as_text=True)
    assert "you have attempts left" in review and "✗" not in review and "not picked" not in review
    # Not even whether each answer is right, here or on the progress page.
    assert "partly right" not in review and 'class="verdict">answered<' in review
    progress = text_of(student.get("/progress").get_data(as_text=True))
    assert "Which are true?" not in progress
    last, _ = start(student, quiz)
    page = check_first(last)  # no attempt would be left: the answer is shown
    assert "Partly right" in page and "Correct answer:" in page
    assert 'class="explanation"' in page and "✗ Twenty boats sailed: not picked" in page
    assert "attempts left" not in page
    assert student.post(f"/attempt/{last}/submit").status_code == 302
    assert "Which are true?" in text_of(student.get("/progress").get_data(as_text=True))


def test_a_tests_answers_stay_kept_while_its_assignment_is_archived(room):
    """Archiving the assignment showed the answers; unarchiving it then let the student take
    the test again with the review at hand. Archiving the class, or withdrawing the quiz,
    did the same."""
    app, teacher, ana = room.app, room.teacher, room.students[0]
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # two attempts
    assert assign(teacher, room.class_id, quiz).status_code == 302
    assignment = assignment_id(app, room.class_id, quiz)
    first, _ = start(ana, quiz)
    day = questions_of(app, first)[0]  # answered wrong
    ana.post(f"/attempt/{first}/1/autosave", wrong_form(day))
    assert ana.post(f"/attempt/{first}/submit").status_code == 302
    review = f"/attempt/{first}/result"

    def answers_shown() -> bool:
        return "Correct answer:" in ana.get(review).get_data(as_text=True)

    archive = f"/classes/{room.class_id}/assignments/{assignment}"
    assert teacher.post(f"{archive}/archive").status_code == 302
    assert not answers_shown()
    assert day.prompt not in ana.get("/progress").get_data(as_text=True)  # nor what was missed
    assert teacher.post(f"{archive}/unarchive").status_code == 302
    assert teacher.post(f"/classes/{room.class_id}/archive").status_code == 302
    assert not answers_shown()
    assert teacher.post(f"/classes/{room.class_id}/unarchive").status_code == 302
    with session_scope(app) as session:
        session.get(QuizRecord, quiz).is_active = False
    assert not answers_shown()
    with session_scope(app) as session:
        session.get(QuizRecord, quiz).is_active = True

    last, _ = start(ana, quiz)  # the last attempt: now they show
    assert ana.post(f"/attempt/{last}/submit").status_code == 302
    assert answers_shown()
    assert day.prompt in ana.get("/progress").get_data(as_text=True)


def test_a_tests_earlier_round_does_not_count_when_its_new_round_is_archived(room):
    """With no assignment open, every attempt ever made counted: one from last year's class
    and one from this year's used up the limit, and archiving this year's assignment by
    mistake showed the answers, for the last attempt once it was unarchived."""
    app, teacher, ana = room.app, room.teacher, room.students[0]
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # two attempts

    def submit_one() -> int:
        attempt, _ = start(ana, quiz)
        assert ana.post(f"/attempt/{attempt}/submit").status_code == 302
        return attempt

    assign(teacher, room.class_id, quiz)
    last_year = submit_one()
    assert teacher.post(f"/classes/{room.class_id}/archive").status_code == 302
    this_year = new_class(teacher, "Year 10")
    join(app, ana, this_year)
    assign(teacher, this_year, quiz)
    this_round = submit_one()
    archive = f"/classes/{this_year}/assignments/{assignment_id(app, this_year, quiz)}"
    assert teacher.post(f"{archive}/archive").status_code == 302
    for attempt in (last_year, this_round):
        review = ana.get(f"/attempt/{attempt}/result").get_data(as_text=True)
        assert "Correct answer:" not in review


def test_the_longest_titles_ids_and_file_name_a_bank_may_have_are_imported(
    app, make_browser, create_user
):
    """Each as long as the validator allows fits its column: on PostgreSQL, one longer
    failed the import with a 500."""
    teacher, _ = teacher_browser(make_browser, create_user)
    longest = (
        TINY_BANK.replace("title: Tiny test bank", f"title: {'T' * 300}")
        .replace("title: Harbour quiz (best)", f"title: {'Q' * 300}")
        .replace("language: en", f"language: en{'-abcdefgh' * 2}")
        + f"cards:\n  - id: {'c' * 75}\n    front: Festival day?\n    back: Saturday\n"
    )
    data = {
        "bank_file": (io.BytesIO(longest.encode()), f"{'b' * 400}.yaml"),
        "article_file": (io.BytesIO(ARTICLE.encode()), "tiny.txt"),
    }
    response = teacher.post("/teach/banks/upload", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    with session_scope(app) as session:
        bank = session.scalar(select(BankRecord).where(BankRecord.slug == "tiny-bank"))
        assert bank.title == "T" * 300
        assert bank.filename == "b" * 195 + ".yaml"


def test_uploading_a_bank_with_a_test_and_no_cards_says_it_makes_no_flashcards(
    make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    plain = upload(teacher, TINY_BANK)
    assert "make no flashcards" not in teacher.get(plain.headers["Location"]).get_data(as_text=True)
    tested = TINY_BANK + "  - id: final\n    title: Final\n    questions: [day]\n    attempts: 1\n"
    response = upload(teacher, tested)
    assert response.status_code == 302
    page = teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert "so its questions make no flashcards" in page
    # Each of its three practice quizzes gives the test's one question away.
    line = TINY_BANK.count("\n", 0, TINY_BANK.index("- id: best")) + 1
    assert (
        f'<p class="flash flash-warning" role="status">Line {line}: quiz &#39;best&#39; shares 1'
        " of its questions with the test &#39;final&#39; (attempts: 1)"
    ) in page
    assert page.count("flash-warning") == 3


def test_a_quiz_without_a_limit_is_practice_before_its_assignment_opens(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    student, _ = student_browser(make_browser, create_user)
    join(app, student, class_id)
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    opens = dt.datetime.now(UTC) + dt.timedelta(days=2)
    assert assign(teacher, class_id, quiz, opens=f"{opens:%Y-%m-%dT%H:%M}").status_code == 302
    intro = text_of(student.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "attempts are practice and do not count in your grades" in intro
    home = text_of(student.get("/").get_data(as_text=True))
    assert "(you can practise before; attempts count from then)" in home
    assert student.post(f"/quiz/{quiz}/start").status_code == 302


def test_progress_says_why_a_bank_without_tags_shows_no_mastery(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)  # its questions have no tags
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, new_class(teacher))
    take(app, student_id, tiny_quiz(app), RIGHT, soon())
    html = student.get("/progress").get_data(as_text=True)
    assert "the quizzes you took have none" in html and "after your first quiz" not in html


def test_status_rules():
    now = dt.datetime(2025, 5, 10, tzinfo=UTC)
    due = dt.datetime(2025, 5, 1, tzinfo=UTC)
    later = dt.datetime(2025, 6, 1, tzinfo=UTC)

    def status(*args: dt.datetime | None, can_be_taken: bool = True) -> str:
        return rules.status(*args, now, can_be_taken=can_be_taken)

    assert status(None, None, None) == rules.TO_DO
    assert status(None, later, None) == rules.UPCOMING
    assert status(None, None, due) == rules.MISSING
    assert status(due, None, due) == rules.DONE  # on the due moment is on time
    assert rules.status(None, None, due, due, can_be_taken=True) == rules.TO_DO  # not yet past
    assert status(now, None, due) == rules.LATE
    # A quiz that its bank no longer has: what was done counts, nothing more is asked.
    assert status(None, None, due, can_be_taken=False) == rules.WITHDRAWN
    assert status(None, None, None, can_be_taken=False) == rules.WITHDRAWN
    assert status(now, None, due, can_be_taken=False) == rules.LATE
    assert rules.average([(rules.DONE, 80.0), (rules.MISSING, None), (rules.TO_DO, None)]) == 40
    assert rules.average([(rules.DONE, 80.0), (rules.WITHDRAWN, None)]) == 80
    assert rules.average([(rules.TO_DO, None)]) is None
    left_out = (rules.UPCOMING, rules.AFTER_LEAVING, rules.BEFORE_JOINING, rules.WITHDRAWN)
    assert rules.average([(rules.LATE, 50.0), *((name, None) for name in left_out)]) == 50
    # The rule's sentence names every status the average leaves out.
    assert all(name in rules.AVERAGE_RULE for name in ("to do", *left_out))


def test_archived_assignments_leave_students_home_and_the_gradebook(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    student, _ = student_browser(make_browser, create_user)
    class_id = new_class(teacher)
    join(app, student, class_id)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    assign(teacher, class_id, quiz)
    section = student.get("/").get_data(as_text=True).split("My assignments")[1]
    assert ">Key facts</a></h3>" in section.split("</section>")[0]
    aid = assignment_id(app, class_id, quiz)
    assert teacher.post(f"/classes/{class_id}/assignments/{aid}/archive").status_code == 302
    assert "My assignments" not in student.get("/").get_data(as_text=True)
    book = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    assert "is archived: students no longer see it" in book  # the flashed message
    assert ">Key facts</a>" not in book and "No quiz is assigned to this class yet." in book
    assert teacher.post(f"/classes/{class_id}/assignments/{aid}/unarchive").status_code == 302
    assert "My assignments" in student.get("/").get_data(as_text=True)


# Banks in the browser


def test_every_problem_link_of_an_upload_lands_on_its_line(app, make_browser, create_user):
    """Old Mac line endings (\\r alone) used to show the file as one line, and a problem
    past the last line (a list never closed) linked to no line."""
    teacher, _ = teacher_browser(make_browser, create_user)
    html = upload(teacher, BROKEN_BANK.replace("\n", "\r")).get_data(as_text=True)
    line_24 = '<span class="listing-number">24</span><code class="listing-text">    source: Thirty'
    assert line_24 in html
    html = upload(teacher, TINY_BANK + "extra: [a, b").get_data(as_text=True)
    assert "<code>tiny.yaml:46:1</code>" in html  # past the last line, 45
    links = re.findall(r'<a href="#(line-\d+)"><code>tiny.yaml:', html)
    assert links and all(f'id="{target}"' in html for target in links)


def test_an_upload_with_thousands_of_problems_lists_the_first_hundred(
    app, make_browser, create_user
):
    """A file of 5,000 unknown keys made a page of megabytes that took seconds to build."""
    teacher, _ = teacher_browser(make_browser, create_user)
    noise = "".join(f"key{n}: 1\n" for n in range(5000))
    response = upload(teacher, TINY_BANK + noise)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "5000 problems found: nothing was imported" in html
    assert html.count('<li><a href="#line-') == 100
    assert "These are the first 100. Fix them and check again to see the other 4900." in html
    assert html.count('<p class="listing-message">') == 100
    assert len(html) < 2_000_000


def test_upload_with_errors_shows_them_at_their_lines_and_imports_nothing(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    response = upload(teacher, BROKEN_BANK)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "2 problems found: nothing was imported" in html
    assert "<code>tiny.yaml:24:13</code>" in html
    assert "<code>tiny.yaml:29:5</code>" in html
    assert "not found in sources/tiny.txt" in html
    assert "the answer &#39;Stormy&#39; is not among the choices" in html
    # The offending line, numbered and highlighted, with its message right under it.
    assert re.search(
        r'<div class="listing-line listing-bad" id="line-24">\s*'
        r'<span class="listing-number">24</span><code class="listing-text">'
        r"    source: Thirty boats sailed past the lighthouse.</code>\s*</div>\s*"
        r'<p class="listing-message"><span class="visually-hidden">Problem at </span>'
        r"line 24, column 13: source sentence",
        html,
    )
    assert '<span class="listing-number">21</span>' not in html  # only lines near problems
    # What was uploaded is kept in the page, ready to be fixed and sent again.
    assert "answer: Stormy" in html.split('name="text"')[1].split("</textarea>")[0]
    assert "The wind was strong all afternoon." in html.split('name="article_text"')[1]
    assert 'name="filename" type="hidden" value="tiny.yaml"' in html
    with session_scope(app) as session:
        assert session.scalar(select(BankRecord).where(BankRecord.slug == "tiny-bank")) is None

    # Fixed in the text box (no file chosen this time), it imports.
    fixed = teacher.post(
        "/teach/banks/upload",
        {"text": TINY_BANK.replace("\n", "\r\n"), "article_text": ARTICLE, "filename": "tiny.yaml"},
    )
    assert fixed.status_code == 302, fixed.get_data(as_text=True)
    with session_scope(app) as session:
        bank = session.scalar(select(BankRecord).where(BankRecord.slug == "tiny-bank"))
        assert bank.yaml_text == TINY_BANK and bank.filename == "tiny.yaml"


def test_a_large_bank_sent_back_from_its_text_box_is_read_not_refused(make_browser, create_user):
    """After a failed upload, the bank and its article come back in text boxes; sent again
    from there, as form fields rather than files, they are still within the limits."""
    teacher, _ = teacher_browser(make_browser, create_user)
    padding = "".join(f"# note {n:06d} {'x' * 80}\n" for n in range(8_000))  # 740 KB
    article = ARTICLE + "\n" + "More of the article. " * 40_000  # 840 KB
    response = teacher.post(
        "/teach/banks/upload",
        {"text": padding + TINY_BANK.replace("title:", "titel:", 1), "article_text": article},
    )
    assert response.status_code == 422, response.status_code
    assert "unknown key &#39;titel&#39;, did you mean &#39;title&#39;?" in response.get_data(
        as_text=True
    )


def test_upload_without_its_article_says_the_article_is_missing(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    response = upload(teacher, TINY_BANK, article=None)
    assert response.status_code == 422
    assert "tiny.yaml:7:9" in response.get_data(as_text=True)
    assert (
        "source text file &#39;sources/tiny.txt&#39; not found: upload the article as a text"
        " file in “Article”, or paste its text, with the bank"
    ) in response.get_data(as_text=True)
    nothing = teacher.post("/teach/banks/upload", {})
    assert nothing.status_code == 422
    assert "Choose a bank file, or paste the bank&#39;s YAML." in nothing.get_data(as_text=True)
    wrong_kind = teacher.post(
        "/teach/banks/upload",
        {"bank_file": (io.BytesIO(b"id: x"), "bank.exe")},
        content_type="multipart/form-data",
    )
    assert wrong_kind.status_code == 422
    assert "Upload a .yaml or .yml file." in wrong_kind.get_data(as_text=True)


def test_a_valid_upload_imports_the_teachers_bank_and_a_new_version_keeps_its_article(
    app, make_browser, create_user
):
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    response = upload(teacher, TINY_BANK)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/teach/banks")
    with session_scope(app) as session:
        bank = session.scalar(select(BankRecord).where(BankRecord.slug == "tiny-bank"))
        assert bank.owner_id == teacher_id
        assert bank.source_text == ARTICLE
        assert {
            q.slug for q in session.scalars(select(QuizRecord).where(QuizRecord.bank_id == bank.id))
        } == {
            "best",
            "last",
            "average",
        }
    banks_page = teacher.get("/teach/banks").get_data(as_text=True)
    assert "Tiny test bank" in banks_page and "Riverside library reopens" in banks_page
    assert banks_page.index("Your banks") < banks_page.index("Tiny test bank")
    assert banks_page.index("Tiny test bank") < banks_page.index("School banks")

    # A new version, pasted without its article: the stored article is used.
    changed = TINY_BANK.replace("explanation: It was windy.", "explanation: A strong wind blew.")
    assert teacher.post("/teach/banks/upload", {"text": changed}).status_code == 302
    with session_scope(app) as session:
        versions = session.scalars(
            select(QuestionVersion.version).where(QuestionVersion.question_key == "weather")
        ).all()
        assert sorted(versions) == [1, 2]


def test_a_teacher_cannot_overwrite_another_teachers_or_the_schools_bank(
    app, make_browser, create_user
):
    owner, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, owner)
    intruder, _ = teacher_browser(make_browser, create_user)
    changed = TINY_BANK.replace("title: Tiny test bank", "title: Taken over")
    refused = upload(intruder, changed)
    assert refused.status_code == 403
    html = refused.get_data(as_text=True)
    assert "A bank with the id “tiny-bank” already exists" in html
    assert "title: Taken over" in html  # nothing typed is lost
    with session_scope(app) as session:
        assert session.scalar(select(BankRecord.title).where(BankRecord.slug == "tiny-bank")) == (
            "Tiny test bank"
        )
    # A broken file with that id is refused, with its other problems: fixing them all, only
    # to learn then that the id is taken, would be work lost.
    broken = upload(intruder, BROKEN_BANK)
    assert broken.status_code == 403
    html = broken.get_data(as_text=True)
    assert "A bank with the id “tiny-bank” already exists" in html
    assert "2 problems found: nothing was imported" in html and "Stormy" in html

    school = TINY_BANK.replace("id: tiny-bank", f"id: {LIBRARY_BANK}", 1)
    assert upload(intruder, school).status_code == 403
    broken_school = BROKEN_BANK.replace("id: tiny-bank", f"id: {LIBRARY_BANK}", 1)
    refused = upload(intruder, broken_school)
    assert refused.status_code == 403
    assert f"A bank with the id “{LIBRARY_BANK}” already exists" in refused.get_data(as_text=True)
    with session_scope(app) as session:
        library = session.scalar(select(BankRecord).where(BankRecord.slug == LIBRARY_BANK))
        assert library.owner_id is None and library.title == "Riverside library reopens"


def test_an_archived_bank_is_put_away_from_students_and_comes_back_as_it_was(
    app, make_browser, create_user
):
    """Archived, the teacher's bank is out of their students' sight (quizzes, flashcards),
    its assignments say it was withdrawn and its results stay; unarchived, or uploaded
    again, it is back with the quizzes its file lists. A school bank is not archived."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    student, student_id = student_browser(make_browser, create_user, "sam")
    join(app, student, class_id)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    take(app, student_id, quiz, RIGHT, soon())
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).where(BankRecord.slug == "tiny-bank"))
        withdrawn_before = session.scalar(select(QuizRecord).where(QuizRecord.slug == "last"))
        withdrawn_before.is_active = False  # as if an earlier version had dropped it

    banks_page = teacher.get("/teach/banks").get_data(as_text=True)
    assert 'data-confirm="Your students will no longer see this bank' in banks_page
    asked = teacher.post(f"/teach/banks/{bank_id}/archive")
    assert asked.status_code == 200 and "Archive “Tiny test bank”?" in text_of(
        asked.get_data(as_text=True)
    )
    assert "Tiny test bank" in student.get("/").get_data(as_text=True)  # nothing yet
    archived = teacher.post(f"/teach/banks/{bank_id}/archive", {"confirmed": "yes"})
    assert archived.status_code == 302

    home = text_of(student.get("/").get_data(as_text=True))
    assert "withdrawn from its bank: it can no longer be taken" in home
    assert "Tiny test bank" not in student.get("/cards/").get_data(as_text=True)
    assert student.get(f"/quiz/{quiz}").status_code == 404
    assert student.get(f"/cards/{bank_id}/cram?reveal=1").status_code == 404
    book = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    assert "withdrawn</span>" in book and "100%" in book
    listed = text_of(teacher.get("/teach/banks").get_data(as_text=True))
    assert "your students do not see it, and its quizzes are withdrawn" in listed
    assert teacher.get(f"/teach/banks/{bank_id}/download").status_code == 200

    assert teacher.post(f"/teach/banks/{bank_id}/unarchive").status_code == 302
    assert student.get(f"/quiz/{quiz}").status_code == 200
    with session_scope(app) as session:
        active = session.scalars(
            select(QuizRecord.slug).where(QuizRecord.bank_id == bank_id, QuizRecord.is_active)
        ).all()
    assert sorted(active) == ["average", "best", "last"]  # as the file lists them

    teacher.post(f"/teach/banks/{bank_id}/archive", {"confirmed": "yes"})
    uploaded = upload(teacher, TINY_BANK)
    told = text_of(teacher.get(uploaded.headers["Location"]).get_data(as_text=True))
    assert "its new version brings it back to your students" in told
    assert student.get(f"/quiz/{quiz}").status_code == 200

    with session_scope(app) as session:
        school = session.scalar(select(BankRecord.id).where(BankRecord.owner_id.is_(None)))
    refused = teacher.post(f"/teach/banks/{school}/archive", {"confirmed": "yes"})
    assert refused.status_code == 403


def test_a_teachers_bank_is_seen_by_the_teacher_and_their_students_only(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    member, member_id = student_browser(make_browser, create_user)
    join(app, member, class_id)
    outsider, _ = student_browser(make_browser, create_user)
    other_teacher, _ = teacher_browser(make_browser, create_user)
    guest = make_browser()
    quiz = tiny_quiz(app)
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).where(BankRecord.slug == "tiny-bank"))

    def sees(browser: Browser) -> bool:
        listed = "Tiny test bank" in browser.get("/").get_data(as_text=True)
        intro = browser.get(f"/quiz/{quiz}").status_code
        assert intro == (200 if listed else 404), intro
        if browser is not guest:
            in_decks = "Tiny test bank" in browser.get("/cards/").get_data(as_text=True)
            deck = browser.get(f"/cards/{bank_id}/cram?reveal=1").status_code
            assert (in_decks, deck) == (listed, 200 if listed else 404), (in_decks, deck)
        return listed

    assert sees(teacher) and sees(member)
    assert not sees(outsider) and not sees(other_teacher) and not sees(guest)
    assert outsider.post(f"/quiz/{quiz}/start").status_code == 404
    assert guest.post(f"/quiz/{quiz}/start").status_code == 404
    # The school's banks stay everyone's.
    assert "Riverside library reopens" in guest.get("/").get_data(as_text=True)

    # Off the roster, or once the class is archived, the bank is out of sight again.
    removed = teacher.post(f"/classes/{class_id}/students/{member_id}/remove", {"confirmed": "yes"})
    assert removed.status_code == 302
    assert not sees(member)
    assert teacher.post(f"/classes/{class_id}/students/{member_id}/restore").status_code == 302
    assert sees(member)
    assert teacher.post(f"/classes/{class_id}/archive").status_code == 302
    assert not sees(member)


def test_a_teachers_bank_titled_as_a_school_bank_is_told_apart_in_every_list(
    app, make_browser, create_user
):
    """A teacher's copy of a school bank under the same title: a student took the school's
    quiz for the assigned one, and the teacher's menus put both banks' quizzes under one
    heading."""
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    copy = TINY_BANK.replace("title: Tiny test bank", "title: Riverside library reopens")
    assert upload(teacher, copy).status_code == 302
    with session_scope(app) as session:
        owner = session.get(User, teacher_id).display_name
    ours = f"Riverside library reopens ({owner}’s bank)"
    school = "Riverside library reopens (school bank)"
    class_id = new_class(teacher)
    student, _ = student_browser(make_browser, create_user)
    join(app, student, class_id)

    home = student.get("/").get_data(as_text=True)
    assert f">{school}</h2>" in home and f">{ours}</h2>" in home
    assert f">{ours}</a></h3>" in student.get("/cards/").get_data(as_text=True)
    class_page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    for label in (ours, school):  # in the assign form and in the live game form
        assert class_page.count(f'<optgroup label="{label}">') == 2, label
    assert '<optgroup label="Riverside library reopens">' not in class_page
    assign(teacher, class_id, tiny_quiz(app))
    assign(teacher, class_id, quiz_id(app, LIBRARY_BANK, "key-facts"))
    board = teacher.get(f"/board/{class_id}").get_data(as_text=True)
    assert f'<optgroup label="{ours}">' in board and f'<optgroup label="{school}">' in board
    # A title nobody shares is shown as it is.
    upload(teacher, copy.replace("title: Riverside library reopens", "title: Tiny test bank"))
    home = student.get("/").get_data(as_text=True)
    assert ">Tiny test bank</h2>" in home and ">Riverside library reopens</h2>" in home


def test_a_quiz_with_an_attempts_limit_asks_a_guest_to_log_in(app, make_browser):
    guest = make_browser()
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    intro = guest.get(f"/quiz/{quiz}").get_data(as_text=True)
    assert "counted on your account" in intro and "Log in to take it" in intro
    assert " used" not in text_of(intro) and "allowed" in text_of(intro)
    assert "Start the quiz" not in intro
    refused = guest.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 403 and "log in to take it" in refused.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Attempt.id))) == 0
    # A quiz without a limit is still open to guests for practice.
    practice = quiz_id(app, LIBRARY_BANK, "all-types")
    assert guest.post(f"/quiz/{practice}/start").status_code == 302


def test_download_gives_the_stored_yaml_as_an_attachment(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    with session_scope(app) as session:
        ids = dict(session.execute(select(BankRecord.slug, BankRecord.id)).all())
        library_yaml = session.get(BankRecord, ids[LIBRARY_BANK]).yaml_text
    response = teacher.get(f"/teach/banks/{ids['tiny-bank']}/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="tiny-bank.yaml"'
    assert response.get_data(as_text=True) == TINY_BANK
    school = teacher.get(f"/teach/banks/{ids[LIBRARY_BANK]}/download")
    assert school.status_code == 200 and school.get_data(as_text=True) == library_yaml

    other, _ = teacher_browser(make_browser, create_user)
    assert other.get(f"/teach/banks/{ids['tiny-bank']}/download").status_code == 403
    assert other.get("/teach/banks/999999/download").status_code == 404


def test_a_preview_is_taken_like_a_quiz_and_counts_nowhere(app, make_browser, create_user):
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    quiz = tiny_quiz(app, "last")
    class_id = new_class(teacher)
    assign(teacher, class_id, quiz)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)

    started = teacher.post(f"/teach/quizzes/{quiz}/preview")
    assert started.status_code == 302
    attempt = int(re.search(r"/attempt/(\d+)/1$", started.headers["Location"]).group(1))
    first = teacher.get(started.headers["Location"]).get_data(as_text=True)
    assert '<a href="/teach/banks">Leave the preview</a>' in first  # no need to submit it
    with session_scope(app) as session:
        versions = {
            v.question_key: v
            for v in attempt_service.versions_of(session, session.get(Attempt, attempt))
        }
    for number, key in enumerate(("day", "boats", "weather"), start=1):
        choice = question_of(versions[key]).choice_ids()[RIGHT[key]]
        assert (
            teacher.post(
                f"/attempt/{attempt}/{number}", {"answer": choice, "action": "next"}
            ).status_code
            == 302
        )
    assert teacher.post(f"/attempt/{attempt}/submit").status_code == 302
    result = teacher.get(f"/attempt/{attempt}/result").get_data(as_text=True)
    assert "This was a preview" in result and "100%" in result
    assert "Back to your banks" in result and "Back to the quiz<" not in result

    with session_scope(app) as session:
        recorded = session.get(Attempt, attempt)
        assert recorded.preview and recorded.percentage == 100
        teacher_user = session.get(User, teacher_id)
        assert attempt_service.quiz_score(session, recorded.quiz, teacher_user) is None
        classroom = session.get(Classroom, class_id)
        book = gradebook.gradebook(session, classroom, soon())
        assert [row.student.id for row in book.rows] == [student_id]
        assert book.rows[0].cells[0].attempts == 0
        assert item_analysis.analyse(session, classroom, quiz).attempts == 0
    home = teacher.get("/").get_data(as_text=True)
    assert "your score (all attempts): <strong>—</strong>" in home
    # A second preview starts afresh; students cannot preview.
    assert teacher.post(f"/teach/quizzes/{quiz}/preview").status_code == 302
    assert student.post(f"/teach/quizzes/{quiz}/preview").status_code == 403


def test_each_preview_starts_afresh_with_the_bank_as_it_is_now(app, make_browser, create_user):
    """An unfinished preview is dropped: the teacher who fixes a typo and previews again sees
    the fix (and one whose time ran out is not shown as a result)."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    quiz = tiny_quiz(app)
    first = teacher.post(f"/teach/quizzes/{quiz}/preview").headers["Location"]
    attempt = int(re.search(r"/attempt/(\d+)/1$", first).group(1))
    answered = {**correct_form(questions_of(app, attempt)[0]), "action": "next"}
    assert teacher.post(first, answered).status_code == 302
    fixed = TINY_BANK.replace("On which day was the festival?", "On which day was the fair?")
    assert upload(teacher, fixed).status_code == 302

    again = teacher.post(f"/teach/quizzes/{quiz}/preview").headers["Location"]
    assert again.endswith("/1")  # at its first question, the answer given before gone
    pages = "".join(teacher.get(again[:-1] + str(n)).get_data(as_text=True) for n in (1, 2, 3))
    assert "On which day was the fair?" in pages and "was the festival?" not in pages
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Attempt.id)).filter_by(preview=True)) == 1
        assert session.scalar(select(func.count(Response.id))) == 0


def test_a_preview_waits_for_the_teachers_own_attempt_in_progress(app, make_browser, create_user):
    """A teacher taking their quiz for real finishes it first: a preview would replace it."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    quiz = tiny_quiz(app)
    own = teacher.post(f"/quiz/{quiz}/start").headers["Location"]
    # An open attempt's result page sends the taker back to it.
    attempt = re.search(r"/attempt/(\d+)/", own).group(1)
    assert teacher.get(f"/attempt/{attempt}/result").headers["Location"] == own
    asked = teacher.post(f"/teach/quizzes/{quiz}/preview")
    assert asked.headers["Location"] == own
    assert "finish it before a preview" in teacher.get(own).get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(func.count(Attempt.id)).filter_by(preview=True)) == 0


# Gradebook


def test_scores_are_added_and_averaged_unrounded(app, make_browser, create_user):
    """Three scores of 2/3 make 200 points, as two of 3/3 do (so the shorter time ranks
    first), not 200.01; and 2/3, 2/3 and a missing 0 average 44.44%, not 44.45%."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    ana, ben = add_student(app, class_id, "ana", "Ana"), add_student(app, class_id, "ben", "Ben")
    for slug in ("best", "last", "average"):
        take(app, ana, tiny_quiz(app, slug), score_picks(2), soon(-60))  # 5 minutes each
    for slug in ("best", "last"):
        take(app, ben, tiny_quiz(app, slug), score_picks(3), soon(-60))
    board = text_of(teacher.get(f"/board/{class_id}?board=overall").get_data(as_text=True))
    assert re.search(r"1 Ben 200 .*2 Ana 200 ", board), board
    assert "200.01" not in board

    other_class = new_class(teacher, "Year 10 English")
    cy = add_student(app, other_class, "cy", "Cy")
    for slug in ("best", "last", "average"):
        assign(teacher, other_class, tiny_quiz(app, slug), "2020-01-01T00:00", "2020-02-01T00:00")
    for slug in ("best", "last"):  # and the third is missing
        take(app, cy, tiny_quiz(app, slug), score_picks(2), dt.datetime(2020, 1, 20, tzinfo=UTC))
    gradebook = teacher.get(f"/teach/classes/{other_class}/gradebook.csv")
    csv_text = gradebook.get_data(as_text=True)
    assert '"cy","Cy","active",66.67,66.67,0,44.44\r\n' in csv_text, csv_text


def test_gradebook_cells_follow_each_quizs_grading_method(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    best, last, average = (tiny_quiz(app, slug) for slug in ("best", "last", "average"))
    for quiz in (best, last, average):
        assign(teacher, class_id, quiz)
    student = add_student(app, class_id, "gina", "Gina")
    take(app, student, best, score_picks(1), soon(1))
    take(app, student, best, score_picks(2), soon(2))
    take(app, student, last, score_picks(2), soon(1))
    take(app, student, last, score_picks(1), soon(2))
    take(app, student, average, score_picks(1), soon(1))
    take(app, student, average, score_picks(3), soon(2))

    with session_scope(app) as session:
        book = gradebook.gradebook(session, session.get(Classroom, class_id), soon(10))
    cells = book.rows[0].cells
    assert [column.settings.grading for column in book.columns] == ["best", "last", "average"]
    assert [cell.score for cell in cells] == pytest.approx([200 / 3, 100 / 3, (100 / 3 + 100) / 2])
    assert [cell.status for cell in cells] == ["done", "done", "done"]
    assert book.rows[0].average == pytest.approx((200 / 3 + 100 / 3 + 200 / 3) / 3)
    html = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    assert "best attempt" in html and "last attempt" in html and "average of attempts" in html
    assert re.search(
        r'<span class="score">66.7%</span>\s*</td>\s*<td[^>]*>\s*<span class="score">33.3%', html
    )


def test_a_timed_attempt_left_open_counts_from_its_deadline_everywhere(
    app, make_browser, create_user
):
    """The tab closed as the bell rang: nobody opens the attempt again, yet the gradebook,
    the student's home page and the leaderboard count it, submitted at its deadline."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    assert assign(teacher, class_id, quiz).status_code == 302
    student, student_id = student_browser(make_browser, create_user, "leftopen")
    join(app, student, class_id)
    attempt, _ = start(student, quiz)
    student.post(f"/attempt/{attempt}/1/autosave", correct_form(questions_of(app, attempt)[0]))
    with session_scope(app) as session:  # all of it an hour ago
        session.scalar(select(Assignment)).created_at -= dt.timedelta(hours=1)
        record = session.get(Attempt, attempt)
        record.started_at -= dt.timedelta(hours=1)
        record.deadline_at -= dt.timedelta(hours=1)
        deadline = record.deadline_at

    for page, shows in [
        (f"/teach/classes/{class_id}/gradebook", 'class="cell cell-done"'),
        (f"/board/{class_id}?board={quiz}&period=all", "Leftopen"),
    ]:
        assert shows in teacher.get(page).get_data(as_text=True), page
    with session_scope(app) as session:
        record = session.get(Attempt, attempt)
        assert record.submitted_at == deadline and record.auto_submitted
        assert record.points == 1
    assert "done" in student.get("/").get_data(as_text=True)


def test_work_due_while_a_student_was_out_of_the_class_is_not_counted_once_they_are_back(
    app, make_browser, create_user
):
    """Removed, then added back: what fell due meanwhile stays "before joining" (not
    missing), on the gradebook and the student's home page; what was due before they left,
    or falls due after they came back, counts as before."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    student, rosa = student_browser(make_browser, create_user, "rosa")
    with session_scope(app) as session:
        session.add(Membership(class_id=class_id, student_id=rosa, joined_at=ALL_YEAR))
    before, meanwhile, later = (tiny_quiz(app, slug) for slug in ("best", "last", "average"))
    assign(teacher, class_id, before, "2020-01-01T00:00", "2020-01-10T00:00")
    assign(teacher, class_id, meanwhile, "2020-02-01T00:00", "2020-02-10T00:00")
    assign(teacher, class_id, later, "", "2099-01-01T00:00")
    with session_scope(app) as session:  # out of the class from 15 January
        session.execute(
            update(Membership)
            .where(Membership.student_id == rosa)
            .values(removed_at=dt.datetime(2020, 1, 15, tzinfo=UTC))
        )
    back = teacher.post(f"/classes/{class_id}/students/{rosa}/restore")
    assert back.status_code == 302

    with session_scope(app) as session:
        book = gradebook.gradebook(session, session.get(Classroom, class_id), soon())
        membership = session.scalar(select(Membership).where(Membership.student_id == rosa))
        assert membership.removed_at is None
        assert membership.away[0][0] == dt.datetime(2020, 1, 15, tzinfo=UTC)
    assert [cell.status for cell in book.rows[0].cells] == ["missing", "before joining", "to do"]
    assert book.rows[0].average == 0  # the missing one only
    home = text_of(student.get("/").get_data(as_text=True))
    assert "or while you were out of it: it does not count against you" in home
    assert home.count("missing") == 1
    # Removed and added back again: both times away are kept.
    teacher.post(f"/classes/{class_id}/students/{rosa}/remove", {"confirmed": "yes"})
    teacher.post(f"/classes/{class_id}/students/{rosa}/restore")
    with session_scope(app) as session:
        membership = session.scalar(select(Membership).where(Membership.student_id == rosa))
        assert len(membership.away) == 2


def test_a_quiz_dropped_from_its_bank_is_withdrawn_not_missing(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    kept, dropped = tiny_quiz(app, "best"), tiny_quiz(app, "last")
    for quiz in (kept, dropped):
        assign(teacher, class_id, quiz, "2020-01-01T00:00", "2020-02-01T00:00")
    did = add_student(app, class_id, "did", "Did It")
    add_student(app, class_id, "didnt", "Did Not")
    take(app, did, kept, RIGHT, dt.datetime(2020, 1, 20, tzinfo=UTC))
    dropped_attempt = take(app, did, dropped, WRONG, dt.datetime(2020, 1, 20, tzinfo=UTC))
    without = TINY_BANK.split("  - id: last")[0] + TINY_BANK.split("grading: last\n")[1]
    assert "Harbour quiz (last)" not in without
    uploaded = upload(teacher, without)
    assert uploaded.status_code == 302
    told = text_of(teacher.get(uploaded.headers["Location"]).get_data(as_text=True))
    assert "tiny-bank: updated, 1 quiz withdrawn (“Harbour quiz (last)”)" in told
    assert "A quiz this version no longer has is withdrawn" in told
    html = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)

    def cells(name: str) -> list[str]:
        row = re.search(rf">{name}</a>.*?</tr>", html, re.S).group(0)
        return re.findall(r"<td.*?</td>", row, re.S)

    assert '<span class="muted">withdrawn</span>' in cells("Did Not")[1]
    assert "missing" not in cells("Did Not")[1]
    assert "0%" in cells("Did It")[1]  # what was done before still counts
    assert "Withdrawn: a new version of the bank no longer has the quiz" in html
    headers = re.findall(r'<th scope="col">.*?</th>', html.split("</thead>")[0], re.S)
    withdrawn = [header for header in headers if "withdrawn</span>" in header]
    assert len(withdrawn) == 1 and "Harbour quiz (last)" in withdrawn[0]
    # Its dates cannot be changed: it is no longer among the quizzes to assign, and saving
    # the form used to assign the first of them instead.
    dropped_assignment = assignment_id(app, class_id, dropped)
    class_page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert f"change={dropped_assignment}" not in class_page
    assert f"change={assignment_id(app, class_id, kept)}" in class_page
    asked = teacher.get(f"/classes/{class_id}?change={dropped_assignment}").get_data(as_text=True)
    assert "Change the dates of" not in asked and ">Assign</button>" in asked
    refused = assign(teacher, class_id, dropped, "2030-06-01T09:00")  # a form from before
    assert refused.status_code == 422
    assert "Change the dates of" not in refused.get_data(as_text=True)
    # The students see it so too, rather than losing it from their list while it counts.
    for username, state in (("did", "done"), ("didnt", "withdrawn")):
        student = make_browser()
        student.login(username)
        home = student.get("/").get_data(as_text=True)
        item = home.split("Harbour quiz (last)")[1].split("</li>")[0]
        assert f'<span class="badge badge-{state}">{state}</span>' in item, username
        assert "it can no longer be taken" in item
    assert f'href="/quiz/{dropped}"' not in home
    # Its result page says so, rather than leading back to a quiz that is not found.
    did_it = make_browser()
    did_it.login("did")
    result = did_it.get(f"/attempt/{dropped_attempt}/result").get_data(as_text=True)
    assert "This quiz has since been withdrawn from its bank" in result
    assert f'href="/quiz/{dropped}"' not in result and "Back to the quiz" not in result


def test_gradebook_marks_late_and_missing_work(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz, "2020-01-01T00:00", "2020-02-01T00:00")
    on_time = add_student(app, class_id, "ontime", "On Time")
    late = add_student(app, class_id, "late", "Late One")
    add_student(app, class_id, "absent", "Absent")
    take(app, on_time, quiz, RIGHT, dt.datetime(2020, 1, 20, tzinfo=UTC))
    take(app, late, quiz, RIGHT, dt.datetime(2020, 2, 20, tzinfo=UTC))
    html = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)

    def cell(name: str) -> str:
        return re.search(rf">{name}</a>.*?</th>\s*(<td.*?</td>)", html, re.S).group(1)

    assert 'class="cell cell-done"' in cell("On Time") and "100%" in cell("On Time")
    late_cell = cell("Late One")
    assert "100%" in late_cell and '<span class="badge badge-late">late</span>' in late_cell
    assert '<span class="badge badge-missing">missing</span>' in cell("Absent")
    assert rules.COUNTING_RULE in html and rules.AVERAGE_RULE in html


def test_gradebook_numbers_students_who_share_a_name_as_the_boards_do(
    app, make_browser, create_user
):
    """Two Sams: the teacher could not tell whose row was whose, nor match the projector's
    "Sam (2)" to a row."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    add_student(app, class_id, "sam.k", "Sam")
    add_student(app, class_id, "sam.t", "Sam")
    add_student(app, class_id, "tom", "Tom")
    html = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    names = [text_of(row) for row in re.findall(r'<th scope="row">(.*?)</th>', html, re.S)]
    assert names[:3] == ["Sam (1) sam.k", "Sam (2) sam.t", "Tom"]


def test_gradebook_ends_with_the_class_average_of_the_students_in_it_now(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    first, second = tiny_quiz(app, "best"), tiny_quiz(app, "last")
    assign(teacher, class_id, first, "2020-01-01T00:00", "2020-02-01T00:00")
    assign(teacher, class_id, second)
    ada = add_student(app, class_id, "ada", "Ada")
    ben = add_student(app, class_id, "ben", "Ben")
    add_student(app, class_id, "cy", "Cy")  # misses the first, has the second to do
    gone = add_student(app, class_id, "gone", "Gone")
    take(app, ada, first, RIGHT, dt.datetime(2020, 1, 20, tzinfo=UTC))
    take(app, ada, second, WRONG, soon())
    take(app, ben, first, RIGHT, dt.datetime(2020, 2, 20, tzinfo=UTC))  # late
    take(app, gone, first, RIGHT, dt.datetime(2020, 1, 20, tzinfo=UTC))
    with session_scope(app) as session:
        session.scalar(
            select(Membership).where(Membership.student_id == gone)
        ).removed_at = utcnow()
    # First: Ada 100, Ben 100 (late), Cy 0 (missing); Gone left. Second: Ada 0; the others
    # have it to do. Averages: Ada 50, Ben 100, Cy 0.
    with session_scope(app) as session:
        book = gradebook.gradebook(session, session.get(Classroom, class_id), utcnow())
        summaries = book.summaries
        class_average = book.class_average
    assert [(round(s.average, 2), s.handed_in) for s in summaries] == [(66.67, 2), (0, 1)]
    assert class_average == 50
    html = teacher.get(f"/teach/classes/{class_id}/gradebook").get_data(as_text=True)
    footer = text_of(html[html.index("<tfoot>") : html.index("</tfoot>")])
    assert footer == (
        "Class average students in the class now 66.7% 2 handed in 0% 1 handed in 50%"
    )
    assert rules.CLASS_AVERAGE_RULE in html
    # The export stays one row per student, for an LMS to import.
    csv_text = teacher.get(f"/teach/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    assert len(csv_text.splitlines()) == 1 + 4 and "Class average" not in csv_text


def test_a_due_date_before_attempts_start_counting_is_refused_at_its_field(
    app, make_browser, create_user
):
    """Without an open date, yesterday's due date made every student missing, and work done
    on time practice."""
    teacher, _ = teacher_browser(make_browser, create_user)
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    response = assign(teacher, class_id, quiz, due="2020-02-01T00:00")
    assert response.status_code == 422
    assert "give an open date before it" in response.get_data(as_text=True)
    assert assignment_id(app, class_id, quiz) is None
    # With an open date before it, yesterday's work is recorded.
    assert (
        assign(teacher, class_id, quiz, "2020-01-01T00:00", "2020-02-01T00:00").status_code == 302
    )


def test_an_assignment_made_after_a_student_left_is_not_theirs(app, make_browser, create_user):
    """It used to be "missing" for them, a 0 in their average and in the CSV."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    first, later = tiny_quiz(app, "best"), tiny_quiz(app, "last")
    assign(teacher, class_id, first)
    leaver = add_student(app, class_id, "leaver", "Left Early")
    take(app, leaver, first, RIGHT, soon())
    removed = teacher.post(f"/classes/{class_id}/students/{leaver}/remove", {"confirmed": "yes"})
    assert removed.status_code == 302
    with session_scope(app) as session:  # assigned a moment after the student left
        session.execute(
            update(Membership)
            .where(Membership.student_id == leaver)
            .values(removed_at=utcnow() - dt.timedelta(minutes=5))
        )
    assign(teacher, class_id, later, due=(soon(60)).strftime("%Y-%m-%dT%H:%M"))
    with session_scope(app) as session:
        book = gradebook.gradebook(
            session, session.get(Classroom, class_id), utcnow() + dt.timedelta(hours=2)
        )
    [row] = book.rows
    assert [cell.status for cell in row.cells] == ["done", "after leaving"]
    assert row.average == 100
    csv_text = teacher.get(f"/teach/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    assert csv_text.splitlines()[1].endswith(',"removed",100,"",100')


def test_an_assignment_due_before_a_student_joined_is_not_missing_for_them(
    app, make_browser, create_user
):
    """It used to be "missing" for every student who joined later, a 0 in their average."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    first, past = tiny_quiz(app, "best"), tiny_quiz(app, "last")
    due = utcnow() - dt.timedelta(days=1)
    with session_scope(app) as session:
        session.add(
            Assignment(
                class_id=class_id, quiz_id=past, opens_at=due - dt.timedelta(days=7), due_at=due
            )
        )
    assign(teacher, class_id, first)
    early = add_student(app, class_id, "early", "Early Bird")
    with session_scope(app) as session:
        session.execute(
            update(Membership)
            .where(Membership.student_id == early)
            .values(joined_at=due - dt.timedelta(days=3))
        )
    newcomer, newcomer_id = student_browser(make_browser, create_user, "newcomer")
    join(app, newcomer, class_id)
    name = "newcomer"
    with session_scope(app) as session:
        listed = assignments.for_student(session, session.get(User, newcomer_id), utcnow())
        # The work to do comes first, though the other was due earlier.
        assert [(row.quiz.id, row.status) for row in listed] == [
            (first, "to do"),
            (past, "before joining"),
        ]
    take(app, newcomer_id, first, RIGHT, soon())

    def statuses() -> dict[str, tuple[list[str], float | None]]:
        with session_scope(app) as session:
            book = gradebook.gradebook(session, session.get(Classroom, class_id), utcnow())
            return {
                row.student.username: ([cell.status for cell in row.cells], row.average)
                for row in book.rows
            }

    assert statuses() == {
        "early": (["missing", "to do"], 0.0),
        name: (["before joining", "done"], 100),
    }
    home = text_of(newcomer.get("/").get_data(as_text=True))
    assert "before you joined the class, or while you were out of it: it does not count" in home
    csv_lines = teacher.get(f"/teach/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    assert f'"{name}","Newcomer","active","",100,100' in csv_lines
    # Taken anyway, it is late work, and counts.
    take(app, newcomer_id, past, score_picks(1), soon())
    assert statuses()[name] == (["late", "done"], pytest.approx((100 / 3 + 100) / 2, abs=0.01))


def test_counted_attempts_are_those_by_the_due_date_when_there_are_any():
    due = dt.datetime(2025, 5, 1, tzinfo=UTC)
    before, on_due, after = (due - dt.timedelta(days=1), due, due + dt.timedelta(days=1))
    assert rules.counted([(before, 40.0), (on_due, 60.0), (after, 0.0)], due) == [
        (before, 40.0),
        (on_due, 60.0),
    ]
    assert rules.counted([(after, 0.0), (after, 90.0)], due) == [(after, 0.0), (after, 90.0)]
    assert rules.counted([(after, 0.0)], None) == [(after, 0.0)]
    assert rules.counted([], due) == []


def test_going_over_a_quiz_after_its_due_date_does_not_change_the_grade(
    app, make_browser, create_user
):
    """Under "last" grading, a later 0% used to replace the on-time score."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app, "last")
    assign(teacher, class_id, quiz, "2020-01-01T00:00", "2020-02-01T00:00")
    student, student_id = student_browser(make_browser, create_user, "Revises Later")
    join(app, student, class_id)
    late_only = add_student(app, class_id, "lateonly", "Late Only")
    take(app, student_id, quiz, score_picks(2), dt.datetime(2020, 1, 20, tzinfo=UTC))
    later = take(app, student_id, quiz, score_picks(0), dt.datetime(2020, 3, 1, tzinfo=UTC))
    take(app, late_only, quiz, score_picks(3), dt.datetime(2020, 2, 10, tzinfo=UTC))
    take(app, late_only, quiz, score_picks(1), dt.datetime(2020, 2, 20, tzinfo=UTC))

    with session_scope(app) as session:
        book = gradebook.gradebook(session, session.get(Classroom, class_id), utcnow())
    cells = {row.student.display_name: row.cells[0] for row in book.rows}
    revised, late = cells["Revises Later"], cells["Late Only"]
    assert (revised.status, revised.score, revised.attempts) == ("done", pytest.approx(200 / 3), 1)
    # With nothing by the due date, late work counts, and the last attempt is the grade.
    assert (late.status, late.score, late.attempts) == ("late", pytest.approx(100 / 3), 2)

    home = student.get("/").get_data(as_text=True)
    assert "score <strong>66.7%</strong>" in home and "score <strong>0%</strong>" not in home
    detail = teacher.get(f"/teach/classes/{class_id}/students/{student_id}").get_data(as_text=True)
    line = re.search(rf"<tr>(?:(?!</tr>).)*/attempts/{later}\b.*?</tr>", detail, re.S).group(0)
    assert "practice, after the due date" in line
    csv_text = teacher.get(f"/teach/classes/{class_id}/gradebook.csv").get_data(as_text=True)
    assert "Revises Later" in csv_text and ",66.67," in csv_text


def test_csv_export_one_row_per_student_with_formula_cells_neutralized(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher, "Year 9 / Blue")
    best, last = tiny_quiz(app, "best"), tiny_quiz(app, "last")
    assign(teacher, class_id, best)
    assign(teacher, class_id, last, "2020-01-01T00:00", "2020-02-01T00:00")
    summer = add_student(app, class_id, "sum1", "@SUM(A1)")
    ann = add_student(app, class_id, "ann", 'Ann "A", first')
    add_student(app, class_id, "-minus", "Minus;=1+1")
    bob = add_student(app, class_id, "bob", "Bob")
    take(app, summer, best, score_picks(3), soon())
    take(app, ann, best, score_picks(2), soon())
    take(app, ann, last, score_picks(1), dt.datetime(2020, 1, 10, tzinfo=UTC))
    take(app, bob, last, score_picks(2), dt.datetime(2020, 3, 1, tzinfo=UTC))
    teacher.post(f"/classes/{class_id}/students/{bob}/remove", {"confirmed": "yes"})

    response = teacher.get(f"/teach/classes/{class_id}/gradebook.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["Content-Disposition"]
        == 'attachment; filename="year-9-blue-gradebook.csv"'
    )
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert response.data.decode("utf-8") == (
        '\ufeff"username","display name","status","Harbour quiz (best)","Harbour quiz (last)",'
        '"average"\r\n'
        '"sum1","\'@SUM(A1)","active",100,0,50\r\n'
        '"ann","Ann ""A"", first","active",66.67,33.33,50\r\n'
        # In quotes, a spreadsheet that splits on semicolons keeps the name whole.
        '"\'-minus","Minus;=1+1","active","",0,0\r\n'
        '"bob","Bob","removed","",66.67,66.67\r\n'
    )
    assert [str(gradebook._number(n)) for n in (16.665, 99.5, 100.0, None)] == [
        "16.67",
        "99.5",
        "100",
        "",
    ]
    assert gradebook.spreadsheet_safe("=1+2") == "'=1+2"
    assert gradebook.spreadsheet_safe("+1") == "'+1"
    assert gradebook.spreadsheet_safe("a=1") == "a=1"
    assert gradebook.spreadsheet_safe("\t=1") == "'\t=1"


def test_student_detail_lists_every_attempt_and_the_teacher_opens_its_review(
    app, make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz, "2020-01-01T00:00")
    student = add_student(app, class_id, "pia", "Pia")
    practice = take(app, student, quiz, score_picks(1), dt.datetime(2019, 12, 1, tzinfo=UTC))
    counted = take(app, student, quiz, score_picks(2), dt.datetime(2020, 1, 5, tzinfo=UTC))

    html = teacher.get(f"/teach/classes/{class_id}/students/{student}").get_data(as_text=True)
    assert "practice, before it opened" in html
    assert f"/teach/classes/{class_id}/attempts/{counted}" in html
    assert f"/teach/classes/{class_id}/attempts/{practice}" in html
    assert "Average: <strong>66.7%</strong>" in html

    review = teacher.get(f"/teach/classes/{class_id}/attempts/{counted}")
    assert review.status_code == 200
    text = review.get_data(as_text=True)
    assert "Pia’s score: 66.7%" in text
    assert "Answer given:</strong> Saturday" in text and "Answer given:</strong> Sunny" in text
    assert "Correct answer:</strong> Windy" in text

    # Another class's student: neither their detail nor their attempt, even where the
    # other class has the same quiz assigned.
    other_class = new_class(teacher, "Other")
    assign(teacher, other_class, quiz, "2020-01-01T00:00")
    assert teacher.get(f"/teach/classes/{other_class}/students/{student}").status_code == 404
    assert teacher.get(f"/teach/classes/{other_class}/attempts/{counted}").status_code == 404
    other_teacher, _ = teacher_browser(make_browser, create_user)
    assert other_teacher.get(f"/teach/classes/{class_id}/attempts/{counted}").status_code == 403


# Item analysis


def test_item_analysis_on_a_hand_computed_example(app, make_browser, create_user):
    """Four students, three times over (so that questions have the attempts flags need),
    three one-point questions (a = day, b = boats, c = weather):

        S1: a b c right -> 3      S3: a right    -> 1
        S2: a b right   -> 2      S4: c right    -> 1

    Facility: a 3/4, b 2/4, c 2/4. Discrimination is the correlation of each question's
    score with the rest of the attempt (total minus the question):
        a: x = 1 1 1 0, rest = 2 1 0 1: deviations (.25 .25 .25 -.75)(1 0 -1 0), sum 0 -> 0
        b: x = 1 1 0 0, rest = 2 1 1 1: sum of products .5, sums of squares 1 and .75
           -> .5 / sqrt(.75) = 1/sqrt(3)
        c: x = 1 0 0 1, rest = 2 2 1 0: sum of products -.5, sums of squares 1 and 2.75
           -> -.5 / sqrt(2.75)
    """
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    picks = [
        RIGHT,
        {"day": "Saturday", "boats": "20", "weather": "Sunny"},
        {"day": "Saturday", "boats": "12", "weather": "Rainy"},
        {"day": "Friday", "boats": "30", "weather": "Windy"},
    ]
    analysis_url = f"/teach/classes/{class_id}/quizzes/{quiz}/analysis"
    for number, answers in enumerate(picks * 3, start=1):
        student = add_student(app, class_id, f"s{number}", f"S{number}")
        take(app, student, quiz, answers, soon())
        if number == 4:  # the same figures, but too few attempts to flag anything yet
            few = teacher.get(analysis_url).get_data(as_text=True)
            assert "Questions to look at" not in few and "-0.30" in few
            assert "verdicts such as “Difficult”, appear once a question has 10 attempts" in few
            assert "Fairly easy" not in few and "About right" not in few
    # Neither a preview nor another class's attempt counts.
    teacher.post(f"/teach/quizzes/{quiz}/preview")
    other_class = new_class(teacher, "Other")
    outsider = add_student(app, other_class, "outsider", "Outsider")
    take(app, outsider, quiz, RIGHT, soon())

    with session_scope(app) as session:
        result = item_analysis.analyse(session, session.get(Classroom, class_id), quiz)
    assert result.attempts == 12
    a, b, c = result.rows
    assert [row.version.question_key for row in result.rows] == ["day", "boats", "weather"]
    assert [row.stats.attempts for row in result.rows] == [12, 12, 12]
    assert [row.stats.facility for row in result.rows] == [0.75, 0.5, 0.5]
    assert a.stats.discrimination == pytest.approx(0)
    assert b.stats.discrimination == pytest.approx(1 / math.sqrt(3))
    assert c.stats.discrimination == pytest.approx(-0.5 / math.sqrt(2.75))
    assert a.stats.flags == ("weak discrimination",)
    assert b.stats.flags == ()
    assert c.stats.flags == ("negative discrimination",)
    assert [(o.text, o.picks, o.share, o.correct) for o in a.options] == [
        ("Friday", 3, 0.25, False),
        ("Saturday", 9, 0.75, True),
        ("Sunday", 0, 0.0, False),
    ]
    assert result.summary["mean"] == pytest.approx((100 + 200 / 3 + 100 / 3 + 100 / 3) / 4)
    assert result.summary["median"] == pytest.approx(50)

    html = teacher.get(analysis_url).get_data(as_text=True)
    assert "12 submitted attempts" in html and "appear once a question has" not in html
    assert "Fairly easy" in html and "About right for the average student" in html
    flagged = html.split('id="flagged-heading"')[1].split('id="questions-heading"')[0]
    assert "The wind was strong all afternoon." in flagged  # c, beside its flags
    assert "The harbour festival took place on Saturday." in flagged  # a
    assert "Twenty boats sailed" not in html  # b is not flagged
    assert "0.58" in html and "-0.30" in html and "75%" in html
    assert html.count("<svg") == 2 and "Facility index per question" in html
    assert "30–40%: 6; 40–50%: 0; 50–60%: 0; 60–70%: 3" in html  # the histogram's data
    assert "<script" not in html.split("<main")[1]
    assert teacher.get(f"/teach/classes/{class_id}/quizzes/999999/analysis").status_code == 404


def test_item_analysis_flags_questions_far_from_their_marked_difficulty(
    app, make_browser, create_user
):
    """Ten students: all get the day (marked hard) right, three the weather (marked easy)."""
    teacher, _ = teacher_browser(make_browser, create_user)
    marked = TINY_BANK.replace(
        "    answer: Saturday\n", "    answer: Saturday\n    difficulty: hard\n"
    ).replace("    answer: Windy\n", "    answer: Windy\n    difficulty: easy\n")
    assert upload(teacher, marked).status_code == 302
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    sunny = {"day": "Saturday", "boats": "20", "weather": "Sunny"}
    for number, answers in enumerate([RIGHT] * 3 + [sunny] * 7, start=1):
        take(app, add_student(app, class_id, f"s{number}", f"S{number}"), quiz, answers, soon())
    html = teacher.get(f"/teach/classes/{class_id}/quizzes/{quiz}/analysis").get_data(as_text=True)
    flagged = html.split('id="flagged-heading"')[1].split('id="questions-heading"')[0]
    day, boats, weather = flagged.split("<article")[1:]
    assert "easier than marked" in day and "facility 100% (marked hard)" in day
    assert "too easy" in boats and "than marked" not in boats  # marked medium
    assert "harder than marked" in weather and "facility 30% (marked easy)" in weather
    assert "too hard" not in weather
    table = html.split('id="questions-heading"')[1]
    assert table.count("marked medium") == 1


TYPED_BANK = (
    TINY_BANK.split("questions:\n")[0]
    .replace("id: tiny-bank", "id: typed-bank")
    .replace("title: Tiny test bank", "title: Typed answers")
    + """\
questions:
  - id: day
    type: short
    prompt: On which day was the festival?
    answers: [Saturday, Sat]
    explanation: It was on Saturday.
    source: The harbour festival took place on Saturday.
  - id: boats
    type: numeric
    prompt: How many boats sailed?
    answer: 20
    explanation: Twenty boats sailed.
    source: Twenty boats sailed past the lighthouse.
  - id: weather
    type: cloze
    prompt: Fill in the gaps.
    text: The {{wind}} was strong all {{afternoon|day}}.
    explanation: The article says so.
    source: The wind was strong all afternoon.

quizzes:
  - id: typed
    title: Harbour quiz (typed)
    questions: [day, boats, weather]
"""
)


def test_item_analysis_lists_the_wrong_answers_typed_most_often(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    assert upload(teacher, TYPED_BANK).status_code == 302
    class_id = new_class(teacher)
    quiz = quiz_id(app, "typed-bank", "typed")
    assign(teacher, class_id, quiz)
    answers = [
        {"day": "Friday", "boats": "12", "weather": ["wind", "morning"]},
        {"day": " friday!", "boats": "12", "weather": ["rain", "afternoon"]},
        {"day": "<b>Sunday</b>", "boats": "30", "weather": ["wind", "morning"]},
        {"day": "saturday", "boats": "20", "weather": ["wind", "day"]},
        {"day": "", "boats": "1,200", "weather": ["", ""]},
    ]
    for number, picks in enumerate(answers, start=1):
        student = add_student(app, class_id, f"s{number}", f"S{number}")
        with session_scope(app) as session:
            taker = attempt_service.Taker(user=session.get(User, student))
            attempt = attempt_service.start_attempt(
                session, session.get(QuizRecord, quiz), taker, soon(1)
            )
            for version in attempt_service.versions_of(session, attempt):
                raw = picks[version.question_key]
                attempt_service.save_answer(session, attempt, version.id, raw, soon(2))
            attempt_service.submit_attempt(session, attempt, soon(3))

    with session_scope(app) as session:
        result = item_analysis.analyse(session, session.get(Classroom, class_id), quiz)
    day, boats, weather = result.rows
    # "Friday" and " friday!" are one answer to the grader; a blank answer is not listed.
    assert [(w.text, w.count, w.share) for w in day.wrong_answers] == [
        ("Friday", 2, 0.4),
        ("<b>Sunday</b>", 1, 0.2),
    ]
    assert day.accepted == "Saturday / Sat"
    assert [(w.text, w.count) for w in boats.wrong_answers] == [("12", 2), ("30", 1), ("1200", 1)]
    assert boats.accepted == "20"
    # A text with gaps is listed gap by gap: only the wrong gaps, blank ones left out.
    assert [(w.text, w.count) for w in weather.wrong_answers] == [
        ("Gap 2: morning", 2),
        ("Gap 1: rain", 1),
    ]
    assert weather.accepted == "wind; afternoon / day"

    html = teacher.get(f"/teach/classes/{class_id}/quizzes/{quiz}/analysis").get_data(as_text=True)
    section = html.split('id="wrong-heading"')[1].split('id="how-heading"')[0]
    assert "Accepted: Saturday / Sat" in section
    assert "&lt;b&gt;Sunday&lt;/b&gt;" in section and "<b>Sunday" not in html
    assert "Gap 2: morning</td>" in section and "40%" in section


def test_item_analysis_lists_no_wrong_answers_for_choice_questions(app, make_browser, create_user):
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    take(app, add_student(app, class_id, "s1", "S1"), quiz, WRONG, soon())
    with session_scope(app) as session:
        result = item_analysis.analyse(session, session.get(Classroom, class_id), quiz)
    assert all(row.wrong_answers is None and row.accepted is None for row in result.rows)
    html = teacher.get(f"/teach/classes/{class_id}/quizzes/{quiz}/analysis").get_data(as_text=True)
    assert 'id="wrong-heading"' not in html


# Who may do what


def teacher_routes(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, method) of every teacher route: the teach blueprint and class management."""
    learner_routes = {"classes.index", "classes.join"}
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("teach.", "classes.")):
            continue
        if rule.endpoint in learner_routes:
            continue
        method = "GET" if "GET" in rule.methods else "POST"
        routes.append((rule.endpoint, method))
    return sorted(routes)


@pytest.fixture
def teacher_world(app, make_browser, create_user):
    """A teacher with a class, a student in it, an own bank, an assignment and an attempt."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)
    attempt = take(app, student_id, quiz, RIGHT, soon())
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).where(BankRecord.slug == "tiny-bank"))
    values = {
        "class_id": class_id,
        "student_id": student_id,
        "bank_id": bank_id,
        "quiz_id": quiz,
        "attempt_id": attempt,
        "assignment_id": assignment_id(app, class_id, quiz),
    }
    return teacher, student, values


def route_urls(app: Flask, values: dict[str, int]) -> list[tuple[str, str, str]]:
    urls = []
    with app.test_request_context():
        for endpoint, method in teacher_routes(app):
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            urls.append(
                (endpoint, method, url_for(endpoint, **{k: values[k] for k in rule.arguments}))
            )
    return urls


FORM_DATA = {
    "classes.create": {"name": "Another class"},
    "classes.rename": {"name": "Renamed"},
}


def call(browser, method: str, url: str, endpoint: str = "", values: dict | None = None):
    """The route as a browser would use it: a GET, or a confirmed post with its form."""
    if method == "GET":
        return browser.get(url)
    data = {"confirmed": "yes", **FORM_DATA.get(endpoint, {})}
    if endpoint == "classes.assign" and values:
        data["quiz"] = str(values["quiz_id"])
    if endpoint == "classes.reset_password" and values:  # the stamp its class page gives
        page = browser.get(f"/classes/{values['class_id']}").get_data(as_text=True)
        if stamp := re.search(r'name="stamp" value="(\w+)"', page):
            data["stamp"] = stamp[1]
    return browser.post(url, data)


def test_the_matrix_covers_every_teacher_route(app):
    assert {endpoint for endpoint, _ in teacher_routes(app)} == {
        "classes.create",
        "classes.show",
        "classes.rename",
        "classes.archive",
        "classes.unarchive",
        "classes.regenerate_code",
        "classes.remove_student",
        "classes.restore_student",
        "classes.reset_password",
        "classes.assign",
        "classes.archive_assignment",
        "classes.unarchive_assignment",
        "teach.banks",
        "teach.upload",
        "teach.download",
        "teach.archive_bank",
        "teach.unarchive_bank",
        "teach.preview",
        "teach.gradebook_page",
        "teach.gradebook_csv",
        "teach.student",
        "teach.attempt_review",
        "teach.analysis",
    }


def test_students_get_403_on_every_teacher_route(app, teacher_world):
    _, student, values = teacher_world
    for endpoint, method, url in route_urls(app, values):
        assert call(student, method, url, endpoint, values).status_code == 403, endpoint


def test_visitors_are_sent_to_log_in_on_every_teacher_route(app, client, teacher_world):
    _, _, values = teacher_world
    anonymous = Browser(app.test_client())
    for endpoint, method, url in route_urls(app, values):
        response = call(anonymous, method, url, endpoint, values)
        assert response.status_code == 302, endpoint
        assert "/login" in response.headers["Location"], endpoint


def test_an_archived_class_is_kept_as_it_was_until_it_is_unarchived(app, teacher_world):
    """Every route that changes the class refuses; its pages still open, without the
    controls; unarchiving brings them back."""
    teacher, _, values = teacher_world
    class_id = values["class_id"]
    assert teacher.post(f"/classes/{class_id}/archive").status_code == 302
    with session_scope(app) as session:
        before = session.get(Classroom, class_id)
        assigned = select(func.count(Assignment.id)).filter_by(class_id=class_id, archived_at=None)
        kept = (before.name, before.join_code, session.scalar(assigned))
    routes = {endpoint: (method, url) for endpoint, method, url in route_urls(app, values)}
    kept_open = {"classes.create", "classes.show", "classes.archive", "classes.unarchive"}
    changes = {endpoint for endpoint in routes if endpoint.startswith("classes.")} - kept_open
    assert len(changes) == 8
    for endpoint in sorted(changes):
        method, url = routes[endpoint]
        refused = call(teacher, method, url, endpoint, values)
        assert refused.status_code == 409, endpoint
        assert "is archived: unarchive it to change it" in refused.get_data(as_text=True)
    for action in ("mode", "screen-link", "screen-link/off"):
        assert teacher.post(f"/board/{class_id}/{action}", {"mode": "top10"}).status_code == 409
    with session_scope(app) as session:
        after = session.get(Classroom, class_id)
        assert (after.name, after.join_code, session.scalar(assigned)) == kept
        assert after.leaderboard_mode == "all" and after.screen_token is None
    page = teacher.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "unarchive it to change it" in page
    assert "Make a new code" not in page and ">Assign</button>" not in page
    assert "is closed while the class is archived" in page and "Copy the code" not in page
    assert "Rename</button>" not in page
    board = teacher.get(f"/board/{class_id}").get_data(as_text=True)
    assert "This class is archived" in board and "Big screen" not in board

    assert teacher.post(f"/classes/{class_id}/unarchive").status_code == 302
    assert call(teacher, *routes["classes.rename"], "classes.rename", values).status_code == 302


def test_another_teacher_gets_403_on_every_route_of_this_teachers_class_and_bank(
    app, make_browser, create_user, teacher_world
):
    _, _, values = teacher_world
    other, _ = teacher_browser(make_browser, create_user)
    own_pages = {"classes.create", "teach.banks", "teach.upload"}
    for endpoint, method, url in route_urls(app, values):
        if endpoint in own_pages:
            continue
        assert call(other, method, url, endpoint, values).status_code == 403, endpoint
    with session_scope(app) as session:
        classroom = session.get(Classroom, values["class_id"])
        assert classroom.archived_at is None and classroom.name == "Year 9 English"
        assert session.scalar(select(Membership.removed_at)) is None


def test_the_owner_can_use_every_teacher_route(app, teacher_world):
    teacher, _, values = teacher_world
    routes = route_urls(app, values)
    # Archiving last: an archived class can no longer change; removing the student before
    # it, once nothing else needs them in the class; the bank's quizzes come back with it.
    last = (
        "teach.archive_bank",
        "teach.unarchive_bank",
        "classes.remove_student",
        "classes.restore_student",
        "classes.archive",
    )
    for endpoint, method, url in sorted(
        routes, key=lambda route: last.index(route[0]) if route[0] in last else -1
    ):
        status = call(teacher, method, url, endpoint, values).status_code
        assert status in (200, 302), (endpoint, status)


def test_the_banks_page_counts_each_banks_and_quizs_questions_and_names_tests(
    make_browser, create_user
):
    teacher, _ = teacher_browser(make_browser, create_user)
    html = text_of(teacher.get("/teach/banks").get_data(as_text=True))
    library = html[html.index("Riverside library reopens") :]
    assert "school bank · 9 questions" in library
    assert "Every kind of question · 9 questions" in library
    assert "Numbers and dates · 3 questions" in library
    assert "Against the clock · 3 questions · a test: 2 attempts" in library
    assert "Key facts · 3 questions Preview" in library  # not a test
