"""Every route of the app, tried as every kind of visitor.

The matrix is checked against the app's URL map: a new route without a rule here fails
`test_every_route_has_a_rule`, so no route is ever left without an authorization check.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Attempt,
    CardRecord,
    Classroom,
    Membership,
    QuestionVersion,
    utcnow,
)
from quizapp.services import live
from quizapp.services.accounts import create_user as make_user
from tests.conftest import PASSWORD, Browser
from tests.web.helpers import LIBRARY_BANK, correct_form, questions_of, quiz_id, start

ROLES = ("anonymous", "outsider", "other_teacher", "student", "teacher")

# Expected outcome per role: "ok" (allowed), "login" (sent to the login page),
# "401"/"403"/"404" (refused). Roles are tried in the order above: the owner comes last, so
# that a destructive action cannot hide another role's refusal.
OPEN = dict.fromkeys(ROLES, "ok")
SIGNED_IN = {**dict.fromkeys(ROLES, "ok"), "anonymous": "login"}
STUDENTS = {
    "anonymous": "login",
    "outsider": "ok",
    "other_teacher": "403",
    "student": "ok",
    "teacher": "403",
}
CLASS_TEACHER = {
    "anonymous": "login",
    "outsider": "403",
    "other_teacher": "403",
    "student": "403",
    "teacher": "ok",
}
TEACHERS = {**CLASS_TEACHER, "other_teacher": "ok"}
SCHOOL_BANK = {**CLASS_TEACHER, "teacher": "403"}
"""Archiving a bank, here the school's: no one may, only a teacher their own."""
CLASS_MEMBERS = {**CLASS_TEACHER, "student": "ok"}
ATTEMPT_OWNER = {
    "anonymous": "403",
    "outsider": "403",
    "other_teacher": "403",
    "student": "ok",
    "teacher": "403",
}
CARD_OWNER = {**ATTEMPT_OWNER, "anonymous": "login"}
CLASS_STUDENTS = {**CLASS_MEMBERS, "teacher": "403"}
"""Playing a class's live game: its teacher hosts it, from pages of their own."""
# A learner's attempt without a session: perhaps theirs, after it ended, so log in (the
# autosave, which a script sends, answers 401 with the reason).
ATTEMPT_PAGE = CARD_OWNER
ATTEMPT_AUTOSAVE = {**ATTEMPT_OWNER, "anonymous": "401"}

RULES: dict[tuple[str, str], dict[str, str]] = {
    ("static", "GET"): OPEN,
    ("main.home", "GET"): OPEN,
    ("main.my_progress", "GET"): SIGNED_IN,
    ("auth.login", "GET"): OPEN,
    ("auth.login", "POST"): OPEN,
    ("auth.signup", "GET"): OPEN,
    ("auth.signup", "POST"): OPEN,
    ("auth.logout", "POST"): OPEN,
    ("auth.account", "GET"): SIGNED_IN,
    ("auth.change_name", "POST"): SIGNED_IN,
    ("auth.change_password", "POST"): SIGNED_IN,
    ("quiz.intro", "GET"): OPEN,
    ("quiz.start", "POST"): OPEN,
    ("quiz.question", "GET"): ATTEMPT_PAGE,
    ("quiz.question", "POST"): ATTEMPT_PAGE,
    ("quiz.autosave", "POST"): ATTEMPT_AUTOSAVE,
    ("quiz.finish", "GET"): ATTEMPT_PAGE,
    ("quiz.submit", "POST"): ATTEMPT_PAGE,
    ("quiz.result", "GET"): ATTEMPT_PAGE,
    ("classes.index", "GET"): SIGNED_IN,
    ("classes.create", "POST"): {**TEACHERS, "other_teacher": "ok"},
    ("classes.join", "GET"): STUDENTS,
    ("classes.join", "POST"): STUDENTS,
    ("classes.show", "GET"): CLASS_TEACHER,
    ("classes.rename", "POST"): CLASS_TEACHER,
    ("classes.archive", "POST"): CLASS_TEACHER,
    ("classes.unarchive", "POST"): CLASS_TEACHER,
    ("classes.regenerate_code", "POST"): CLASS_TEACHER,
    ("classes.remove_student", "POST"): CLASS_TEACHER,
    ("classes.restore_student", "POST"): CLASS_TEACHER,
    ("classes.reset_password", "POST"): CLASS_TEACHER,
    ("classes.assign", "POST"): CLASS_TEACHER,
    ("classes.archive_assignment", "POST"): CLASS_TEACHER,
    ("classes.unarchive_assignment", "POST"): CLASS_TEACHER,
    ("teach.banks", "GET"): TEACHERS,
    ("teach.upload", "GET"): TEACHERS,
    ("teach.upload", "POST"): TEACHERS,
    ("teach.download", "GET"): TEACHERS,
    ("teach.archive_bank", "POST"): SCHOOL_BANK,
    ("teach.unarchive_bank", "POST"): SCHOOL_BANK,
    ("teach.preview", "POST"): TEACHERS,
    ("teach.gradebook_page", "GET"): CLASS_TEACHER,
    ("teach.gradebook_csv", "GET"): CLASS_TEACHER,
    ("teach.student", "GET"): CLASS_TEACHER,
    ("teach.attempt_review", "GET"): CLASS_TEACHER,
    ("teach.analysis", "GET"): CLASS_TEACHER,
    ("board.show", "GET"): CLASS_MEMBERS,
    ("board.mode", "POST"): CLASS_TEACHER,
    ("board.screen_link", "POST"): CLASS_TEACHER,
    ("board.screen_link_off", "POST"): CLASS_TEACHER,
    ("board.screen", "GET"): OPEN,
    ("board.screen_fragment", "GET"): OPEN,
    ("cards.decks", "GET"): SIGNED_IN,
    ("cards.deck", "GET"): SIGNED_IN,
    ("cards.review", "GET"): SIGNED_IN,
    ("cards.cram", "GET"): SIGNED_IN,
    ("cards.new_cards", "POST"): SIGNED_IN,
    ("cards.settings", "POST"): SIGNED_IN,
    ("cards.rate", "POST"): CARD_OWNER,
    ("live.start", "POST"): CLASS_TEACHER,
    ("live.host", "GET"): CLASS_TEACHER,
    ("live.advance", "POST"): CLASS_TEACHER,
    ("live.end", "POST"): CLASS_TEACHER,
    ("live.state", "GET"): CLASS_MEMBERS,
    ("live.play", "GET"): CLASS_MEMBERS,
    ("live.join", "POST"): CLASS_STUDENTS,
    ("live.answer", "POST"): CLASS_STUDENTS,
}


@dataclass
class World:
    ids: dict[str, object]
    browsers: dict[str, Browser]


def _user(app, username: str, role: str) -> int:
    with session_scope(app) as session:
        return make_user(session, username, username.title(), PASSWORD, role).id


@pytest.fixture
def world(app) -> World:
    """Two classes, each with a teacher and a student; the student has an attempt and a card."""
    ids: dict[str, object] = {}
    browsers = {role: Browser(app.test_client()) for role in ROLES}
    accounts = {
        "outsider": ("outsider", "student"),
        "other_teacher": ("otherteacher", "teacher"),
        "student": ("student", "student"),
        "teacher": ("teacher", "teacher"),
    }
    users = {role: _user(app, name, kind) for role, (name, kind) in accounts.items()}
    for role, (name, _kind) in accounts.items():
        browsers[role].login(name)
    quiz = quiz_id(app, LIBRARY_BANK, "all-types")
    with session_scope(app) as session:
        mine = Classroom(name="A", teacher_id=users["teacher"], join_code="AAAAAA")
        theirs = Classroom(name="B", teacher_id=users["other_teacher"], join_code="BBBBBB")
        mine.screen_token = "screen-token-of-class-a"
        session.add_all([mine, theirs])
        session.flush()
        session.add_all(
            [
                Membership(class_id=mine.id, student_id=users["student"]),
                Membership(class_id=theirs.id, student_id=users["outsider"]),
                Assignment(class_id=mine.id, quiz_id=quiz),
            ]
        )
        session.flush()
        ids.update(class_id=mine.id, student_id=users["student"])
        ids["assignment_id"] = session.scalar(select(Assignment.id))
        game, _ended = live.start_game(
            session, mine, quiz_id(app, LIBRARY_BANK, "key-facts"), 30, utcnow()
        )
        ids["game_id"] = game.id
    attempt, _ = start(browsers["student"], quiz)
    question = questions_of(app, attempt)[0]
    browsers["student"].post(f"/attempt/{attempt}/1", {**correct_form(question), "action": "next"})
    browsers["student"].post(f"/attempt/{attempt}/submit")
    ids.update(attempt_id=attempt, number=1, quiz_id=quiz, token="screen-token-of-class-a")
    with session_scope(app) as session:
        bank_id = session.get(Attempt, attempt).quiz.bank_id
    ids["bank_id"] = bank_id
    browsers["student"].get(f"/cards/{bank_id}/review")
    with session_scope(app) as session:
        card = session.scalar(select(CardRecord).where(CardRecord.user_id == users["student"]))
        version = session.scalar(
            select(QuestionVersion.id).where(
                QuestionVersion.bank_id == bank_id,
                QuestionVersion.question_key == card.card_key,
                QuestionVersion.is_current,
            )
        )
        ids["card_id"] = card.id
    # Valid forms, so that a refusal is the route's authorization and not a form error.
    ids["payloads"] = {"cards.rate": {"rating": "3", "revision": "0", "version": str(version)}}
    ids["filename"] = "css/app.css"
    return World(ids=ids, browsers=browsers)


def test_every_route_has_a_rule(app):
    routes = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - RULES.keys() == set(), "routes without an authorization rule"
    assert RULES.keys() - routes == set(), "rules for routes that no longer exist"


def outcome(response) -> str:
    response.close()
    location = response.headers.get("Location", "")
    if response.status_code == 302 and "/login" in location:
        return "login"
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if response.status_code in (200, 302, 400, 409, 422):
        return "ok"
    return f"unexpected {response.status_code}"


@pytest.mark.parametrize(("endpoint", "method"), sorted(RULES))
def test_route_is_authorized_for_each_role(app, world, endpoint, method):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **{name: world.ids[name] for name in rule.arguments})
    seen = {}
    for role in ROLES:
        browser = world.browsers[role]
        if method == "GET":
            response = browser.get(url)
        elif role == "anonymous" and endpoint.startswith("quiz."):
            response = browser.post(url)
        else:
            response = browser.post(url, dict(world.ids["payloads"].get(endpoint, {})))
        seen[role] = outcome(response)
    assert seen == RULES[(endpoint, method)]


def test_every_post_route_refuses_a_request_without_its_csrf_token(app, world):
    """Sent by someone the route would serve, with a valid form but no token: 400."""
    with app.test_request_context():
        from flask import url_for

        for (endpoint, method), rule_of_roles in sorted(RULES.items()):
            if method != "POST":
                continue
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            url = url_for(endpoint, **{name: world.ids[name] for name in rule.arguments})
            # The token is checked first: a route no one may use here (archiving the
            # school's bank) refuses the class's teacher for it too.
            role = next((r for r in reversed(ROLES) if rule_of_roles[r] == "ok"), "teacher")
            payload = dict(world.ids["payloads"].get(endpoint, {}))
            response = world.browsers[role].client.post(url, data=payload)
            assert response.status_code == 400, (endpoint, role, response.status_code)
            assert "The form had expired" in response.get_data(as_text=True), endpoint


TOO_LARGE = (2**31, 10**30)
"""Larger than any id an integer column can hold: just past PostgreSQL's 32-bit INTEGER,
and past any integer a database holds."""


@pytest.mark.parametrize("too_large", TOO_LARGE)
def test_a_number_too_large_for_an_id_is_not_found_on_every_route(app, world, too_large):
    for rule in app.url_map.iter_rules():
        converters = rule._converters.items()
        numbers = {name for name, kind in converters if isinstance(kind, IntegerConverter)}
        if not numbers:
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(
                rule.endpoint,
                **{
                    name: too_large if name in numbers else world.ids[name]
                    for name in rule.arguments
                },
            )
        for role in ("student", "teacher"):
            browser = world.browsers[role]
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                response = browser.get(url) if method == "GET" else browser.post(url, {})
                assert response.status_code == 404, (url, method, role, response.status_code)


@pytest.mark.parametrize("too_large", TOO_LARGE)
def test_ids_too_large_in_a_form_or_query_are_refused_not_a_server_error(app, world, too_large):
    browser, bank, card = world.browsers["student"], world.ids["bank_id"], world.ids["card_id"]
    rating = {**world.ids["payloads"]["cards.rate"], "version": str(too_large)}
    assert browser.post(f"/cards/{bank}/review/{card}", rating).status_code == 400
    for query in (f"card={too_large}", f"card={card}&revision={too_large}", f"shown={too_large}"):
        assert browser.get(f"/cards/{bank}/review?{query}").status_code == 200, query
    assigned = world.browsers["teacher"].post(
        f"/classes/{world.ids['class_id']}/assignments", {"quiz": str(too_large)}
    )
    assert assigned.status_code == 422 and "Not a valid choice" in assigned.get_data(as_text=True)
