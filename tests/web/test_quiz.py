"""Taking quizzes through the Flask test client: saving, resuming, grading and every tampering."""

from __future__ import annotations

import datetime as dt
import random
import re
import threading
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from quizapp.core.bank.schema import QUESTION_TYPES
from quizapp.core.quizzes import option_order
from quizapp.db import session_scope
from quizapp.models import Attempt, QuestionVersion, QuizRecord, Response, User, utcnow
from quizapp.services import attempts
from quizapp.services.content import question_of
from quizapp.services.errors import Conflict
from quizapp.web import auth
from quizapp.web import quiz as quiz_web
from tests.conftest import PASSWORD, csrf_token, guest_work_fields
from tests.web.helpers import (
    ARTICLE_BANK,
    LIBRARY_BANK,
    assign_to_a_class,
    attempt_state,
    correct_form,
    questions_of,
    quiz_id,
    start,
    text_of,
    wrong_form,
)


def answer(browser, attempt: int, number: int, fields: dict, action: str = "next"):
    return browser.post(f"/attempt/{attempt}/{number}", {**fields, "action": action})


def take_all_correct(app, browser, quiz: int) -> int:
    attempt, _ = start(browser, quiz)
    for number, question in enumerate(questions_of(app, attempt), start=1):
        response = answer(browser, attempt, number, correct_form(question))
        assert response.status_code == 302, response.get_data(as_text=True)
    assert browser.post(f"/attempt/{attempt}/submit").status_code == 302
    return attempt


def option_values(html: str) -> list[str]:
    return re.findall(r'name="(?:answer|pair-\w+|rank-\w+)" value="(\w+)"', html)


def responses_count(app, attempt: int) -> int:
    with session_scope(app) as session:
        return session.scalar(select(func.count(Response.id)).where(Response.attempt_id == attempt))


def test_home_lists_banks_and_quizzes_with_counts_and_time_limits(client):
    html = client.get("/").get_data(as_text=True)
    assert "Turkish drones for Kosovo" in html
    assert "Key facts in 10 minutes" in html
    assert re.search(r"12 questions\s*· 10 min", html)
    assert "Riverside library reopens" in html


def test_home_marks_a_quiz_in_progress_to_resume_for_guests_and_users(app, browser, create_user):
    """A guest who signed up mid-quiz found nothing on the home page to go back to it."""
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    resume = 'aria-label="Resume Key facts">Resume</a>'
    assert resume not in browser.get("/").get_data(as_text=True)
    attempt, _ = start(browser, quiz)  # as a guest
    assert resume in browser.get("/").get_data(as_text=True)
    _, username = create_user()
    browser.login(username)  # the guest's attempt is now the account's
    assert resume in browser.get("/").get_data(as_text=True)
    browser.post(f"/attempt/{attempt}/submit")
    home = browser.get("/").get_data(as_text=True)
    assert resume not in home and 'aria-label="Open Key facts">Open</a>' in home


def test_every_question_type_graded_fully_correct_scores_100(app, browser, create_user):
    _, username = create_user()
    browser.login(username)
    attempt = take_all_correct(app, browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    state = attempt_state(app, attempt)
    assert {q.type for q in questions_of(app, attempt)} == set(QUESTION_TYPES)
    assert state.percentage == 100.0
    assert state.points == state.max_points == 9
    html = browser.get(f"/attempt/{attempt}/result").get_data(as_text=True)
    assert "Your score: 100%" in html
    assert "Marta Lindqvist" in html  # an explanation is shown in the review
    assert "grain warehouse beside the river" in html  # and the article's sentence


def test_answer_is_saved_at_each_step_and_the_attempt_resumes(app, browser, create_user):
    _, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    attempt, first_url = start(browser, quiz)
    questions = questions_of(app, attempt)
    first_page = browser.get(first_url).get_data(as_text=True)
    answer(browser, attempt, 1, correct_form(questions[0]))
    answer(browser, attempt, 2, correct_form(questions[1]), action="save")
    # A closed laptop: a new visit to the quiz resumes the same attempt where it was.
    again, url = start(browser, quiz)
    assert again == attempt and url.endswith(f"/attempt/{attempt}/2")
    # Same order of questions and options after a reload.
    reloaded = browser.get(first_url).get_data(as_text=True)
    assert option_values(reloaded) == option_values(first_page)
    # The saved answer is shown again: its choice is the one checked.
    assert questions[0].type == "single"
    picked = correct_form(questions[0])["answer"]
    assert re.findall(r'value="(\w+)" checked', reloaded) == [picked]
    assert responses_count(app, attempt) == 2


def test_every_kind_of_saved_answer_is_shown_again_in_its_control(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    for number, question in enumerate(questions_of(app, attempt), start=1):
        fields = correct_form(question)
        answer(browser, attempt, number, fields, action="save")
        page = browser.get(f"/attempt/{attempt}/{number}").get_data(as_text=True)
        kind = question.type
        if kind in ("single", "multiple", "true_false"):
            picked = fields["answer"] if kind == "multiple" else [fields["answer"]]
            assert sorted(re.findall(r'value="(\w+)" checked', page)) == sorted(picked), kind
        elif kind in ("short", "date"):
            assert f'name="answer" type="text" value="{fields["answer"]}"' in page, kind
        elif kind == "numeric":
            shown = re.search(r'name="answer" type="text" value="([^"]*)"', page).group(1)
            assert float(shown) == question.answer
        else:  # match, order, cloze: one field per pair, item or gap
            for name, value in fields.items():
                if kind == "cloze":
                    assert f'name="{name}" type="text" value="{value}"' in page, name
                else:
                    field = page[page.index(f'name="{name}"') :].split("</select>")[0]
                    assert re.findall(r'<option value="(\w+)" selected>', field) == [value]


def test_question_and_overview_pages_are_not_kept_by_the_browser(app, browser):
    """Back after submitting asks the server again, which sends the learner to the result."""
    attempt, url = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    for page in (url, f"/attempt/{attempt}/finish"):
        assert browser.get(page).headers["Cache-Control"] == "no-store", page
    browser.post(f"/attempt/{attempt}/submit")
    assert browser.get(url).headers["Location"].endswith(f"/attempt/{attempt}/result")


def test_navigation_previous_and_next(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    questions = questions_of(app, attempt)
    response = answer(browser, attempt, 1, correct_form(questions[0]))
    assert response.headers["Location"].endswith(f"/attempt/{attempt}/2")
    response = answer(browser, attempt, 2, {}, action="prev")
    assert response.headers["Location"].endswith(f"/attempt/{attempt}/1")
    page = browser.get(f"/attempt/{attempt}/2").get_data(as_text=True)
    assert "Question 2 of 9" in page
    assert '<progress class="progress" max="9" value="2"' in page


def test_finish_page_lists_unanswered_questions(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    answer(browser, attempt, 1, correct_form(questions_of(app, attempt)[0]))
    html = browser.get(f"/attempt/{attempt}/finish").get_data(as_text=True)
    assert "8 questions are not answered yet" in html
    assert html.count("not answered") >= 8


def test_an_answer_taken_back_is_unanswered_again(app, browser):
    """Unticking every box or erasing the text used to leave the old answer saved and scored."""
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    questions = questions_of(app, attempt)
    kinds = [question.type for question in questions]
    multiple, short = kinds.index("multiple") + 1, kinds.index("short") + 1
    hint = "Each right pick earns part of the points; each wrong pick takes some away."
    assert hint in browser.get(f"/attempt/{attempt}/{multiple}").get_data(as_text=True)
    answer(browser, attempt, multiple, correct_form(questions[multiple - 1]), action="save")
    answer(browser, attempt, short, correct_form(questions[short - 1]), action="save")
    assert responses_count(app, attempt) == 2

    # Every box unticked, then Next: the answer is gone, and the page shows no box ticked.
    assert answer(browser, attempt, multiple, {}).status_code == 302
    assert responses_count(app, attempt) == 1
    page = browser.get(f"/attempt/{attempt}/{multiple}").get_data(as_text=True)
    assert " checked" not in page
    # The text erased, as the autosave sends it.
    cleared = browser.post(f"/attempt/{attempt}/{short}/autosave", {"answer": "  "})
    assert cleared.get_json() == {"saved": True, "message": "Answer cleared"}
    assert responses_count(app, attempt) == 0
    again = browser.post(f"/attempt/{attempt}/{short}/autosave", {"answer": ""})
    assert again.get_json() == {"saved": False, "message": "Nothing to save yet."}
    overview = browser.get(f"/attempt/{attempt}/finish").get_data(as_text=True)
    assert "9 questions are not answered yet" in overview
    browser.post(f"/attempt/{attempt}/submit")
    assert attempt_state(app, attempt).points == 0


def test_a_page_opened_before_the_answer_was_given_does_not_take_it_back(app, browser):
    """A second tab, opened before the answer was given in the first, sent an empty answer
    with Next, and the saved one was gone without a word."""
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    question = questions_of(app, attempt)[0]
    old_tab = browser.get(f"/attempt/{attempt}/1").get_data(as_text=True)
    assert 'name="answer_state" value="none"' in old_tab
    answer(browser, attempt, 1, correct_form(question), action="save")  # the first tab
    assert answer(browser, attempt, 1, {"answer_state": "none"}).status_code == 302
    assert responses_count(app, attempt) == 1
    shown = browser.get(f"/attempt/{attempt}/1").get_data(as_text=True)
    assert 'name="answer_state" value="shown"' in shown
    # Erased on a page that showed it, or changed there, it is taken back.
    assert answer(browser, attempt, 1, {"answer_state": "changed"}).status_code == 302
    assert responses_count(app, attempt) == 0


def test_an_answer_under_immediate_feedback_cannot_be_taken_back(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "numbers-and-dates"))  # immediate
    question = questions_of(app, attempt)[0]
    answer(browser, attempt, 1, correct_form(question), action="check")
    assert answer(browser, attempt, 1, {}).status_code == 302
    assert responses_count(app, attempt) == 1


def test_double_submit_is_counted_once(app, browser, create_user):
    _, username = create_user()
    browser.login(username)
    attempt = take_all_correct(app, browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    first = attempt_state(app, attempt)
    second = browser.post(f"/attempt/{attempt}/submit")
    assert second.status_code == 302 and second.headers["Location"].endswith("/result")
    again = attempt_state(app, attempt)
    assert (again.submitted_at, again.points) == (first.submitted_at, first.points)
    with session_scope(app) as session:
        count = session.scalar(select(func.count(Attempt.id)).where(Attempt.user_id.is_not(None)))
    assert count == 1


def test_answers_after_submission_change_nothing(app, browser):
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    attempt, _ = start(browser, quiz)
    questions = questions_of(app, attempt)
    answer(browser, attempt, 1, correct_form(questions[0]))
    browser.post(f"/attempt/{attempt}/submit")
    before = attempt_state(app, attempt).points
    late = answer(browser, attempt, 2, correct_form(questions[1]))
    assert late.status_code == 302 and late.headers["Location"].endswith("/result")
    result = browser.get(late.headers["Location"]).get_data(as_text=True)
    assert "This attempt had already ended" in result and "was not saved" in result
    autosave = browser.post(f"/attempt/{attempt}/2/autosave", correct_form(questions[1]))
    assert autosave.status_code == 409
    assert "already been submitted" in autosave.get_json()["message"]
    assert responses_count(app, attempt) == 1
    assert attempt_state(app, attempt).points == before


def test_a_choice_that_is_not_in_the_question_is_refused_and_nothing_is_saved(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    response = answer(browser, attempt, 1, {"answer": "deadbeef"})
    assert response.status_code == 422
    assert "not part of this question" in response.get_data(as_text=True)
    assert responses_count(app, attempt) == 0


def test_bad_ranks_of_an_order_question_are_asked_again_on_its_page(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    number, question = next(
        (n, q) for n, q in enumerate(questions_of(app, attempt), start=1) if q.type == "order"
    )
    ids = list(question.item_ids().values())
    rest = [str(rank) for rank in range(2, len(ids) + 1)]
    cases = [[""] + rest]  # the first item left out, the others ranked
    for first in ("1", "²", "9" * 5000):  # only one given; a superscript; a huge number
        cases += [[first] + [""] * len(rest), [first, *rest[:-1], "2"]]
    for ranks in cases:
        fields = {f"rank-{item}": rank for item, rank in zip(ids, ranks, strict=True)}
        for action in ("next", "prev"):
            response = answer(browser, attempt, number, fields, action)
            html = response.get_data(as_text=True)
            assert response.status_code == 422, (ranks, action)
            assert "Give every item a different position" in html
            assert "or clear every position to leave this question for later" in html
            assert f'name="rank-{ids[0]}"' in html  # the question's page, not an error page
        kept = f'<option value="{ranks[1]}" selected>' if ranks[1] else None
        assert kept is None or kept in html
        saved = browser.post(f"/attempt/{attempt}/{number}/autosave", fields)
        assert saved.status_code == 422
        assert "Give every item a different position" in saved.get_json()["message"]
    assert responses_count(app, attempt) == 0


@pytest.mark.parametrize("body", [[1, 2], 5, {"answer": "x"}])
def test_a_json_body_is_refused_plainly(app, browser, body):
    """A list or a number as JSON used to crash Flask-WTF's reading of the form: a 500."""
    attempt, url = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    headers = {"X-CSRFToken": csrf_token(browser.client)}
    for target in (url, f"{url}/autosave", f"/attempt/{attempt}/submit"):
        response = browser.client.post(target, json=body, headers=headers)
        assert response.status_code == 400, target
    assert responses_count(app, attempt) == 0
    assert attempt_state(app, attempt).submitted_at is None


def test_a_question_number_outside_the_attempt_is_404(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    assert answer(browser, attempt, 99, {"answer": "x"}).status_code == 404
    assert browser.get(f"/attempt/{attempt}/0").status_code == 404


def test_another_users_attempt_is_forbidden(app, make_browser, create_user):
    alice, bob = make_browser(), make_browser()
    alice.login(create_user()[1])
    bob.login(create_user()[1])
    attempt, url = start(alice, quiz_id(app, LIBRARY_BANK, "all-types"))
    question = questions_of(app, attempt)[0]
    assert bob.get(url).status_code == 403
    assert answer(bob, attempt, 1, correct_form(question)).status_code == 403
    assert bob.post(f"/attempt/{attempt}/submit").status_code == 403
    assert bob.get(f"/attempt/{attempt}/result").status_code == 403
    assert responses_count(app, attempt) == 0
    assert not attempt_state(app, attempt).is_submitted


def test_an_attempt_opened_after_the_session_ended_asks_to_log_in_and_comes_back(
    app, make_browser, create_user
):
    _, username = create_user()
    before, after = make_browser(), make_browser()  # the same learner, another session
    before.login(username)
    attempt, url = start(before, quiz_id(app, LIBRARY_BANK, "all-types"))
    response = after.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert after.get(response.headers["Location"]).status_code == 200
    back = after.post(response.headers["Location"], {"username": username, "password": PASSWORD})
    assert back.headers["Location"] == url
    assert after.get(url).status_code == 200


def test_an_answer_sent_after_logging_out_on_another_device_asks_to_log_in(
    app, make_browser, create_user
):
    """It used to say the attempt belonged to someone else, and the autosave failed unread."""
    _, username = create_user()
    laptop, phone = make_browser(), make_browser()
    laptop.login(username)
    phone.login(username)
    attempt, url = start(laptop, quiz_id(app, LIBRARY_BANK, "all-types"))
    fields = correct_form(questions_of(app, attempt)[0])
    token = csrf_token(laptop.client)
    phone.post("/logout")  # which ends the learner's sessions on every device

    saved = laptop.client.post(f"{url}/autosave", data={**fields, "csrf_token": token})
    assert saved.status_code == 401
    assert saved.get_json() == {"saved": False, "message": quiz_web.SESSION_ENDED}
    sent = laptop.client.post(url, data={**fields, "action": "next", "csrf_token": token})
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/login?next=")
    login_page = laptop.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Your session has ended, so what you just sent was not saved" in login_page
    back = laptop.post(sent.headers["Location"], {"username": username, "password": PASSWORD})
    assert back.headers["Location"].endswith(url)
    assert responses_count(app, attempt) == 0
    # A submit sent then comes back, after logging in, to the attempt's overview.
    laptop.post("/logout")
    token = csrf_token(laptop.client)
    submit = laptop.client.post(f"/attempt/{attempt}/submit", data={"csrf_token": token})
    assert submit.status_code == 302 and submit.headers["Location"].startswith("/login?next=")
    back = laptop.post(submit.headers["Location"], {"username": username, "password": PASSWORD})
    assert back.headers["Location"].endswith(f"/attempt/{attempt}/finish")
    assert laptop.get(back.headers["Location"]).status_code == 200
    assert attempt_state(app, attempt).submitted_at is None


def test_another_guests_attempt_is_forbidden(app, make_browser, create_user):
    first, second, signed_in = make_browser(), make_browser(), make_browser()
    attempt, url = start(first, quiz_id(app, LIBRARY_BANK, "all-types"))
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 403
    # Signed in, it is not taken for one's own guest work, which would have been kept.
    signed_in.login(create_user()[1])
    assert signed_in.get(url).status_code == 403


def test_a_post_without_csrf_token_is_refused(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    question = questions_of(app, attempt)[0]
    response = browser.client.post(
        f"/attempt/{attempt}/1", data={**correct_form(question), "action": "next"}
    )
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)
    assert "If you had logged in, log in again" in response.get_data(as_text=True)
    assert responses_count(app, attempt) == 0


def test_an_ambiguous_date_is_refused_with_a_message_and_the_text_is_kept(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    number = next(n for n, q in enumerate(questions_of(app, attempt), start=1) if q.type == "date")
    response = answer(browser, attempt, number, {"answer": "10/12"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "write the month as a word" in html
    assert 'value="10/12"' in html
    assert responses_count(app, attempt) == 0
    assert answer(browser, attempt, number, {"answer": "14 June 2025"}).status_code == 302


def test_a_date_without_the_year_the_answer_has_is_asked_for_again(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))  # 2025-06-14
    number = next(n for n, q in enumerate(questions_of(app, attempt), start=1) if q.type == "date")
    page = text_of(browser.get(f"/attempt/{attempt}/{number}").get_data(as_text=True))
    assert "Write the day, the month and the year" in page
    response = answer(browser, attempt, number, {"answer": "14 June"})
    assert response.status_code == 422
    assert "This date needs its year too" in response.get_data(as_text=True)
    assert 'value="14 June"' in response.get_data(as_text=True)
    assert responses_count(app, attempt) == 0


def test_a_saved_number_comes_back_as_typed_and_can_be_sent_again(app, browser):
    """A small number is shown as 0.00005, not 5e-05, which the page could not send back."""
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "all-types"))
    number = next(
        n for n, q in enumerate(questions_of(app, attempt), start=1) if q.type == "numeric"
    )
    assert answer(browser, attempt, number, {"answer": "0.00005"}).status_code == 302
    page = browser.get(f"/attempt/{attempt}/{number}").get_data(as_text=True)
    assert 'name="answer" type="text" value="0.00005"' in page
    assert answer(browser, attempt, number, {"answer": "0.00005"}).status_code == 302


def test_time_limit_is_enforced_on_the_server(app, browser, create_user):
    student, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    assign_to_a_class(app, quiz, student)
    attempt, _ = start(browser, quiz)
    questions = questions_of(app, attempt)
    answer(browser, attempt, 1, correct_form(questions[0]))
    page = browser.get(f"/attempt/{attempt}/2").get_data(as_text=True)
    assert 'data-remaining="' in page and "Time left" in page
    with session_scope(app) as session:
        session.get(Attempt, attempt).deadline_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            seconds=1
        )
    late = answer(browser, attempt, 2, correct_form(questions[1]))
    assert late.status_code == 302 and late.headers["Location"].endswith("/result")
    result = browser.get(late.headers["Location"]).get_data(as_text=True)
    assert "This attempt had already ended" in result and "was not saved" in result
    state = attempt_state(app, attempt)
    assert state.is_submitted and state.auto_submitted
    assert state.points == 1  # the answer saved before the deadline counts, the late one not
    assert responses_count(app, attempt) == 1
    assert "submitted automatically" in browser.get(f"/attempt/{attempt}/result").get_data(
        as_text=True
    )


def run_out(app, attempt: int) -> None:
    """The attempt's time runs out while nobody has it open."""
    with session_scope(app) as session:
        session.get(Attempt, attempt).deadline_at = utcnow() - dt.timedelta(milliseconds=1)


def test_resuming_an_attempt_whose_time_ran_out_shows_its_result(app, browser, create_user):
    """The quiz's page was drawn with "Resume your attempt" before the time ran out: the
    button leads to the attempt's result, never to a new attempt the student did not ask
    for, and the page then counts the attempt as used."""
    student, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 1 minute, 2 attempts
    assign_to_a_class(app, quiz, student)
    attempt, _ = start(browser, quiz)
    answer(browser, attempt, 1, correct_form(questions_of(app, attempt)[0]))
    before = text_of(browser.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "Resume your attempt" in before and "0 of 2 used" in before
    token = csrf_token(browser.client)  # the page's (reading it later would settle the attempt)
    run_out(app, attempt)

    resumed = browser.post(f"/quiz/{quiz}/start", {"csrf_token": token})
    assert resumed.headers["Location"] == f"/attempt/{attempt}/result"
    result = text_of(browser.get(resumed.headers["Location"]).get_data(as_text=True))
    assert "Your time was up before you came back" in result
    assert "submitted automatically" in result
    state = attempt_state(app, attempt)
    assert state.auto_submitted and state.points == 1  # the answer saved in time
    with session_scope(app) as session:
        assert session.scalars(select(Attempt.id).filter_by(quiz_id=quiz)).all() == [attempt]
    after = text_of(browser.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "1 of 2 used" in after and "Start the quiz" in after and "Resume" not in after


def test_the_quiz_page_counts_an_attempt_whose_time_ran_out(app, browser, create_user):
    student, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    assign_to_a_class(app, quiz, student)
    attempt, _ = start(browser, quiz)
    run_out(app, attempt)
    page = text_of(browser.get(f"/quiz/{quiz}").get_data(as_text=True))
    assert "1 of 2 used" in page and "Resume" not in page
    assert f'href="/attempt/{attempt}/result"' in browser.get(f"/quiz/{quiz}").get_data(
        as_text=True
    )
    assert attempt_state(app, attempt).auto_submitted


def test_attempts_allowed_and_grading_method_last(app, browser, create_user):
    student, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed, grading: last
    assign_to_a_class(app, quiz, student)
    # First attempt: everything right.
    take_all_correct(app, browser, quiz)
    # Second attempt: everything wrong.
    attempt, _ = start(browser, quiz)
    for number, question in enumerate(questions_of(app, attempt), start=1):
        answer(browser, attempt, number, wrong_form(question))
    browser.post(f"/attempt/{attempt}/submit")
    assert attempt_state(app, attempt).percentage == 0
    refused = browser.post(f"/quiz/{quiz}/start")
    assert refused.status_code == 409
    assert "used all 2 attempts" in refused.get_data(as_text=True)
    intro = browser.get(f"/quiz/{quiz}").get_data(as_text=True)
    assert "2 of 2 used" in intro and "Your score (all attempts)</dt><dd>0%" in intro
    assert f'href="/attempt/{attempt}/result">See your last result' in intro


@pytest.mark.parametrize("who", ["student", "guest"])
def test_two_starts_sent_at_once_share_one_attempt(app, create_user, who):
    """Two tabs (or a double click) start the same quiz at the same moment: the second start
    waits for the first to be saved, then resumes its attempt instead of opening another,
    so an attempts limit cannot be got round by racing (and a guest has one attempt to
    resume, to keep at log-in)."""
    user_id, _ = create_user()
    if who == "student":
        quiz = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
        assign_to_a_class(app, quiz, user_id)
    else:
        quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    make_session = app.extensions["quizapp.sessionmaker"]
    first, second = make_session(), make_session()
    started: dict[str, int] = {}

    def start_in(session) -> int:
        if who == "student":
            taker = attempts.Taker(user=session.get(User, user_id))
        else:
            taker = attempts.Taker(user=None, guest_token="one-guest")
        attempt = attempts.start_attempt(session, session.get(QuizRecord, quiz), taker, utcnow())
        return attempt.id

    def start_second() -> None:
        started["second"] = start_in(second)
        second.commit()

    try:
        started["first"] = start_in(first)  # not committed yet
        thread = threading.Thread(target=start_second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive(), "the second start did not wait for the first"
        first.commit()
        thread.join(20)
        assert not thread.is_alive()
    finally:
        first.close()
        second.close()
    assert started["second"] == started["first"]
    with session_scope(app) as session:
        count = session.scalar(select(func.count(Attempt.id)).where(Attempt.quiz_id == quiz))
    assert count == 1


def test_immediate_feedback_shows_the_answer_once_answered_and_locks_it(app, browser):
    quiz = quiz_id(app, LIBRARY_BANK, "numbers-and-dates")  # feedback: immediate
    attempt, _ = start(browser, quiz)
    question = questions_of(app, attempt)[0]
    page = browser.get(f"/attempt/{attempt}/1").get_data(as_text=True)
    assert "Check answer" in page and question.explanation not in page
    assert "Your answer is saved when you check it." in page
    checked = answer(browser, attempt, 1, correct_form(question), action="check")
    assert checked.headers["Location"].endswith(f"/attempt/{attempt}/1")
    page = browser.get(f"/attempt/{attempt}/1").get_data(as_text=True)
    assert "Correct!" in page and question.explanation in page
    # The answer is final: neither a new check, nor autosave, nor the service changes it.
    changed = answer(browser, attempt, 1, wrong_form(question), action="check")
    assert changed.status_code == 302
    autosaved = browser.post(f"/attempt/{attempt}/1/autosave", wrong_form(question))
    assert autosaved.status_code == 409
    with session_scope(app) as session:
        record = session.get(Attempt, attempt)
        with pytest.raises(Conflict, match="already answered"):
            attempts.save_answer(session, record, record.question_order[0], None, utcnow())
    assert responses_count(app, attempt) == 1
    with session_scope(app) as session:
        kept = session.scalar(select(Response).filter_by(attempt_id=attempt))
        assert kept.is_correct and kept.points == kept.max_points
    # Next with a new answer shows its feedback first; Next again moves on.
    second = questions_of(app, attempt)[1]
    shown = answer(browser, attempt, 2, correct_form(second), action="next")
    assert shown.headers["Location"].endswith(f"/attempt/{attempt}/2")
    page = browser.get(f"/attempt/{attempt}/2").get_data(as_text=True)
    assert second.explanation in page and "Correct!" in page
    moved = answer(browser, attempt, 2, {}, action="next")
    assert moved.headers["Location"].endswith(f"/attempt/{attempt}/3")


def test_immediate_feedback_on_a_match_goes_pair_by_pair(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "numbers-and-dates"))
    with session_scope(app) as session:  # the quiz draws 3 of its questions: make one the match
        record = session.get(Attempt, attempt)
        version = session.scalar(
            select(QuestionVersion).where(
                QuestionVersion.question_key == "who-said-what", QuestionVersion.is_current
            )
        )
        if version.id not in record.question_order:
            record.question_order = [version.id, *record.question_order[1:]]
            order = option_order(question_of(version), False, random.Random(1))
            record.option_orders = {**record.option_orders, str(version.id): order}
    questions = questions_of(app, attempt)
    number = next(n for n, q in enumerate(questions, start=1) if q.type == "match")
    match = questions[number - 1]
    lefts, rights = match.left_ids(), match.right_ids()
    seats, books = match.pairs
    swapped = {
        f"pair-{lefts[seats.left]}": rights[seats.right],
        f"pair-{lefts[books.left]}": rights["1911"],
    }
    answer(browser, attempt, number, swapped, action="check")
    page = browser.get(f"/attempt/{attempt}/{number}").get_data(as_text=True)
    assert "Partly right" in page
    parts = page[page.index('<ul class="parts">') :].split("</ul>")[0]
    assert "✓ Seats in the reading room: 40" in parts
    assert "✗ Books a child may borrow: 1911 (expected 10)" in parts


def test_guest_result_is_shown_with_an_offer_to_sign_up(app, browser):
    attempt = take_all_correct(app, browser, quiz_id(app, LIBRARY_BANK, "key-facts"))
    html = browser.get(f"/attempt/{attempt}/result").get_data(as_text=True)
    assert "This result is kept only for a day." in html and "/signup" in html
    state = attempt_state(app, attempt)
    assert state.user_id is None and state.guest_token


def test_logging_in_mid_quiz_keeps_the_guests_attempt_and_results(app, make_browser, create_user):
    user_id, username = create_user()
    guest = make_browser()
    key_facts = quiz_id(app, LIBRARY_BANK, "key-facts")
    # An attempt over an hour old in this browser was someone else's, on a shared laptop.
    earlier = take_all_correct(app, guest, key_facts)
    with session_scope(app) as session:
        session.get(Attempt, earlier).submitted_at -= dt.timedelta(hours=1, minutes=1)
    finished = take_all_correct(app, guest, key_facts)
    attempt, _ = start(guest, quiz_id(app, LIBRARY_BANK, "all-types"))
    answer(guest, attempt, 1, correct_form(questions_of(app, attempt)[0]))
    # The account has its own attempt open at another quiz the guest then began: both
    # still empty, the guest's, used last, goes on.
    numbers = quiz_id(app, LIBRARY_BANK, "numbers-and-dates")
    account = make_browser()
    account.login(username)
    own, _ = start(account, numbers)
    newer, _ = start(guest, numbers)

    logged_in = guest.login(username)
    assert "What you did as a guest is now kept" in guest.get(
        logged_in.headers["Location"]
    ).get_data(as_text=True)
    resumed = guest.get(f"/attempt/{attempt}/2")
    assert resumed.status_code == 200
    assert attempt_state(app, attempt).user_id == user_id
    assert attempt_state(app, finished).user_id == user_id
    assert "Key facts" in guest.get("/progress").get_data(as_text=True)
    assert attempt_state(app, newer).user_id == user_id
    assert attempt_state(app, earlier).user_id is None
    assert start(guest, numbers)[0] == newer
    with session_scope(app) as session:
        assert session.get(Attempt, own) is None  # nothing was answered in it


def test_two_open_attempts_at_a_quiz_after_logging_in_keep_every_answer(
    app, make_browser, create_user
):
    """The guest's answers were left behind when the account had an attempt open there."""
    user_id, username = create_user()
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    account, guest = make_browser(), make_browser()
    guests, url = start(guest, quiz)  # begun first, as a guest, then on the account
    answer(guest, guests, 1, correct_form(questions_of(app, guests)[0]))
    account.login(username)
    own, _ = start(account, quiz)
    for number, question in enumerate(questions_of(app, own)[:3], start=1):
        answer(account, own, number, correct_form(question))

    fields = guest_work_fields(guest.get(f"/login?next={url}").get_data(as_text=True))
    logged_in = guest.post(
        f"/login?next={url}", {"username": username, "password": PASSWORD, **fields}
    )
    assert logged_in.headers["Location"] == url  # back to the page of this browser's attempt
    page = guest.get(url)
    assert page.status_code == 200
    assert "You had another unfinished attempt at “Every kind of question”" in page.get_data(
        as_text=True
    )
    assert start(guest, quiz)[0] == guests
    assert attempt_state(app, guests).user_id == user_id
    assert responses_count(app, guests) == 1
    older = attempt_state(app, own)
    assert older.submitted_at is not None and older.points == 3  # submitted, its answers kept


def test_a_guests_attempt_at_a_quiz_that_now_limits_attempts_is_left_to_the_guest(app, create_user):
    """Begun before its bank limited the quiz's attempts: kept at log-in, it would count
    on the account although no assignment opened it, and past any limit."""
    user_id, _ = create_user()
    timed = quiz_id(app, LIBRARY_BANK, "timed")  # 2 attempts allowed
    key_facts = quiz_id(app, LIBRARY_BANK, "key-facts")
    assign_to_a_class(app, timed, user_id)
    now = utcnow()
    guest = attempts.Taker(user=None, guest_token="guest-token")
    with session_scope(app) as session:
        practice = attempts.start_attempt(
            session, session.get(QuizRecord, key_facts), guest, now - dt.timedelta(minutes=9)
        )
        attempts.submit_attempt(session, practice, now - dt.timedelta(minutes=5))
        limited = Attempt(
            quiz_id=timed,
            guest_token="guest-token",
            started_at=now - dt.timedelta(minutes=8),
            submitted_at=now - dt.timedelta(minutes=4),
            last_activity_at=now - dt.timedelta(minutes=4),
            question_order=[],
            option_orders={},
            points=0.0,
            max_points=3.0,
            percentage=0.0,
        )
        session.add(limited)
        session.flush()
        practice_id, limited_id = practice.id, limited.id
    with session_scope(app) as session:
        adoption = attempts.adopt_guest_attempts(
            session, session.get(User, user_id), "guest-token", now, {practice_id, limited_id}
        )
        assert adoption.kept == 1
        used = attempts.attempts_used(
            session, session.get(QuizRecord, timed), attempts.Taker(user=session.get(User, user_id))
        )
        assert used.count == 0
    assert attempt_state(app, practice_id).user_id == user_id
    left = attempt_state(app, limited_id)
    assert left.user_id is None and left.guest_token == "guest-token"


def test_time_spent_on_a_question_adds_up_and_a_long_pause_counts_as_thirty_minutes(app):
    """An answer saved after a night away used to add the whole night to its time."""
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    begun = dt.datetime(2025, 3, 12, 9, 0, tzinfo=dt.UTC)
    with session_scope(app) as session:
        attempt = attempts.start_attempt(
            session, session.get(QuizRecord, quiz), attempts.Taker(None, "guest-token"), begun
        )
        first, second = attempts.versions_of(session, attempt)[:2]

        def save(version, seconds_after_start: float) -> int:
            raw = correct_form(question_of(version))["answer"]
            moment = begun + dt.timedelta(seconds=seconds_after_start)
            return attempts.save_answer(session, attempt, version.id, raw, moment).time_spent_ms

        assert save(first, 45) == 45_000
        assert save(first, 55.5) == 55_500  # changed 10.5 s later: the same answer, longer
        assert save(second, 55.5 + 8 * 3600) == attempts.MAX_SECONDS_PER_ANSWER * 1000
        assert attempts.MAX_SECONDS_PER_ANSWER == 30 * 60


def test_signing_up_after_a_guest_quiz_welcomes_then_says_the_work_is_kept(app, browser):
    finished = take_all_correct(app, browser, quiz_id(app, LIBRARY_BANK, "key-facts"))
    fields = {"username": "newcomer", "display_name": "Newcomer", "password": "long enough pw"}
    fields |= {"confirm": fields["password"], "role": "student"}
    fields |= guest_work_fields(browser.get("/signup").get_data(as_text=True))
    signed_up = browser.post(f"/signup?next=/attempt/{finished}/result", fields)
    assert signed_up.headers["Location"] == f"/attempt/{finished}/result"
    html = browser.get(signed_up.headers["Location"]).get_data(as_text=True)
    welcome, kept = html.find("Welcome, Newcomer!"), html.find("as a guest is now kept")
    assert 0 < welcome < kept
    assert attempt_state(app, finished).user_id is not None


def guest_work_boxes(html: str) -> dict[str, bool]:
    """Each piece of guest work the form names, and whether its box is ticked."""
    return {
        label.strip(): " checked" in box
        for box, label in re.findall(
            r'(<input[^>]*name="keep_guest_work"[^>]*>)\s*<span>([^<]*)</span></label>', html
        )
    }


def test_the_log_in_form_names_each_piece_of_guest_work_and_keeps_only_the_ticked(
    app, make_browser, create_user
):
    """On a shared laptop, the next student's log-in took the previous guest's work; two
    guests' work in one browser could only be kept or left together."""
    _, username = create_user()
    laptop = make_browser()
    assert "as a guest in this browser" not in laptop.get("/login").get_data(as_text=True)
    finished = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    begun, _ = start(laptop, quiz_id(app, LIBRARY_BANK, "all-types"))
    form = laptop.get("/login").get_data(as_text=True)
    assert "Keep what was done as a guest in this browser" in form
    assert guest_work_boxes(form) == {
        "“Key facts” (finished, just now)": True,
        "“Every kind of question” (unfinished, just now)": True,
    }
    assert "Keep what was done as a guest" in laptop.get("/signup").get_data(as_text=True)

    # The finished quiz was someone else's: unticked, it stays a guest's and is not counted;
    # the one begun is kept.
    fields = guest_work_fields(form)
    fields["keep_guest_work"] = [str(begun)]
    logged_in = laptop.post("/login", {"username": username, "password": PASSWORD, **fields})
    assert logged_in.status_code == 302
    assert "as a guest is now kept" in laptop.get("/").get_data(as_text=True)
    assert attempt_state(app, finished).user_id is None
    assert attempt_state(app, begun).user_id is not None


def test_guest_work_left_unticked_is_not_kept(app, make_browser, create_user):
    _, username = create_user()
    laptop = make_browser()
    finished = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    fields = guest_work_fields(laptop.get("/login").get_data(as_text=True))
    fields["keep_guest_work"] = []  # a browser sends no unticked box
    assert (
        laptop.post("/login", {"username": username, "password": PASSWORD, **fields}).status_code
        == 302
    )
    assert "as a guest is now kept" not in laptop.get("/").get_data(as_text=True)
    assert attempt_state(app, finished).user_id is None


def test_guest_work_done_after_the_form_was_drawn_is_asked_about_first(
    app, make_browser, create_user
):
    """A form drawn before the guest work (in another tab, perhaps by the previous student)
    did not name it: logging in from it kept it unasked. Now the form comes back naming it,
    and the log-in is not counted as a failed one."""
    _, username = create_user()
    laptop = make_browser()
    old_form = guest_work_fields(laptop.get("/login").get_data(as_text=True))
    assert old_form == {"guest_work_shown": "", "keep_guest_work": []}
    finished = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    tries = int(auth.LOGIN_LIMIT.split()[0])
    for _ in range(tries + 1):  # never held by the limit on failed log-ins
        asked = laptop.post("/login", {"username": username, "password": PASSWORD, **old_form})
        assert asked.status_code == 422
        html = asked.get_data(as_text=True)
        assert "While this page was open, more was done as a guest in this browser" in html
        assert guest_work_boxes(html) == {"“Key facts” (finished, just now)": True}
        assert attempt_state(app, finished).user_id is None
    assert laptop.get("/progress").status_code == 302  # not logged in
    again = laptop.post(
        "/login", {"username": username, "password": PASSWORD, **guest_work_fields(html)}
    )
    assert again.status_code == 302
    assert attempt_state(app, finished).user_id is not None
    # Sign-up asks the same before making the account.
    other = make_browser()
    old_form = guest_work_fields(other.get("/signup").get_data(as_text=True))
    theirs = take_all_correct(app, other, quiz_id(app, LIBRARY_BANK, "key-facts"))
    fields = {"username": "newcomer", "display_name": "New", "password": "long enough pw"}
    fields |= {"confirm": fields["password"], "role": "student"}
    asked = other.post("/signup", fields | old_form)
    assert asked.status_code == 422 and "then type the password again, twice" in (
        asked.get_data(as_text=True)
    )
    assert (
        other.post("/signup", fields | guest_work_fields(asked.get_data(as_text=True))).status_code
        == 302
    )
    assert attempt_state(app, theirs).user_id is not None


def test_a_wrong_password_or_teacher_code_counts_with_unnamed_guest_work_too(
    app, make_browser, create_user
):
    """Guest work the form did not name is asked about only once the password (or the
    teacher code) is right: asking first would let every wrong guess go uncounted."""
    _, username = create_user()
    laptop = make_browser()
    old_form = guest_work_fields(laptop.get("/login").get_data(as_text=True))
    take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    wrong = {"username": username, "password": "not the password", **old_form}
    for _ in range(int(auth.LOGIN_LIMIT.split()[0])):
        refused = laptop.post("/login", wrong)
        assert refused.status_code == 422
        assert "Unknown username or wrong password." in refused.get_data(as_text=True)
        assert "While this page was open" not in refused.get_data(as_text=True)
    assert laptop.post("/login", wrong).status_code == 429

    teacher = {"username": "new-teacher", "display_name": "New", "password": "long enough pw"}
    teacher |= {"confirm": teacher["password"], "role": "teacher", "teacher_code": "guess"}
    for _ in range(int(auth.TEACHER_CODE_LIMIT.split()[0])):
        refused = laptop.post("/signup", teacher | old_form)
        assert "That is not this school’s teacher code." in refused.get_data(as_text=True)
    assert laptop.post("/signup", teacher | old_form).status_code == 429


def test_ids_sent_for_guest_work_keep_only_this_browsers(app, make_browser, create_user):
    """A tampered form names attempts that are another guest's or an account's."""
    _, username = create_user()
    other_id, other = create_user()
    account_browser = make_browser()
    account_browser.login(other)
    accounts_attempt = take_all_correct(
        app, account_browser, quiz_id(app, LIBRARY_BANK, "key-facts")
    )
    another_guest = take_all_correct(app, make_browser(), quiz_id(app, LIBRARY_BANK, "key-facts"))
    laptop = make_browser()
    own = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    ids = [str(accounts_attempt), str(another_guest), str(own), str(own), str(2**70)]
    fields = {"guest_work_shown": " ".join(ids), "keep_guest_work": ids[:-1]}
    response = laptop.post("/login", {"username": username, "password": PASSWORD, **fields})
    assert response.status_code == 302
    assert attempt_state(app, own).user_id is not None
    assert attempt_state(app, another_guest).user_id is None
    assert attempt_state(app, accounts_attempt).user_id == other_id


@pytest.mark.parametrize(
    "shown", ["²", "1" * 5000, "-3 +4 0x10"], ids=["superscript", "5000 digits", "signs"]
)
def test_a_tampered_list_of_the_guest_work_shown_is_ignored(app, make_browser, create_user, shown):
    _, username = create_user()
    laptop = make_browser()
    take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    fields = {"username": username, "password": "not the password", "guest_work_shown": shown}
    assert laptop.post("/login", fields).status_code == 422
    fields["password"] = PASSWORD
    asked = laptop.post("/login", fields)  # it named nothing: the work is asked about
    assert asked.status_code == 422 and "While this page was open" in asked.get_data(as_text=True)


def test_guest_work_that_aged_out_while_the_form_was_open_is_said_not_kept(
    app, make_browser, create_user
):
    _, username = create_user()
    laptop = make_browser()
    old = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    recent = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "all-types"))
    fields = guest_work_fields(laptop.get("/login?next=/progress").get_data(as_text=True))
    assert len(fields["keep_guest_work"]) == 2
    with session_scope(app) as session:  # the form stayed open past the hour
        session.get(Attempt, old).submitted_at -= dt.timedelta(minutes=61)
    logged_in = laptop.post(
        "/login?next=/progress", {"username": username, "password": PASSWORD, **fields}
    )
    assert logged_in.headers["Location"] == "/progress"
    page = text_of(laptop.get("/progress").get_data(as_text=True))
    assert "What you did as a guest is now kept on your account." in page
    assert "Some of the guest work you ticked could not be kept" in page
    assert attempt_state(app, old).user_id is None
    assert attempt_state(app, recent).user_id is not None


def test_the_question_about_unnamed_guest_work_keeps_where_the_log_in_leads(
    app, make_browser, create_user
):
    _, username = create_user()
    laptop = make_browser()
    old_form = guest_work_fields(laptop.get("/login?next=/progress").get_data(as_text=True))
    take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    fields = {"username": username, "password": PASSWORD}
    asked = laptop.post("/login?next=/progress", fields | old_form)
    assert asked.status_code == 422
    html = asked.get_data(as_text=True)
    assert '<form method="post" novalidate>' in html  # sent back to the same address
    again = laptop.post("/login?next=/progress", fields | guest_work_fields(html))
    assert again.headers["Location"] == "/progress"


def test_the_form_says_how_long_ago_each_piece_of_guest_work_was_done(app, make_browser):
    laptop = make_browser()
    finished = take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    begun, _ = start(laptop, quiz_id(app, LIBRARY_BANK, "all-types"))
    with session_scope(app) as session:
        session.get(Attempt, finished).submitted_at -= dt.timedelta(minutes=59, seconds=10)
        session.get(Attempt, begun).last_activity_at -= dt.timedelta(seconds=90)
    assert guest_work_boxes(laptop.get("/login").get_data(as_text=True)) == {
        "“Key facts” (finished, 59 minutes ago)": True,
        "“Every kind of question” (unfinished, 1 minute ago)": True,
    }


def test_a_failed_log_in_keeps_the_guest_work_boxes_as_they_were(app, make_browser, create_user):
    _, username = create_user()
    laptop = make_browser()
    old_form = guest_work_fields(laptop.get("/login").get_data(as_text=True))
    take_all_correct(app, laptop, quiz_id(app, LIBRARY_BANK, "key-facts"))
    begun, _ = start(laptop, quiz_id(app, LIBRARY_BANK, "all-types"))
    wrong = {"username": username, "password": "not the password"}
    # From a form that named none of it: every piece ticked, as on a new form.
    html = laptop.post("/login", wrong | old_form).get_data(as_text=True)
    assert set(guest_work_boxes(html).values()) == {True}
    # From one on which a box was unticked: still unticked.
    fields = guest_work_fields(html)
    fields["keep_guest_work"] = [str(begun)]
    boxes = guest_work_boxes(laptop.post("/login", wrong | fields).get_data(as_text=True))
    assert boxes == {
        "“Key facts” (finished, just now)": False,
        "“Every kind of question” (unfinished, just now)": True,
    }


def test_an_old_guest_result_says_it_is_too_late_to_keep_and_signing_up_goes_to_its_quiz(
    app, browser
):
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    finished = take_all_correct(app, browser, quiz)
    with session_scope(app) as session:
        record = session.get(Attempt, finished)
        record.started_at -= dt.timedelta(hours=3)
        record.submitted_at -= dt.timedelta(hours=3)
    result = f"/attempt/{finished}/result"
    page = browser.get(result).get_data(as_text=True)
    assert "too late to keep it on an account" in page and "within the hour" not in page
    fields = {"username": "latecomer", "display_name": "Late", "password": "long enough pw"}
    fields |= {"confirm": fields["password"], "role": "student"}
    signed_up = browser.post(f"/signup?next={result}", fields)
    sent = browser.get(signed_up.headers["Location"])
    assert sent.status_code == 302 and sent.headers["Location"] == f"/quiz/{quiz}"
    intro = browser.get(sent.headers["Location"]).get_data(as_text=True)
    assert "could not be kept on your account" in intro
    assert attempt_state(app, finished).user_id is None


def accepted_answers(question) -> list[str]:
    """A typed question's right answers, as the form would hold them."""
    if question.type == "short":
        return list(question.answers)
    if question.type == "numeric":
        return [f"{question.answer:g}"]
    return [str(question.answer), correct_form(question)["answer"]]


def test_no_correct_answer_leaks_before_a_question_is_answered(app, browser, create_user):
    """Every question of the article bank, rendered unanswered, gives nothing away."""
    browser.login(create_user()[1])
    attempt, _ = start(browser, quiz_id(app, ARTICLE_BANK, "whole-article"))
    questions = questions_of(app, attempt)
    assert len(questions) >= 60
    state = attempt_state(app, attempt)
    for number, question in enumerate(questions, start=1):
        # Order items and match options are shown in the attempt's own random order, which
        # is drawn from every order alike, so it says nothing of the solved one.
        drawn = state.option_orders[str(state.question_order[number - 1])]
        html = browser.get(f"/attempt/{attempt}/{number}").get_data(as_text=True)
        form = html[
            html.index('id="question-form"') : html.index(
                "</form>", html.index('id="question-form"')
            )
        ]
        assert question.explanation[:60] not in html, question.id
        assert "correct" not in form.lower().replace("correctly", ""), question.id
        assert "data-answer" not in form and "<!--" not in form
        if question.type in ("single", "multiple"):
            markup = re.findall(r'<label class="choice">(.*?)</label>', form, re.S)
            shapes = {re.sub(r'value="\w+"|<span>.*?</span>', "", m, flags=re.S) for m in markup}
            assert len(markup) == len(question.choices) and len(shapes) == 1, question.id
        if question.type in ("short", "numeric", "date"):
            assert 'value=""' in form, question.id
            accepted = accepted_answers(question)
            attributes = {value.strip().lower() for value in re.findall(r'="([^"]*)"', form)}
            assert not {a.lower() for a in accepted} & attributes, question.id
        if question.type == "order":
            shown = re.findall(r'name="rank-(\w+)"', form)
            assert shown == drawn and len(shown) == len(question.items), question.id
        if question.type == "match":
            lefts = question.left_ids()
            first_select = form[form.index(f'name="pair-{lefts[question.pairs[0].left]}"') :]
            options = re.findall(r'<option value="(\w+)"', first_select.split("</select>")[0])
            assert options == drawn, question.id
        if question.type == "cloze":
            assert all(f'value="{a[0]}"' not in form for a in question.gaps()), question.id


def test_a_changed_question_gets_a_new_version_and_old_attempts_keep_theirs(
    app, browser, create_user, tmp_path
):
    from quizapp.services.banks import import_paths
    from tests.conftest import ALL_TYPES_BANK

    _, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    old_attempt = take_all_correct(app, browser, quiz)
    # The teacher edits one prompt and re-imports the bank.
    folder = tmp_path / "bank"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "library.txt").write_bytes(
        (ALL_TYPES_BANK / "sources" / "library.txt").read_bytes()
    )
    text = (ALL_TYPES_BANK / "library.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "On which day of the week did the library reopen?",
        "Which day of the week was the reopening?",
    )
    (folder / "library.yaml").write_text(text, encoding="utf-8")
    with session_scope(app) as session:
        reports, failed = import_paths(session, [folder])
    assert not failed and reports[0].new_versions == ["reopened-day"]
    old_review = browser.get(f"/attempt/{old_attempt}/result").get_data(as_text=True)
    assert "On which day of the week did the library reopen?" in old_review
    assert attempt_state(app, old_attempt).percentage == 100.0
    new_attempt, _ = start(browser, quiz)
    prompts = [q.prompt for q in questions_of(app, new_attempt)]
    assert "Which day of the week was the reopening?" in prompts


def test_a_bank_that_fails_validation_is_not_imported_and_others_stay(app, tmp_path, caplog):
    from quizapp.services.banks import import_folder_on_start

    folder = tmp_path / "banks"
    folder.mkdir()
    (folder / "broken.yaml").write_text("id: broken\ntitle: [unclosed\n", encoding="utf-8")
    app.config["QUESTIONS_DIR"] = str(folder)
    with caplog.at_level("ERROR"):
        import_folder_on_start(app)
    assert re.search(r"broken\.yaml:\d+:\d+: ", caplog.text)
    assert "Turkish drones for Kosovo" in app.test_client().get("/").get_data(as_text=True)


def test_progress_page_shows_attempts_mastery_and_missed_questions(app, browser, create_user):
    _, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    attempt, _ = start(browser, quiz)
    questions = questions_of(app, attempt)
    for number, question in enumerate(questions, start=1):
        fields = wrong_form(question) if question.id == "reopened-day" else correct_form(question)
        answer(browser, attempt, number, fields)
    browser.post(f"/attempt/{attempt}/submit")
    html = browser.get("/progress").get_data(as_text=True)
    state = attempt_state(app, attempt)
    assert "Key facts" in html and f"{state.percentage:.1f}%" in html
    # reopened-day is tagged "dates": 0 of 1 point; visitors is tagged "numbers": 1 of 1.
    assert re.search(r"<td>dates</td><td>0 / 1</td>", html)
    assert re.search(r"<td>numbers</td><td>1 / 1</td>", html)
    assert "On which day of the week did the library reopen?" in html
    assert "missed 1 of 1 time" in html
    # The attempt's time is shown in the learner's time zone.
    with session_scope(app) as session:
        session.scalar(select(User).where(User.username == username)).timezone = "Asia/Tokyo"
    html = browser.get("/progress").get_data(as_text=True)
    tokyo = state.submitted_at.astimezone(ZoneInfo("Asia/Tokyo"))
    assert f"{tokyo:%a %d %b %Y, %H:%M} JST" in html


def test_guest_attempts_are_deleted_after_a_day_and_accounts_keep_theirs(
    app, make_browser, create_user
):
    """Whenever a guest starts a quiz, guests' attempts older than a day go, with no job to
    schedule on the server."""
    quiz = quiz_id(app, LIBRARY_BANK, "key-facts")
    yesterday = take_all_correct(app, make_browser(), quiz)
    member = make_browser()
    member.login(create_user()[1])
    kept = take_all_correct(app, member, quiz)
    with session_scope(app) as session:
        for attempt_id in (yesterday, kept):
            session.get(Attempt, attempt_id).started_at -= dt.timedelta(hours=24, minutes=1)
    today = take_all_correct(app, make_browser(), quiz)
    with session_scope(app) as session:
        assert session.get(Attempt, yesterday) is None
        assert session.scalar(select(func.count(Response.id)).filter_by(attempt_id=yesterday)) == 0
        assert session.get(Attempt, today) is not None
        assert session.get(Attempt, kept) is not None


def test_teacher_authored_text_is_escaped_or_sanitized_on_every_quiz_page(app, browser, tmp_path):
    from quizapp.services.banks import import_paths
    from tests.conftest import ALL_TYPES_BANK

    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    folder = tmp_path / "bank"
    (folder / "sources").mkdir(parents=True)
    (folder / "sources" / "library.txt").write_bytes(
        (ALL_TYPES_BANK / "sources" / "library.txt").read_bytes()
    )
    text = (ALL_TYPES_BANK / "library.yaml").read_text(encoding="utf-8")
    text = text.replace("id: riverside-library", "id: hostile-bank")
    text = text.replace("title: Riverside library reopens\n", f"title: 'Title {hostile}'\n", 1)
    text = text.replace(
        "prompt: On which day of the week did the library reopen?",
        f"prompt: 'Day? {hostile} [link](javascript:alert(3))'",
    )
    text = text.replace(
        "choices: [Friday, Saturday, Sunday]", f"choices: [Friday, Saturday, '{hostile}']"
    )
    text = text.replace(
        "explanation: It reopened on Saturday, 14 June 2025.", f"explanation: '{hostile}'"
    )
    (folder / "library.yaml").write_text(text, encoding="utf-8")
    with session_scope(app) as session:
        _reports, failed = import_paths(session, [folder])
    assert not failed, [str(p) for f in failed for p in f.problems]
    quiz = quiz_id(app, "hostile-bank", "all-types")
    pages = [browser.get("/").get_data(as_text=True)]
    attempt, url = start(browser, quiz)
    pages.append(browser.get(url).get_data(as_text=True))
    answer(browser, attempt, 1, correct_form(questions_of(app, attempt)[0]))
    browser.post(f"/attempt/{attempt}/submit")
    pages.append(browser.get(f"/attempt/{attempt}/result").get_data(as_text=True))
    for html in pages:
        assert "<script>alert" not in html and "<img" not in html
        assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages[1]


def test_checking_without_an_answer_asks_for_one(app, browser):
    attempt, _ = start(browser, quiz_id(app, LIBRARY_BANK, "numbers-and-dates"))
    response = answer(browser, attempt, 1, {}, action="check")
    assert response.status_code == 422
    assert "Give an answer before checking it." in response.get_data(as_text=True)
    assert responses_count(app, attempt) == 0


def test_autosave_after_the_deadline_submits_the_attempt_with_what_was_saved(
    app, browser, create_user
):
    student, username = create_user()
    browser.login(username)
    quiz = quiz_id(app, LIBRARY_BANK, "timed")
    assign_to_a_class(app, quiz, student)
    attempt, _ = start(browser, quiz)
    questions = questions_of(app, attempt)
    saved = browser.post(f"/attempt/{attempt}/1/autosave", correct_form(questions[0]))
    assert saved.get_json() == {"saved": True, "message": "Saved"}
    with session_scope(app) as session:
        session.get(Attempt, attempt).deadline_at = dt.datetime.now(dt.UTC) - dt.timedelta(
            seconds=1
        )
    late = browser.post(f"/attempt/{attempt}/2/autosave", correct_form(questions[1]))
    assert late.status_code == 409 and "already been submitted" in late.get_json()["message"]
    state = attempt_state(app, attempt)
    assert state.is_submitted and state.auto_submitted and state.points == 1
