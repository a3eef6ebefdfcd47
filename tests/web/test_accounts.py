"""Sign-up, log-in, log-out, classes and join codes, and the error pages."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import Any

from flask import request
from sqlalchemy import select

from quizapp import db
from quizapp.db import session_scope
from quizapp.models import Membership, User
from quizapp.services import accounts
from quizapp.web import auth, wait_before_retry
from tests.conftest import PASSWORD, TEACHER_CODE, csrf_token


def signup(
    browser,
    username: str,
    role: str = "student",
    password: str = PASSWORD,
    timezone: str = "",
    teacher_code: str | None = None,
):
    if teacher_code is None:
        teacher_code = TEACHER_CODE if role == "teacher" else ""
    return browser.post(
        "/signup",
        {
            "username": username,
            "display_name": username.title(),
            "password": password,
            "confirm": password,
            "role": role,
            "timezone": timezone,
            "teacher_code": teacher_code,
        },
    )


def test_signup_logs_in_and_stores_only_a_password_hash(app, browser):
    response = signup(browser, "Amira")
    assert response.status_code == 302
    assert "Log out" in browser.get("/").get_data(as_text=True)
    with session_scope(app) as session:
        user = session.scalar(select(User).where(User.username == "amira"))
        assert user.role == "student"
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_a_new_account_takes_the_time_zone_the_browser_sent_if_it_is_one(app, make_browser):
    assert signup(make_browser(), "berlin", timezone="Europe/Berlin").status_code == 302
    assert signup(make_browser(), "mars", timezone="Mars/Olympus_Mons").status_code == 302
    assert signup(make_browser(), "nojs").status_code == 302
    with session_scope(app) as session:
        zones = dict(session.execute(select(User.username, User.timezone)).all())
    assert (zones["berlin"], zones["mars"], zones["nojs"]) == ("Europe/Berlin", "UTC", "UTC")


def test_signup_refuses_a_taken_username_and_mismatched_passwords(browser, create_user):
    _, taken = create_user()
    html = signup(browser, taken).get_data(as_text=True)
    assert "is taken" in html
    mismatch = browser.post(
        "/signup",
        {
            "username": "newbie",
            "display_name": "N",
            "password": "aaaaaaaa1",
            "confirm": "bbbbbbbb2",
            "role": "student",
        },
    )
    assert mismatch.status_code == 422 and "The passwords differ." in mismatch.get_data(
        as_text=True
    )


def test_a_display_name_of_spaces_is_refused_at_sign_up(app, browser):
    form = {"username": "spaces", "display_name": "  ", "password": PASSWORD, "confirm": PASSWORD}
    refused = browser.post("/signup", {**form, "role": "student"})
    assert "Give a name to show." in refused.get_data(as_text=True)
    with session_scope(app) as session:
        assert session.scalar(select(User).where(User.username == "spaces")) is None


def test_a_teachers_account_needs_the_schools_teacher_code(app, make_browser):
    for code, message in [
        ("", "A teacher’s account needs this school’s teacher code"),
        ("WRONG-CODE-0000", "That is not this school’s teacher code."),
    ]:
        html = signup(make_browser(), "mr-x", role="teacher", teacher_code=code).get_data(
            as_text=True
        )
        assert message in html
        assert 'value="mr-x"' in html  # what was typed is kept
    # Typed as people type it; and a student's account needs no code at all.
    assert (
        signup(make_browser(), "mr-y", role="teacher", teacher_code="test code2024").status_code
        == 302
    )
    assert signup(make_browser(), "pupil", teacher_code="").status_code == 302
    # A teacher who forgot to choose "Teacher" is told, rather than made a student.
    forgot = signup(make_browser(), "mrs-z", teacher_code=TEACHER_CODE).get_data(as_text=True)
    assert "You typed a teacher code: choose “Teacher” above" in forgot
    assert "the passwords are not sent back: type them again" in forgot
    with session_scope(app) as session:
        roles = dict(session.execute(select(User.username, User.role)).all())
    assert roles == {"mr-y": "teacher", "pupil": "student"}


def test_teachers_find_the_teacher_code_to_invite_colleagues_and_students_do_not(
    make_browser, create_user
):
    teacher, student = make_browser(), make_browser()
    teacher.login(create_user("teacher")[1])
    student.login(create_user()[1])
    assert TEACHER_CODE in teacher.get("/classes/").get_data(as_text=True)
    for page in ("/classes/", "/", "/progress", "/cards/"):
        assert TEACHER_CODE not in student.get(page).get_data(as_text=True), page


def test_signup_refuses_an_unknown_role(browser):
    response = signup(browser, "sneaky", role="admin")
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_logging_out_ends_the_session_even_for_a_copy_of_its_cookie(app, make_browser, create_user):
    _, username = create_user()
    laptop, copy = make_browser(), make_browser()
    laptop.login(username)
    cookie = laptop.client.get_cookie("session")
    copy.client.set_cookie("session", cookie.value)
    assert copy.get("/progress").status_code == 200  # the copy works while the session lives
    laptop.post("/logout")
    assert copy.get("/progress").status_code == 302  # and no longer once it is logged out
    assert "You are logged out, on every device." in laptop.get("/").get_data(as_text=True)
    laptop.login(username)  # a new log-in starts a new session
    assert laptop.get("/progress").status_code == 200
    assert copy.get("/progress").status_code == 302


def test_logging_in_starts_a_fresh_session_with_a_new_csrf_token(browser, create_user):
    before = csrf_token(browser.client)
    browser.login(create_user()[1])
    assert csrf_token(browser.client) != before


def test_login_with_a_wrong_password_is_refused(browser, create_user):
    _, username = create_user()
    response = browser.post("/login", {"username": username, "password": "wrong password"})
    assert "Unknown username or wrong password." in response.get_data(as_text=True)
    assert "Log out" not in browser.get("/").get_data(as_text=True)


def test_an_unknown_username_is_refused_after_checking_a_password_hash(
    browser, create_user, monkeypatch
):
    """So that it takes as long as a wrong password, and the time does not tell which
    usernames exist."""
    checked: list[str] = []
    real_check = accounts.check_password_hash

    def check(stored: str, password: str) -> bool:
        checked.append(stored)
        return real_check(stored, password)

    monkeypatch.setattr(accounts, "check_password_hash", check)
    response = browser.post("/login", {"username": "nobody-here", "password": PASSWORD})
    assert "Unknown username or wrong password." in response.get_data(as_text=True)
    assert len(checked) == 1 and checked[0].startswith("scrypt:")
    _, username = create_user()
    browser.post("/login", {"username": username, "password": "wrong password"})
    assert len(checked) == 2 and checked[1] != checked[0]


def test_failed_logins_are_limited_per_username_and_a_success_is_not_counted(
    make_browser, create_user
):
    _, target = create_user()
    _, classmate = create_user()
    guesser = make_browser()
    classmate_browser = make_browser()
    classmate_browser.login(classmate)  # a success, on the same address: not counted
    for _ in range(10):
        wrong = guesser.post("/login", {"username": target, "password": "a wrong guess"})
        assert wrong.status_code == 422
    blocked = guesser.post("/login", {"username": target, "password": PASSWORD})
    assert blocked.status_code == 429
    html = blocked.get_data(as_text=True)
    assert "Too many failed log-ins for this username. Try again in a minute." in html
    assert f'value="{target}"' in html  # the form is back, the username kept
    assert "Log out" not in guesser.get("/").get_data(as_text=True)
    # Another username from the same address (a classroom) still logs in.
    make_browser().login(classmate)


def test_failed_logins_from_one_address_are_limited_whatever_the_usernames(
    make_browser, create_user, monkeypatch
):
    """A script trying username after username made the server hash a password each time."""
    monkeypatch.setattr(auth, "LOGIN_ADDRESS_LIMIT", "3 per minute")
    _, username = create_user()
    guesser = make_browser()
    for n in range(3):
        wrong = guesser.post("/login", {"username": f"someone{n}", "password": "a guess"})
        assert wrong.status_code == 422
    held = guesser.post("/login", {"username": username, "password": PASSWORD})
    assert held.status_code == 429
    assert "Too many failed log-ins from this network." in held.get_data(as_text=True)


def test_login_never_redirects_off_site(browser, create_user):
    _, username = create_user()
    response = browser.post(
        "/login?next=https://evil.example/", {"username": username, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_log_in_and_sign_up_link_to_each_other_keeping_where_to_go_next(browser):
    back = "/attempt/7/result"
    signup = browser.get(f"/signup?next={back}").get_data(as_text=True)
    assert 'href="/login?next=/attempt/7/result"' in signup
    login = browser.get(f"/login?next={back}").get_data(as_text=True)
    assert 'href="/signup?next=/attempt/7/result"' in login
    assert 'href="/signup"' in browser.get("/login").get_data(as_text=True)


def test_logout_needs_a_post_with_csrf(browser, create_user):
    _, username = create_user()
    browser.login(username)
    assert browser.get("/logout").status_code == 405
    assert browser.client.post("/logout").status_code == 400
    browser.post("/logout")
    assert "Log in" in browser.get("/").get_data(as_text=True)


def test_pages_that_need_an_account_redirect_to_login(client):
    for path in ("/progress", "/classes/"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_teacher_creates_a_class_and_a_student_joins_with_its_code(app, make_browser, create_user):
    teacher, student = make_browser(), make_browser()
    teacher.login(create_user("teacher")[1])
    student_id, student_name = create_user()
    student.login(student_name)
    created = teacher.post("/classes/new", {"name": "Civics 9B"})
    page = teacher.get(created.headers["Location"]).get_data(as_text=True)
    code = re.search(r'<p class="join-code-big"><code>(\w+)</code>', page).group(1)
    assert len(code) == 6
    joined = student.post("/classes/join", {"code": f" {code.lower()[:3]} {code.lower()[3:]} "})
    assert joined.status_code == 302
    assert "You joined “Civics 9B”." in student.get(joined.headers["Location"]).get_data(
        as_text=True
    )
    again = student.post("/classes/join", {"code": code})
    page = student.get(again.headers["Location"]).get_data(as_text=True)
    assert "You are already in “Civics 9B”." in page and "You joined" not in page
    assert "Civics 9B" in student.get("/classes/").get_data(as_text=True)
    roster = teacher.get(created.headers["Location"]).get_data(as_text=True)
    assert student_name in roster
    with session_scope(app) as session:
        assert session.scalar(select(Membership).where(Membership.student_id == student_id))


def test_a_wrong_join_code_gets_a_clear_message(browser, create_user):
    browser.login(create_user()[1])
    html = browser.post("/classes/join", {"code": "ZZZZZZ"}).get_data(as_text=True)
    assert "No open class has that join code" in html


def test_wrong_join_codes_are_limited_per_account(make_browser, create_user):
    teacher = make_browser()
    teacher.login(create_user("teacher")[1])
    page = teacher.get(teacher.post("/classes/new", {"name": "Civics 9B"}).headers["Location"])
    code = re.search(r'<p class="join-code-big"><code>(\w+)</code>', page.get_data(as_text=True))
    guesser, other = make_browser(), make_browser()
    guesser.login(create_user()[1])
    other.login(create_user()[1])
    for guess in range(10):
        assert guesser.post("/classes/join", {"code": f"ZZZZ{guess:02d}"}).status_code == 200
    # Even the right code waits now; another student is not held up.
    refused = guesser.post("/classes/join", {"code": code.group(1)})
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many wrong join codes. Try again in a minute." in html
    assert f'value="{code.group(1)}"' in html
    assert other.post("/classes/join", {"code": code.group(1)}).status_code == 302


def test_students_cannot_create_classes_nor_see_a_class_page(app, browser, create_user):
    browser.login(create_user()[1])
    assert browser.post("/classes/new", {"name": "Mine"}).status_code == 403
    assert browser.get("/classes/1").status_code == 403


def test_a_teacher_cannot_open_another_teachers_class(make_browser, create_user):
    first, second = make_browser(), make_browser()
    first.login(create_user("teacher")[1])
    second.login(create_user("teacher")[1])
    location = first.post("/classes/new", {"name": "Mine"}).headers["Location"]
    assert second.get(location).status_code == 403


def test_error_pages_are_plain_pages_without_tracebacks(client):
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page not found" in html and "Traceback" not in html


def test_a_server_error_is_a_plain_page_that_rolls_back_and_tells_nothing_of_the_code(app):
    def broken():
        db.session().add(User(username="half-written", display_name="X", password_hash="x"))
        db.session().flush()
        raise ZeroDivisionError("secret detail of the code")

    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/broken")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Your saved answers are safe" in html
    assert "ZeroDivisionError" not in html and "secret detail" not in html
    assert "Traceback" not in html
    with session_scope(app) as session:
        assert session.scalar(select(User).filter_by(username="half-written")) is None


def test_a_refusal_says_why_in_plain_words(browser, create_user):
    browser.login(create_user()[1])
    html = browser.get("/teach/banks").get_data(as_text=True)
    assert "You may not do that" in html
    assert "for teachers only" in html and "read-protected" not in html


def test_security_headers_are_sent(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_a_signed_in_users_pages_are_not_kept_by_the_browser(browser, create_user):
    """Back after logging out on a shared laptop asks the server, which shows nothing of the
    last user's pages; public pages and static files may be kept."""
    assert "Cache-Control" not in browser.get("/").headers
    browser.login(create_user()[1])
    for page in ("/", "/progress", "/classes/", "/cards/"):
        assert browser.get(page).headers["Cache-Control"] == "no-store", page
    static = browser.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_behind_a_reverse_proxy_its_forwarded_address_scheme_and_host_are_used(app):
    from quizapp import create_app
    from tests.conftest import app_config

    database = app.config["DATABASE_URL"].removeprefix("sqlite:///")
    proxied = create_app({**app_config(database), "PROXY_COUNT": 1})
    proxied.add_url_rule("/who", "who", lambda: f"{request.remote_addr} {request.url_root}")
    forwarded = {
        "X-Forwarded-For": "10.1.2.3",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "quiz.school.example",
    }
    seen = proxied.test_client().get("/who", headers=forwarded)
    assert seen.get_data(as_text=True) == "10.1.2.3 https://quiz.school.example/"
    # Over HTTPS, the browser is told never to try plain HTTP again; over HTTP, nothing.
    assert seen.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = proxied.test_client().get("/who", headers={**forwarded, "X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers
    # Without a proxy configured, the headers are anyone's to send, and are ignored.
    app.add_url_rule("/who", "who", lambda: f"{request.remote_addr} {request.url_root}")
    direct = app.test_client().get("/who", headers=forwarded).get_data(as_text=True)
    assert direct == "127.0.0.1 http://localhost/"
    proxied.extensions["quizapp.engine"].dispose()


def test_a_limited_form_says_how_long_to_wait():
    def limit_ending_in(seconds: float) -> Any:
        return SimpleNamespace(reset_at=time.time() + seconds)

    assert wait_before_retry(limit_ending_in(61)) == "Try again in a minute."
    assert wait_before_retry(limit_ending_in(5)) == "Try again in a minute."
    assert wait_before_retry(limit_ending_in(50 * 60 + 1)) == "Try again in 50 minutes."


def test_a_nul_character_sent_in_a_form_is_dropped(app, browser):
    """No keyboard types one; PostgreSQL refuses one in text (this test runs there too)."""
    form = {"display_name": "Ann\x00ie", "password": PASSWORD, "confirm": PASSWORD}
    signup = browser.post("/signup", {**form, "username": "nul\x00user", "role": "student"})
    assert signup.status_code == 302, signup.get_data(as_text=True)
    with session_scope(app) as session:
        user = session.scalar(select(User).where(User.username == "nuluser"))
        assert user is not None and user.display_name == "Annie"
    browser.post("/logout")
    login = browser.post("/login", {"username": "nul\x00user\x00", "password": PASSWORD})
    assert login.status_code == 302
    joined = browser.post("/classes/join", {"code": "ZZZ\x00ZZZ"})
    assert "No open class has that join code" in joined.get_data(as_text=True)


def test_a_form_from_another_address_over_https_says_so(browser):
    """Behind a proxy that drops the Host header, every form failed as "expired"."""
    seen_as = "https://127.0.0.1:8000"  # the app's own address as a bad proxy passes it on
    page = browser.client.get("/login", base_url=seen_as).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    fields = {"username": "someone", "password": PASSWORD, "csrf_token": token}
    response = browser.client.post(
        "/login",
        data=fields,
        base_url=seen_as,
        headers={"Referer": "https://quiz.school.example/login"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This form came from another address than the site&#39;s own" in html
    assert "expired" not in html


def test_the_header_log_in_and_sign_up_links_come_back_to_the_page(app, browser):
    """Logging in, or signing up, from a quiz's page used to land on the home page."""
    page = browser.get("/quiz/1").get_data(as_text=True)
    assert '<a href="/login?next=/quiz/1">Log in</a>' in page
    assert '<a href="/signup?next=/quiz/1">Sign up</a>' in page
    home = browser.get("/").get_data(as_text=True)
    assert '<a href="/login">Log in</a>' in home and '<a href="/signup">Sign up</a>' in home


def test_wrong_teacher_codes_are_limited_per_address_and_students_still_sign_up(make_browser):
    guesser = make_browser()
    for guess in range(10):
        wrong = signup(guesser, f"guess{guess}", role="teacher", teacher_code=f"AAAA-{guess:04d}")
        assert wrong.status_code == 422
        assert "That is not this school’s teacher code." in wrong.get_data(as_text=True)
    # Even the right code waits now, from this address.
    refused = signup(make_browser(), "realteacher", role="teacher")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many wrong teacher codes. Try again in a minute." in html
    assert 'value="realteacher"' in html  # the form is back as filled in
    # A class signing up from the same address is not held up.
    assert signup(make_browser(), "student1").status_code == 302


def test_sign_ups_refused_for_a_taken_username_are_limited_per_address(make_browser):
    """A sign-up must say a username is taken; a script asking about name after name, to
    list the accounts whose passwords it would guess, is held up."""
    signup(make_browser(), "ana")
    allowed = int(auth.TAKEN_USERNAME_LIMIT.split()[0])
    for _ in range(allowed):
        taken = signup(make_browser(), "ana")
        assert taken.status_code == 422
        assert "The username “ana” is taken" in taken.get_data(as_text=True)
    refused = signup(make_browser(), "brand-new")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many sign-ups with a taken username from this network." in html
    assert "Try again in a minute." in html and 'value="brand-new"' in html


def test_a_class_signing_up_is_not_held_up_by_the_taken_username_limit(make_browser):
    allowed = int(auth.TAKEN_USERNAME_LIMIT.split()[0])
    for number in range(allowed + 5):  # sign-ups that succeed do not count
        assert signup(make_browser(), f"student{number}").status_code == 302
    for _ in range(allowed - 1):
        assert signup(make_browser(), "student1").status_code == 422
    assert signup(make_browser(), "latecomer").status_code == 302


def test_mistakes_other_than_the_teacher_code_do_not_count_towards_its_limit(make_browser):
    browser = make_browser()
    for attempt in range(12):
        mismatch = browser.post(
            "/signup",
            {
                "username": f"teacher{attempt}",
                "display_name": "T",
                "password": PASSWORD,
                "confirm": "another password",
                "role": "teacher",
                "teacher_code": TEACHER_CODE,
            },
        )
        assert mismatch.status_code == 422
    assert signup(browser, "teacher", role="teacher").status_code == 302


def test_a_user_changes_their_display_name_and_password_on_their_account_page(
    make_browser, create_user
):
    _, username = create_user()
    here, elsewhere = make_browser(), make_browser()
    here.login(username)
    elsewhere.login(username)
    page = here.get("/account").get_data(as_text=True)
    assert f"Username: <strong>{username}</strong>" in page
    assert 'href="/account"' in here.get("/").get_data(as_text=True)

    assert here.post("/account/name", {"display_name": " Amira K. "}).status_code == 302
    assert "Amira K." in here.get("/account").get_data(as_text=True)
    for blank in ("", "   "):
        refused = here.post("/account/name", {"display_name": blank})
        assert refused.status_code == 422
        assert "Give a name to show." in refused.get_data(as_text=True)
    assert "Amira K." in here.get("/account").get_data(as_text=True)

    new = "a brand new password"
    change = {"current": "not my password", "password": new, "confirm": new}
    wrong = here.post("/account/password", change)
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    differ = here.post("/account/password", {**change, "current": PASSWORD, "confirm": "typo"})
    assert "The passwords differ." in differ.get_data(as_text=True)
    done = here.post("/account/password", {**change, "current": PASSWORD})
    assert done.status_code == 302
    page = here.get(done.headers["Location"]).get_data(as_text=True)
    assert "Your password is changed, and you are logged out on your other devices." in page
    assert "Log out" in here.get("/").get_data(as_text=True)  # this browser goes on
    assert "Log out" not in elsewhere.get("/").get_data(as_text=True)
    assert (
        make_browser().post("/login", {"username": username, "password": PASSWORD}).status_code
        == 422
    )
    make_browser().login(username, new)


def test_wrong_current_passwords_are_limited_per_account(browser, create_user):
    """A session left open on a shared laptop cannot be used to guess the password."""
    _, username = create_user()
    browser.login(username)
    guess = {"password": "a brand new password", "confirm": "a brand new password"}
    for n in range(10):
        assert (
            browser.post("/account/password", {**guess, "current": f"guess {n}"}).status_code == 422
        )
    refused = browser.post("/account/password", {**guess, "current": PASSWORD})
    assert refused.status_code == 429
    assert "Too many wrong passwords. Try again in a minute." in refused.get_data(as_text=True)


def test_mistyped_new_passwords_do_not_count_towards_the_wrong_password_limit(browser, create_user):
    _, username = create_user()
    browser.login(username)
    new = "a brand new password"
    for _ in range(12):
        typo = {"current": PASSWORD, "password": new, "confirm": "a brand new pasword"}
        assert browser.post("/account/password", typo).status_code == 422
        short = {"current": PASSWORD, "password": "short", "confirm": "short"}
        assert browser.post("/account/password", short).status_code == 422
    change = {"current": PASSWORD, "password": new, "confirm": new}
    assert browser.post("/account/password", change).status_code == 302


def test_a_teacher_gives_a_student_of_their_class_a_new_password(app, make_browser, create_user):
    teacher = make_browser()
    teacher.login(create_user("teacher")[1])
    student_id, username = create_user()
    student = make_browser()
    student.login(username)
    class_url = teacher.post("/classes/new", {"name": "Civics 9B"}).headers["Location"]
    code = re.search(
        r'<p class="join-code-big"><code>(\w+)</code>',
        teacher.get(class_url).get_data(as_text=True),
    )
    student.post("/classes/join", {"code": code.group(1)})
    roster = teacher.get(class_url).get_data(as_text=True)
    reset = f"{class_url}/students/{student_id}/password"
    assert f'action="{reset}"' in roster
    stamp = {"stamp": re.search(r'name="stamp" value="(\w+)"', roster).group(1)}

    asked = teacher.post(reset, stamp)
    assert asked.status_code == 200 and "Make a new password" in asked.get_data(as_text=True)
    assert f'name="stamp" value="{stamp["stamp"]}"' in asked.get_data(as_text=True)
    shown = teacher.post(reset, {"confirmed": "yes", **stamp})
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    password = re.search(r"<code>([\w-]{14})</code>", shown.get_data(as_text=True)).group(1)
    assert len(password) == 14
    assert "Log out" not in student.get("/").get_data(as_text=True)  # logged out everywhere
    assert (
        make_browser().post("/login", {"username": username, "password": PASSWORD}).status_code
        == 422
    )
    make_browser().login(username, password)

    # The same post again (a reload, a double click) makes no other password.
    again = teacher.post(reset, {"confirmed": "yes", **stamp})
    assert again.status_code == 409 and password not in again.get_data(as_text=True)
    assert "password has changed since you opened the page" in again.get_data(as_text=True)
    assert teacher.post(reset, {"confirmed": "yes"}).status_code == 409  # no stamp: the same
    make_browser().login(username, password)
    # Its page offers to make another on purpose.
    fresh = {"stamp": re.search(r'name="stamp" value="(\w+)"', again.get_data(as_text=True))[1]}
    assert fresh != stamp
    another = teacher.post(reset, {"confirmed": "yes", **fresh})
    assert another.status_code == 200 and "New password for" in another.get_data(as_text=True)

    # Not for another teacher, nor for a student removed from the class.
    other = make_browser()
    other.login(create_user("teacher")[1])
    assert other.post(reset, {"confirmed": "yes"}).status_code == 403
    teacher.post(f"{class_url}/students/{student_id}/remove", {"confirmed": "yes"})
    removed = teacher.post(reset, {"confirmed": "yes"})
    assert removed.status_code == 409 and "add them back first" in removed.get_data(as_text=True)
