"""Classes: teachers create and run them, students join them."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_limiter import RequestLimit
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import DateTimeLocalField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from quizapp import db
from quizapp.models import Assignment, Classroom, Membership, utcnow
from quizapp.services import accounts, assignments, classes, live
from quizapp.services.errors import Conflict, UserError
from quizapp.services.names import shown_bank_titles
from quizapp.web import failed, limiter, wait_before_retry
from quizapp.web.forms import MAX_INTEGER, ActionForm, storable_integer, stripped
from quizapp.web.live import start_form as live_start_form
from quizapp.web.teach import (
    confirm_page,
    confirmation,
    require_action_form,
    teacher_required,
    user_zone,
)

bp = Blueprint("classes", __name__, url_prefix="/classes")

JOIN_LIMIT = "10 per minute; 30 per hour"
"""Wrong join codes allowed for one account: enough for typos, too few to guess codes."""

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_YEAR, LAST_YEAR = 2000, 2999


CLASS_NAME = [DataRequired(message="Give the class a name."), Length(max=80)]
"""A name of spaces is no name: the field strips it first (`stripped`)."""


class ClassForm(FlaskForm):
    name = StringField(
        "Class name",
        validators=CLASS_NAME,
        filters=[stripped],
        description="Up to 80 characters.",
    )


class RenameForm(FlaskForm):
    name = StringField(
        "New name", validators=CLASS_NAME, filters=[stripped], description="Up to 80 characters."
    )


DATE_NEEDED = f"Give a real date, between the years {FIRST_YEAR} and {LAST_YEAR}."


def plausible_year(_form: FlaskForm, field: DateTimeLocalField) -> None:
    """A typo such as 0202 is caught here, not stored (or overflowing in UTC); one such as
    20255 is no date to the field (`invalid_value_message`), with the same words."""
    if field.data is not None and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(DATE_NEEDED)


class AssignForm(FlaskForm):
    quiz = SelectField("Quiz", coerce=int, validators=[InputRequired()])
    opens_at = DateTimeLocalField(
        "Opens (optional)",
        format=DATETIME_LOCAL,
        tz=user_zone,
        validators=[Optional(), plausible_year],
        invalid_value_message=DATE_NEEDED,
        description="Attempts from this moment count; before it the quiz is practice.",
    )
    due_at = DateTimeLocalField(
        "Due (optional)",
        format=DATETIME_LOCAL,
        tz=user_zone,
        validators=[Optional(), plausible_year],
        invalid_value_message=DATE_NEEDED,
        description="Attempts after this moment are marked late.",
    )


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        validators=[InputRequired(), Length(min=4, max=20)],
        description="The six-character code your teacher gave you.",
    )


@bp.route("/")
@login_required
def index():
    session = db.session()
    if current_user.is_teacher:
        return _teachers_index(ClassForm())
    return render_template(
        "classes/index.html",
        classes=classes.enrolled(session, current_user),
        removed_from=classes.removed_from(session, current_user),
        archived=[],
        form=None,
        join_form=JoinForm(),
    )


def _teachers_index(form: ClassForm, status: int = 200):
    taught = classes.teaching(db.session(), current_user, include_archived=True)
    page = render_template(
        "classes/index.html",
        classes=[c for c in taught if c.archived_at is None],
        archived=[c for c in taught if c.archived_at is not None],
        form=form,
        join_form=None,
        action_form=ActionForm(),
        teacher_code=current_app.config["TEACHER_CODE"],
    )
    return page, status


@bp.route("/new", methods=["POST"])
@login_required
def create():
    if not current_user.is_teacher:
        abort(403)
    form = ClassForm()
    if not form.validate_on_submit():
        return _teachers_index(form, 422)  # the name field says what is wrong
    session = db.session()
    classroom, created = classes.create_class(session, current_user, form.name.data)
    session.commit()
    if created:
        flash(
            f"Class “{classroom.name}” created. Its join code is {classroom.join_code}.",
            "success",
        )
    else:
        flash(
            f"You already have a class named “{classroom.name}”: here it is. To make another,"
            " give it another name.",
            "info",
        )
    return redirect(url_for("classes.show", class_id=classroom.id))


def _too_many_join_codes(limit: RequestLimit) -> Response:
    """The form again, its code kept, saying how long to wait."""
    form = JoinForm()
    form.code.errors = [f"Too many wrong join codes. {wait_before_retry(limit)}"]
    return make_response(render_template("classes/join.html", form=form), 429)


@bp.route("/join", methods=["GET", "POST"])
@login_required
@limiter.limit(
    JOIN_LIMIT,
    methods=["POST"],
    key_func=lambda: f"join|{current_user.id}",
    deduct_when=failed,
    on_breach=_too_many_join_codes,
)
def join():
    if current_user.is_teacher:
        abort(403)
    form = JoinForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            classroom, joined = classes.join_class(session, current_user, form.code.data)
        except UserError as error:
            form.code.errors = [error.message]
        else:
            session.commit()
            if joined:
                flash(f"You joined “{classroom.name}”.", "success")
            else:
                flash(f"You are already in “{classroom.name}”.", "info")
            return redirect(url_for("classes.index"))
    return render_template("classes/join.html", form=form)


def _own_class(class_id: int, *, to_change: bool = True) -> Classroom:
    return classes.class_for_teacher(db.session(), class_id, current_user, to_change=to_change)


def _assign_form(form: AssignForm | None = None) -> AssignForm:
    form = form or AssignForm()
    session = db.session()
    quizzes = assignments.assignable_quizzes(session, current_user)
    banks = shown_bank_titles(session, (quiz.bank for quiz in quizzes))
    form.quiz.choices = [
        SelectChoice(str(quiz.id), quiz.title, optgroup=banks[quiz.bank_id]) for quiz in quizzes
    ]
    return form


def _render_show(
    classroom: Classroom,
    rename_form: RenameForm | None = None,
    assign_form: AssignForm | None = None,
    status: int = 200,
    changing: Assignment | None = None,
):
    session = db.session()
    if rename_form is None:
        rename_form = RenameForm(formdata=None, data={"name": classroom.name})
    roster = classes.roster_with_activity(session, classroom)
    running = live.running_game(session, classroom, utcnow())
    return (
        render_template(
            "classes/show.html",
            classroom=classroom,
            roster=roster,
            stamps={entry.student.id: accounts.password_stamp(entry.student) for entry in roster},
            assignments=assignments.class_assignments(session, classroom),
            rename_form=rename_form,
            assign_form=_assign_form(assign_form),
            changing=changing,
            zone=user_zone(),
            now=utcnow(),
            live_form=live_start_form(live.playable_quizzes(session, classroom), running=running),
            live_running=running,
            live_games=live.games_of(session, classroom),
        ),
        status,
    )


def _back(classroom: Classroom, anchor: str | None = None):
    return redirect(url_for("classes.show", class_id=classroom.id, _anchor=anchor))


@bp.route("/<int:class_id>")
@teacher_required
def show(class_id: int):
    """The class; `?change=<assignment id>` fills the assign form with that assignment's
    quiz and dates, to change them."""
    classroom = _own_class(class_id, to_change=False)
    change_id = request.args.get("change", type=storable_integer)
    if change_id is None:
        return _render_show(classroom)
    assignment = _changing(assignments.assignment_of(db.session(), classroom, change_id))
    if assignment is None:
        return _render_show(classroom)
    form = AssignForm(
        formdata=None,
        data={
            "quiz": assignment.quiz_id,
            "opens_at": assignment.opens_at,
            "due_at": assignment.due_at,
        },
    )
    return _render_show(classroom, assign_form=form, changing=assignment)


@bp.route("/<int:class_id>/rename", methods=["POST"])
@teacher_required
def rename(class_id: int):
    classroom = _own_class(class_id)
    form = RenameForm()
    if not form.validate_on_submit():
        return _render_show(classroom, rename_form=form, status=422)
    session = db.session()
    old = classroom.name
    classes.rename_class(session, classroom, form.name.data)
    session.commit()
    flash(f"Class “{old}” is now called “{classroom.name}”.", "success")
    return _back(classroom, "main")  # not the form's #settings-heading: the message is on top


@bp.route("/<int:class_id>/archive", methods=["POST"])
@teacher_required
def archive(class_id: int):
    require_action_form()
    classroom = _own_class(class_id, to_change=False)
    session = db.session()
    if live.running_game(session, classroom, utcnow()) is not None:
        page = confirmation(
            "Archive the class and end its live game?",
            f"A live game is running in “{classroom.name}”: archiving the class ends it for"
            " good, and unarchiving does not bring it back. Everything else is kept.",
            "Archive and end the game",
            url_for("classes.show", class_id=classroom.id),
        )
        if page is not None:
            return page
    classes.archive_class(session, classroom, utcnow())
    session.commit()
    flash(
        f"Class “{classroom.name}” is archived: its students no longer see it and its join"
        " code no longer works. Its gradebook is kept; unarchive it to bring it back.",
        "success",
    )
    return redirect(url_for("classes.index"))


@bp.route("/<int:class_id>/unarchive", methods=["POST"])
@teacher_required
def unarchive(class_id: int):
    require_action_form()
    classroom = _own_class(class_id, to_change=False)
    session = db.session()
    classes.unarchive_class(session, classroom)
    session.commit()
    flash(f"Class “{classroom.name}” is back.", "success")
    return _back(classroom)


@bp.route("/<int:class_id>/join-code", methods=["POST"])
@teacher_required
def regenerate_code(class_id: int):
    require_action_form()
    classroom = _own_class(class_id)
    page = confirmation(
        "Make a new join code?",
        f"The code {classroom.join_code} will stop working. Students already in"
        f" “{classroom.name}” stay in it.",
        "Make a new code",
        url_for("classes.show", class_id=classroom.id),
    )
    if page is not None:
        return page
    session = db.session()
    code = classes.regenerate_join_code(session, classroom)
    session.commit()
    flash(f"The new join code is {code}.", "success")
    return _back(classroom, "join-code")


def _student_action(class_id: int, student_id: int) -> tuple[Classroom, Membership]:
    """The teacher's class (one that may change) and the student's membership of it, for an
    action the teacher posted."""
    require_action_form()
    classroom = _own_class(class_id)
    return classroom, classes.membership_in(db.session(), classroom, student_id)


@bp.route("/<int:class_id>/students/<int:student_id>/remove", methods=["POST"])
@teacher_required
def remove_student(class_id: int, student_id: int):
    classroom, membership = _student_action(class_id, student_id)
    session = db.session()
    page = confirmation(
        f"Remove {membership.student.display_name} from the class?",
        f"{membership.student.display_name} will no longer see “{classroom.name}” or its"
        " assignments. Their attempts stay in the gradebook, marked as removed, and you can"
        " add them back at any time.",
        "Remove the student",
        url_for("classes.show", class_id=classroom.id),
    )
    if page is not None:
        return page
    classes.remove_student(session, classroom, student_id, utcnow())
    session.commit()
    flash(f"{membership.student.display_name} was removed from the class.", "success")
    return _back(classroom, "roster")


@bp.route("/<int:class_id>/students/<int:student_id>/password", methods=["POST"])
@teacher_required
def reset_password(class_id: int, student_id: int):
    """A new password for a student of the class who forgot theirs, shown once."""
    classroom, membership = _student_action(class_id, student_id)
    session = db.session()
    if membership.removed_at is not None:
        abort(409, "This student was removed from the class: add them back first.")
    student = membership.student
    back = url_for("classes.show", class_id=classroom.id, _anchor="roster")
    sent = request.form.get("stamp", "")
    page = confirmation(
        f"Give {student.display_name} a new password?",
        f"{student.display_name}'s password is replaced by a new one, shown to you once, and"
        " they are logged out on every device. They can change it under their account.",
        "Make a new password",
        back,
        fields={"stamp": sent},
    )
    if page is not None:
        return page
    try:
        password = accounts.reset_password(session, student, sent)
    except Conflict:
        session.rollback()
        return confirm_page(
            f"{student.display_name}'s password has changed since you opened the page",
            "If you saw the new password, it is the one that works: reloading its page does"
            f" not make another. If you did not (a double click), or {student.display_name}"
            " changed theirs since, make another one now.",
            "Make another new password",
            back,
            fields={"stamp": accounts.password_stamp(student)},
            status=409,
        )
    session.commit()
    # Shown on this page only, never stored: signed-in pages are not cached (no-store).
    return render_template(
        "classes/new_password.html", classroom=classroom, student=student, password=password
    )


@bp.route("/<int:class_id>/students/<int:student_id>/restore", methods=["POST"])
@teacher_required
def restore_student(class_id: int, student_id: int):
    require_action_form()
    classroom = _own_class(class_id)
    session = db.session()
    membership = classes.restore_student(session, classroom, student_id, utcnow())
    session.commit()
    flash(f"{membership.student.display_name} is back in the class.", "success")
    return _back(classroom, "roster")


@bp.route("/<int:class_id>/assignments", methods=["POST"])
@teacher_required
def assign(class_id: int):
    classroom = _own_class(class_id)
    form = _assign_form()
    if not form.validate_on_submit():
        return _refused_assignment(classroom, form)
    session = db.session()
    try:
        assignment, created = assignments.assign_quiz(
            session,
            classroom,
            current_user,
            form.quiz.data,
            form.opens_at.data,
            form.due_at.data,
            utcnow(),
        )
    except UserError as error:
        if error.status != 409:
            raise
        session.rollback()
        form.due_at.errors.append(error.message)
        return _refused_assignment(classroom, form)
    session.commit()
    verb = "assigned to the class" if created else "updated"
    flash(f"“{assignment.quiz.title}” {verb}.", "success")
    return _back(classroom, "assignments")


def _changing(assignment: Assignment | None) -> Assignment | None:
    """The assignment whose dates the assign form may change: a current one, of a quiz still
    among those to assign (a withdrawn quiz is not, and saving would assign another)."""
    if assignment is None or assignment.archived_at is not None or not assignment.quiz.is_active:
        return None
    return assignment


def _refused_assignment(classroom: Classroom, form: AssignForm):
    """The class page with the form's errors; still changing the dates of the quiz's
    assignment when it has one."""
    changing = None
    # A tampered choice may be any number, too large for the database to look up.
    if isinstance(form.quiz.data, int) and 0 <= form.quiz.data <= MAX_INTEGER:
        found = assignments.assignment_of_quiz(db.session(), classroom, form.quiz.data)
        changing = _changing(found)
    return _render_show(classroom, assign_form=form, status=422, changing=changing)


@bp.route("/<int:class_id>/assignments/<int:assignment_id>/archive", methods=["POST"])
@teacher_required
def archive_assignment(class_id: int, assignment_id: int):
    require_action_form()
    classroom = _own_class(class_id)
    session = db.session()
    assignment = assignments.assignment_of(session, classroom, assignment_id)
    assignments.archive_assignment(session, assignment, utcnow())
    session.commit()
    flash(
        f"“{assignment.quiz.title}” is archived: students no longer see it. Its attempts are"
        " kept; unarchive it to bring it back.",
        "success",
    )
    return _back(classroom, "assignments")


@bp.route("/<int:class_id>/assignments/<int:assignment_id>/unarchive", methods=["POST"])
@teacher_required
def unarchive_assignment(class_id: int, assignment_id: int):
    require_action_form()
    classroom = _own_class(class_id)
    session = db.session()
    assignment = assignments.assignment_of(session, classroom, assignment_id)
    assignments.unarchive_assignment(session, assignment)
    session.commit()
    flash(f"“{assignment.quiz.title}” is back on the class's assignments.", "success")
    return _back(classroom, "assignments")
