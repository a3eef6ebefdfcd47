"""The web layer: blueprints, sign-in, CSRF, error pages and template helpers."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import Flask, abort, g, render_template, request
from flask import Request as FlaskRequest
from flask_limiter import Limiter, RequestLimit
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.exceptions import HTTPException

from quizapp import db
from quizapp.core import statistics
from quizapp.models import User, utcnow
from quizapp.rendering import markdown, markdown_inline
from quizapp.services import attempts
from quizapp.services.errors import UserError
from quizapp.web.forms import StorableIntegerConverter

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
"""Throttles guessing: each route says what it limits (failed log-ins, wrong join and teacher
codes)."""


def failed(response: Any) -> bool:
    """For the limiter: a form that did not go through (a success redirects), unless it
    only asked about guest work it had not named."""
    return response.status_code != 302 and not g.get("guest_work_asked", False)


def wait_before_retry(limit: RequestLimit) -> str:
    """How long a limited form must wait, for its error message."""
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    return "Try again in a minute." if minutes == 1 else f"Try again in {minutes} minutes."


login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see that page."
login_manager.login_message_category = "info"

ERROR_TITLES = {
    400: "That request could not be understood",
    403: "You may not do that",
    404: "Page not found",
    405: "That action is not allowed here",
    409: "That cannot be done now",
    413: "That file is too large",
    429: "Too many tries",
    422: "That answer could not be read",
    500: "Something went wrong on our side",
}
ERROR_MESSAGES = {
    403: "This page belongs to another account, or is for teachers only.",
    404: "The page you asked for does not exist or is no longer here.",
    405: "Go back and use the page's buttons instead.",
    429: "Wait a minute, then try again.",
}
"""What an error page says when the error brings no reason of its own."""


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user of a session id ("id.version", see `User.get_id`), if it has not ended."""
    user_id, _, version = session_id.partition(".")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session().get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


class FieldsWithoutNul(ImmutableMultiDict):
    """Form fields and query arguments with any NUL character taken out: a browser never
    types one, and PostgreSQL cannot store one in text."""

    def __init__(self, mapping: Any = None) -> None:
        super().__init__(
            (key, value.replace("\x00", "") if isinstance(value, str) else value)
            for key, value in iter_multi_items(mapping or ())
        )


class Request(FlaskRequest):
    parameter_storage_class = FieldsWithoutNul


def settle_overdue_attempts(*, class_id: int | None = None, user_id: int | None = None) -> None:
    """Before a page shows a class's or a learner's results: timed attempts whose time ran
    out unattended are submitted first (`attempts.expire_overdue`)."""
    session = db.session()
    if attempts.expire_overdue(session, utcnow(), class_id=class_id, user_id=user_id):
        session.commit()


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.url_map.converters["int"] = StorableIntegerConverter
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    app.jinja_env.filters["markdown"] = markdown
    app.jinja_env.filters["markdown_inline"] = markdown_inline
    app.jinja_env.filters["percent"] = format_percent
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["time_limit"] = format_time_limit
    app.jinja_env.filters["points"] = format_points
    app.jinja_env.filters["ordinal"] = format_ordinal
    app.jinja_env.filters["letter"] = format_letter
    app.jinja_env.filters["whole_percent"] = statistics.whole_percent

    from quizapp.web import auth, board, cards, classes, live, main, quiz, teach

    for module in (auth, main, quiz, classes, cards, teach, board, live):
        app.register_blueprint(module.bp)
    register_error_pages(app)

    @app.before_request
    def refuse_json_bodies() -> None:
        # Every form is posted as form fields. Flask-WTF would read a JSON body as the form
        # instead, and one that is not an object (a list, a number) would crash it.
        if request.method not in ("GET", "HEAD") and request.is_json:
            abort(400)

    @app.context_processor
    def endpoints() -> dict[str, Any]:
        # Lets the layout link to an area only when its blueprint is registered.
        return {"url_rules": app.view_functions}

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            # A browser that has once had the site over HTTPS never tries plain HTTP again,
            # where a school network's eavesdropper could keep it and show a fake log-in.
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint in ("quiz.question", "quiz.finish") or (
            request.endpoint != "static" and current_user.is_authenticated
        ):
            # Back after submitting must ask the server again, not show a stale form; and
            # Back after logging out on a shared laptop must not show the last user's pages.
            response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
            " frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
        )
        return response


def register_error_pages(app: Flask) -> None:
    def render_error(status: int, message: str | None = None) -> tuple[str, int]:
        db.session().rollback()
        return (
            render_template(
                "errors/error.html",
                status=status,
                title=ERROR_TITLES.get(status, "Error"),
                message=message or ERROR_MESSAGES.get(status),
            ),
            status,
        )

    @app.errorhandler(UserError)
    def user_error(error: UserError) -> tuple[str, int]:
        return render_error(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        if "referrer" in (error.description or ""):
            # Over HTTPS, a form must come from this site's own address. Behind a proxy that
            # does not pass the Host header on, the app takes its own address for another.
            return render_error(
                400,
                "This form came from another address than the site's own, so it was refused."
                " Open the site at its usual address and try again. (If it is the usual"
                " address, the reverse proxy must pass the Host header on: see the README's"
                " Deployment section.)",
            )
        message = (
            "The form had expired or was not sent by this site. Go back, reload the page and"
            " try again: what you saved before is kept."
        )
        if not current_user.is_authenticated:
            message = (
                "The form had expired: your session may have ended. If you had logged in, log"
                " in again; then go back and try again: what you saved before is kept."
            )
        return render_error(400, message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:  # a page of its own, such as a limited form
            return error.response
        # Werkzeug's stock descriptions are for developers; a page's own reason is kept.
        stock = error.description == type(error).description or error.code == 429
        return render_error(error.code, None if stock or error.code == 404 else error.description)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(500)


def format_percent(value: float | None) -> str:
    """One decimal at most; a score short of full never reads 100%, nor one above none 0%."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{value:.0f}%"
    return f"{min(max(value, 0.1), 99.9):.1f}%" if 0 < value < 100 else f"{value:.1f}%"


def format_points(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}" if abs(value - round(value, 2)) < 1e-9 else f"{value:.2f}"


def format_letter(number: int) -> str:
    """The letter of a list's item from 1, as `<ol type="A">` shows it: A ... Z, AA, AB ..."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def format_ordinal(place: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st."""
    if place % 100 in (11, 12, 13):
        return f"{place}th"
    return f"{place}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(place % 10, 'th') }"


def format_time_limit(minutes: float, short: bool = False) -> str:
    """A quiz's time limit as the timer will count it: 1.5 is 1 minute 30 seconds."""
    whole, seconds = divmod(round(minutes * 60), 60)
    if short:
        return f"{whole} min {seconds} s" if seconds else f"{whole} min"
    text = f"{whole} minute{'s' if whole != 1 else ''}"
    return f"{text} {seconds} second{'s' if seconds != 1 else ''}" if seconds else text


def format_moment(value: dt.datetime, zone: dt.tzinfo) -> str:
    """A moment in a time zone, as "Sat 14 Jun 2025, 09:00 CEST"."""
    return value.astimezone(zone).strftime("%a %d %b %Y, %H:%M %Z")


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s"
    return f"{secs} s"
