"""Taking a quiz: one question per page, every answer saved on the server as it is given."""

from __future__ import annotations

import secrets
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_url

from quizapp import db
from quizapp.core import grading
from quizapp.models import Attempt, QuizRecord, User, utcnow
from quizapp.services import assignments
from quizapp.services import attempts as service
from quizapp.services.catalog import quiz_question_count
from quizapp.services.content import options_in_order, question_of, quiz_of
from quizapp.services.errors import Forbidden, InvalidAnswer, UserError
from quizapp.web import login_manager
from quizapp.web.answers import answer_from_form, form_values, typed_values
from quizapp.web.forms import ActionForm

bp = Blueprint("quiz", __name__)


def taker(create_guest: bool = False) -> service.Taker:
    if current_user.is_authenticated:
        return service.Taker(user=current_user._get_current_object())
    token = session.get("guest_token")
    if token is None and create_guest:
        token = session["guest_token"] = secrets.token_urlsafe(24)
    return service.Taker(user=None, guest_token=token)


@bp.route("/quiz/<int:quiz_id>")
def intro(quiz_id: int):
    db_session = db.session()
    who = taker()
    quiz = service.get_quiz(db_session, quiz_id, who)
    open_attempt = service.open_attempt(db_session, quiz, who)
    if open_attempt is not None and service.expire_if_due(db_session, open_attempt, utcnow()):
        db_session.commit()  # its time ran out unattended: counted before the page says more
        open_attempt = None
    settings = quiz_of(quiz)
    versions = service.current_versions(db_session, quiz.bank_id)
    count = quiz_question_count(settings, [question_of(v) for v in versions])
    used = service.attempts_used(db_session, quiz, who)
    return render_template(
        "quiz/intro.html",
        quiz=quiz,
        settings=settings,
        question_count=count,
        attempts_used=used.count,
        practice=used.practice(utcnow()),
        opens_at=used.since,
        open_attempt=open_attempt,
        score=service.quiz_score(db_session, quiz, who.user) if who.user else None,
        last=service.last_submitted(db_session, quiz, who.user) if who.user else None,
        assigned=_assignments_of(quiz, who.user),
        form=ActionForm(),
    )


def _assignments_of(quiz: QuizRecord, user: User | None) -> list[assignments.StudentAssignment]:
    """The student's current assignments of the quiz, which its page names."""
    if user is None or user.is_teacher:
        return []
    mine = assignments.for_student(db.session(), user, utcnow())
    return [item for item in mine if item.quiz.id == quiz.id]


@bp.route("/quiz/<int:quiz_id>/start", methods=["POST"])
def start(quiz_id: int):
    db_session = db.session()
    who = taker(create_guest=True)
    quiz = service.get_quiz(db_session, quiz_id, who)
    attempt = service.start_attempt(db_session, quiz, who, utcnow())
    db_session.commit()
    if attempt.is_submitted:
        flash(TIME_RAN_OUT, "info")
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    return redirect(question_url(attempt, attempt.current_index + 1))


TIME_RAN_OUT = (
    "Your time was up before you came back, so your attempt was submitted with the answers"
    " you had saved."
)


def question_url(attempt: Attempt, number: int) -> str:
    return url_for("quiz.question", attempt_id=attempt.id, number=number)


SESSION_ENDED = (
    "Your session has ended, so what you just sent was not saved: log in to go on. The"
    " answers saved before are kept."
)


def load_attempt(attempt_id: int) -> Attempt:
    db_session = db.session()
    try:
        return service.get_attempt(db_session, attempt_id, taker())
    except Forbidden:
        attempt = db_session.get(Attempt, attempt_id)
        if not current_user.is_authenticated and attempt.user_id:
            # Most likely the learner's own attempt, after their session ended (they logged
            # out on another device): ask them to log in, and bring them back to it.
            if request.endpoint == "quiz.autosave":
                abort(make_response(jsonify(saved=False, message=SESSION_ENDED), 401))
            if request.method == "POST":
                # Back to a page of the attempt, not to the address posted to (a submit's
                # is for POST only).
                flash(SESSION_ENDED, "error")
                back = (
                    request.url
                    if request.endpoint == "quiz.question"
                    else url_for("quiz.finish", attempt_id=attempt.id, _external=True)
                )
                abort(redirect(login_url(login_manager.login_view, back)))
            abort(login_manager.unauthorized())
        if (
            request.method == "GET"
            and current_user.is_authenticated
            and attempt.user_id is None
            and not service.still_adoptable(attempt, utcnow())
        ):
            # Most likely their guest work, too old to be kept when they logged in just now
            # (recent guest work was kept, so a recent attempt is another guest's).
            flash(
                "That attempt was made as a guest and could not be kept on your account: only"
                " the last hour's guest work is, at quizzes that do not limit attempts. Here is"
                " its quiz.",
                "info",
            )
            abort(redirect(url_for("quiz.intro", quiz_id=attempt.quiz_id)))
        raise


@bp.route("/attempt/<int:attempt_id>/<int:number>", methods=["GET", "POST"])
def question(attempt_id: int, number: int):
    db_session = db.session()
    attempt = load_attempt(attempt_id)
    now = utcnow()
    if service.expire_if_due(db_session, attempt, now):
        db_session.commit()
    if attempt.is_submitted:
        return _to_result(attempt)
    version = service.version_at(db_session, attempt, number - 1)
    question = question_of(version)
    settings = quiz_of(attempt.quiz)
    immediate = settings.feedback == "immediate"
    responses = service.responses_of(db_session, attempt)
    response = responses.get(version.id)
    error = None
    typed: dict[str, Any] | None = None

    if request.method == "POST":
        form = ActionForm()
        if not form.validate_on_submit():
            abort(400)
        action = request.form.get("action", "save")
        if action not in ("save", "next", "prev", "finish", "check"):
            abort(400)
        try:
            raw = None if immediate and response else answer_from_form(question, request.form)
            if action == "check" and raw is None and response is None:
                raise InvalidAnswer("Give an answer before checking it.")
            if raw is not None:
                response = service.save_answer(db_session, attempt, version.id, raw, now)
            elif not immediate and response is not None and _takes_back(request.form):
                service.clear_answer(db_session, attempt, version.id, now)  # taken back
            attempt.current_index = number - 1
            db_session.commit()
        except UserError as exc:
            db_session.rollback()
            if exc.status == 409 and attempt.is_submitted:
                return _to_result(attempt)
            if exc.status == 409 and immediate:
                # "Check answer" sent twice at once: the other request saved the answer,
                # and its feedback is on the question's page.
                return redirect(question_url(attempt, number))
            if exc.status != 422:
                raise
            error = exc.message
            typed = typed_values(question, request.form)
        else:
            if immediate and raw is not None:
                # A new answer under immediate feedback: show its feedback before moving on.
                return redirect(question_url(attempt, number))
            target = {"next": number + 1, "prev": number - 1}.get(action, number)
            if action == "finish" or target > len(attempt.question_order):
                return redirect(url_for("quiz.finish", attempt_id=attempt.id))
            return redirect(question_url(attempt, max(1, target)))
    else:
        if attempt.current_index != number - 1:
            attempt.current_index = number - 1
            db_session.commit()

    order = attempt.option_orders.get(str(version.id), [])
    values = (
        typed
        if typed is not None
        else form_values(question, response.answer if response else None, order)
    )
    feedback = None
    if immediate and response is not None:
        feedback = {
            "grade": grading.grade(question, response.answer),
            "expected": grading.describe_answer(question),
            "given": grading.describe_response(question, response.answer),
            "withheld": service.answers_withheld(db_session, attempt, taker()),
        }
    status = 422 if error else 200
    return (
        render_template(
            "quiz/question.html",
            attempt=attempt,
            settings=settings,
            number=number,
            total=len(attempt.question_order),
            answered=len(service.responses_of(db_session, attempt)),
            question=question,
            options=options_in_order(question, order),
            values=values,
            error=error,
            feedback=feedback,
            had_answer=response is not None,
            remaining=_remaining_seconds(attempt, now),
            form=ActionForm(),
        ),
        status,
    )


def _takes_back(form: Any) -> bool:
    """Whether an empty answer sent with Next, Previous or Finish takes the saved one back:
    only when its page showed it, or it was changed there. A page opened in another tab
    before the answer was given sends an empty one that means nothing."""
    return form.get("answer_state", "shown") in ("shown", "changed")


def _to_result(attempt: Attempt) -> Any:
    """The result of an attempt that has ended; a form sent to it was not saved, and says so."""
    if request.method == "POST":
        flash(
            "This attempt had already ended (its time was up, or it was submitted in another"
            " tab or on another device), so the answer you sent was not saved.",
            "error",
        )
    return redirect(url_for("quiz.result", attempt_id=attempt.id))


@bp.route("/attempt/<int:attempt_id>/<int:number>/autosave", methods=["POST"])
def autosave(attempt_id: int, number: int):
    """Saves the answer as it is typed or clicked, so nothing is lost between pages."""
    db_session = db.session()
    attempt = load_attempt(attempt_id)
    version = service.version_at(db_session, attempt, number - 1)
    question = question_of(version)
    if quiz_of(attempt.quiz).feedback == "immediate":
        return jsonify(saved=False, message="Use “Check answer” to save this one."), 409
    now = utcnow()
    if service.expire_if_due(db_session, attempt, now):
        db_session.commit()
    try:
        raw = answer_from_form(question, request.form)
        if raw is None:
            if not service.clear_answer(db_session, attempt, version.id, now):
                return jsonify(saved=False, message="Nothing to save yet."), 200
            db_session.commit()
            return jsonify(saved=True, message="Answer cleared")
        service.save_answer(db_session, attempt, version.id, raw, now)
        db_session.commit()
    except UserError as exc:
        db_session.rollback()
        return jsonify(saved=False, message=exc.message), exc.status
    return jsonify(saved=True, message="Saved")


@bp.route("/attempt/<int:attempt_id>/finish")
def finish(attempt_id: int):
    db_session = db.session()
    attempt = load_attempt(attempt_id)
    if service.expire_if_due(db_session, attempt, utcnow()):
        db_session.commit()
    if attempt.is_submitted:
        return redirect(url_for("quiz.result", attempt_id=attempt.id))
    responses = service.responses_of(db_session, attempt)
    versions = service.versions_of(db_session, attempt)
    rows = [
        (number, question_of(version), version.id in responses)
        for number, version in enumerate(versions, start=1)
    ]
    return render_template(
        "quiz/finish.html",
        attempt=attempt,
        rows=rows,
        unanswered=sum(1 for row in rows if not row[2]),
        remaining=_remaining_seconds(attempt, utcnow()),
        form=ActionForm(),
    )


@bp.route("/attempt/<int:attempt_id>/submit", methods=["POST"])
def submit(attempt_id: int):
    db_session = db.session()
    attempt = load_attempt(attempt_id)
    now = utcnow()
    if not service.expire_if_due(db_session, attempt, now):
        service.submit_attempt(db_session, attempt, now)
    db_session.commit()
    return redirect(url_for("quiz.result", attempt_id=attempt.id))


@bp.route("/attempt/<int:attempt_id>/result")
def result(attempt_id: int):
    db_session = db.session()
    attempt = load_attempt(attempt_id)
    if service.expire_if_due(db_session, attempt, utcnow()):
        db_session.commit()
    if not attempt.is_submitted:
        return redirect(question_url(attempt, attempt.current_index + 1))
    settings = quiz_of(attempt.quiz)
    return render_template(
        "quiz/result.html",
        attempt=attempt,
        settings=settings,
        answers_withheld=service.answers_withheld(db_session, attempt, taker()),
        items=service.review(db_session, attempt),
        is_guest=attempt.user_id is None,
        keepable=service.still_adoptable(attempt, utcnow()),
    )


def _remaining_seconds(attempt: Attempt, now) -> int | None:
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - now).total_seconds()))
