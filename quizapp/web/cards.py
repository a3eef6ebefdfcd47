"""Flashcards: decks, review sessions scheduled by FSRS, cram mode and the learner's settings.

Every page works without JavaScript: "Show answer" is a link to the same card with
?reveal=1, and each rating is a form. static/js/cards.js adds the keyboard (Space, 1-4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, NumberRange, Optional
from wtforms.widgets import HiddenInput

from quizapp import db
from quizapp.core.charts import histogram_svg
from quizapp.core.scheduling import local_day
from quizapp.models import CardRecord, User, utcnow
from quizapp.services import cards as service
from quizapp.services.errors import Conflict
from quizapp.services.names import shown_bank_titles
from quizapp.web.forms import MOMENT_MS, STORABLE, moment_ms, storable_integer

bp = Blueprint("cards", __name__, url_prefix="/cards")

NEW_CARDS_HINT = "How many cards you have never seen each deck may show you a day."


def zone_choices() -> list[SelectChoice]:
    """The time zones by region ("Europe", "America", ...), zones without one last."""
    choices = []
    for name in service.time_zones():
        region, _, place = name.partition("/")
        if region == "Etc" and place.startswith("GMT") and len(place) > 3:
            # POSIX signs: Etc/GMT+1 is an hour behind UTC. Named by what it is.
            hours = -int(place[3:])
            choices.append(SelectChoice(name, f"UTC{hours:+03d}:00 ({place})", optgroup=region))
        elif place:
            choices.append(SelectChoice(name, place.replace("_", " "), optgroup=region))
        else:
            choices.append(SelectChoice(name, name, optgroup="Other"))
    return sorted(choices, key=lambda c: (c.optgroup == "Other", c.optgroup, c.label))


class SettingsForm(FlaskForm):
    timezone = SelectField(
        "Your time zone",
        validators=[InputRequired()],
        description=(
            "Your day starts at midnight here: it decides what is due today. Assignment"
            " dates are read and shown in it too. A class leaderboard's week starts on"
            " Monday in its teacher's time zone."
        ),
    )
    new_cards_per_day = IntegerField(
        "New cards per day",
        validators=[InputRequired(), NumberRange(0, service.MAX_NEW_CARDS_PER_DAY)],
        description=NEW_CARDS_HINT,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = zone_choices()


class NewCardsForm(FlaskForm):
    new_cards_per_day = IntegerField(
        "New cards per day",
        validators=[InputRequired(), NumberRange(0, service.MAX_NEW_CARDS_PER_DAY)],
        description=NEW_CARDS_HINT,
    )


class RatingForm(FlaskForm):
    rating = IntegerField(validators=[InputRequired(), AnyOf([1, 2, 3, 4])])
    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), STORABLE])
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired(), STORABLE])
    tag = StringField(widget=HiddenInput(), validators=[Optional()])
    shown = IntegerField(widget=HiddenInput(), validators=[Optional(), MOMENT_MS])


def learner() -> User:
    return current_user._get_current_object()


def _tag() -> str | None:
    return request.args.get("tag") or None


# --- deck list and settings ----------------------------------------------------------------


@bp.route("/")
@login_required
def decks():
    return _decks_page(SettingsForm(obj=learner()))


def _decks_page(form: SettingsForm, status: int = 200):
    session, user, now = db.session(), learner(), utcnow()
    decks = service.all_decks(session, user)
    rows = [(deck, service.counts(session, user, deck, now)[0]) for deck in decks]
    titles = shown_bank_titles(session, (deck.bank for deck in decks))
    return render_template("cards/decks.html", decks=rows, titles=titles, form=form), status


@bp.route("/settings", methods=["POST"])
@login_required
def settings():
    form = SettingsForm()
    if not form.validate_on_submit():
        return _decks_page(form, 422)
    session = db.session()
    service.update_settings(
        session,
        learner(),
        timezone=form.timezone.data,
        new_cards_per_day=form.new_cards_per_day.data,
    )
    session.commit()
    flash("Your flashcard settings are saved.", "success")
    return redirect(url_for("cards.decks"))


# --- one deck ----------------------------------------------------------------------------------


@bp.route("/<int:bank_id>")
@login_required
def deck(bank_id: int):
    return _deck_page(bank_id, NewCardsForm(obj=learner()))


def _deck_page(bank_id: int, form: NewCardsForm, status: int = 200):
    session, user, now = db.session(), learner(), utcnow()
    deck = service.get_deck(session, bank_id, user)
    cards = service.faces(session, deck)
    subdecks = {tag: service.keys_with_tag(cards, tag) or [] for tag in service.tags_of(cards)}
    total, by_tag = service.counts(session, user, deck, now, subdecks)
    days = service.forecast(session, user, deck, now)
    return (
        render_template(
            "cards/deck.html",
            deck=deck,
            card_count=len(cards),
            counts=total,
            tags=[(tag, len(keys), by_tag[tag]) for tag, keys in subdecks.items()],
            forecast=[(_day_name(day, now, user), count) for day, count in days],
            forecast_total=sum(count for _, count in days),
            chart=Markup(
                histogram_svg(
                    [(_day_name(day, now, user), count) for day, count in days],
                    f"Reviews due in the next {len(days)} days",
                )
            ),
            form=form,
        ),
        status,
    )


def _day_name(day: dt.date, now: dt.datetime, user: User) -> str:
    today = local_day(now, service.zone_of(user))
    if day == today:
        return "Today"
    if day == today + dt.timedelta(days=1):
        return "Tomorrow"
    return f"{day:%a} {day.day}"


@bp.route("/<int:bank_id>/new-cards", methods=["POST"])
@login_required
def new_cards(bank_id: int):
    form = NewCardsForm()
    if not form.validate_on_submit():
        return _deck_page(bank_id, form, 422)
    session = db.session()
    service.update_settings(session, learner(), new_cards_per_day=form.new_cards_per_day.data)
    session.commit()
    flash(f"You will see up to {form.new_cards_per_day.data} new cards a day.", "success")
    return redirect(url_for("cards.deck", bank_id=bank_id))


# --- review --------------------------------------------------------------------------------------


@bp.route("/<int:bank_id>/review")
@login_required
def review(bank_id: int):
    """The next card due, front first; with ?reveal=1 (or the keyboard's Space) its back."""
    session, user, now = db.session(), learner(), utcnow()
    deck = service.get_deck(session, bank_id, user)
    tag = _tag()
    keys = service.keys_with_tag(service.faces(session, deck), tag) if tag else None
    if service.open_deck(session, user, deck, now):
        session.commit()
    card_id = request.args.get("card", type=storable_integer)
    if card_id is not None:
        card = service.get_card(session, user, card_id, deck)
        shown = request.args.get("revision", type=storable_integer)
        if shown is not None and shown != card.revision:
            return _conflict(deck, tag)
    else:
        queue = service.due_queue(session, user, deck, now, keys=keys, limit=1)
        if not queue:
            return _done_page(deck, tag, keys)
        card = session.get(CardRecord, queue[0].card_id)
        assert card is not None
    face = service.current_face(session, deck, card)
    total, by_tag = service.counts(session, user, deck, now, {tag: keys} if tag else None)
    reveal = request.args.get("reveal") == "1"
    shown = request.args.get("shown", type=moment_ms) or service.moment_ms(now)
    return render_template(
        "cards/review.html",
        deck=deck,
        tag=tag,
        card=card,
        face=face,
        counts=by_tag[tag] if tag else total,
        reveal=reveal,
        reveal_url=url_for(
            "cards.review",
            bank_id=deck.id,
            tag=tag,
            card=card.id,
            revision=card.revision,
            reveal=1,
            shown=shown,
        ),
        choices=service.choices(card, now),
        form=RatingForm(revision=card.revision, version=face.version_id, tag=tag, shown=shown),
    )


def _done_page(deck: service.Deck, tag: str | None, keys: Collection[str] | None):
    """`keys`: the tag's cards, when a sub-deck is reviewed."""
    session, user, now = db.session(), learner(), utcnow()
    later = service.next_learning_due(session, user, deck, keys)
    return render_template(
        "cards/done.html",
        deck=deck,
        tag=tag,
        next_due_minutes=(
            max(1, round((later - now).total_seconds() / 60))
            if later is not None and later < now + dt.timedelta(days=1)
            else None
        ),
        new_left=service.new_cards_left(session, user, deck, now),
        new_per_day=user.new_cards_per_day,
    )


def _conflict(deck: service.Deck, tag: str | None):
    return (
        render_template(
            "cards/conflict.html",
            deck=deck,
            message=service.ALREADY_RATED,
            continue_url=url_for("cards.review", bank_id=deck.id, tag=tag),
        ),
        409,
    )


@bp.route("/<int:bank_id>/review/<int:card_id>", methods=["POST"])
@login_required
def rate(bank_id: int, card_id: int):
    session, user = db.session(), learner()
    deck = service.get_deck(session, bank_id, user)
    form = RatingForm()
    if not form.validate_on_submit():
        abort(400)
    tag = form.tag.data or None
    now = utcnow()
    try:
        service.rate_card(
            session,
            user,
            card_id,
            form.rating.data,
            now,
            revision=form.revision.data,
            version_id=form.version.data,
            deck=deck,
            duration_ms=service.review_duration_ms(form.shown.data, now),
        )
        session.commit()
    except Conflict:
        session.rollback()
        rating = (form.rating.data, form.version.data)
        if not service.just_rated(session, user, card_id, form.revision.data, *rating):
            return _conflict(deck, tag)
    return redirect(url_for("cards.review", bank_id=bank_id, tag=tag))


# --- cram ----------------------------------------------------------------------------------------


@bp.route("/<int:bank_id>/cram")
@login_required
def cram(bank_id: int):
    """Go through a deck or a tag now, card by card, without touching the schedule."""
    session = db.session()
    deck = service.get_deck(session, bank_id, learner())
    tag = _tag()
    cards = service.cram(session, deck, tag)
    index = request.args.get("i", 0, type=int)
    if not 0 <= index <= len(cards):
        abort(404)
    if index == len(cards):
        return render_template("cards/cram_done.html", deck=deck, tag=tag, total=len(cards))
    return render_template(
        "cards/cram.html",
        deck=deck,
        tag=tag,
        face=cards[index],
        number=index + 1,
        total=len(cards),
        reveal=request.args.get("reveal") == "1",
        reveal_url=url_for("cards.cram", bank_id=deck.id, tag=tag, i=index, reveal=1),
        next_url=url_for("cards.cram", bank_id=deck.id, tag=tag, i=index + 1),
    )
