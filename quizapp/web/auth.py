"""Sign up, log in, log out."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as browser_session
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, Optional, Regexp

from quizapp import db
from quizapp.core.codes import same_code
from quizapp.models import Attempt, User, utcnow
from quizapp.services import accounts, attempts, cards
from quizapp.services.errors import Conflict
from quizapp.web import failed, limiter, wait_before_retry
from quizapp.web.forms import ActionForm, CheckboxesField, stripped

bp = Blueprint("auth", __name__)

LOGIN_LIMIT = "10 per minute; 50 per hour"
"""Failed log-ins allowed for one username from one address."""
LOGIN_ADDRESS_LIMIT = "100 per minute; 1000 per hour"
"""Failed log-ins from one address, whatever the usernames: far more than a class behind one
school address makes, and it holds up a script trying username after username (each try
costs a password hash)."""
TEACHER_CODE_LIMIT = "10 per minute; 30 per hour"
"""Wrong teacher codes allowed from one address: a school may choose a short code."""
TAKEN_USERNAME_LIMIT = "20 per minute; 100 per hour"
"""Sign-ups refused for a taken username, allowed from one address. A sign-up has to say
that a username is taken, so this holds up a script listing the usernames that exist (to
guess their passwords) while a class behind one school address, where a few students pick
a name already chosen, is not held up."""


def display_name_field() -> StringField:
    return StringField(
        "Display name",
        validators=[DataRequired(message="Give a name to show."), Length(max=60)],
        filters=[stripped],
        description="Up to 60 characters, shown to your class and on leaderboards.",
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(),
            Length(min=8, max=200, message="At least 8 characters (and at most 200)."),
        ],
        description="At least 8 characters.",
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[InputRequired(), EqualTo("password", message="The passwords differ.")],
    )


def keep_guest_work_field() -> CheckboxesField:
    """Each piece of guest work a log-in would keep (`_offer_guest_work`), ticked."""
    return CheckboxesField(
        "Keep what was done as a guest in this browser",
        coerce=int,
        validate_choice=False,  # the guest's work as it is at the log-in decides
        description="Untick what was someone else's on this computer.",
    )


def guest_work_shown_field() -> HiddenField:
    """The ids of the guest work the form named: work done since (in another tab) is asked
    about before it is kept."""
    return HiddenField()


class SignupForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            InputRequired(),
            Length(min=3, max=40, message="3 to 40 characters."),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="Use letters, digits, dots, dashes or _."),
        ],
        description="3 to 40 letters, digits, dots, dashes or _; no e-mail needed.",
    )
    display_name = display_name_field()
    password = new_password_field()
    confirm = confirm_field()
    role = RadioField(
        "I am a",
        choices=[SelectChoice("student", "Student"), SelectChoice("teacher", "Teacher")],
        default="student",
        validators=[InputRequired()],
    )
    teacher_code = StringField(
        "Teacher code",
        validators=[Optional(), Length(max=40)],
        description="Teachers only; students leave it empty.",
    )
    # Filled in by app.js with the browser's time zone; one the server does not know is left
    # out, and the account starts in UTC (it can be changed in the flashcard settings).
    timezone = HiddenField(render_kw={"data-browser-zone": ""})
    keep_guest_work = keep_guest_work_field()
    guest_work_shown = guest_work_shown_field()


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=40)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    keep_guest_work = keep_guest_work_field()
    guest_work_shown = guest_work_shown_field()


class DisplayNameForm(FlaskForm):
    display_name = display_name_field()


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=200)])
    password = new_password_field("New password")
    confirm = confirm_field()


def safe_next(target: str | None) -> str | None:
    """Only redirect to a path on this site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _too_many_teacher_codes(limit: RequestLimit) -> Response:
    """The form again, as filled in, saying how long to wait."""
    form = SignupForm()
    form.teacher_code.errors = [f"Too many wrong teacher codes. {wait_before_retry(limit)}"]
    return make_response(*_auth_page("auth/signup.html", form, 429))


def _too_many_taken_usernames(limit: RequestLimit) -> Response:
    form = SignupForm()
    form.username.errors = [
        f"Too many sign-ups with a taken username from this network. {wait_before_retry(limit)}"
    ]
    return make_response(*_auth_page("auth/signup.html", form, 429))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(
    TAKEN_USERNAME_LIMIT,
    methods=["POST"],
    key_func=lambda: f"taken-username|{get_remote_address()}",
    deduct_when=lambda _response: g.get("taken_username", False),
    on_breach=_too_many_taken_usernames,
)
@limiter.limit(
    TEACHER_CODE_LIMIT,
    methods=["POST"],
    key_func=lambda: f"teacher-code|{get_remote_address()}",
    deduct_when=lambda _response: g.get("wrong_teacher_code", False),
    exempt_when=lambda: not request.form.get("teacher_code", "").strip(),  # a student
    on_breach=_too_many_teacher_codes,
)
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignupForm()
    if (
        form.validate_on_submit()
        and _may_sign_up_as(form)
        and not _unnamed_guest_work(form, "type the password again, twice")
    ):
        session = db.session()
        try:
            user = accounts.create_user(
                session,
                form.username.data,
                form.display_name.data,
                form.password.data,
                form.role.data,
            )
        except Conflict as error:
            g.taken_username = True
            form.username.errors = [error.message]
        else:
            if form.timezone.data in cards.time_zones():
                cards.update_settings(session, user, timezone=form.timezone.data)
            kept = _keep_guest_work(user, form)
            session.commit()
            _start_session(user, kept, f"Welcome, {user.display_name}! Your account is ready.")
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return _auth_page("auth/signup.html", form)


def _may_sign_up_as(form: SignupForm) -> bool:
    """A teacher's account needs the school's teacher code: a teacher sees every school
    bank's answers."""
    if form.role.data != "teacher":
        if not (form.teacher_code.data or "").strip():
            return True
        form.teacher_code.errors = [
            "You typed a teacher code: choose “Teacher” above, or leave the code empty."
        ]
        return False
    if same_code(form.teacher_code.data or "", current_app.config["TEACHER_CODE"]):
        return True
    g.wrong_teacher_code = bool(form.teacher_code.data)
    form.teacher_code.errors = [
        "A teacher’s account needs this school’s teacher code: a colleague finds it on"
        " their Classes page, and whoever runs quizapp sees it when it starts."
        if not form.teacher_code.data
        else "That is not this school’s teacher code."
    ]
    return False


def _login_key() -> str:
    """Failed log-ins are counted per address and username, so that a class behind one
    address is not held up by one student's typos."""
    username = accounts.normalize_username(request.form.get("username", ""))
    return f"{get_remote_address()}|{username}"


def _too_many_log_ins(limit: RequestLimit) -> Response:
    """The form again, its username kept, saying how long to wait."""
    return _log_in_held(f"Too many failed log-ins for this username. {wait_before_retry(limit)}")


def _too_many_log_ins_here(limit: RequestLimit) -> Response:
    return _log_in_held(f"Too many failed log-ins from this network. {wait_before_retry(limit)}")


def _log_in_held(message: str) -> Response:
    form = LoginForm()
    form.password.errors = [message]
    return make_response(*_auth_page("auth/login.html", form, 429))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: LOGIN_ADDRESS_LIMIT,
    methods=["POST"],
    key_func=lambda: f"log-ins|{get_remote_address()}",
    deduct_when=failed,
    on_breach=_too_many_log_ins_here,
)
@limiter.limit(
    LOGIN_LIMIT,
    methods=["POST"],
    key_func=_login_key,
    deduct_when=failed,
    on_breach=_too_many_log_ins,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session()
        user = accounts.authenticate(session, form.username.data, form.password.data)
        if user is None:
            form.password.errors = ["Unknown username or wrong password."]
        elif not _unnamed_guest_work(form, "type your password again"):
            accounts.touch(user, utcnow())
            kept = _keep_guest_work(user, form)
            session.commit()
            _start_session(user, kept)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return _auth_page("auth/login.html", form)


def _auth_page(
    template: str, form: LoginForm | SignupForm, status: int | None = None
) -> tuple[str, int]:
    """The log-in or sign-up form, naming the guest work in this browser that it would keep."""
    _offer_guest_work(form, _guest_work())
    page = render_template(template, form=form)
    return page, status or (422 if form.errors else 200)


def _guest_work() -> list[Attempt]:
    token = browser_session.get("guest_token")
    return attempts.guest_work(db.session(), token, utcnow()) if token else []


def _shown_guest_work() -> set[int]:
    """The ids of the guest work named by the form sent (none by a form drawn before)."""
    words = request.form.get("guest_work_shown", "").split()
    return {int(word) for word in words if re.fullmatch(r"[0-9]{1,18}", word)}


def _offer_guest_work(form: LoginForm | SignupForm, work: list[Attempt]) -> None:
    """Name each piece of guest work in the form: ticked, unless the form sent named it
    and it was unticked."""
    now = utcnow()
    field = form.keep_guest_work
    field.choices = [
        SelectChoice(
            attempt.id,
            f"“{attempt.quiz.title}” ({'finished' if attempt.submitted_at else 'unfinished'},"
            f" {_minutes_ago(attempt.submitted_at or attempt.last_activity_at, now)})",
        )
        for attempt in work
    ]
    shown, ticked = _shown_guest_work(), set(field.data or [])
    field.data = [attempt.id for attempt in work if attempt.id in ticked or attempt.id not in shown]
    form.guest_work_shown.data = " ".join(str(attempt.id) for attempt in work)


def _minutes_ago(moment: dt.datetime, now: dt.datetime) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    return "just now" if minutes == 0 else f"{minutes} minute{'s' if minutes != 1 else ''} ago"


def _unnamed_guest_work(form: LoginForm | SignupForm, again: str) -> bool:
    """Whether this browser has guest work the form sent did not name (done in another tab
    since it was drawn, maybe by someone else): if so, the form asks about it first."""
    shown = _shown_guest_work()
    if all(attempt.id in shown for attempt in _guest_work()):
        return False
    form.password.errors = [
        "While this page was open, more was done as a guest in this browser: untick below"
        f" what was someone else's, then {again}."
    ]
    g.guest_work_asked = True  # not a failed log-in
    return True


def _keep_guest_work(user: User, form: LoginForm | SignupForm) -> attempts.Adoption:
    """What the visitor did as a guest before logging in (a quiz begun, results) is theirs,
    as far as the form named it and they left it ticked (on a shared computer, the rest was
    someone else's)."""
    token = browser_session.get("guest_token")
    kept = _shown_guest_work() & set(form.keep_guest_work.data or [])
    if not token or not kept:
        return attempts.Adoption(kept=0)
    return attempts.adopt_guest_attempts(db.session(), user, token, utcnow(), kept)


def _start_session(user: User, guest_work: attempts.Adoption, welcome: str | None = None) -> None:
    """Sign the user in on a fresh session: nothing of the session before (its CSRF token,
    a guest's token) carries over."""
    browser_session.clear()
    login_user(user)
    if welcome:
        flash(welcome, "success")
    if guest_work.kept:
        flash("What you did as a guest is now kept on your account.", "success")
    if guest_work.left:
        flash(
            "Some of the guest work you ticked could not be kept: only the last hour's is, at"
            " quizzes that do not limit attempts.",
            "info",
        )
    for title in guest_work.finished:
        flash(
            f"You had another unfinished attempt at “{title}” on your account: it was"
            " submitted with its saved answers, and you go on with the one you began here.",
            "info",
        )


@bp.route("/logout", methods=["POST"])
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_sessions(current_user._get_current_object())
            db.session().commit()
        logout_user()
        flash("You are logged out, on every device.", "info")
    return redirect(url_for("main.home"))


def _account_page(
    name_form: DisplayNameForm | None = None,
    password_form: PasswordChangeForm | None = None,
    status: int = 200,
):
    name_form = name_form or DisplayNameForm(
        formdata=None, data={"display_name": current_user.display_name}
    )
    page = render_template(
        "auth/account.html",
        name_form=name_form,
        password_form=password_form or PasswordChangeForm(formdata=None),
    )
    return page, status


@bp.route("/account")
@login_required
def account():
    return _account_page()


@bp.route("/account/name", methods=["POST"])
@login_required
def change_name():
    form = DisplayNameForm()
    if not form.validate_on_submit():
        return _account_page(name_form=form, status=422)
    accounts.rename(current_user._get_current_object(), form.display_name.data)
    db.session().commit()
    flash("Your display name is changed.", "success")
    return redirect(url_for("auth.account"))


def _too_many_passwords(limit: RequestLimit) -> Response:
    form = PasswordChangeForm()
    form.current.errors = [f"Too many wrong passwords. {wait_before_retry(limit)}"]
    page, _ = _account_page(password_form=form)
    return make_response(page, 429)


@bp.route("/account/password", methods=["POST"])
@login_required
@limiter.limit(
    LOGIN_LIMIT,
    key_func=lambda: f"password|{current_user.id}",
    # Only a wrong current password: a mistyped new one guesses nothing.
    deduct_when=lambda _response: g.get("wrong_current_password", False),
    on_breach=_too_many_passwords,
)
def change_password():
    form = PasswordChangeForm()
    if not form.validate_on_submit():
        return _account_page(password_form=form, status=422)
    user = current_user._get_current_object()
    if not accounts.change_password(user, form.current.data, form.password.data):
        g.wrong_current_password = True
        form.current.errors = ["That is not your current password."]
        return _account_page(password_form=form, status=422)
    db.session().commit()
    login_user(user)  # this browser goes on, under the new session version
    flash("Your password is changed, and you are logged out on your other devices.", "success")
    return redirect(url_for("auth.account"))
