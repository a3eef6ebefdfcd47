"""Live games: a teacher hosts a quiz, the class answers it together against the clock."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import func, select

from quizapp.core import grading
from quizapp.core.bank.schema import QUESTION_TYPES
from quizapp.db import session_scope
from quizapp.models import (
    Classroom,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    Membership,
    QuestionVersion,
    User,
    utcnow,
)
from quizapp.services.content import question_of
from quizapp.web import format_letter
from tests.conftest import Browser, csrf_token
from tests.web.conftest import Room
from tests.web.helpers import LIBRARY_BANK, correct_form, quiz_id, text_of, wrong_form

RUNNING = re.compile(r'name="live-running" type="hidden" value="(\d*)"')


def start_game(room: Room, quiz: str = "key-facts", seconds: int = 30) -> int:
    """Start a game from the class page, as its form does (ending the game running)."""
    html = room.teacher.get(f"/classes/{room.class_id}").get_data(as_text=True)
    response = room.teacher.post(
        f"/live/classes/{room.class_id}",
        {
            "live-quiz": str(quiz_id(room.app, LIBRARY_BANK, quiz)),
            "live-seconds": str(seconds),
            "live-running": RUNNING.search(html).group(1),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/live/(\d+)/host$", response.headers["Location"]).group(1))


def game_of(app: Flask, game_id: int) -> LiveGame:
    with session_scope(app) as session:
        game = session.get(LiveGame, game_id)
        session.expunge(game)
        return game


def change_game(app: Flask, game_id: int, **values) -> None:
    with session_scope(app) as session:
        game = session.get(LiveGame, game_id)
        for name, value in values.items():
            setattr(game, name, value)


def question_now(app: Flask, game_id: int):
    game = game_of(app, game_id)
    with session_scope(app) as session:
        version = session.get(QuestionVersion, game.question_order[game.question_index])
        return question_of(version)


def step(room: Room, game_id: int):
    """The host's button, sent from a page made now."""
    stamp = str(game_of(room.app, game_id).step)
    seen = state(room.teacher, game_id)["key"].split("-")[0]
    return room.teacher.post(f"/live/{game_id}/next", {"step": stamp, "phase": seen})


def open_question_of_type(room: Room, kind: str) -> tuple[int, object]:
    """A game of every kind of question, both students in it, at its question of `kind`:
    the game's id and the question."""
    game = start_game(room, "all-types", seconds=60)
    join_all(room, game)
    step(room, game)
    while question_now(room.app, game).type != kind:
        step(room, game)
        step(room, game)
    return game, question_now(room.app, game)


def at_first_question(room: Room, seconds: int = 60) -> tuple[int, object]:
    """A game of "Key facts", both students in it, at its first question: its id and the
    question."""
    game = start_game(room, seconds=seconds)
    join_all(room, game)
    step(room, game)
    return game, question_now(room.app, game)


def remove_student(room: Room, index: int) -> None:
    with session_scope(room.app) as session:
        membership = session.scalar(
            select(Membership).where(Membership.student_id == room.student_ids[index])
        )
        membership.removed_at = utcnow()


def join_all(room: Room, game_id: int) -> None:
    for student in room.students:
        assert student.post(f"/live/{game_id}/join").status_code == 302


def answer(browser: Browser, game_id: int, number: int, fields: dict):
    return browser.post(f"/live/{game_id}/answer", {"number": str(number), **fields})


def answers_of(app: Flask, game_id: int) -> list[LiveAnswer]:
    with session_scope(app) as session:
        rows = list(
            session.scalars(
                select(LiveAnswer).where(LiveAnswer.game_id == game_id).order_by(LiveAnswer.id)
            )
        )
        session.expunge_all()
        return rows


def state(browser: Browser, game_id: int) -> dict:
    response = browser.get(f"/live/{game_id}/state")
    assert response.status_code == 200
    return response.get_json()


def page(browser: Browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return text_of(response.get_data(as_text=True))


# Starting and joining


def test_the_class_page_offers_live_games_of_quizzes_that_are_not_tests(room):
    html = room.teacher.get(f"/classes/{room.class_id}").get_data(as_text=True)
    section = html[html.index('id="live-heading"') :]
    assert "Start a live game" in section
    assert ">Key facts (3 questions)<" in section
    assert ">Every kind of question (9 questions)<" in section
    assert "Against the clock" not in section  # it limits attempts: a test
    assert 'for="live-quiz"' in section and 'id="live-quiz"' in section  # not the assign form's


def test_a_test_cannot_be_played_live(room):
    response = room.teacher.post(
        f"/live/classes/{room.class_id}",
        {"live-quiz": str(quiz_id(room.app, LIBRARY_BANK, "timed")), "live-seconds": "30"},
    )
    assert response.status_code == 302
    assert "Choose a quiz of the list" in page(room.teacher, f"/classes/{room.class_id}")
    with session_scope(room.app) as session:
        assert session.scalar(select(func.count()).select_from(LiveGame)) == 0


def test_students_join_from_their_home_page_and_the_host_sees_them(room):
    game = start_game(room)
    assert "Join the game" in page(room.teacher, f"/live/{game}/host")
    home = room.students[0].get("/").get_data(as_text=True)
    assert "A live game of “Key facts” is running in Year 9" in text_of(home)
    assert f'href="/live/{game}"' in home
    invitation = page(room.students[0], f"/live/{game}")
    assert "Join the live game" in invitation
    assert "Your classmates see your display name, Ana." in invitation
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).leaderboard_mode = "hidden"
    invitation = page(room.students[0], f"/live/{game}")
    assert "No names are shown on the screen: only you see your place." in invitation
    assert "classmates see" not in invitation
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).leaderboard_mode = "all"
    join_all(room, game)
    join_all(room, game)  # a second click joins once
    assert "You are in!" in page(room.students[0], f"/live/{game}")
    host = page(room.teacher, f"/live/{game}/host")
    assert "2 joined" in host and "Ana" in host and "Ben" in host
    assert state(room.students[1], game) == {
        "key": "lobby-0",
        "players": 2,
        "answers": 0,
        "remaining": None,
    }


def test_players_who_share_a_display_name_are_numbered_on_every_screen(room):
    """Two Sams on the projector: the teacher could not say who had won."""
    with session_scope(room.app) as session:
        for student_id in room.student_ids:
            session.get(User, student_id).display_name = "Sam"
    game = start_game(room, seconds=60)
    first_sam, second_sam = room.students
    assert "Your classmates see you as “Sam (2)”" in page(second_sam, f"/live/{game}")
    join_all(room, game)
    lobby = page(room.teacher, f"/live/{game}/host")
    assert "Sam (1)" in lobby and "Sam (2)" in lobby
    assert "On the screen you are “Sam (1)”" in page(first_sam, f"/live/{game}")
    step(room, game)
    question = question_now(room.app, game)
    answer(second_sam, game, 1, correct_form(question))
    answer(first_sam, game, 1, wrong_form(question))
    standings = text_of(page(room.teacher, f"/live/{game}/host"))
    assert re.search(r"1\. Sam \(2\) [\d,]+ points", standings), standings
    assert "2. Sam (1) 0 points" in standings


def test_the_teacher_is_sent_from_the_players_page_to_the_host_screen(room):
    game = start_game(room)
    response = room.teacher.get(f"/live/{game}")
    assert response.status_code == 302 and response.headers["Location"].endswith("/host")


def test_a_student_removed_from_the_class_cannot_play(room):
    game = start_game(room)
    remove_student(room, 1)
    assert room.students[1].get(f"/live/{game}").status_code == 403
    assert room.students[1].post(f"/live/{game}/join").status_code == 403
    assert "live game" not in room.students[1].get("/").get_data(as_text=True)


def test_a_player_removed_from_the_class_mid_game_is_neither_awaited_nor_shown(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    remove_student(room, 1)
    step(room, game)
    answer(room.students[0], game, 1, correct_form(question_now(room.app, game)))
    assert state(room.teacher, game) == {
        "key": "answer-1",
        "players": 1,
        "answers": 1,
        "remaining": None,
    }
    host = page(room.teacher, f"/live/{game}/host")
    assert "1. Ana" in host and "Ben" not in host
    # The class page counts the players as the standings do.
    assert "· 1 player ·" in text_of(page(room.teacher, f"/classes/{room.class_id}"))


def test_removing_a_student_from_a_question_nobody_has_joined_leaves_it_open(room):
    game = start_game(room, seconds=60)
    step(room, game)  # the first question, before anyone joined
    room.teacher.post(
        f"/classes/{room.class_id}/students/{room.student_ids[1]}/remove", {"confirmed": "yes"}
    )
    assert state(room.teacher, game)["key"] == "question-1"
    assert room.students[0].post(f"/live/{game}/join").status_code == 302
    assert "Send answer" in page(room.students[0], f"/live/{game}")


def test_the_phones_letter_the_choices_as_the_projector_does(room):
    """The projector listed A, B, C, D; the phones showed no letters, so "the answer is B"
    told the class nothing."""
    game, question = open_question_of_type(room, "single")
    host = room.teacher.get(f"/live/{game}/host").get_data(as_text=True)
    listed = re.search(r'<ol class="live-options" type="A">(.*?)</ol>', host).group(1)
    projected = re.findall(r"<li>(.*?)</li>", listed)
    phone = room.students[0].get(f"/live/{game}").get_data(as_text=True)
    lettered = re.findall(
        r'<span class="choice-letter">([A-Z]+)</span>\s*<span>(.*?)</span>', phone
    )
    assert len(projected) >= 3
    assert lettered == [("ABCDEFGH"[i], text) for i, text in enumerate(projected)]

    number = state(room.teacher, game)["key"].split("-")[1]
    answer(room.students[0], game, int(number), correct_form(question))
    step(room, game)  # closed: the bars of the answer say the same letters
    host = text_of(room.teacher.get(f"/live/{game}/host").get_data(as_text=True))
    assert f"A. {projected[0]}" in host
    assert f"B. {projected[1]}" in host


def test_letters_go_on_after_z_as_a_lettered_list_does():
    assert [format_letter(n) for n in (1, 2, 26, 27, 28, 52, 53, 702, 703)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_removing_the_last_player_the_question_waits_for_closes_it(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    answer(room.students[0], game, 1, correct_form(question_now(room.app, game)))
    assert state(room.teacher, game)["key"] == "question-1"

    removed = room.teacher.post(
        f"/classes/{room.class_id}/students/{room.student_ids[1]}/remove", {"confirmed": "yes"}
    )
    assert removed.status_code == 302
    assert state(room.teacher, game) == {
        "key": "answer-1",
        "players": 1,
        "answers": 1,
        "remaining": None,
    }


def test_removing_a_player_who_answered_leaves_the_question_open(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    answer(room.students[0], game, 1, correct_form(question_now(room.app, game)))

    room.teacher.post(
        f"/classes/{room.class_id}/students/{room.student_ids[0]}/remove", {"confirmed": "yes"}
    )
    assert state(room.teacher, game)["key"] == "question-1"


def test_a_new_game_ends_the_one_running(room):
    first = start_game(room)
    second = start_game(room, "all-types")
    assert game_of(room.app, first).ended_at is not None
    assert game_of(room.app, second).ended_at is None
    section = page(room.teacher, f"/classes/{room.class_id}")
    assert "A game of “Every kind of question” is running" in section


def test_starting_twice_from_one_page_starts_one_game(room):
    form = {
        "live-quiz": str(quiz_id(room.app, LIBRARY_BANK, "key-facts")),
        "live-seconds": "30",
        "live-running": "",
    }
    first = room.teacher.post(f"/live/classes/{room.class_id}", form)
    second = room.teacher.post(f"/live/classes/{room.class_id}", form)
    assert first.headers["Location"].endswith("/host")
    assert second.headers["Location"].endswith(f"/classes/{room.class_id}#live-heading")
    assert "Another game had started in this class meanwhile" in page(
        room.teacher, f"/classes/{room.class_id}"
    )
    with session_scope(room.app) as session:
        games = session.scalars(select(LiveGame)).all()
        assert [game.ended_at for game in games] == [None]


def test_archiving_the_class_ends_its_game_once_the_teacher_confirms(room):
    game = start_game(room)
    join_all(room, game)
    class_page = room.teacher.get(f"/classes/{room.class_id}").get_data(as_text=True)
    assert 'data-confirm="A live game is running: archiving the class ends it for good.' in (
        class_page
    )
    asked = room.teacher.post(f"/classes/{room.class_id}/archive")
    assert asked.status_code == 200
    assert "Archive the class and end its live game?" in text_of(asked.get_data(as_text=True))
    assert game_of(room.app, game).ended_at is None  # nothing happened yet
    archived = room.teacher.post(f"/classes/{room.class_id}/archive", {"confirmed": "yes"})
    assert archived.status_code == 302
    # Its students no longer reach the game, as they no longer reach the class.
    for path in (f"/live/{game}", f"/live/{game}/state"):
        assert room.students[0].get(path).status_code == 403, path
    assert answer(room.students[0], game, 1, {"answer": "x"}).status_code == 403
    assert state(room.teacher, game)["key"].startswith("finished-0")
    step(room, game)
    assert game_of(room.app, game).question_index == -1
    assert "This game has ended" in page(room.teacher, f"/live/{game}/host")
    room.teacher.post(f"/classes/{room.class_id}/unarchive")
    assert game_of(room.app, game).ended_at is not None  # it does not come back


def test_an_archived_class_cannot_start_a_game(room):
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).archived_at = utcnow()
    response = room.teacher.post(
        f"/live/classes/{room.class_id}",
        {"live-quiz": str(quiz_id(room.app, LIBRARY_BANK, "key-facts")), "live-seconds": "30"},
    )
    assert response.status_code == 409
    assert "archived" in text_of(response.get_data(as_text=True))


# Questions and answers


def test_no_page_shows_the_answer_while_the_question_is_open(room):
    game = start_game(room, "all-types", seconds=60)
    join_all(room, game)
    total = len(game_of(room.app, game).question_order)
    kinds = set()
    for number in range(1, total + 1):
        step(room, game)
        question = question_now(room.app, game)
        kinds.add(question.type)
        right = grading.describe_answer(question)
        pages = ((room.teacher, f"/live/{game}/host"), (room.students[0], f"/live/{game}"))
        for browser, path in pages:
            html = browser.get(path).get_data(as_text=True)
            assert state(browser, game)["key"] == f"question-{number}"
            assert escape(question.explanation) not in html and escape(question.source) not in html
            assert "Answer:" not in text_of(html) and "Right answer" not in text_of(html)
            assert "✓" not in html and 'class="right"' not in html
            if question.type in ("short", "numeric", "date", "cloze"):
                assert escape(right) not in html, (question.type, right)
        step(room, game)  # closed: the class sees it
        host = room.teacher.get(f"/live/{game}/host").get_data(as_text=True)
        assert "Answer:" in text_of(host) and escape(question.source) in host
    assert kinds == set(QUESTION_TYPES)


def test_the_projector_shows_a_cloze_text_with_its_gaps(room):
    game, question = open_question_of_type(room, "cloze")
    html = room.teacher.get(f"/live/{game}/host").get_data(as_text=True)
    assert html.count('class="live-gap"') == len(question.gaps())
    assert question.segments()[0].strip() in html


def test_a_right_answer_scores_more_the_sooner_it_comes(room):
    game, question = at_first_question(room, 30)
    assert answer(room.students[0], game, 1, correct_form(question)).status_code == 302
    change_game(
        room.app, game, opened_at=game_of(room.app, game).opened_at - dt.timedelta(seconds=15)
    )
    assert answer(room.students[1], game, 1, correct_form(question)).status_code == 302
    fast, slow = answers_of(room.app, game)
    assert fast.fraction == slow.fraction == 1
    assert 990 <= fast.points <= 1000
    assert 740 <= slow.points <= 750


def test_time_counts_from_when_the_question_reached_the_device(room):
    """A phone learns of the question at its next poll: those seconds are not its player's.
    Waiting longer to open it, while the projector shows it, buys nothing."""
    game, question = at_first_question(room, 30)
    opened = game_of(room.app, game).opened_at
    change_game(room.app, game, opened_at=opened - dt.timedelta(seconds=2))
    ana, ben = room.students
    # Each form's token read beforehand: reading it loads a page, which takes time too.
    ana_form, ben_form = (
        {"csrf_token": csrf_token(b.client), **correct_form(question)} for b in (ana, ben)
    )
    ana.get(f"/live/{game}")  # two seconds late: all of them forgiven
    answer(ana, game, 1, ana_form)
    change_game(room.app, game, opened_at=opened - dt.timedelta(seconds=10))
    ben.get(f"/live/{game}")  # ten seconds late: three forgiven
    answer(ben, game, 1, ben_form)
    prompt, late = answers_of(room.app, game)
    assert prompt.points >= 995  # 967 if counted from the opening
    assert 875 <= late.points <= 885  # 1000 if counted from the page


def test_a_wrong_answer_scores_nothing_and_everyone_answering_closes_the_question(room):
    game, question = at_first_question(room, 60)
    answer(room.students[0], game, 1, correct_form(question))
    assert state(room.teacher, game)["key"] == "question-1"
    assert state(room.teacher, game)["answers"] == 1
    answer(room.students[1], game, 1, wrong_form(question))
    assert [row.points > 0 for row in answers_of(room.app, game)] == [True, False]
    assert state(room.teacher, game)["key"] == "answer-1"  # no need to wait a minute
    ben = page(room.students[1], f"/live/{game}")
    assert "Not quite +0 points" in ben and "You are 2nd of 2" in ben
    ana = page(room.students[0], f"/live/{game}")
    assert "Right!" in ana and "You are 1st of 2" in ana
    host = page(room.teacher, f"/live/{game}/host")
    assert "1 of 2 answers right" in host
    assert host.index("Ana") < host.index("Ben")


def test_a_partly_right_answer_earns_its_share_of_the_points(room):
    """The rule on every live page: "A partly right answer earns its share"."""
    game, question = open_question_of_type(room, "match")
    fields = correct_form(question)
    del fields[next(iter(fields))]  # one pair left unmatched, the others right
    number = game_of(room.app, game).question_index + 1
    assert answer(room.students[0], game, number, fields).status_code == 302
    [given] = answers_of(room.app, game)
    pairs = len(question.pairs)
    assert given.fraction == pytest.approx((pairs - 1) / pairs) and given.fraction > 0
    # Answered at once: close to the share of 1,000 (half of it would go by the last second).
    assert given.fraction * 1000 * 0.98 <= given.points <= given.fraction * 1000
    step(room, game)  # closed: the phone tells the result
    ana = text_of(page(room.students[0], f"/live/{game}"))
    assert f"Partly right +{given.points:,} points" in ana


def test_one_answer_a_question(room):
    game, question = at_first_question(room, 60)
    answer(room.students[0], game, 1, wrong_form(question))
    response = answer(room.students[0], game, 1, correct_form(question))
    assert response.status_code == 302
    assert "You have already answered this question" in page(room.students[0], f"/live/{game}")
    assert [row.points for row in answers_of(room.app, game)] == [0]


def test_the_same_answer_sent_twice_is_the_one_kept_without_an_error(room):
    """A second press of Send before the page moved on (no JavaScript, a slow network),
    even when the first answer, the last awaited, closed the question."""
    game, question = at_first_question(room, 60)
    answer(room.students[0], game, 1, wrong_form(question))
    assert answer(room.students[1], game, 1, correct_form(question)).status_code == 302
    assert state(room.teacher, game)["key"] == "answer-1"
    points = [row.points for row in answers_of(room.app, game)]
    again = answer(room.students[1], game, 1, correct_form(question))
    assert again.status_code == 302
    ben = page(room.students[1], f"/live/{game}")
    assert "already answered" not in ben and "Time was up" not in ben
    assert "Right!" in ben
    assert [row.points for row in answers_of(room.app, game)] == points


def test_an_answer_after_the_time_is_up_is_refused(room):
    game, question = at_first_question(room, 10)
    change_game(room.app, game, closes_at=utcnow() - dt.timedelta(seconds=1))
    answer(room.students[0], game, 1, correct_form(question))
    assert "Time was up" in page(room.students[0], f"/live/{game}")
    assert answers_of(room.app, game) == []
    assert "No answer in time" in page(room.students[0], f"/live/{game}")
    # An answer that could not be read is told the same: reading it would not help.
    late = answer(room.students[1], game, 1, {"answer": "not an answer"})
    assert late.status_code == 302
    assert "Time was up" in page(room.students[1], f"/live/{game}")


def test_an_answer_to_a_question_already_gone_is_refused(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    first = question_now(room.app, game)
    step(room, game)  # closed
    step(room, game)  # question 2 open
    answer(room.students[0], game, 1, correct_form(first))
    assert "Time was up" in page(room.students[0], f"/live/{game}")
    assert answers_of(room.app, game) == []


def test_an_answer_that_cannot_be_read_is_shown_again_with_the_reason(room):
    game, question = open_question_of_type(room, "numeric")
    number = game_of(room.app, game).question_index + 1
    response = answer(room.students[0], game, number, {"answer": "about a lot"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="about a lot"' in html and 'role="alert"' in html
    response = answer(room.students[0], game, number, {})
    assert response.status_code == 422
    assert "Give an answer before sending it." in text_of(response.get_data(as_text=True))
    assert answers_of(room.app, game) == []


def test_a_player_who_has_not_joined_cannot_answer(room):
    game = start_game(room, seconds=60)
    room.students[0].post(f"/live/{game}/join")
    step(room, game)
    question = question_now(room.app, game)
    answer(room.students[1], game, 1, correct_form(question))
    assert answers_of(room.app, game) == []
    assert "Join the live game" in page(room.students[1], f"/live/{game}")


# Hosting


def test_a_double_click_moves_the_game_on_once(room):
    game = start_game(room)
    stamp = str(game_of(room.app, game).step)
    room.teacher.post(f"/live/{game}/next", {"step": stamp, "phase": "lobby"})
    room.teacher.post(f"/live/{game}/next", {"step": stamp, "phase": "lobby"})
    moved = game_of(room.app, game)
    assert moved.question_index == 0 and moved.closed_at is None
    assert "already moved on" in page(room.teacher, f"/live/{game}/host")


def test_a_close_sent_after_the_question_closed_by_itself_skips_nothing(room):
    """The host's page still showed the open question when the last answer came in."""
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    stamp = str(game_of(room.app, game).step)
    question = question_now(room.app, game)
    for student in room.students:
        answer(student, game, 1, correct_form(question))
    room.teacher.post(f"/live/{game}/next", {"step": stamp, "phase": "question"})
    assert game_of(room.app, game).question_index == 0
    host = page(room.teacher, f"/live/{game}/host")
    assert "closed by itself meanwhile" in host and "Answer:" in host


def test_the_host_closes_a_question_early_then_opens_the_next(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    step(room, game)
    assert state(room.students[0], game)["key"] == "answer-1"
    step(room, game)
    assert state(room.students[0], game)["key"] == "question-2"
    assert 55 <= state(room.students[0], game)["remaining"] <= 60


def test_a_whole_game_ends_with_final_standings(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    total = len(game_of(room.app, game).question_order)
    for number in range(1, total + 1):
        step(room, game)
        question = question_now(room.app, game)
        answer(room.students[0], game, number, correct_form(question))
        if number == 1:
            answer(room.students[1], game, number, correct_form(question))
        else:
            step(room, game)  # Ben does not answer: the host closes the question
    step(room, game)
    assert game_of(room.app, game).ended_at is not None
    ana = page(room.students[0], f"/live/{game}")
    assert "Game over" in ana
    assert "You finished 1st of 2" in ana and f"{total} right answers" in ana
    host = page(room.teacher, f"/live/{game}/host")
    assert "Final standings" in host
    assert host.index("1. Ana") < host.index("2. Ben")
    assert f"1 of {total}" in host  # Ben's right answers, in the teacher's table
    assert "Start: show question 1" not in host and "End the game" not in host


def test_a_students_progress_page_lists_their_games_and_their_place(room):
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).leaderboard_mode = "hidden"
    assert "Live games" not in page(room.students[0], "/progress")
    first, question = at_first_question(room, 60)
    answer(room.students[0], first, 1, correct_form(question))
    answer(room.students[1], first, 1, wrong_form(question))
    change_game(room.app, first, ended_at=utcnow())
    second = start_game(room, "all-types")
    room.students[1].post(f"/live/{second}/join")  # Ana stays out of it
    step(room, second)
    third = start_game(room)  # ended in its lobby: no question, no place to list
    join_all(room, third)
    change_game(room.app, third, ended_at=utcnow())

    ana = page(room.students[0], "/progress")
    assert "Live games" in ana and ana.count("1st of 2") == 1
    assert "Every kind of question" not in ana.split("Live games")[1].split("All attempts")[0]
    ben = page(room.students[1], "/progress")
    games = ben.split("Live games")[1].split("All attempts")[0]
    # Newest first; his own place even with the class's leaderboard hidden, no one else's.
    assert games.index("Every kind of question") < games.index("Key facts")
    assert "2nd of 2" in games and "1st of 1" in games and "Ana" not in games
    assert games.count("Key facts") == 1  # not the game ended in its lobby
    # The class archived at the end of the year, its games stay in the history.
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).archived_at = utcnow()
    assert "2nd of 2" in page(room.students[1], "/progress")
    # A student removed from the class no longer sees its games.
    remove_student(room, 1)
    assert "Live games" not in page(room.students[1], "/progress")


def progress_row(browser: Browser) -> str:
    """The text of the student's one row in My progress's live games."""
    games = page(browser, "/progress").split("Live games")[1].split("All attempts")[0]
    return " ".join(games.split("Right answers", 1)[1].split())


def test_progress_tells_nothing_of_an_answer_until_its_question_closes(room):
    game, question = at_first_question(room, 60)
    answer(room.students[0], game, 1, correct_form(question))
    # Ben has not answered: the question is open, and a right answer must not show in
    # Ana's points, right answers or place, which her game page keeps back too.
    assert progress_row(room.students[0]) == progress_row(room.students[1])
    assert progress_row(room.students[0]).endswith("1st of 2 0 0")
    step(room, game)  # the host closes it
    assert re.search(r"1st of 2 [1-9][\d,]* 1$", progress_row(room.students[0]))
    assert progress_row(room.students[1]).endswith("2nd of 2 0 0")


def test_a_hidden_leaderboard_keeps_names_off_the_screen(room):
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).leaderboard_mode = "hidden"
    game, question = at_first_question(room, 60)
    answer(room.students[0], game, 1, correct_form(question))
    answer(room.students[1], game, 1, wrong_form(question))
    host = page(room.teacher, f"/live/{game}/host")
    assert "keeps its leaderboard hidden" in host and "1. Ana" not in host
    change_game(room.app, game, ended_at=utcnow())
    ben = page(room.students[1], f"/live/{game}")
    assert "You finished 2nd of 2" in ben and "Ana" not in ben
    final = page(room.teacher, f"/live/{game}/host")
    assert "Final standings" in final and "Ana" not in final and "Ben" not in final


def test_ending_a_game_asks_first(room):
    game = start_game(room)
    stamp = str(game_of(room.app, game).step)
    response = room.teacher.post(f"/live/{game}/end", {"step": stamp})
    assert response.status_code == 200
    assert "End the game?" in text_of(response.get_data(as_text=True))
    assert game_of(room.app, game).ended_at is None
    room.teacher.post(f"/live/{game}/end", {"step": stamp, "confirmed": "yes"})
    assert game_of(room.app, game).ended_at is not None
    assert "This game has ended" in page(room.students[0], f"/live/{game}")
    # A Join sent from a page made before the end leads to the game's page, which says so.
    joined = room.students[0].post(f"/live/{game}/join")
    assert joined.status_code == 302 and joined.headers["Location"].endswith(f"/live/{game}")
    with session_scope(room.app) as session:
        assert session.scalar(select(func.count()).select_from(LivePlayer)) == 0


def test_a_game_left_idle_for_hours_is_over(room):
    game = start_game(room)
    change_game(room.app, game, changed_at=utcnow() - dt.timedelta(hours=4))
    assert "live game" not in room.students[0].get("/").get_data(as_text=True)
    assert state(room.students[0], game)["key"] == "finished-0"
    assert "running" not in page(room.teacher, f"/classes/{room.class_id}").split("Latest games")[1]


def test_the_class_page_lists_past_games_with_their_players(room):
    game = start_game(room)
    join_all(room, game)
    change_game(room.app, game, ended_at=utcnow())
    listed = page(room.teacher, f"/classes/{room.class_id}").split("Latest games")[1]
    assert "Key facts" in listed and "2 players" in listed
    with session_scope(room.app) as session:
        assert session.scalar(select(func.count()).select_from(LivePlayer)) == 2


def test_a_players_page_of_an_ended_game_leads_to_the_new_one(room):
    first = start_game(room)
    join_all(room, first)
    second = start_game(room, "all-types")
    html = room.students[0].get(f"/live/{first}").get_data(as_text=True)
    assert "A new game of “Every kind of question” has started" in text_of(html)
    assert f'href="/live/{second}"' in html
    # Its page polls: the key of a game over changes when another begins.
    assert state(room.students[0], first)["key"] == f"finished-0-{second}"


def test_the_home_page_says_when_one_is_already_in_the_game(room):
    game = start_game(room)
    room.students[0].post(f"/live/{game}/join")
    assert "you are in it. Back to it" in page(room.students[0], "/")
    assert "Year 9. Join" in page(room.students[1], "/")


def test_a_student_who_joined_during_the_answer_is_told_so(room):
    game = start_game(room, seconds=60)
    room.students[0].post(f"/live/{game}/join")
    step(room, game)
    step(room, game)  # closed
    room.students[1].post(f"/live/{game}/join")
    ben = page(room.students[1], f"/live/{game}")
    assert "You joined after this question opened" in ben and "No answer in time" not in ben
    assert "No answer in time" in page(room.students[0], f"/live/{game}")


def test_a_game_ended_early_says_after_which_question(room):
    game = start_game(room, seconds=60)
    join_all(room, game)
    step(room, game)
    step(room, game)
    assert "Nobody answered." in page(room.teacher, f"/live/{game}/host")
    change_game(room.app, game, ended_at=utcnow())
    host = page(room.teacher, f"/live/{game}/host")
    assert "The game was ended after question 1 of 3." in host
    assert "0 of 1" in host  # right answers, of the questions played
    listed = page(room.teacher, f"/classes/{room.class_id}").split("Latest games")[1]
    assert "ended after 1 of 3 questions" in listed


def test_a_hidden_board_keeps_names_off_the_lobby_too(room):
    with session_scope(room.app) as session:
        session.get(Classroom, room.class_id).leaderboard_mode = "hidden"
    game = start_game(room)
    join_all(room, game)
    host = page(room.teacher, f"/live/{game}/host")
    assert "2 joined" in host and "Ana" not in host and "Names are not shown here" in host


def test_a_players_result_of_a_match_is_told_pair_by_pair(room):
    game, question = open_question_of_type(room, "match")
    number = game_of(room.app, game).question_index + 1
    answer(room.students[0], game, number, correct_form(question))
    step(room, game)
    html = room.students[0].get(f"/live/{game}").get_data(as_text=True)
    parts = html[html.index('class="parts"') :]
    assert parts.count("✓") == len(question.pairs)


def test_the_answer_of_a_player_removed_since_is_not_counted(room):
    game, question = at_first_question(room, 60)
    answer(room.students[1], game, 1, wrong_form(question))
    remove_student(room, 1)
    assert state(room.teacher, game) == {
        "key": "question-1",
        "players": 1,
        "answers": 0,
        "remaining": state(room.teacher, game)["remaining"],
    }
    answer(room.students[0], game, 1, correct_form(question))
    assert state(room.teacher, game)["key"] == "answer-1"
    assert "1 of 1 answer right." in page(room.teacher, f"/live/{game}/host")


def test_a_game_ended_in_its_lobby_says_so_everywhere(room):
    game = start_game(room)
    join_all(room, game)
    change_game(room.app, game, ended_at=utcnow())
    assert "The game was ended before its first question." in page(
        room.teacher, f"/live/{game}/host"
    )
    ana = page(room.students[0], f"/live/{game}")
    assert "Your teacher ended the game before its first question." in ana
    listed = page(room.teacher, f"/classes/{room.class_id}").split("Latest games")[1]
    assert "ended before its first question" in listed


@pytest.mark.parametrize("kind", ["match", "order"])
def test_the_projector_lists_a_match_or_order_answer_one_line_each(room, kind):
    game, question = open_question_of_type(room, kind)
    step(room, game)  # closed
    html = room.teacher.get(f"/live/{game}/host").get_data(as_text=True)
    answer_list = html[html.index("<strong>Answer:</strong>") :]
    answer_list = answer_list[: answer_list.index("</ul>" if kind == "match" else "</ol>")]
    lines = (
        [f"{pair.left} — {pair.right}" for pair in question.pairs]
        if kind == "match"
        else list(question.items)
    )
    assert answer_list.count("<li>") == len(lines)
    assert all(f"<li>{escape(line)}</li>" in answer_list for line in lines)


def test_a_players_result_of_a_select_all_is_not_told_option_by_option(room):
    game, question = open_question_of_type(room, "multiple")
    number = game_of(room.app, game).question_index + 1
    answer(room.students[0], game, number, correct_form(question))
    step(room, game)
    html = room.students[0].get(f"/live/{game}").get_data(as_text=True)
    assert "Right!" in text_of(html) and 'class="parts"' not in html
