"""Teacher tools: banks in the browser, previews, the gradebook and item analysis.

Every route here is for teachers only, and every class or bank it names is checked on
the server to be the teacher's (the services raise Forbidden or NotFound).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from markupsafe import Markup
from werkzeug.utils import secure_filename
from wtforms import HiddenField, TextAreaField
from wtforms.validators import Length

from quizapp import db
from quizapp.core import assignments as assignment_rules
from quizapp.core.bank.files import Unreadable, decode_utf8
from quizapp.core.bank.schema import Bank
from quizapp.core.scheduling import zone_named
from quizapp.core.statistics import MIN_ATTEMPTS_TO_FLAG
from quizapp.models import utcnow
from quizapp.paths import questions_dir
from quizapp.services import attempts as attempt_service
from quizapp.services import bank_uploads, catalog, gradebook, item_analysis
from quizapp.services.classes import class_for_teacher
from quizapp.services.content import quiz_of
from quizapp.services.errors import Forbidden
from quizapp.services.names import shown_names
from quizapp.web import format_moment, settle_overdue_attempts
from quizapp.web.forms import ActionForm

bp = Blueprint("teach", __name__, url_prefix="/teach")

UPLOAD_LIMIT = 1024 * 1024
"""The largest bank or article file accepted in the browser (1 MiB each)."""
PASTED_NAME = "pasted.yaml"
MAX_FILE_NAME = 200
SHOWN_PROBLEMS = 100
"""Problems listed on the upload page at once: a file of thousands of broken lines still
gives a page a browser can show."""


def teacher_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed-in teachers only: anonymous visitors are sent to log in, students get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_teacher:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def user_zone() -> dt.tzinfo:
    """The signed-in user's time zone (UTC for visitors, or for a zone that is unknown)."""
    return zone_named(current_user.timezone if current_user.is_authenticated else None)


@bp.app_template_filter("local_time")
def local_time(value: dt.datetime | None) -> str:
    """A moment in the viewer's time zone, as "Sat 14 Jun 2025, 09:00 CEST"."""
    if value is None:
        return "—"
    return format_moment(value, user_zone())


def confirmation(
    title: str,
    message: str,
    button: str,
    cancel_url: str,
    *,
    fields: dict[str, str] | None = None,
) -> tuple[str, int] | None:
    """None when the teacher confirmed a destructive action; else the page that asks.

    Pages that offer the action confirm it in the browser (teach.js adds `confirmed`);
    without JavaScript, the action's first post shows this page instead. `fields` are
    hidden fields the confirmed post sends again.
    """
    if request.form.get("confirmed") == "yes":
        return None
    return confirm_page(title, message, button, cancel_url, fields=fields)


def confirm_page(
    title: str,
    message: str,
    button: str,
    cancel_url: str,
    *,
    fields: dict[str, str] | None = None,
    status: int = 200,
) -> tuple[str, int]:
    """The page that asks the teacher to confirm the action posted to this address."""
    return (
        render_template(
            "teach/confirm.html",
            title=title,
            message=message,
            button=button,
            action=request.path,
            cancel_url=cancel_url,
            fields=fields or {},
            form=ActionForm(),
        ),
        status,
    )


def require_action_form() -> None:
    if not ActionForm().validate_on_submit():
        abort(400)


# Banks


class UploadForm(FlaskForm):
    bank_file = FileField(
        "Bank file (.yaml)",
        validators=[
            FileAllowed(["yaml", "yml"], "Upload a .yaml or .yml file."),
            FileSize(UPLOAD_LIMIT, message="A bank file may be at most 1 MiB."),
        ],
        description="A new bank, or a new version of one of yours (the same id).",
    )
    text = TextAreaField(
        "Or paste or edit the bank's YAML here",
        validators=[Length(max=UPLOAD_LIMIT)],
        description="Used when no file is chosen. After a failed upload the file is here: "
        "fix it and upload again.",
    )
    article_file = FileField(
        "Article (plain text; needed for a new bank)",
        validators=[
            FileAllowed(["txt", "md"], "Upload the article as a .txt file."),
            FileSize(UPLOAD_LIMIT, message="An article may be at most 1 MiB."),
        ],
        description="The text that source.text names, so each question's source sentence "
        "is checked against it. Not needed for a new version of your bank, or for an article "
        "in the school's questions folder.",
    )
    article_text = TextAreaField("Or paste the article", validators=[Length(max=UPLOAD_LIMIT)])
    filename = HiddenField()


def _questions_folder() -> Path:
    return questions_dir(current_app.config.get("QUESTIONS_DIR"))


def _bank_content(form: UploadForm) -> tuple[str | bytes | None, str]:
    """The bank as uploaded (bytes) or typed (text), and the name to show in problems."""
    upload = form.bank_file.data
    if upload:
        return upload.read(), _file_name(upload.filename, "upload.yaml")
    text = (form.text.data or "").replace("\r\n", "\n")
    if not text.strip():
        return None, ""
    return text, _file_name(form.filename.data, PASTED_NAME)


def _file_name(sent: str | None, default: str) -> str:
    """A safe name for the file, of at most MAX_FILE_NAME characters, its suffix kept."""
    name = secure_filename(sent or "") or default
    if len(name) <= MAX_FILE_NAME:
        return name
    suffix = Path(name).suffix[:10]
    return Path(name).stem[: MAX_FILE_NAME - len(suffix)] + suffix


def _article(form: UploadForm) -> str | None:
    """The article uploaded or pasted, or None; raises Unreadable for a file not UTF-8."""
    upload = form.article_file.data
    if upload:
        return decode_utf8(upload.read())
    text = (form.article_text.data or "").replace("\r\n", "\n")
    return text if text.strip() else None


@bp.route("/banks")
@teacher_required
def banks():
    session = db.session()
    records = bank_uploads.visible_banks(session, current_user)
    return render_template(
        "teach/banks.html",
        school=[bank for bank in records if bank.owner_id is None],
        own=[bank for bank in records if bank.owner_id is not None],
        entries={entry.record.id: entry for entry in catalog.catalog(session, current_user)},
    )


NO_FLASHCARDS = (
    "This bank has a test (a quiz that limits attempts), so its questions make no flashcards:"
    " they would show the test's answers. List cards of your own in it to give it a deck."
)


def _test_without_cards(bank: Bank) -> bool:
    return not bank.cards and any(quiz.attempts is not None for quiz in bank.quizzes)


WITHDRAWN = (
    "A quiz this version no longer has is withdrawn: it can no longer be taken, and its"
    " assignments say so; the results stay. To bring it back, upload the bank with the quiz"
    " again, under the same id."
)


UNARCHIVED_BY_UPLOAD = "The bank was archived: its new version brings it back to your students."


@bp.route("/banks/<int:bank_id>/archive", methods=["POST"])
@teacher_required
def archive_bank(bank_id: int):
    require_action_form()
    session = db.session()
    bank = bank_uploads.own_bank(session, bank_id, current_user)
    back = url_for("teach.banks", _anchor=f"bank-{bank.id}")
    page = confirmation(
        f"Archive “{bank.title}”?",
        "Your students will no longer see it: its quizzes are withdrawn (their assignments say"
        " so, and the results stay in the gradebook) and its flashcards are put away. Nothing"
        " is deleted: unarchive it, or upload a new version, to bring it back.",
        "Archive the bank",
        back,
    )
    if page is not None:
        return page
    bank_uploads.archive_bank(session, bank, utcnow())
    session.commit()
    flash(f"“{bank.title}” is archived: your students no longer see it.", "success")
    return redirect(back)


@bp.route("/banks/<int:bank_id>/unarchive", methods=["POST"])
@teacher_required
def unarchive_bank(bank_id: int):
    require_action_form()
    session = db.session()
    bank = bank_uploads.own_bank(session, bank_id, current_user)
    bank_uploads.unarchive_bank(session, bank)
    session.commit()
    flash(f"“{bank.title}” is back: your students see it again.", "success")
    return redirect(url_for("teach.banks", _anchor=f"bank-{bank.id}"))


@bp.route("/banks/upload", methods=["GET", "POST"])
@teacher_required
def upload():
    session = db.session()
    form = UploadForm()
    loaded = None
    refused = None
    status = 200
    if form.validate_on_submit():
        content, filename = _bank_content(form)
        article = None
        try:
            article = _article(form)
        except Unreadable as error:
            form.article_file.errors.append(f"The article could not be read: {error.message}")
        if content is None:
            form.text.errors.append("Choose a bank file, or paste the bank's YAML.")
        elif not form.article_file.errors:
            try:
                loaded = bank_uploads.validate_upload(
                    session, content, filename, current_user, _questions_folder(), article
                )
                if loaded.ok:
                    report = bank_uploads.import_upload(session, loaded, current_user)
                    session.commit()
                    flash(f"Bank {report.summary()}.", "success")
                    if report.withdrawn:
                        flash(WITHDRAWN, "warning")
                    if report.unarchived:
                        flash(UNARCHIVED_BY_UPLOAD, "info")
                    if _test_without_cards(loaded.bank):
                        flash(NO_FLASHCARDS, "info")
                    for warning in loaded.warnings:
                        flash(f"Line {warning.line}: {warning.message}.", "warning")
                    return redirect(url_for("teach.banks"))
            except bank_uploads.UploadRefused as error:
                session.rollback()
                refused, loaded = error.message, error.loaded
            except Forbidden as error:
                session.rollback()
                refused = error.message
        # Nothing typed or uploaded is lost: the page shows it again, ready to fix.
        if content is not None:
            form.text.data = loaded.text if loaded is not None else _typed(content)
            form.filename.data = filename
        if article is not None:
            form.article_text.data = article
        status = 403 if refused else 422
    elif request.method == "POST":
        status = 422
    problems = loaded.problems if loaded is not None and not loaded.ok else []
    shown = problems[:SHOWN_PROBLEMS]
    return (
        render_template(
            "teach/upload.html",
            form=form,
            problems=shown,
            problem_count=len(problems),
            parts=bank_uploads.listing(loaded.text, shown) if shown else [],
            refused=refused,
        ),
        status,
    )


def _typed(content: str | bytes) -> str:
    if isinstance(content, str):
        return content
    return content.decode("utf-8", errors="replace")


@bp.route("/banks/<int:bank_id>/download")
@teacher_required
def download(bank_id: int):
    bank = bank_uploads.bank_for_teacher(db.session(), bank_id, current_user)
    return Response(
        bank.yaml_text,
        mimetype="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="{bank.slug}.yaml"'},
    )


@bp.route("/quizzes/<int:quiz_id>/preview", methods=["POST"])
@teacher_required
def preview(quiz_id: int):
    """Take the quiz as a student would; the attempt is marked as a preview and never counts.
    Each preview starts afresh (`attempts.start_preview`)."""
    require_action_form()
    session = db.session()
    quiz = bank_uploads.quiz_for_teacher(session, quiz_id, current_user)
    teacher = current_user._get_current_object()
    attempt = attempt_service.start_preview(session, quiz, teacher, utcnow())
    session.commit()
    if not attempt.preview:
        flash("You have an attempt at this quiz in progress: finish it before a preview.", "info")
        return redirect(url_for("quiz.question", attempt_id=attempt.id, number=1))
    return redirect(
        url_for("quiz.question", attempt_id=attempt.id, number=attempt.current_index + 1)
    )


# Gradebook


@bp.route("/classes/<int:class_id>/gradebook")
@teacher_required
def gradebook_page(class_id: int):
    session = db.session()
    classroom = class_for_teacher(session, class_id, current_user)
    settle_overdue_attempts(class_id=classroom.id)
    return render_template(
        "teach/gradebook.html",
        classroom=classroom,
        book=gradebook.gradebook(session, classroom, utcnow()),
        rules=assignment_rules,
        names=shown_names(session, classroom.id),
    )


def _csv_name(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "class"
    return f"{slug}-gradebook.csv"


@bp.route("/classes/<int:class_id>/gradebook.csv")
@teacher_required
def gradebook_csv(class_id: int):
    session = db.session()
    classroom = class_for_teacher(session, class_id, current_user)
    settle_overdue_attempts(class_id=classroom.id)
    book = gradebook.gradebook(session, classroom, utcnow())
    return Response(
        gradebook.csv_text(book).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{_csv_name(classroom.name)}"',
        },
    )


@bp.route("/classes/<int:class_id>/students/<int:student_id>")
@teacher_required
def student(class_id: int, student_id: int):
    session = db.session()
    classroom = class_for_teacher(session, class_id, current_user)
    settle_overdue_attempts(class_id=classroom.id)
    return render_template(
        "teach/student.html",
        classroom=classroom,
        detail=gradebook.student_detail(session, classroom, student_id, utcnow()),
    )


@bp.route("/classes/<int:class_id>/attempts/<int:attempt_id>")
@teacher_required
def attempt_review(class_id: int, attempt_id: int):
    session = db.session()
    classroom = class_for_teacher(session, class_id, current_user)
    attempt = gradebook.attempt_of_student(session, classroom, attempt_id)
    return render_template(
        "teach/attempt.html",
        classroom=classroom,
        attempt=attempt,
        settings=quiz_of(attempt.quiz),
        items=attempt_service.review(session, attempt),
        is_guest=False,
        answer_label="Answer given",
    )


# Item analysis


@bp.route("/classes/<int:class_id>/quizzes/<int:quiz_id>/analysis")
@teacher_required
def analysis(class_id: int, quiz_id: int):
    session = db.session()
    classroom = class_for_teacher(session, class_id, current_user)
    settle_overdue_attempts(class_id=classroom.id)
    result = item_analysis.analyse(session, classroom, quiz_id)
    return render_template(
        "teach/analysis.html",
        classroom=classroom,
        analysis=result,
        # The chart functions escape every text they draw.
        histogram=Markup(result.histogram_svg),
        facility=Markup(result.facility_svg),
        min_attempts_to_flag=MIN_ATTEMPTS_TO_FLAG,
    )
