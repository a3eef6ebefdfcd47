"""Class leaderboards: ranking and tie-breaks, overall points with streaks, periods, privacy
modes, the public big screen and who may open what."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from markupsafe import escape
from sqlalchemy import select

from quizapp.core.scheduling import zone_named
from quizapp.core.scoring import BOARD_SCOPE, OVERALL_FORMULA, TIE_BREAK_RULE
from quizapp.db import session_scope
from quizapp.models import (
    Attempt,
    BankRecord,
    CardRecord,
    Classroom,
    Membership,
    QuizRecord,
    ReviewLogRecord,
    User,
)
from quizapp.services import attempts, classes, leaderboards
from quizapp.web import board as board_views
from tests.conftest import PASSWORD
from tests.web.helpers import ARTICLE_BANK, LIBRARY_BANK, quiz_id, text_of

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 12, 10, 0, tzinfo=UTC)  # a Wednesday
MONDAY = dt.datetime(2025, 3, 10, tzinfo=UTC)
LONG_AGO = dt.datetime(2024, 1, 1, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    """The pages' clock is NOW, so weeks and streaks are the same on every run."""
    monkeypatch.setattr(board_views, "utcnow", lambda: NOW)


@pytest.fixture
def quizzes(app):
    return quiz_id(app, LIBRARY_BANK, "key-facts"), quiz_id(app, LIBRARY_BANK, "numbers-and-dates")


# Building a class


def make_class(app: Flask, teacher_id: int, name: str = "Year 7 B") -> int:
    with session_scope(app) as session:
        return classes.create_class(session, session.get(User, teacher_id), name)[0].id


def enrol(app: Flask, class_id: int, *student_ids: int) -> None:
    with session_scope(app) as session:
        code = session.get(Classroom, class_id).join_code
        for student_id in student_ids:
            classes.join_class(session, session.get(User, student_id), code)


def remove(app: Flask, class_id: int, student_id: int) -> None:
    with session_scope(app) as session:
        membership = session.scalar(
            select(Membership).where(
                Membership.class_id == class_id, Membership.student_id == student_id
            )
        )
        membership.removed_at = NOW


def set_user(app: Flask, user_id: int, **values) -> None:
    with session_scope(app) as session:
        user = session.get(User, user_id)
        for name, value in values.items():
            setattr(user, name, value)


def add_attempt(
    app: Flask,
    user_id: int,
    quiz: int,
    points: float,
    finished: dt.datetime,
    seconds: float,
    *,
    max_points: float = 10.0,
    preview: bool = False,
    submitted: bool = True,
) -> int:
    """An attempt row with exactly these numbers, written straight to the database."""
    with session_scope(app) as session:
        attempt = Attempt(
            quiz_id=quiz,
            user_id=user_id,
            preview=preview,
            started_at=finished - dt.timedelta(seconds=seconds),
            submitted_at=finished if submitted else None,
            last_activity_at=finished,
            question_order=[],
            option_orders={},
            points=points,
            max_points=max_points,
            percentage=round(100 * points / max_points, 2),
        )
        session.add(attempt)
        session.flush()
        return attempt.id


def add_reviews(
    app: Flask, user_id: int, moments: list[dt.datetime], source: str = "review"
) -> None:
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).order_by(BankRecord.id))
        card = CardRecord(
            user_id=user_id,
            bank_id=bank_id,
            card_key=f"card-{user_id}-{source}",
            state="review",
            due=NOW + dt.timedelta(days=3),
            step=None,
            stability=3.0,
            difficulty=5.0,
            last_review=max(moments),
        )
        session.add(card)
        session.flush()
        for moment in moments:
            session.add(
                ReviewLogRecord(
                    user_id=user_id,
                    card_id=card.id,
                    rating=3,
                    state_before="review",
                    reviewed_at=moment,
                    due_before=moment,
                    scheduled_days=1.0,
                    source=source,
                )
            )


def standings(app: Flask, class_id: int, quiz: int | None, period: str = "all"):
    with session_scope(app) as session:
        classroom = session.get(Classroom, class_id)
        board = leaderboards.standings(session, classroom, quiz, period, NOW, cache_seconds=0)
    return [(row.rank, row.name, row.score) for row in board.rows], board


ROW = re.compile(
    r'<tr(?: class="[^"]*")?>\s*<td class="num">(\d+)</td>\s*<th scope="row">([^<]+)'
    r"(?:<span[^>]*>[^<]*</span>)?</th>\s*<td class=\"num\">(?:<strong>)?([\d.]+)"
)


def table(html: str) -> list[tuple[int, str, str]]:
    """(rank, name, points) of each row of the page's leaderboard table."""
    return [(int(r), name.strip(), points) for r, name, points in ROW.findall(html)]


def login(make_browser, username: str):
    browser = make_browser()
    browser.login(username, PASSWORD)
    return browser


# Ranking


def tie_break_class(app: Flask, create_user, quizzes) -> tuple[int, int]:
    """Six students on one quiz, built so that every tie-break level decides a place."""
    key_facts, _other = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ids = {name: create_user(name=name)[0] for name in ("ann", "bob", "cat", "dan", "eve", "fay")}
    enrol(app, class_id, *ids.values())
    day = LONG_AGO
    add_attempt(app, ids["eve"], key_facts, 9, day, 500)  # most points: first
    add_attempt(app, ids["cat"], key_facts, 8, day, 60)  # 8 points, 60 s, earliest finish
    add_attempt(app, ids["dan"], key_facts, 8, day, 60)  # ... exactly as cat: shared place
    add_attempt(app, ids["bob"], key_facts, 8, day + dt.timedelta(days=1), 60)  # later finish
    add_attempt(app, ids["ann"], key_facts, 8, day, 100)  # slower
    add_attempt(app, ids["ann"], key_facts, 8, day - dt.timedelta(days=1), 200)  # slower still
    add_attempt(app, ids["ann"], key_facts, 5, day, 10)  # fewer points
    add_attempt(app, ids["fay"], key_facts, 3, day, 30)
    add_attempt(app, ids["fay"], key_facts, 10, day, 30, preview=True)  # a preview
    add_attempt(app, ids["fay"], key_facts, 10, day, 30, submitted=False)  # not submitted
    return class_id, key_facts


def test_ties_are_broken_by_score_then_time_then_finish(app, create_user, quizzes):
    class_id, quiz = tie_break_class(app, create_user, quizzes)
    rows, board = standings(app, class_id, quiz)
    assert rows == [  # scores in percent: every attempt here is out of 10 points
        (1, "Eve", 90.0),
        (2, "Cat", 80.0),
        (2, "Dan", 80.0),
        (4, "Bob", 80.0),
        (5, "Ann", 80.0),
        (6, "Fay", 30.0),
    ]
    ann = next(row for row in board.rows if row.name == "Ann")
    assert ann.time_seconds == 100.0  # her best attempt: highest score, then the shortest
    assert ann.finished_at == LONG_AGO
    assert ann.percentage == 80.0


def test_the_page_shows_the_ranking_and_states_the_rules(app, create_user, quizzes, make_browser):
    class_id, quiz = tie_break_class(app, create_user, quizzes)
    teacher = login(make_browser, "teacher")
    html = teacher.get(f"/board/{class_id}?board={quiz}&period=all").get_data(as_text=True)
    assert table(html) == [
        (1, "Eve", "90"),
        (2, "Cat", "80"),
        (2, "Dan", "80"),
        (4, "Bob", "80"),
        (5, "Ann", "80"),
        (6, "Fay", "30"),
    ]
    # A quiz board ranks by score in percent; its raw marks are not called points, which
    # on the overall board are percentages added up.
    assert '<th scope="col" class="num">Marks</th>' in html and ">Points<" not in html
    assert TIE_BREAK_RULE in html
    assert "best attempt at this quiz counts: the one with the highest score" in html
    assert "1 min 40 s" in html  # Ann's time
    assert "Tue 02 Jan 2024, 09:00 UTC" in html  # Bob's finish, with its year and zone
    overall = teacher.get(f"/board/{class_id}?period=all").get_data(as_text=True)
    assert OVERALL_FORMULA in overall
    assert '<th scope="col" class="num">Points</th>' in overall
    assert TIE_BREAK_RULE in overall
    # Practice counts on the board, unlike in the gradebook, and the page says so.
    assert str(escape(BOARD_SCOPE)) in overall and str(escape(BOARD_SCOPE)) in html


def test_overall_points_add_the_best_attempt_per_quiz_and_streak_points(app, create_user, quizzes):
    key_facts, numbers = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    bob, _ = create_user(name="bob")
    cat, _ = create_user(name="cat")
    enrol(app, class_id, ann, bob, cat)
    add_attempt(app, ann, key_facts, 6, LONG_AGO, 100)
    add_attempt(app, ann, key_facts, 7.5, LONG_AGO + dt.timedelta(hours=1), 50)  # best
    add_attempt(app, ann, numbers, 4, LONG_AGO + dt.timedelta(hours=2), 30)
    add_attempt(app, bob, key_facts, 10, LONG_AGO, 40)
    # Bob reviewed cards on the five days up to today: a streak of 5 days, 25 points.
    add_reviews(app, bob, [NOW - dt.timedelta(days=d, hours=1) for d in range(5)])
    # Cat took no quiz but keeps a 40-day streak: capped at 30 days, 150 points.
    add_reviews(app, cat, [NOW - dt.timedelta(days=d) for d in range(40)])
    # Ann's cards rated by her quiz mistakes are not flashcard study: no streak.
    add_reviews(app, ann, [NOW - dt.timedelta(days=d) for d in range(3)], source="quiz")

    # Quiz points are percentages (out of 10 points here): Ann 75 + 40, Bob 100.
    rows, board = standings(app, class_id, None)
    assert rows == [(1, "Cat", 150.0), (2, "Bob", 125.0), (3, "Ann", 115.0)]
    by_name = {row.name: row for row in board.rows}
    assert (by_name["Ann"].quiz_points, by_name["Ann"].quizzes) == (115.0, 2)
    assert by_name["Ann"].streak_days == 0
    assert by_name["Ann"].time_seconds == 80.0  # 50 s + 30 s: the counted attempts
    assert by_name["Ann"].finished_at == LONG_AGO + dt.timedelta(hours=2)
    assert (by_name["Bob"].quiz_points, by_name["Bob"].streak_days) == (100.0, 5)
    assert (by_name["Cat"].quiz_points, by_name["Cat"].streak_days) == (0.0, 30)


def test_a_student_whose_streak_has_lapsed_and_who_took_no_quiz_has_no_overall_row(
    app, create_user, quizzes
):
    """Reviews a week ago and none since: no streak, no quiz, so no row with 0 points."""
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    dee, _ = create_user(name="dee")
    enrol(app, class_id, ann, dee)
    add_attempt(app, ann, key_facts, 5, LONG_AGO, 60)
    add_reviews(app, dee, [NOW - dt.timedelta(days=d) for d in (7, 8, 9)])
    rows, board = standings(app, class_id, None)
    assert rows == [(1, "Ann", 50.0)]
    assert board.own(dee) is None


def test_a_streak_is_counted_in_the_students_own_time_zone(app, create_user, quizzes):
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ravi, _ = create_user(name="ravi")
    enrol(app, class_id, ravi)
    set_user(app, ravi, timezone="Asia/Kolkata")  # UTC+05:30
    # 18:20 and 18:40 UTC on 10 March are 23:50 on 10 March and 00:10 on 11 March in Kolkata:
    # one UTC hour, two local days. With a review on 12 March, the streak is three days.
    add_reviews(
        app,
        ravi,
        [
            dt.datetime(2025, 3, 10, 18, 20, tzinfo=UTC),
            dt.datetime(2025, 3, 10, 18, 30, tzinfo=UTC),
            dt.datetime(2025, 3, 10, 18, 40, tzinfo=UTC),
            dt.datetime(2025, 3, 12, 4, 0, tzinfo=UTC),
        ],
    )
    _rows, board = standings(app, class_id, None)
    assert board.rows[0].streak_days == 3
    set_user(app, ravi, timezone="UTC")  # in UTC, 11 March has no review: the streak is 1
    _rows, board = standings(app, class_id, None)
    assert board.rows[0].streak_days == 1


def test_this_week_starts_on_monday_in_the_teachers_time_zone(
    app, create_user, quizzes, make_browser
):
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    bob, _ = create_user(name="bob")
    enrol(app, class_id, ann, bob)
    add_attempt(app, ann, key_facts, 9, MONDAY - dt.timedelta(days=3), 60)  # last week
    add_attempt(app, ann, key_facts, 4, MONDAY + dt.timedelta(hours=8), 60)  # this week
    # Sunday 12:00 UTC: still last week in UTC, already Monday 01:00 in Auckland (UTC+13).
    add_attempt(app, bob, key_facts, 6, MONDAY - dt.timedelta(hours=12), 60)
    add_reviews(app, bob, [NOW - dt.timedelta(days=d) for d in range(5)])

    assert standings(app, class_id, key_facts, "all")[0] == [(1, "Ann", 90.0), (2, "Bob", 60.0)]
    week, board = standings(app, class_id, key_facts, "week")
    assert week == [(1, "Ann", 40.0)]
    assert board.since == MONDAY
    # Overall this week: Ann's 40% is 40 points; Bob's streak counts its days since Monday
    # only (3 days, 15 points).
    assert standings(app, class_id, None, "week")[0] == [(1, "Ann", 40.0), (2, "Bob", 15.0)]
    page = login(make_browser, "teacher").get(f"/board/{class_id}?period=week")
    assert "Since Monday 10 March 2025, 00:00 (UTC). A review streak counts only its days" in (
        page.get_data(as_text=True)
    )

    set_user(app, teacher, timezone="Pacific/Auckland")
    week, board = standings(app, class_id, key_facts, "week")
    assert board.since == dt.datetime(2025, 3, 9, 11, tzinfo=UTC)
    assert week == [(1, "Bob", 60.0), (2, "Ann", 40.0)]


def test_the_best_attempt_has_the_highest_score_when_the_quiz_was_worth_more(
    app, create_user, quizzes
):
    """A new version of the bank can change a quiz's maximum: 3 of 3 beats 7 of 9."""
    key_facts, _ = quizzes
    class_id = make_class(app, create_user("teacher", "teacher")[0])
    ann, _ = create_user(name="ann")
    bob, _ = create_user(name="bob")
    enrol(app, class_id, ann, bob)
    add_attempt(app, ann, key_facts, 3, LONG_AGO, 60, max_points=3)
    add_attempt(app, ann, key_facts, 7, LONG_AGO + dt.timedelta(days=1), 60, max_points=9)
    add_attempt(app, bob, key_facts, 8, LONG_AGO, 60, max_points=9)
    rows, board = standings(app, class_id, key_facts)
    assert rows == [(1, "Ann", 100.0), (2, "Bob", 88.89)]
    assert board.own(ann).quiz_points == 3.0 and board.own(ann).finished_at == LONG_AGO
    assert standings(app, class_id, None)[0] == [(1, "Ann", 100.0), (2, "Bob", 88.89)]


def test_week_start_in_a_time_zone():
    paris = ZoneInfo("Europe/Paris")
    assert leaderboards.week_start(NOW, paris) == dt.datetime(2025, 3, 9, 23, tzinfo=UTC)
    sunday_night = dt.datetime(2025, 3, 16, 23, 30, tzinfo=UTC)  # Monday 00:30 in Paris
    assert leaderboards.week_start(sunday_night, paris) == dt.datetime(2025, 3, 16, 23, tzinfo=UTC)
    assert leaderboards.week_start(sunday_night, UTC) == MONDAY
    assert zone_named("Not/AZone") is UTC and zone_named(None) is UTC


def test_removed_students_and_previews_are_left_out(app, create_user, quizzes, make_browser):
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    gil, _ = create_user(name="gil")
    enrol(app, class_id, ann, gil)
    add_attempt(app, ann, key_facts, 5, LONG_AGO, 60)
    add_attempt(app, ann, key_facts, 10, LONG_AGO, 60, preview=True)
    add_attempt(app, gil, key_facts, 9, LONG_AGO, 60)
    add_reviews(app, gil, [NOW])
    remove(app, class_id, gil)
    assert standings(app, class_id, key_facts)[0] == [(1, "Ann", 50.0)]
    assert standings(app, class_id, None)[0] == [(1, "Ann", 50.0)]  # 5 of 10 points: 50%
    html = login(make_browser, "teacher").get(f"/board/{class_id}").get_data(as_text=True)
    assert table(html) == [(1, "Ann", "50")]
    assert "Gil" not in text_of(html)
    assert login(make_browser, "gil").get(f"/board/{class_id}").status_code == 403


def test_students_appear_by_display_name_only(app, create_user, quizzes, make_browser):
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    zed, _ = create_user(name="zed-login")
    enrol(app, class_id, zed)
    set_user(app, zed, display_name="Zoë")
    add_attempt(app, zed, key_facts, 5, LONG_AGO, 60)
    html = login(make_browser, "teacher").get(f"/board/{class_id}").get_data(as_text=True)
    assert table(html) == [(1, "Zoë", "50")]  # overall: 5 of 10 points, 50%
    assert "zed-login" not in html


def test_students_who_share_a_display_name_are_numbered_in_the_order_they_joined(
    app, create_user, quizzes, make_browser
):
    """Two Sams on the projector: the class could not tell which one won."""
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    first, second, other = (create_user(name=name)[0] for name in ("sam-a", "sam-b", "tom"))
    enrol(app, class_id, first)
    enrol(app, class_id, other, second)
    set_user(app, first, display_name="Sam")
    set_user(app, second, display_name="sam ")  # alike, whatever the case and spaces
    add_attempt(app, second, key_facts, 9, LONG_AGO, 60)
    add_attempt(app, first, key_facts, 5, LONG_AGO, 60)
    html = login(make_browser, "teacher").get(f"/board/{class_id}").get_data(as_text=True)
    assert table(html) == [(1, "sam (2)", "90"), (2, "Sam (1)", "50")]
    assert standings(app, class_id, key_facts)[0] == [(1, "sam (2)", 90.0), (2, "Sam (1)", 50.0)]
    # Once the first has left the class, the other is the only Sam.
    remove(app, class_id, first)
    assert standings(app, class_id, key_facts)[0] == [(1, "sam ", 90.0)]


# Privacy modes


@pytest.fixture
def big_class(app, create_user, quizzes):
    """Twelve students with scores 12 (s01) down to 1 (s12) out of 20, so 60% down to 5%
    (the overall points), and one with no attempt."""
    key_facts, _ = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ids = [create_user(name=f"s{n:02d}")[0] for n in range(1, 14)]
    enrol(app, class_id, *ids)
    for n, student in enumerate(ids[:12], start=1):
        add_attempt(app, student, key_facts, 13 - n, LONG_AGO, 60, max_points=20)
    return class_id


def set_mode(make_browser, class_id: int, mode: str):
    response = login(make_browser, "teacher").post(f"/board/{class_id}/mode", {"mode": mode})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("mode", ["all", "top10", "hidden"])
def test_the_teacher_sees_every_row_in_every_mode(app, big_class, make_browser, mode):
    set_mode(make_browser, big_class, mode)
    html = login(make_browser, "teacher").get(f"/board/{big_class}").get_data(as_text=True)
    assert [name for _rank, name, _points in table(html)] == [f"S{n:02d}" for n in range(1, 13)]
    assert "Your place" not in html


def test_mode_all_shows_students_the_whole_board(app, big_class, make_browser):
    html = login(make_browser, "s12").get(f"/board/{big_class}").get_data(as_text=True)
    assert len(table(html)) == 12
    assert "Rank <strong>12</strong> of 12" in html
    assert '<tr class="board-own">' in html


def test_top10_shows_the_first_ten_and_the_students_own_place(app, big_class, make_browser):
    set_mode(make_browser, big_class, "top10")
    last = login(make_browser, "s12").get(f"/board/{big_class}").get_data(as_text=True)
    rows = table(last)
    assert [rank for rank, _name, _points in rows] == [*range(1, 11), 12]
    assert rows[-1] == (12, "S12", "5")
    assert "S11" not in text_of(last)
    assert 'class="board-gap"' in last
    assert "Rank <strong>12</strong> of 12" in last
    third = login(make_browser, "s03").get(f"/board/{big_class}").get_data(as_text=True)
    assert [rank for rank, _name, _points in table(third)] == list(range(1, 11))
    assert 'class="board-gap"' not in third
    idle = login(make_browser, "s13").get(f"/board/{big_class}").get_data(as_text=True)
    assert len(table(idle)) == 10
    assert "You have no points on this board yet." in idle


def test_hidden_shows_a_student_only_their_own_rank_and_score(app, big_class, make_browser):
    set_mode(make_browser, big_class, "hidden")
    html = login(make_browser, "s05").get(f"/board/{big_class}").get_data(as_text=True)
    assert table(html) == [(5, "S05", "40")]
    assert "Rank <strong>5</strong> of 12, with <strong>40 points</strong>" in html
    assert "hidden this leaderboard" in html
    assert "S04" not in text_of(html) and "S06" not in text_of(html)


def test_only_known_modes_are_saved(app, big_class, make_browser):
    teacher = login(make_browser, "teacher")
    response = teacher.post(f"/board/{big_class}/mode", {"mode": "everyone"}, follow_redirects=True)
    assert "Choose what students may see" in response.get_data(as_text=True)
    assert (
        teacher.client.post(f"/board/{big_class}/mode", data={"mode": "top10"}).status_code == 400
    )
    with session_scope(app) as session:
        assert session.get(Classroom, big_class).leaderboard_mode == "all"
    set_mode(make_browser, big_class, "top10")
    with session_scope(app) as session:
        assert session.get(Classroom, big_class).leaderboard_mode == "top10"


# The big screen


def screen_token(app: Flask, class_id: int, make_browser) -> str:
    """A new big-screen link, replacing any, as the teacher confirms it."""
    confirmed = {"confirmed": "yes"}
    response = login(make_browser, "teacher").post(f"/board/{class_id}/screen-link", confirmed)
    assert response.status_code == 302
    with session_scope(app) as session:
        return session.get(Classroom, class_id).screen_token


def test_the_big_screen_needs_its_token_but_no_login(app, big_class, make_browser, client):
    assert "/board/screen/" not in login(make_browser, "teacher").get(
        f"/board/{big_class}"
    ).get_data(as_text=True)
    token = screen_token(app, big_class, make_browser)
    assert len(token) >= 40
    page = login(make_browser, "teacher").get(f"/board/{big_class}").get_data(as_text=True)
    assert f"http://localhost/board/screen/{token}?board=overall&amp;period=all" in page

    response = client.get(f"/board/screen/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert '<meta http-equiv="refresh" content="15">' in html
    assert "js/board.js" in html
    assert f'data-refresh-url="/board/screen/{token}/table?board=overall&amp;period=all"' in html
    assert html.count('class="screen-podium"') == 3
    assert "S12" in html and "<script>" not in html and "style=" not in html

    assert client.get("/board/screen/not-the-token").status_code == 404
    assert client.get(f"/board/screen/{token[:-1]}").status_code == 404
    assert client.get(f"/board/screen/{token}/table?period=month").status_code == 404


def test_the_fragment_is_the_board_alone(app, big_class, make_browser, client, quizzes):
    token = screen_token(app, big_class, make_browser)
    response = client.get(f"/board/screen/{token}/table")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "<html" not in html and "<table" in html
    assert html.count("<tr") == 13  # the heading and twelve students
    quiz = client.get(f"/board/screen/{token}/table?board={quizzes[0]}&period=all")
    assert "Score" in quiz.get_data(as_text=True) and "5%" in quiz.get_data(as_text=True)


def test_the_big_screen_follows_the_mode(app, big_class, make_browser, client):
    token = screen_token(app, big_class, make_browser)
    set_mode(make_browser, big_class, "top10")
    html = client.get(f"/board/screen/{token}/table").get_data(as_text=True)
    assert html.count("<tr") == 11 and "S10" in html and "S11" not in text_of(html)
    set_mode(make_browser, big_class, "hidden")
    for path in (f"/board/screen/{token}", f"/board/screen/{token}/table"):
        html = client.get(path).get_data(as_text=True)
        assert "The teacher has hidden this leaderboard." in html
        assert "<table" not in html and "S01" not in text_of(html)


def test_an_archived_class_board_is_its_teachers_only(app, big_class, make_browser):
    with session_scope(app) as session:
        session.get(Classroom, big_class).archived_at = NOW
    refused = login(make_browser, "s12").get(f"/board/{big_class}")
    assert refused.status_code == 403
    assert "archived by its teacher" in refused.get_data(as_text=True)
    assert login(make_browser, "teacher").get(f"/board/{big_class}").status_code == 200


def test_a_new_screen_link_replaces_the_old_one(app, big_class, make_browser, client):
    old = screen_token(app, big_class, make_browser)
    asked = login(make_browser, "teacher").post(f"/board/{big_class}/screen-link")
    assert asked.status_code == 200 and "Make a new big-screen link?" in text_of(
        asked.get_data(as_text=True)
    )  # without JavaScript, the page asks first
    assert client.get(f"/board/screen/{old}").status_code == 200
    new = screen_token(app, big_class, make_browser)
    assert new != old
    assert client.get(f"/board/screen/{old}").status_code == 404
    assert client.get(f"/board/screen/{new}").status_code == 200
    with session_scope(app) as session:
        session.get(Classroom, big_class).archived_at = NOW
    assert client.get(f"/board/screen/{new}").status_code == 404


def test_the_teacher_can_turn_the_big_screen_link_off(app, big_class, make_browser, client):
    token = screen_token(app, big_class, make_browser)
    assert client.get(f"/board/screen/{token}").status_code == 200
    teacher = login(make_browser, "teacher")
    html = teacher.get(f"/board/{big_class}").get_data(as_text=True)
    assert 'data-confirm="Its address will no longer show the board.' in html
    asked = teacher.post(f"/board/{big_class}/screen-link/off")
    assert "Turn the big-screen link off?" in text_of(asked.get_data(as_text=True))
    assert client.get(f"/board/screen/{token}").status_code == 200
    response = teacher.post(f"/board/{big_class}/screen-link/off", {"confirmed": "yes"})
    assert response.status_code == 302
    assert "link is off" in teacher.get(response.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/board/screen/{token}").status_code == 404
    assert client.get(f"/board/screen/{token}/table").status_code == 404
    with session_scope(app) as session:
        assert session.get(Classroom, big_class).screen_token is None


def test_the_teachers_board_settings_come_back_to_the_board_they_were_on(
    app, big_class, make_browser, quizzes
):
    key_facts, _ = quizzes
    teacher = login(make_browser, "teacher")
    here = f"/board/{big_class}?board={key_facts}&period=week"
    for action in ("mode", "screen-link", "screen-link/off"):
        html = teacher.get(here).get_data(as_text=True)
        sent_to = f"/board/{big_class}/{action}?board={key_facts}&amp;period=week"
        assert f'action="{sent_to}"' in html
        fields = {"mode": "top10"} if action == "mode" else {"confirmed": "yes"}
        response = teacher.post(sent_to.replace("&amp;", "&"), fields)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(here)
    # A tampered address still saves, and comes back to the class's default board.
    response = teacher.post(f"/board/{big_class}/mode?period=month", {"mode": "hidden"})
    assert response.headers["Location"].endswith(f"/board/{big_class}?board=overall&period=all")
    with session_scope(app) as session:
        assert session.get(Classroom, big_class).leaderboard_mode == "hidden"


# Caching


def test_standings_are_cached_until_an_attempt_is_submitted(app, create_user, quizzes, client):
    key_facts, _ = quizzes
    app.config["LEADERBOARD_CACHE_SECONDS"] = 60
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    bob, _ = create_user(name="bob")
    enrol(app, class_id, ann, bob)
    add_attempt(app, ann, key_facts, 5, LONG_AGO, 60)
    with session_scope(app) as session:
        classroom = session.get(Classroom, class_id)
        classroom.screen_token = token = "t" * 43
    fragment = f"/board/screen/{token}/table"
    assert "Bob" not in text_of(client.get(fragment).get_data(as_text=True))

    open_attempt = add_attempt(app, bob, key_facts, 7, LONG_AGO, 60, submitted=False)
    with session_scope(app) as session:
        session.get(Attempt, open_attempt).submitted_at = LONG_AGO  # written behind its back
    assert "Bob" not in text_of(client.get(fragment).get_data(as_text=True))  # still cached

    second = add_attempt(app, bob, quizzes[1], 0, LONG_AGO, 60, submitted=False)
    with session_scope(app) as session:
        attempts.submit_attempt(session, session.get(Attempt, second), NOW)
    html = client.get(fragment).get_data(as_text=True)
    assert html.index("Bob") < html.index("Ann")


# Authorization


@pytest.fixture
def two_classes(app, create_user, make_browser):
    """Class A (teacher "teach-a", student "pupil-a") and B (teacher "teach-b", "pupil-b")."""
    teach_a, _ = create_user("teacher", "teach-a")
    teach_b, _ = create_user("teacher", "teach-b")
    pupil_a, _ = create_user(name="pupil-a")
    pupil_b, _ = create_user(name="pupil-b")
    class_a = make_class(app, teach_a, "A")
    class_b = make_class(app, teach_b, "B")
    enrol(app, class_a, pupil_a)
    enrol(app, class_b, pupil_b)
    return class_a


@pytest.mark.parametrize(
    ("who", "show", "change"),
    [
        ("teach-a", 200, 302),
        ("pupil-a", 200, 403),
        ("teach-b", 403, 403),
        ("pupil-b", 403, 403),
    ],
)
def test_who_may_open_and_change_a_board(app, two_classes, make_browser, who, show, change):
    browser = login(make_browser, who)
    assert browser.get(f"/board/{two_classes}").status_code == show
    assert browser.get(f"/board/{two_classes}?period=week").status_code == show
    assert browser.post(f"/board/{two_classes}/mode", {"mode": "hidden"}).status_code == change
    assert browser.post(f"/board/{two_classes}/screen-link").status_code == change
    with session_scope(app) as session:
        classroom = session.get(Classroom, two_classes)
        changed = (classroom.leaderboard_mode, classroom.screen_token is not None)
    assert changed == (("hidden", True) if change == 302 else ("all", False))


def test_anonymous_visitors_are_sent_to_log_in(app, two_classes, browser):
    for method, path in [
        ("get", f"/board/{two_classes}"),
        ("post", f"/board/{two_classes}/mode"),
        ("post", f"/board/{two_classes}/screen-link"),
    ]:
        response = getattr(browser, method)(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_a_quiz_from_another_teachers_bank_has_no_board_in_the_class(
    app, create_user, quizzes, make_browser
):
    """Sam is in Mrs A's class and in Mr B's; he took Mr B's private quiz. Mrs A's board
    neither lists it, nor shows it, nor counts it in the overall points: its title and
    scores are Mr B's to show."""
    key_facts, _ = quizzes
    school_quiz = quiz_id(app, ARTICLE_BANK, "whole-article")
    teacher_a, _ = create_user("teacher", "teacher")
    teacher_b, _ = create_user("teacher", "mr-b")
    class_a, class_b = make_class(app, teacher_a), make_class(app, teacher_b, "B's class")
    sam, _ = create_user(name="sam")
    enrol(app, class_a, sam)
    enrol(app, class_b, sam)
    with session_scope(app) as session:
        bank = session.get(QuizRecord, key_facts).bank
        bank.owner_id = teacher_b  # the library bank is Mr B's upload, not the school's
    add_attempt(app, sam, key_facts, 9, LONG_AGO, 60)
    add_attempt(app, sam, school_quiz, 5, LONG_AGO, 60)
    for who, class_id, shown in [("teacher", class_a, False), ("mr-b", class_b, True)]:
        browser = login(make_browser, who)
        html = browser.get(f"/board/{class_id}").get_data(as_text=True)
        assert (f'<option value="{key_facts}">' in html) is shown
        assert f'<option value="{school_quiz}">' in html  # the article bank's: every class's
        status = browser.get(f"/board/{class_id}?board={key_facts}").status_code
        assert status == (200 if shown else 404)
        [row] = standings(app, class_id, None)[1].rows
        expected = (2, 140.0) if shown else (1, 50.0)  # 90% on Mr B's quiz, 50% on the school's
        assert (row.quizzes, row.quiz_points) == expected


def test_unknown_classes_quizzes_and_periods_are_not_found(app, two_classes, make_browser):
    teacher = login(make_browser, "teach-a")
    assert teacher.get("/board/9999").status_code == 404
    assert teacher.post("/board/9999/mode", {"mode": "all"}).status_code == 404
    assert teacher.get(f"/board/{two_classes}?period=month").status_code == 404
    assert teacher.get(f"/board/{two_classes}?board=999999").status_code == 404
    assert teacher.get(f"/board/{two_classes}?board=first").status_code == 404
    assert teacher.get(f"/board/{two_classes}?board=²").status_code == 404
    assert teacher.get(f"/board/{two_classes}?board={'9' * 30}").status_code == 404


def test_the_board_picker_lists_the_quizzes_of_the_class(app, create_user, quizzes, make_browser):
    key_facts, numbers = quizzes
    teacher, _ = create_user("teacher", "teacher")
    class_id = make_class(app, teacher)
    ann, _ = create_user(name="ann")
    enrol(app, class_id, ann)
    add_attempt(app, ann, key_facts, 5, LONG_AGO, 60)
    html = login(make_browser, "ann").get(f"/board/{class_id}").get_data(as_text=True)
    assert f'<option value="{key_facts}">Key facts</option>' in html
    assert f'value="{numbers}"' not in html
    # Nor does its address show a quiz the class has no board for (its title, say).
    student = login(make_browser, "ann")
    assert student.get(f"/board/{class_id}?board={numbers}").status_code == 404
    assert student.get(f"/board/{class_id}?board={key_facts}").status_code == 200
    assert 'aria-current="page">All time<' in html
