"""Home page and the learner's progress."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from quizapp import db
from quizapp.models import utcnow
from quizapp.services import assignments, cards, catalog, classes, live, progress
from quizapp.services import attempts as attempt_service
from quizapp.web import settle_overdue_attempts
from quizapp.web.quiz import taker

bp = Blueprint("main", __name__)


@bp.route("/")
def home():
    session = db.session()
    user = current_user if current_user.is_authenticated else None
    my_classes = []
    my_assignments = []
    live_games = []
    decks: set[int] = set()
    if user is not None:
        decks = {deck.id for deck in cards.all_decks(session, user)}
        my_classes = (
            classes.teaching(session, user) if user.is_teacher else classes.enrolled(session, user)
        )
        if not user.is_teacher:
            settle_overdue_attempts(user_id=user.id)
            my_assignments = assignments.for_student(session, user, utcnow())
            live_games = live.open_games_for(session, user, utcnow())
    return render_template(
        "main/home.html",
        banks=catalog.catalog(session, user),
        in_progress=attempt_service.quizzes_in_progress(session, taker(), utcnow()),
        my_classes=my_classes,
        assignments=my_assignments,
        decks=decks,
        live_games=live_games,
    )


@bp.route("/progress")
@login_required
def my_progress():
    session = db.session()
    settle_overdue_attempts(user_id=current_user.id)
    attempts = progress.attempts_of(session, current_user)
    learner = current_user._get_current_object()
    withheld = attempt_service.withheld_quizzes(session, learner, attempts)
    mastery, missed = progress.mastery_and_misses(session, learner, withheld)
    return render_template(
        "main/progress.html",
        attempts=attempts,
        best=progress.best_by_quiz(attempts),
        mastery=mastery,
        live_games=live.games_played(session, learner, utcnow()),
        missed=missed,
        flashcards=cards.learner_stats(session, current_user, utcnow()),
    )
