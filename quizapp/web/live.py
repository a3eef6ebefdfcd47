"""Live games: the host's screen for the projector, and each player's page on their device.

Both pages poll `state` and reload when the game moves on; without JavaScript they refresh
themselves, except a question not yet answered (the refresh would lose what is typed).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from quizapp import db
from quizapp.core import grading
from quizapp.core.live import (
    DEFAULT_SECONDS,
    POINTS_RULE,
    SECONDS_CHOICES,
    TIE_BREAK_RULE,
    Phase,
    shown_places,
)
from quizapp.models import LiveGame, utcnow
from quizapp.services import classes
from quizapp.services import live as service
from quizapp.services.errors import Conflict, Forbidden, UserError
from quizapp.web.answers import answer_from_form, typed_values
from quizapp.web.forms import STORABLE, ActionForm
from quizapp.web.teach import confirmation, teacher_required

bp = Blueprint("live", __name__, url_prefix="/live")

REFRESH_SECONDS = 2
"""How often the pages ask whether the game has moved on."""


class StartForm(FlaskForm):
    quiz = SelectField("Quiz to play", coerce=int, validators=[InputRequired()])
    running = HiddenField()
    """The id of the game running when the page was made, which the new one ends."""
    seconds = SelectField(
        "Time for each question",
        coerce=int,
        choices=[SelectChoice(s, f"{s} seconds") for s in SECONDS_CHOICES],
        default=DEFAULT_SECONDS,
    )


def start_form(
    quizzes: list[Any], formdata: Any = None, running: LiveGame | None = None
) -> StartForm:
    # Prefixed: the class page's assign form has a quiz field too.
    form = StartForm(formdata=formdata, prefix="live")
    if formdata is None:
        form.running.data = str(running.id) if running is not None else ""
    form.quiz.choices = [
        SelectChoice(
            quiz.record.id,
            f"{quiz.record.title} ({quiz.questions} question{'s' if quiz.questions != 1 else ''})",
            optgroup=quiz.bank_title,
        )
        for quiz in quizzes
    ]
    return form


class StepForm(ActionForm):
    """A host's button: `step` is the game's step when the page was made."""

    step = IntegerField(validators=[InputRequired(), STORABLE])


class AdvanceForm(StepForm):
    """The host's one button; `phase` is the phase the page showed."""

    phase = SelectField(choices=[kind.value for kind in Phase], validators=[InputRequired()])


class AnswerForm(ActionForm):
    """`number` is the question's, from 1: an answer to a question since closed is refused."""

    number = IntegerField(validators=[InputRequired(), STORABLE])


@bp.route("/classes/<int:class_id>", methods=["POST"])
@teacher_required
def start(class_id: int):
    session = db.session()
    classroom = classes.class_for_teacher(session, class_id, current_user, to_change=True)
    form = start_form(service.playable_quizzes(session, classroom), request.form)
    if not form.validate_on_submit():
        flash("Choose a quiz of the list and a time for each question.", "error")
        return redirect(url_for("classes.show", class_id=class_id, _anchor="live-heading"))
    running = form.running.data or ""
    try:
        game, ended = service.start_game(
            session,
            classroom,
            form.quiz.data,
            form.seconds.data,
            utcnow(),
            replacing=int(running) if running.isdecimal() else None,
        )
        session.commit()
    except UserError as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(url_for("classes.show", class_id=class_id, _anchor="live-heading"))
    if ended is not None:
        flash(
            f"The game of “{ended.quiz.title}” that was running was ended; its results are kept.",
            "info",
        )
    return redirect(url_for("live.host", game_id=game.id))


@bp.route("/<int:game_id>/host")
@teacher_required
def host(game_id: int):
    session = db.session()
    game = service.game_for_host(session, game_id, current_user)
    now = utcnow()
    state = service.state(session, game, now)
    context: dict[str, Any] = {}
    if state.phase is Phase.LOBBY:
        context["names"] = service.player_names(session, game)
    elif state.phase is Phase.QUESTION:
        context["question"], context["options"] = service.current_question(session, game)
    else:
        if game.question_index >= 0 and state.phase is Phase.ANSWER:
            context["question"], context["options"] = service.current_question(session, game)
            context["reveal"] = service.reveal(session, game)
        places = service.standings(session, game)
        context["places"] = places
        context["shown_places"] = shown_places(places, game.classroom.leaderboard_mode)
    return render_template(
        "live/host.html",
        game=game,
        state=state,
        refresh_seconds=REFRESH_SECONDS,
        points_rule=POINTS_RULE,
        tie_break_rule=TIE_BREAK_RULE,
        **context,
    )


def _host_step(game_id: int, form: StepForm) -> tuple[LiveGame, bool]:
    """The host's game, and whether its form was sent whole (if not, the host's screen is
    shown again)."""
    game = service.game_for_host(db.session(), game_id, current_user)
    return game, form.validate_on_submit()


def _moved(game: LiveGame, move: Any) -> Any:
    """Make the host's move, and show the host's screen; a move the game had already made
    (a second click) is said, not done twice."""
    session = db.session()
    try:
        move()
        session.commit()
    except Conflict as error:
        session.rollback()
        flash(error.message, "info")
    return redirect(url_for("live.host", game_id=game.id))


@bp.route("/<int:game_id>/next", methods=["POST"])
@teacher_required
def advance(game_id: int):
    form = AdvanceForm()
    game, sent = _host_step(game_id, form)
    if not sent:
        return redirect(url_for("live.host", game_id=game.id))
    seen = Phase(form.phase.data)
    return _moved(game, lambda: service.advance(db.session(), game, form.step.data, seen, utcnow()))


@bp.route("/<int:game_id>/end", methods=["POST"])
@teacher_required
def end(game_id: int):
    form = StepForm()
    game, sent = _host_step(game_id, form)
    host_url = url_for("live.host", game_id=game.id)
    if not sent:
        return redirect(host_url)
    step = form.step.data
    asked = confirmation(
        "End the game?",
        "The game ends now and cannot go on. The answers given so far and the standings are kept.",
        "End the game",
        host_url,
        fields={"step": str(step)},
    )
    if asked is not None:
        return asked
    return _moved(game, lambda: service.end_game(db.session(), game, step, utcnow()))


def _viewed_game(game_id: int) -> tuple[LiveGame, bool]:
    """The game, and whether the viewer hosts it (its class's teacher) or plays in it."""
    session = db.session()
    try:
        return service.game_for_host(session, game_id, current_user), True
    except Forbidden:
        return service.game_for_player(session, game_id, current_user), False


@bp.route("/<int:game_id>/state")
@login_required
def state(game_id: int):
    game, _hosting = _viewed_game(game_id)
    now = utcnow()
    current = service.state(db.session(), game, now)
    return jsonify(
        key=current.key,
        players=current.players,
        answers=current.answers,
        remaining=current.remaining_seconds,
    )


@bp.route("/<int:game_id>")
@login_required
def play(game_id: int):
    game, hosting = _viewed_game(game_id)
    if hosting:
        return redirect(url_for("live.host", game_id=game.id))
    return _play_page(game)


def _play_page(game: LiveGame, *, error: str | None = None, typed: Any = None) -> Any:
    session = db.session()
    now = utcnow()
    state = service.state(session, game, now)
    player = service.player_of(session, game, current_user)
    context: dict[str, Any] = {}
    if player is not None and game.question_index >= 0:
        context["turn"] = service.turn_of(session, game, player)
        if request.method == "GET" and service.mark_seen(session, game, player, now):
            session.commit()
        if state.phase in (Phase.QUESTION, Phase.ANSWER):
            context["question"], context["options"] = service.current_question(session, game)
    if state.phase is Phase.LOBBY or (player is None and state.phase is not Phase.FINISHED):
        context["screen_name"] = service.numbered_name(session, game, current_user)
    if player is not None and state.phase in (Phase.ANSWER, Phase.FINISHED):
        places = service.standings(session, game)
        mine = next(place for place in places if place.score.player_id == player.id)
        context["mine"] = mine
        context["of_players"] = len(places)
        context["places"] = shown_places(places, game.classroom.leaderboard_mode, player.id)
        if state.phase is Phase.ANSWER:
            context["right_answer"] = grading.describe_answer(context["question"])
    return (
        render_template(
            "live/play.html",
            game=game,
            state=state,
            player=player,
            form=AnswerForm(formdata=None, data={"number": state.number}),
            error=error,
            values=typed or {},
            refresh_seconds=REFRESH_SECONDS,
            points_rule=POINTS_RULE,
            answering=player is not None
            and state.phase is Phase.QUESTION
            and context.get("turn") is None,
            **context,
        ),
        422 if error else 200,
    )


@bp.route("/<int:game_id>/join", methods=["POST"])
@login_required
def join(game_id: int):
    session = db.session()
    game = service.game_for_player(session, game_id, current_user)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("live.play", game_id=game.id))
    try:
        service.join(session, game, current_user._get_current_object(), utcnow())
        session.commit()
    except Conflict:
        session.rollback()  # it has ended, which its page says
    return redirect(url_for("live.play", game_id=game.id))


@bp.route("/<int:game_id>/answer", methods=["POST"])
@login_required
def answer(game_id: int):
    session = db.session()
    game = service.game_for_player(session, game_id, current_user)
    form = AnswerForm()
    play_url = url_for("live.play", game_id=game.id)
    if not form.validate_on_submit():
        flash("The answer could not be read: answer again.", "error")
        return redirect(play_url)
    number = form.number.data
    now = utcnow()
    if number != game.question_index + 1 or game.question_index < 0:
        flash(service.TIME_UP, "error")
        return redirect(play_url)
    question, _options = service.current_question(session, game)
    try:
        raw = answer_from_form(question, request.form)
        if raw is None:
            raise UserError("Give an answer before sending it.")
        service.answer(session, game, current_user._get_current_object(), number, raw, now)
        session.commit()
    except Conflict as error:
        session.rollback()
        flash(error.message, "error")
        return redirect(play_url)
    except UserError as error:
        session.rollback()
        return _play_page(game, error=error.message, typed=typed_values(question, request.form))
    return redirect(play_url)
