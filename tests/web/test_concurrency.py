"""Two requests for the same attempt at the same moment: an autosave and Next, a double
click on Submit, a second tab. Each test holds one request at the point where the other
would slip in, for at most a moment; the attempt's lock must make the other wait."""

from __future__ import annotations

import re
import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from quizapp.core import grading
from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Attempt,
    CardRecord,
    Classroom,
    Membership,
    Response,
    ReviewLogRecord,
    User,
)
from quizapp.services import accounts
from quizapp.services import attempts as service
from quizapp.services import live as live_service
from quizapp.services.cards import states as card_states
from tests.conftest import Browser, csrf_token
from tests.web import test_live as live_tests
from tests.web.helpers import (
    ARTICLE_BANK,
    LIBRARY_BANK,
    correct_form,
    questions_of,
    quiz_id,
    start,
    wrong_form,
)
from tests.web.test_cards import bank_id
from tests.web.test_teach import add_student, join_code, new_class

MOMENT = 0.5
"""How long a held request waits for the other one: long enough for it to slip in."""


def second_tab(app, browser: Browser) -> Browser:
    """Another client on the same browser session: a second tab, or the autosave's fetch."""
    other = Browser(app.test_client())
    other.client.set_cookie("session", browser.client.get_cookie("session").value)
    return other


def meet(barrier: threading.Barrier) -> None:
    """Wait for the other request, or go on alone after a moment if it cannot come."""
    try:
        barrier.wait()
    except threading.BrokenBarrierError:
        pass


def in_background(send) -> tuple[threading.Thread, dict]:
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("response", send()))
    thread.start()
    return thread, out


def test_an_autosave_and_next_at_the_same_moment_save_one_answer(
    app, browser, create_user, monkeypatch
):
    """Both used to find no saved answer, then both inserted one: the second got a 500."""
    browser.login(create_user()[1])
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    question = questions_of(app, attempt)[0]
    form = {**correct_form(question), "csrf_token": csrf_token(browser.client)}
    tab = second_tab(app, browser)
    barrier = threading.Barrier(2, timeout=MOMENT)
    check = grading.check_response

    def held(question, raw):  # each request has looked for a saved answer by now
        meet(barrier)
        return check(question, raw)

    monkeypatch.setattr(service.grading, "check_response", held)
    thread, out = in_background(
        lambda: tab.client.post(f"/attempt/{attempt}/1/autosave", data=form)
    )
    step = browser.client.post(f"/attempt/{attempt}/1", data={**form, "action": "next"})
    thread.join()

    assert step.status_code == 302 and step.headers["Location"].endswith(f"/attempt/{attempt}/2")
    assert out["response"].status_code == 200
    assert out["response"].get_json() == {"saved": True, "message": "Saved"}
    with session_scope(app) as session:
        saved = session.scalars(select(Response).where(Response.attempt_id == attempt)).all()
    assert len(saved) == 1 and saved[0].is_correct


def test_an_answer_saved_while_the_attempt_is_submitted_is_scored_or_refused(
    app, browser, create_user, monkeypatch
):
    """The autosave used to say "Saved" into an attempt just submitted without it: its
    review listed an answer that its score left out."""
    browser.login(create_user()[1])
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    question = questions_of(app, attempt)[0]
    form = {**correct_form(question), "csrf_token": csrf_token(browser.client)}
    tab = second_tab(app, browser)
    saving, submitted = threading.Event(), threading.Event()
    check = grading.check_response

    def held(question, raw):  # the autosave is under way: the submit is sent now
        saving.set()
        submitted.wait(MOMENT)
        return check(question, raw)

    monkeypatch.setattr(service.grading, "check_response", held)
    thread, out = in_background(
        lambda: tab.client.post(f"/attempt/{attempt}/1/autosave", data=form)
    )
    assert saving.wait(5)
    done = browser.client.post(
        f"/attempt/{attempt}/submit", data={"csrf_token": form["csrf_token"]}
    )
    submitted.set()
    thread.join()

    assert done.status_code == 302
    with session_scope(app) as session:
        state = session.get(Attempt, attempt)
        saved = session.scalar(
            select(func.coalesce(func.sum(Response.points), 0)).where(
                Response.attempt_id == attempt
            )
        )
        assert state.submitted_at is not None
        assert state.points == saved  # every saved answer is in the score
    if out["response"].get_json()["saved"]:
        assert saved > 0
    else:
        assert out["response"].status_code == 409


def test_checking_an_answer_twice_at_the_same_moment_shows_its_feedback(
    app, browser, create_user, monkeypatch
):
    """Under immediate feedback, the second "Check answer" found the first one's answer
    final and ended on a 409 page."""
    browser.login(create_user()[1])
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "numbers-and-dates"))
    form = {
        **correct_form(questions_of(app, attempt)[0]),
        "action": "check",
        "csrf_token": csrf_token(browser.client),
    }
    barrier = threading.Barrier(2, timeout=MOMENT)
    save = service.save_answer

    def held(*args, **kwargs):  # each request has found no answer yet
        meet(barrier)
        return save(*args, **kwargs)

    monkeypatch.setattr(service, "save_answer", held)
    tab = second_tab(app, browser)
    thread, out = in_background(lambda: tab.client.post(f"/attempt/{attempt}/1", data=form))
    first = browser.client.post(f"/attempt/{attempt}/1", data=form)
    thread.join()

    for response in (first, out["response"]):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/attempt/{attempt}/1")


def test_submitting_twice_at_the_same_moment_schedules_each_missed_card_once(
    app, browser, create_user, monkeypatch
):
    """Both submits used to find the attempt open: each missed card was logged twice."""
    browser.login(create_user()[1])
    attempt, _ = start(browser, quiz_id(app, ARTICLE_BANK, "key-facts"))
    for number, question in enumerate(questions_of(app, attempt), start=1):
        if question.type in ("single", "true_false", "short", "numeric", "date"):
            browser.post(f"/attempt/{attempt}/{number}", {**wrong_form(question), "action": "save"})
    token = csrf_token(browser.client)
    tab = second_tab(app, browser)
    barrier = threading.Barrier(2, timeout=MOMENT)
    submit = service.submit_attempt

    def held(*args, **kwargs):  # each request has read the attempt, still open
        meet(barrier)
        return submit(*args, **kwargs)

    monkeypatch.setattr(service, "submit_attempt", held)
    thread, out = in_background(
        lambda: tab.client.post(f"/attempt/{attempt}/submit", data={"csrf_token": token})
    )
    first = browser.client.post(f"/attempt/{attempt}/submit", data={"csrf_token": token})
    thread.join()

    assert first.status_code == out["response"].status_code == 302
    with session_scope(app) as session:
        logged = session.scalars(
            select(ReviewLogRecord.card_id).where(ReviewLogRecord.source == "quiz")
        ).all()
    assert logged and len(logged) == len(set(logged))


def held_adding(monkeypatch, kind: type, barrier: threading.Barrier) -> None:
    """Hold each request as it adds a row of `kind`: where a second one would slip in."""
    add = Session.add

    def held(self, instance, *args, **kwargs):
        if isinstance(instance, kind):
            meet(barrier)
        return add(self, instance, *args, **kwargs)

    monkeypatch.setattr(Session, "add", held)


def test_joining_twice_at_the_same_moment_joins_once(app, make_browser, create_user, monkeypatch):
    """Both found no membership, then both added one: the second got a 500."""
    teacher, student = make_browser(), make_browser()
    teacher.login(create_user("teacher")[1])
    student_id, username = create_user()
    student.login(username)
    class_id = new_class(teacher)
    code = {"code": join_code(app, class_id), "csrf_token": csrf_token(student.client)}
    held_adding(monkeypatch, Membership, threading.Barrier(2, timeout=MOMENT))
    tab = second_tab(app, student)
    thread, out = in_background(lambda: tab.client.post("/classes/join", data=code))
    first = student.client.post("/classes/join", data=code)
    thread.join()

    assert first.status_code == out["response"].status_code == 302
    with session_scope(app) as session:
        joined = session.scalars(select(Membership).where(Membership.class_id == class_id))
        assert [membership.student_id for membership in joined] == [student_id]


def test_two_sign_ups_with_one_username_at_the_same_moment_make_one_account(
    app, make_browser, monkeypatch
):
    """Both found the username free, then both inserted it: the second got a 500."""
    form = {
        "username": "dupe",
        "display_name": "Dupe",
        "password": "a long password 1",
        "confirm": "a long password 1",
        "role": "student",
    }
    first_device, second_device = make_browser(), make_browser()
    first_form = {**form, "csrf_token": csrf_token(first_device.client)}
    second_form = {**form, "csrf_token": csrf_token(second_device.client)}
    held_adding(monkeypatch, User, threading.Barrier(2, timeout=MOMENT))
    thread, out = in_background(lambda: second_device.client.post("/signup", data=second_form))
    first = first_device.client.post("/signup", data=first_form)
    thread.join()

    statuses = sorted([first.status_code, out["response"].status_code])
    assert statuses == [302, 422]
    refused = first if first.status_code == 422 else out["response"]
    assert "The username “dupe” is taken" in refused.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(func.count(User.id)).where(User.username == "dupe")) == 1


def test_assigning_twice_at_the_same_moment_assigns_once(
    app, make_browser, create_user, monkeypatch
):
    teacher = make_browser()
    teacher.login(create_user("teacher")[1])
    class_id = new_class(teacher)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    form = {
        "quiz": str(quiz),
        "opens_at": "",
        "due_at": "",
        "csrf_token": csrf_token(teacher.client),
    }
    held_adding(monkeypatch, Assignment, threading.Barrier(2, timeout=MOMENT))
    tab = second_tab(app, teacher)
    url = f"/classes/{class_id}/assignments"
    thread, out = in_background(lambda: tab.client.post(url, data=form))
    first = teacher.client.post(url, data=form)
    thread.join()

    assert first.status_code == out["response"].status_code == 302
    with session_scope(app) as session:
        assigned = session.scalars(select(Assignment).where(Assignment.class_id == class_id))
        assert [assignment.quiz_id for assignment in assigned] == [quiz]


def test_a_double_click_on_make_a_new_password_makes_one(
    app, make_browser, create_user, monkeypatch
):
    """Both requests found the stamp of the old password, then both made a new one: the
    teacher could be shown the one that no longer works."""
    teacher = make_browser()
    teacher.login(create_user("teacher")[1])
    class_id = new_class(teacher)
    student_id = add_student(app, class_id, "forgetful", "Forgetful")
    with session_scope(app) as session:
        stamp = accounts.password_stamp(session.get(User, student_id))
    form = {"confirmed": "yes", "stamp": stamp, "csrf_token": csrf_token(teacher.client)}
    barrier = threading.Barrier(2, timeout=MOMENT)
    make = accounts.readable_code

    def held(length: int) -> str:  # each request has compared the stamp by now
        meet(barrier)
        return make(length)

    monkeypatch.setattr(accounts, "readable_code", held)
    tab = second_tab(app, teacher)
    url = f"/classes/{class_id}/students/{student_id}/password"
    thread, out = in_background(lambda: tab.client.post(url, data=form))
    first = teacher.client.post(url, data=form)
    thread.join()

    made = [r for r in (first, out["response"]) if r.status_code == 200]
    assert sorted(r.status_code for r in (first, out["response"])) == [200, 409]
    shown = re.search(r"<code>([\w-]+)</code>", made[0].get_data(as_text=True))[1]
    make_browser().login("forgetful", shown)


def test_creating_a_class_twice_makes_one_class(app, make_browser, create_user):
    """A double click on Create class used to make two classes with two join codes."""
    teacher = make_browser()
    teacher_id, username = create_user("teacher")
    teacher.login(username)
    form = {"name": "Year 9 Blue", "csrf_token": csrf_token(teacher.client)}
    first = teacher.client.post("/classes/new", data=form)
    second = teacher.client.post("/classes/new", data=form)
    assert first.headers["Location"] == second.headers["Location"]
    page = teacher.get(second.headers["Location"]).get_data(as_text=True)
    assert "You already have a class named “Year 9 Blue”: here it is." in page
    with session_scope(app) as session:
        names = session.scalars(select(Classroom.name).where(Classroom.teacher_id == teacher_id))
        assert list(names) == ["Year 9 Blue"]


def test_opening_a_new_deck_twice_at_the_same_moment_gives_one_state_per_card(
    app, browser, create_user, monkeypatch
):
    """Both found the deck's cards unstarted, then both added them: the second got a 500."""
    user_id, username = create_user()
    browser.login(username)
    deck = bank_id(app)
    barrier = threading.Barrier(2, timeout=MOMENT)
    unstarted = card_states.unstarted_keys

    def held(*args, **kwargs):  # each request has found the cards it must start
        keys = unstarted(*args, **kwargs)
        meet(barrier)
        return keys

    monkeypatch.setattr(card_states, "unstarted_keys", held)
    tab = second_tab(app, browser)
    thread, out = in_background(lambda: tab.get(f"/cards/{deck}/review"))
    first = browser.get(f"/cards/{deck}/review")
    thread.join()

    assert first.status_code == out["response"].status_code == 200
    with session_scope(app) as session:
        keys = session.scalars(select(CardRecord.card_key).where(CardRecord.user_id == user_id))
        keys = list(keys)
    assert keys and len(keys) == len(set(keys))


def _live_question(room) -> tuple[int, dict]:
    """A game of the room's class at its first question, both students in it; the game's
    id and a right answer's form fields."""
    game = live_tests.start_game(room, seconds=60)
    live_tests.join_all(room, game)
    live_tests.step(room, game)
    return game, live_tests.correct_form(live_tests.question_now(room.app, game))


def _held_live_check(monkeypatch, barrier: threading.Barrier) -> None:
    check = live_service.checked_answer

    def held(question, raw):  # unheld, each request would count the answers after this
        meet(barrier)
        return check(question, raw)

    monkeypatch.setattr(live_service, "checked_answer", held)


def test_the_last_two_answers_at_the_same_moment_close_the_question(room, monkeypatch):
    """Each counted the answers before the other's was in: neither closed the question."""
    game, form = _live_question(room)
    _held_live_check(monkeypatch, threading.Barrier(2, timeout=MOMENT))
    ana, ben = room.students
    thread, out = in_background(lambda: live_tests.answer(ana, game, 1, form))
    answered = live_tests.answer(ben, game, 1, form)
    thread.join()
    assert answered.status_code == 302 and out["response"].status_code == 302
    assert len(live_tests.answers_of(room.app, game)) == 2
    assert live_tests.game_of(room.app, game).closed_at is not None


def test_one_player_answering_twice_at_the_same_moment_answers_once(room, monkeypatch):
    game, form = _live_question(room)
    _held_live_check(monkeypatch, threading.Barrier(2, timeout=MOMENT))
    ana = room.students[0]
    tab = second_tab(room.app, ana)
    thread, out = in_background(lambda: live_tests.answer(tab, game, 1, form))
    answered = live_tests.answer(ana, game, 1, form)
    thread.join()
    assert answered.status_code == 302 and out["response"].status_code == 302
    assert len(live_tests.answers_of(room.app, game)) == 1
