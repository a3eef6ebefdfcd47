"""Rules that no other test pinned down: whose item analysis a teacher may open and what it
counts, who may assign a bank's quiz, when a removed student's work is missing, which
attempts use up a limit, the session cookie and security headers, and that every asset is
served by the app itself."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select, update

from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Attempt,
    Classroom,
    Membership,
    QuizRecord,
    User,
    utcnow,
)
from quizapp.services import assignments, gradebook, item_analysis
from quizapp.services import attempts as attempt_service
from quizapp.services.errors import Forbidden, NotFound
from tests.web.helpers import LIBRARY_BANK, assign_to_a_class, quiz_id, start, text_of
from tests.web.test_teach import (
    TINY_BANK,
    add_student,
    assign,
    new_class,
    soon,
    teacher_browser,
    tiny_quiz,
    upload,
    uploaded_tiny_bank,
)

UTC = dt.UTC
REPO = Path(__file__).parents[2]


# Item analysis


def test_the_analysis_of_a_quiz_assigned_only_to_another_teachers_class_is_not_found(
    app, make_browser, create_user
):
    """The quiz was looked up by its assignment to any class, so a teacher could open the
    analysis of a school quiz that only a colleague had assigned."""
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    colleague, _ = teacher_browser(make_browser, create_user)
    their_class = new_class(colleague, "Their class")
    assign(colleague, their_class, quiz)
    teacher, _ = teacher_browser(make_browser, create_user)
    own_class = new_class(teacher, "Own class")
    url = f"/teach/classes/{own_class}/quizzes/{quiz}/analysis"
    assert teacher.get(url).status_code == 404
    with session_scope(app) as session, pytest.raises(NotFound):
        item_analysis.analyse(session, session.get(Classroom, own_class), quiz)
    assert colleague.get(f"/teach/classes/{their_class}/quizzes/{quiz}/analysis").status_code == (
        200
    )
    assign(teacher, own_class, quiz)
    assert teacher.get(url).status_code == 200


CALM_BANK = TINY_BANK.split("  - id: boats")[0].replace("id: tiny-bank", "id: calm-bank") + (
    """\
  - id: calm
    type: true_false
    prompt: The afternoon was calm.
    answer: false
    explanation: The wind was strong all afternoon.
    source: The wind was strong all afternoon.

quizzes:
  - id: calm
    title: Harbour quiz (calm)
    questions: [day, calm]
"""
)
"""The tiny bank's day question and a true/false question whose answer is false."""


def take_raw(app: Flask, user_id: int, quiz: int, answers: dict[str, str]) -> int:
    """A submitted attempt, answering the questions in `answers` (a choice's text, or "true"
    or "false") and leaving the others unanswered."""
    with session_scope(app) as session:
        taker = attempt_service.Taker(user=session.get(User, user_id))
        attempt = attempt_service.start_attempt(
            session, session.get(QuizRecord, quiz), taker, soon(1)
        )
        for version in attempt_service.versions_of(session, attempt):
            key = version.question_key
            if key in answers:
                raw = answers[key]
                if key == "day":
                    raw = attempt_service.question_of(version).choice_ids()[raw]
                attempt_service.save_answer(session, attempt, version.id, raw, soon(2))
        attempt_service.submit_attempt(session, attempt, soon(3))
        return attempt.id


def test_item_analysis_counts_blank_answers_and_zero_scores_and_marks_false_as_correct(
    app, make_browser, create_user
):
    """Four students on a single-choice question (day) and a true/false one whose answer is
    false (calm):

        S1: day right, calm "false" (right)  -> 100%
        S2: day wrong, calm "true" (wrong)   ->   0%
        S3: day right, calm left blank       ->  50%
        S4: nothing answered                 ->   0%

    A question shown but not answered scores 0 of its points, and stays in the share of
    each option: facility day 2/4 and calm 1/4, each option of calm picked by 1 in 4.
    """
    teacher, _ = teacher_browser(make_browser, create_user)
    assert upload(teacher, CALM_BANK).status_code == 302
    class_id = new_class(teacher)
    quiz = quiz_id(app, "calm-bank", "calm")
    assign(teacher, class_id, quiz)
    answers = [
        {"day": "Saturday", "calm": "false"},
        {"day": "Friday", "calm": "true"},
        {"day": "Saturday"},
        {},
    ]
    for number, given in enumerate(answers, start=1):
        take_raw(app, add_student(app, class_id, f"s{number}", f"S{number}"), quiz, given)

    with session_scope(app) as session:
        result = item_analysis.analyse(session, session.get(Classroom, class_id), quiz)
    assert result.attempts == 4
    day, calm = result.rows
    assert [row.stats.attempts for row in result.rows] == [4, 4]
    assert day.stats.facility == pytest.approx(0.5)
    assert calm.stats.facility == pytest.approx(0.25)
    assert [(o.text, o.picks, o.share, o.correct) for o in calm.options] == [
        ("True", 1, 0.25, False),
        ("False", 1, 0.25, True),
    ]
    assert [(o.text, o.picks, o.share, o.correct) for o in day.options] == [
        ("Friday", 1, 0.25, False),
        ("Saturday", 2, 0.5, True),
        ("Sunday", 0, 0.0, False),
    ]
    # The 0% attempts count in the summary and the histogram.
    assert result.summary["mean"] == pytest.approx(37.5)
    assert result.summary["median"] == pytest.approx(25)
    assert "0–10%: 2;" in result.histogram_svg and "50–60%: 1;" in result.histogram_svg
    assert "90–100%: 1" in result.histogram_svg

    html = teacher.get(f"/teach/classes/{class_id}/quizzes/{quiz}/analysis").get_data(as_text=True)
    assert "4 submitted attempts" in html and "0–10%: 2;" in html


# Assignments


def test_a_teacher_cannot_assign_another_teachers_private_quiz(app, make_browser, create_user):
    """An uploaded bank is its teacher's: the form does not offer a colleague's quiz, and
    the service refuses it too, whoever calls it with the quiz's id."""
    owner, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, owner)
    quiz = tiny_quiz(app)
    other, other_id = teacher_browser(make_browser, create_user)
    class_id = new_class(other)
    refused = assign(other, class_id, quiz)
    assert refused.status_code == 422
    assert "Not a valid choice." in text_of(refused.get_data(as_text=True))
    with session_scope(app) as session:
        with pytest.raises(Forbidden) as error:
            assignments.assign_quiz(
                session,
                session.get(Classroom, class_id),
                session.get(User, other_id),
                quiz,
                None,
                None,
                utcnow(),
            )
        assert error.value.status == 403
        assert error.value.message == "That quiz is in another teacher's bank."
    with session_scope(app) as session:
        assert session.scalar(select(Assignment).where(Assignment.class_id == class_id)) is None
    own_class = new_class(owner)
    assert assign(owner, own_class, quiz).status_code == 302
    assert assign(other, class_id, quiz_id(app, LIBRARY_BANK, "key-facts")).status_code == 302


# The gradebook


def test_a_student_removed_after_an_assignment_opened_who_never_took_it_is_missing(
    app, make_browser, create_user
):
    """It was theirs to do while they were in the class: only an assignment that opened
    after they left is "after leaving"."""
    teacher, _ = teacher_browser(make_browser, create_user)
    uploaded_tiny_bank(app, teacher)
    class_id = new_class(teacher)
    now = utcnow()
    with session_scope(app) as session:
        for slug, opens in (("best", now - dt.timedelta(days=5)), ("last", now)):
            session.add(
                Assignment(
                    class_id=class_id,
                    quiz_id=tiny_quiz(app, slug),
                    opens_at=opens,
                    due_at=opens + dt.timedelta(days=1),
                    created_at=now - dt.timedelta(days=6),
                )
            )
    student = add_student(app, class_id, "leaver", "Left Later")
    with session_scope(app) as session:
        session.execute(
            update(Membership)
            .where(Membership.student_id == student)
            .values(removed_at=now - dt.timedelta(days=3))
        )
        book = gradebook.gradebook(
            session, session.get(Classroom, class_id), now + dt.timedelta(days=2)
        )
    [row] = book.rows
    assert [cell.status for cell in row.cells] == ["missing", "after leaving"]
    assert row.average == 0.0


# Attempts limits


def submitted_attempt(app: Flask, user_id: int, quiz: int, at: dt.datetime, **extra) -> int:
    with session_scope(app) as session:
        attempt = Attempt(
            quiz_id=quiz,
            user_id=user_id,
            started_at=at - dt.timedelta(minutes=5),
            submitted_at=at,
            last_activity_at=at,
            question_order=[],
            option_orders={},
            points=1.0,
            max_points=3.0,
            percentage=33.33,
            **extra,
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def attempts_used(app: Flask, user_id: int, quiz: int) -> attempt_service.AttemptsUsed:
    with session_scope(app) as session:
        taker = attempt_service.Taker(user=session.get(User, user_id))
        return attempt_service.attempts_used(session, session.get(QuizRecord, quiz), taker)


def test_a_teachers_previews_do_not_use_up_the_attempts_of_a_quiz(app, make_browser, create_user):
    """Two previews of a quiz that allows two attempts used to leave the teacher none."""
    teacher, teacher_id = teacher_browser(make_browser, create_user)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    for _ in range(2):
        submitted_attempt(app, teacher_id, quiz, utcnow() - dt.timedelta(hours=1), preview=True)
    assert attempts_used(app, teacher_id, quiz).count == 0
    attempt, _ = start(teacher, quiz)
    with session_scope(app) as session:
        assert not session.get(Attempt, attempt).preview


def test_a_class_the_student_was_removed_from_does_not_set_when_attempts_count(
    app, create_user, make_browser
):
    """Its assignment, open earlier, used to make older attempts use up the limit; and
    alone, to let the student take the test after leaving."""
    student, username = create_user()
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    now = utcnow()
    left_class = assign_to_a_class(app, quiz, student)
    with session_scope(app) as session:
        session.execute(
            update(Assignment)
            .where(Assignment.class_id == left_class)
            .values(opens_at=now - dt.timedelta(days=10))
        )
        session.execute(
            update(Membership)
            .where(Membership.class_id == left_class)
            .values(removed_at=now - dt.timedelta(days=1))
        )
    submitted_attempt(app, student, quiz, now - dt.timedelta(days=5))
    assert attempts_used(app, student, quiz) == attempt_service.AttemptsUsed(1, None)
    browser = make_browser()
    browser.login(username)
    refused = browser.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 409
    assert "it opens when your teacher assigns it" in text_of(refused.get_data(as_text=True))

    current_class = assign_to_a_class(app, quiz, student)
    opened = now - dt.timedelta(days=2)
    with session_scope(app) as session:
        session.execute(
            update(Assignment).where(Assignment.class_id == current_class).values(opens_at=opened)
        )
    assert attempts_used(app, student, quiz) == attempt_service.AttemptsUsed(0, opened)


# Headers and assets


def test_the_session_cookie_is_http_only_and_same_site_lax(app, browser, create_user):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    logged_in = browser.login(create_user()[1])
    cookies = logged_in.headers.getlist("Set-Cookie")
    session_cookie = next(value for value in cookies if value.startswith("session="))
    attributes = {part.strip().lower() for part in session_cookie.split(";")[1:]}
    assert "httponly" in attributes and "samesite=lax" in attributes


def test_no_page_may_be_framed_or_load_from_elsewhere(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    directives = {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    # Not covered by default-src: an injected <base> would send relative links elsewhere.
    assert directives["base-uri"] == directives["object-src"] == ["'none'"]
    for source in ("default-src", "script-src", "style-src"):
        assert directives[source] == ["'self'"], source
    assert directives["img-src"] == ["'self'", "data:"]


EXTERNAL = r"""(?:https?:)?//[^\s"'<>)]+"""
LOADING_TAG = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object|use|image)\b[^>]*?" + EXTERNAL,
    re.IGNORECASE,
)
CSS_LOAD = re.compile(r"""(?:url\(\s*["']?|@import\s+["']?)""" + EXTERNAL, re.IGNORECASE)
SCRIPT_URL = re.compile(r"""["'`]""" + EXTERNAL)
SVG_NAMESPACE = "http://www.w3.org/2000/svg"


def external_loads(path: Path) -> list[str]:
    """What the file loads from another site: a script, style, font or image."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".svg":
        text = text.replace(f'xmlns="{SVG_NAMESPACE}"', "")
        return re.findall(EXTERNAL, text)
    found = LOADING_TAG.findall(text) + CSS_LOAD.findall(text)
    if path.suffix == ".js":
        found += SCRIPT_URL.findall(text)
    return found


def test_the_external_load_check_finds_a_cdn(tmp_path):
    samples = {
        "page.html": '<script src="https://cdn.example.com/x.js"></script>',
        "link.html": '<link rel="stylesheet" href="//fonts.example.com/css">',
        "style.css": "@font-face { src: url('https://fonts.example.com/a.woff2'); }",
        "app.js": 'fetch("https://api.example.com/")',
        "icon.svg": f'<svg xmlns="{SVG_NAMESPACE}"><image href="http://x.example/a.png"/></svg>',
    }
    for name, text in samples.items():
        (tmp_path / name).write_text(text)
        assert external_loads(tmp_path / name), name
    (tmp_path / "text.html").write_text('<p>See <a href="https://example.com/">the site</a></p>')
    assert external_loads(tmp_path / "text.html") == []


def test_every_template_and_static_file_loads_only_from_the_app_itself():
    """The README promises no CDN: a page works offline, on a school's own network."""
    files = [
        path
        for folder in ("templates", "static")
        for path in sorted((REPO / folder).rglob("*"))
        if path.suffix in (".html", ".css", ".js", ".svg")
    ]
    assert {path.suffix for path in files} == {".html", ".css", ".js", ".svg"}
    assert len(files) > 20
    loads = {
        str(path.relative_to(REPO)): found for path in files if (found := external_loads(path))
    }
    assert loads == {}
