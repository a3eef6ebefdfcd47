"""Classes: teachers create them, students join them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from quizapp import db
from quizapp.services import classes
from quizapp.services.errors import UserError

bp = Blueprint("classes", __name__, url_prefix="/classes")


class ClassForm(FlaskForm):
    name = StringField("Class name", validators=[InputRequired(), Length(max=80)])


class JoinForm(FlaskForm):
    code = StringField(
        "Join code",
        validators=[InputRequired(), Length(min=4, max=20)],
        description="The six-letter code your teacher gave you.",
    )


@bp.route("/")
@login_required
def index():
    session = db.session()
    if current_user.is_teacher:
        return render_template(
            "classes/index.html",
            classes=classes.teaching(session, current_user),
            form=ClassForm(),
            join_form=None,
        )
    return render_template(
        "classes/index.html",
        classes=classes.enrolled(session, current_user),
        form=None,
        join_form=JoinForm(),
    )


@bp.route("/new", methods=["POST"])
@login_required
def create():
    if not current_user.is_teacher:
        abort(403)
    form = ClassForm()
    if not form.validate_on_submit():
        flash("Give the class a name of at most 80 characters.", "error")
        return redirect(url_for("classes.index"))
    session = db.session()
    classroom = classes.create_class(session, current_user, form.name.data)
    session.commit()
    flash(f"Class “{classroom.name}” created. Its join code is {classroom.join_code}.", "success")
    return redirect(url_for("classes.show", class_id=classroom.id))


@bp.route("/join", methods=["GET", "POST"])
@login_required
def join():
    if current_user.is_teacher:
        abort(403)
    form = JoinForm()
    if form.validate_on_submit():
        session = db.session()
        try:
            classroom = classes.join_class(session, current_user, form.code.data)
        except UserError as error:
            form.code.errors = [error.message]
        else:
            session.commit()
            flash(f"You joined “{classroom.name}”.", "success")
            return redirect(url_for("classes.index"))
    return render_template("classes/join.html", form=form)


@bp.route("/<int:class_id>")
@login_required
def show(class_id: int):
    if not current_user.is_teacher:
        abort(403)
    session = db.session()
    classroom = classes.class_for_teacher(session, class_id, current_user)
    return render_template(
        "classes/show.html", classroom=classroom, roster=classes.roster(session, classroom)
    )
