"""Class leaderboards, and the public big screen for the classroom projector.

A board is chosen by two query arguments: `board` ("overall" or a quiz id) and `period`
("week" or "all"). The big screen is public but needs the class's unguessable screen
token, which only the teacher sees and can replace.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms import Form, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from quizapp import db
from quizapp.core.scoring import BOARD_SCOPE, OVERALL_FORMULA, TIE_BREAK_RULE, TOP_RANKS
from quizapp.models import Classroom, utcnow
from quizapp.services import classes, leaderboards
from quizapp.services.leaderboards import (
    NO_FINISH,
    OVERALL,
    PERIODS,
    Board,
    QuizChoice,
    Standing,
)
from quizapp.web import format_moment, settle_overdue_attempts
from quizapp.web.forms import ActionForm
from quizapp.web.teach import confirmation

bp = Blueprint("board", __name__, url_prefix="/board")

DEFAULT_PERIOD = "all"
SCREEN_REFRESH_SECONDS = 5

STUDENTS_SEE = {
    "all": "Students see the whole leaderboard.",
    "top10": "Students see the first ten places and their own.",
    "hidden": "Each student sees only their own rank and score.",
}
MODES = {
    mode: f"{name}: {STUDENTS_SEE[mode][0].lower()}{STUDENTS_SEE[mode][1:-1]}"
    for mode, name in (("all", "Everyone"), ("top10", "Top 10"), ("hidden", "Hidden"))
}
"""The choices of the form, named after what students see."""


class ModeForm(FlaskForm):
    mode = RadioField(
        "What students see",
        choices=[SelectChoice(value, label) for value, label in MODES.items()],
        validators=[InputRequired()],
    )


class PickerForm(Form):
    """The board chooser: a GET form, so it has no CSRF token."""

    board = SelectField("Board")


def _same_board(class_id: int) -> str:
    """The board page a teacher's form was sent from: same board, same period."""
    quiz_id, period = _asked_board() or (None, DEFAULT_PERIOD)
    board = OVERALL if quiz_id is None else str(quiz_id)
    return url_for("board.show", class_id=class_id, board=board, period=period)


def _board_args() -> tuple[int | None, str]:
    """The quiz id (None for overall) and the period asked for; an unknown one is a 404."""
    return _asked_board() or abort(404)


def _asked_board() -> tuple[int | None, str] | None:
    board = request.args.get("board", OVERALL)
    period = request.args.get("period", DEFAULT_PERIOD)
    if period not in PERIODS or not (board == OVERALL or board.isdecimal() and len(board) < 19):
        return None
    return (None if board == OVERALL else int(board)), period


def _standings(session: Session, classroom: Classroom, quiz_id: int | None, period: str) -> Board:
    return leaderboards.standings(
        session,
        classroom,
        quiz_id,
        period,
        utcnow(),
        cache_seconds=current_app.config.get(
            "LEADERBOARD_CACHE_SECONDS", leaderboards.CACHE_SECONDS
        ),
    )


def _board_context(
    session: Session, classroom: Classroom, quizzes: list[QuizChoice] | None = None
) -> dict[str, Any]:
    """`quizzes`: the class's quizzes with a board, if the caller has them already."""
    quiz_id, period = _board_args()
    quiz = None
    if quiz_id is not None:
        quizzes = leaderboards.quizzes_of(session, classroom.id) if quizzes is None else quizzes
        quiz = leaderboards.board_quiz(quizzes, quiz_id)
    settle_overdue_attempts(class_id=classroom.id)
    board = _standings(session, classroom, quiz_id, period)
    since = None
    if board.since is not None:
        start = board.since.astimezone(board.zone)
        since = f"Since Monday {start:%d %B %Y}, 00:00 ({board.zone})."
        if board.is_overall:
            since += " A review streak counts only its days since then."
    return {
        "classroom": classroom,
        "board": board,
        "board_arg": OVERALL if quiz is None else str(quiz.id),
        "board_title": "Overall points" if quiz is None else quiz.title,
        "period": period,
        "periods": PERIODS,
        "since": since,
        "finished": _finish_text(board),
        "mode": classroom.leaderboard_mode,
        "top_ranks": TOP_RANKS,
    }


def _finish_text(board: Board) -> Callable[[Standing], str]:
    def finished(row: Standing) -> str:
        if row.finished_at == NO_FINISH:
            return "—"
        return format_moment(row.finished_at, board.zone)

    return finished


@bp.route("/<int:class_id>")
@login_required
def show(class_id: int):
    session = db.session()
    classroom, viewer_id = leaderboards.class_for_viewer(session, class_id, current_user)
    quizzes = leaderboards.quizzes_of(session, classroom.id)
    context = _board_context(session, classroom, quizzes)
    board: Board = context["board"]
    is_teacher = viewer_id is None
    rows = board.visible_to(viewer_id, classroom.leaderboard_mode)
    own = None if is_teacher else board.own(current_user.id)
    gap_before = None
    if own is not None and own.rank > TOP_RANKS and classroom.leaderboard_mode == "top10":
        gap_before = own.learner_id

    picker = PickerForm(data={"board": context["board_arg"]})
    picker.board.choices = [SelectChoice(OVERALL, "Overall points")] + [
        SelectChoice(str(quiz.id), quiz.title, optgroup=quiz.bank_title) for quiz in quizzes
    ]
    screen_url = None
    if is_teacher and classroom.screen_token:
        screen_url = url_for(
            "board.screen",
            token=classroom.screen_token,
            board=context["board_arg"],
            period=context["period"],
            _external=True,
        )
    return render_template(
        "board/show.html",
        **context,
        rows=rows,
        total=len(board.rows),
        own=own,
        own_id=None if is_teacher else current_user.id,
        gap_before=gap_before,
        is_teacher=is_teacher,
        picker=picker,
        formula=OVERALL_FORMULA,
        board_scope=BOARD_SCOPE,
        tie_break_rule=TIE_BREAK_RULE,
        mode_form=ModeForm(mode=classroom.leaderboard_mode) if is_teacher else None,
        modes=MODES,
        students_see=STUDENTS_SEE,
        screen_url=screen_url,
        action_form=ActionForm() if is_teacher else None,
    )


@bp.route("/<int:class_id>/mode", methods=["POST"])
@login_required
def mode(class_id: int):
    session = db.session()
    classroom = classes.class_for_teacher(session, class_id, current_user, to_change=True)
    form = ModeForm()
    if form.validate_on_submit():
        leaderboards.set_mode(classroom, form.mode.data)
        session.commit()
        flash(f"Saved. {MODES[form.mode.data]}.", "success")
    else:
        flash("Choose what students may see of the leaderboard.", "error")
    return redirect(_same_board(class_id))


@bp.route("/<int:class_id>/screen-link", methods=["POST"])
@login_required
def screen_link(class_id: int):
    session = db.session()
    classroom = classes.class_for_teacher(session, class_id, current_user, to_change=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    replaced = classroom.screen_token is not None
    if replaced:
        page = confirmation(
            "Make a new big-screen link?",
            "The current big-screen link will stop working: a projector showing it must open"
            " the new one.",
            "Make a new link",
            _same_board(class_id),
        )
        if page is not None:
            return page
    leaderboards.new_screen_token(session, classroom)
    session.commit()
    if replaced:
        flash("A new big-screen link is ready; the old one no longer works.", "success")
    else:
        flash("The big-screen link is ready: open it on the classroom projector.", "success")
    return redirect(_same_board(class_id))


@bp.route("/<int:class_id>/screen-link/off", methods=["POST"])
@login_required
def screen_link_off(class_id: int):
    """Turn the public big-screen address off; a new link can be made at any time."""
    session = db.session()
    classroom = classes.class_for_teacher(session, class_id, current_user, to_change=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    page = confirmation(
        "Turn the big-screen link off?",
        "Its address will no longer show the board, and a projector showing it goes blank. A"
        " new link can be made at any time, at a new address.",
        "Turn the link off",
        _same_board(class_id),
    )
    if page is not None:
        return page
    leaderboards.turn_screen_off(session, classroom)
    session.commit()
    flash("The big-screen link is off: its address no longer shows the board.", "success")
    return redirect(_same_board(class_id))


def _screen_context(token: str) -> dict[str, Any]:
    session = db.session()
    classroom = leaderboards.class_for_screen(session, token)
    context = _board_context(session, classroom)
    board: Board = context["board"]
    args = {"board": context["board_arg"], "period": context["period"]}
    return {
        **context,
        "rows": board.on_screen(classroom.leaderboard_mode),
        "updated": f"{utcnow().astimezone(board.zone):%H:%M:%S}",
        "screen_url": url_for("board.screen", token=token, **args),
        "fragment_url": url_for("board.screen_fragment", token=token, **args),
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }


def _private(body: str):
    response = make_response(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/screen/<token>")
def screen(token: str):
    """The projector view: no login, large type, refreshed by static/js/board.js."""
    return _private(render_template("board/screen.html", **_screen_context(token)))


@bp.route("/screen/<token>/table")
def screen_fragment(token: str):
    """The big screen's board alone, as HTML, for board.js to swap in."""
    return _private(render_template("board/_screen_board.html", **_screen_context(token)))
