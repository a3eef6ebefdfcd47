"""Flashcards through the Flask test client: decks, counts, the review session without
JavaScript, ratings and their logs, cram, bank changes, quiz misses, two tabs, and the
service underneath."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, update

from quizapp.core.scheduling import Scheduler, format_interval
from quizapp.db import session_scope
from quizapp.models import (
    Attempt,
    BankRecord,
    CardRecord,
    QuestionVersion,
    ReviewLogRecord,
    User,
    utcnow,
)
from quizapp.paths import questions_dir
from quizapp.services import cards as service
from quizapp.services.banks import import_paths
from quizapp.services.cards.decks import face_of
from quizapp.services.errors import Conflict
from tests.web.helpers import (
    ARTICLE_BANK,
    LIBRARY_BANK,
    correct_form,
    questions_of,
    quiz_id,
    start,
    wrong_form,
)
from tests.web.test_teach import (
    TINY_BANK,
    WRONG,
    assign,
    join,
    new_class,
    soon,
    student_browser,
    take,
    teacher_browser,
    tiny_quiz,
    upload,
)

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4
FIRST_KEY = "quote-appalled-speaker"  # the article bank's first question
SECOND_KEY = "quote-ottoman-speaker"  # its second, in no quiz's list of questions


# --- helpers -------------------------------------------------------------------------------


def bank_id(app, slug: str = ARTICLE_BANK) -> int:
    with session_scope(app) as session:
        return session.scalar(select(BankRecord.id).where(BankRecord.slug == slug))


def card_of(app, user_id: int, key: str) -> CardRecord | None:
    with session_scope(app) as session:
        card = session.scalar(
            select(CardRecord).where(CardRecord.user_id == user_id, CardRecord.card_key == key)
        )
        if card is not None:
            session.expunge(card)
        return card


def logs_of(app, user_id: int) -> list[ReviewLogRecord]:
    with session_scope(app) as session:
        logs = list(
            session.scalars(
                select(ReviewLogRecord)
                .where(ReviewLogRecord.user_id == user_id)
                .order_by(ReviewLogRecord.id)
            )
        )
        session.expunge_all()
        return logs


def card_count(app, user_id: int) -> int:
    with session_scope(app) as session:
        return session.scalar(
            select(func.count(CardRecord.id)).where(CardRecord.user_id == user_id)
        )


def snapshot(app) -> tuple[list, list]:
    """Every card state and review log, as plain tuples."""
    with session_scope(app) as session:
        states = [
            (c.id, c.user_id, c.card_key, c.state, c.due, c.stability, c.revision)
            for c in session.scalars(select(CardRecord).order_by(CardRecord.id))
        ]
        logs = [
            (log.id, log.card_id, log.rating)
            for log in session.scalars(select(ReviewLogRecord).order_by(ReviewLogRecord.id))
        ]
        return states, logs


def set_card(app, user_id: int, key: str, **values) -> None:
    with session_scope(app) as session:
        session.execute(
            update(CardRecord)
            .where(CardRecord.user_id == user_id, CardRecord.card_key == key)
            .values(**values)
        )


def set_user(app, user_id: int, **values) -> None:
    with session_scope(app) as session:
        session.execute(update(User).where(User.id == user_id).values(**values))


def text(html: str) -> str:
    """The page's text, tags removed and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html).group(1)


def shown_card(html: str) -> int:
    """The card on the page: by its rating form on the back, by its link to the back on the
    front."""
    found = re.search(
        r'action="/cards/\d+/review/(\d+)"|id="show-answer" href="[^"]*card=(\d+)', html
    )
    return int(found.group(1) or found.group(2))


def reveal_link(html: str) -> str:
    return re.search(r'id="show-answer" href="([^"]+)"', html).group(1).replace("&amp;", "&")


def rating_form(html: str, rating: int) -> dict:
    return {
        "rating": str(rating),
        "revision": hidden(html, "revision"),
        "version": hidden(html, "version"),
        "tag": hidden(html, "tag"),
        "shown": hidden(html, "shown"),
    }


def rate(browser, deck: int, html: str, rating: int):
    """Post a rating of the card shown on `html`, as its form would."""
    return browser.post(f"/cards/{deck}/review/{shown_card(html)}", rating_form(html, rating))


def counts_on(html: str) -> tuple[int, int, int]:
    found = re.search(
        r"(\d+)\s*</strong>\s*new.*?(\d+)\s*</strong>\s*learning.*?(\d+)\s*</strong>\s*to review",
        html,
        re.S,
    )
    return tuple(int(n) for n in found.groups())


def has(html: str, element_id: str) -> bool:
    return f'id="{element_id}"' in html


@pytest.fixture
def learner(create_user, browser):
    user_id, username = create_user()
    browser.login(username)
    return user_id


@pytest.fixture
def deck(app) -> int:
    return bank_id(app)


# --- pages and access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/cards/", "/cards/1", "/cards/1/review", "/cards/1/review?reveal=1", "/cards/1/cram"]
)
def test_every_page_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_a_rating_needs_a_login(app, client, browser):
    response = browser.post("/cards/1/review/1", {"rating": "3", "revision": "1", "version": "1"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert snapshot(app) == ([], [])


def test_the_deck_list_shows_each_bank_with_its_counts(app, browser, learner):
    html = browser.get("/cards/").get_data(as_text=True)
    assert "Turkish drones for Kosovo" in html and "Riverside library reopens" in html
    article = html[html.index("Turkish drones for Kosovo") :]
    assert counts_on(article) == (20, 0, 0)  # 104 questions, 20 new a day
    library = html[html.index("Riverside library reopens") :]
    assert counts_on(library) == (1, 0, 0)  # its one explicit card
    assert f'href="/cards/{bank_id(app)}/review"' in html
    assert card_count(app, learner) == 0  # looking creates no card state


def test_the_layout_links_to_the_flashcards(browser, learner):
    assert 'href="/cards/"' in browser.get("/").get_data(as_text=True)


def test_a_bank_with_explicit_cards_is_a_deck_of_those(app, browser, learner):
    library = bank_id(app, LIBRARY_BANK)
    html = browser.get(f"/cards/{library}/review?reveal=1").get_data(as_text=True)
    assert "head librarian?" in html
    assert "Marta Lindqvist" in html
    assert card_of(app, learner, "card:librarian") is not None
    assert card_count(app, learner) == 1  # not its nine questions


def test_a_card_back_shows_a_questions_answer_as_written_and_a_cards_as_markdown(app):
    """A choice such as "> 50%" is plain text, as in the quiz; a card's back is Markdown."""
    face = service.Face(
        key="share",
        version_id=1,
        type="single",
        prompt="What share of the seats?",
        options=("> 50%", "< 25%"),
        gapped_text=None,
        answer="> 50% of *seats*",
        explanation=None,
        source=None,
        tags=(),
    )
    back = app.jinja_env.get_template("cards/_face.html").module.back
    with app.test_request_context():
        assert '<p class="card-answer">&gt; 50% of *seats*</p>' in str(back(face))
        card = back(dataclasses.replace(face, type="card", answer="the *whole* class"))
        assert '<p class="card-answer">the <em>whole</em> class</p>' in str(card)


def test_an_unknown_deck_is_not_found(browser, learner):
    assert browser.get("/cards/999").status_code == 404
    assert browser.get("/cards/999/review").status_code == 404


def test_the_deck_page_shows_counts_tags_forecast_and_the_limit(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}").get_data(as_text=True)
    page = text(html)
    assert "104 cards in this deck." in page
    assert counts_on(html) == (20, 0, 0)
    assert "Sub-decks by tag" in page and "share the deck’s daily limit" in page
    row = re.search(r"<th scope=\"row\">dates</th>(.*?)</tr>", html, re.S).group(1)
    assert re.findall(r"<td>(\d+)</td>", row) == ["11", "11", "0", "0"]
    assert f'href="/cards/{deck}/review?tag=dates"' in html
    assert f'href="/cards/{deck}/cram?tag=dates"' in html
    assert "0 reviews due in the next 7 days" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "Today: 0; Tomorrow: 0" in html  # the chart's description
    assert "Today's bar counts every card due by midnight" in page
    assert 'name="new_cards_per_day"' in html and 'value="20"' in html
    assert f'href="/cards/{deck}/cram"' in html


def test_the_forecast_counts_cards_by_the_learners_day(app, browser, learner, deck):
    browser.get(f"/cards/{deck}/review")  # starts the deck
    now = utcnow()
    review = {"state": "review", "stability": 5.0, "difficulty": 5.0, "last_review": now}
    set_card(app, learner, FIRST_KEY, due=now + dt.timedelta(days=1), **review)
    set_card(app, learner, SECOND_KEY, due=now + dt.timedelta(days=1), **review)
    set_card(app, learner, "quote-small-country-speaker", due=now + dt.timedelta(days=3), **review)
    set_card(app, learner, "quote-threaten-speaker", due=now + dt.timedelta(days=30), **review)

    html = browser.get(f"/cards/{deck}").get_data(as_text=True)

    assert "3 reviews due in the next 7 days" in text(html)
    assert "Today: 0; Tomorrow: 2" in html
    day3 = (now + dt.timedelta(days=3)).date()
    assert f"{day3:%a} {day3.day}: 1" in html


# --- settings ----------------------------------------------------------------------------------


def test_settings_set_the_time_zone_and_the_new_card_limit(app, browser, learner):
    html = browser.get("/cards/").get_data(as_text=True)
    assert '<option selected value="UTC">UTC</option>' in html
    assert '<optgroup label="Europe">' in html and 'value="Europe/Paris"' in html
    # POSIX signs are backwards: Etc/GMT+1 is an hour behind UTC, and is named so.
    assert '<option value="Etc/GMT+1">UTC-01:00 (GMT+1)</option>' in html
    # A class's board has one week for everyone: its teacher's, not this student's.
    assert "leaderboard's week starts on Monday in its teacher's time zone" in html.replace(
        "&#39;", "'"
    )

    response = browser.post("/cards/settings", {"timezone": "Asia/Tokyo", "new_cards_per_day": "5"})

    assert response.status_code == 302
    with session_scope(app) as session:
        user = session.get(User, learner)
        assert (user.timezone, user.new_cards_per_day) == ("Asia/Tokyo", 5)
    html = browser.get("/cards/").get_data(as_text=True)
    assert "Your flashcard settings are saved." in html
    assert counts_on(html[html.index("Turkish drones") :])[0] == 5


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"timezone": "Mars/Olympus", "new_cards_per_day": "5"}, "Not a valid choice"),
        ({"timezone": "UTC", "new_cards_per_day": "-1"}, "between 0 and 1000"),
        ({"timezone": "UTC", "new_cards_per_day": "many"}, "Not a valid integer"),
    ],
)
def test_bad_settings_are_refused_and_shown(app, browser, learner, fields, error):
    response = browser.post("/cards/settings", fields)
    assert response.status_code == 422
    assert error in response.get_data(as_text=True)
    with session_scope(app) as session:
        user = session.get(User, learner)
        assert (user.timezone, user.new_cards_per_day) == ("UTC", 20)


def test_the_deck_page_sets_the_new_card_limit(app, browser, learner, deck):
    response = browser.post(f"/cards/{deck}/new-cards", {"new_cards_per_day": "2"})
    assert response.status_code == 302
    html = browser.get(f"/cards/{deck}").get_data(as_text=True)
    assert "You will see up to 2 new cards a day." in html
    assert counts_on(html) == (2, 0, 0)
    assert browser.post(f"/cards/{deck}/new-cards", {"new_cards_per_day": "x"}).status_code == 422


def test_with_no_new_cards_a_day_the_session_end_says_so(app, browser, learner, deck):
    assert browser.post(f"/cards/{deck}/new-cards", {"new_cards_per_day": "0"}).status_code == 302
    done = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert "Done for now" in done
    assert "Your settings allow no new cards a day" in done and "more come tomorrow" not in done


def test_a_form_without_its_csrf_token_is_refused(app, client, browser, learner):
    response = client.post("/cards/settings", data={"timezone": "Asia/Tokyo"})
    assert response.status_code == 400
    with session_scope(app) as session:
        assert session.get(User, learner).timezone == "UTC"


# --- the review session without JavaScript -----------------------------------------------------


def test_reveal_and_rate_with_plain_links_and_forms(app, browser, learner, deck):
    front = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert "Who wrote:" in front and "Aleksandar Vučić" in front  # a choice on the front
    # The back is not sent with the front, not even hidden.
    assert not has(front, "card-back") and not has(front, "ratings")
    assert "<h2>Answer</h2>" not in front
    assert "President is protesting against the arming" not in front  # the explanation
    assert "from the article" not in front
    assert 'src="/static/js/cards.js"' in front
    reveal = reveal_link(front)

    back = browser.get(reveal).get_data(as_text=True)

    assert has(back, "card-back") and has(back, "ratings")
    assert 'id="show-answer"' not in back
    assert "<h2>Answer</h2>" in back
    assert "President is protesting against the arming" in back  # the explanation
    assert "wrote on social media.</p><footer>— from the article" in back  # the source
    ratings = re.search(r'<form[^>]*id="ratings".*?</form>', back, re.S).group(0)
    assert 'method="post"' in ratings and 'name="csrf_token"' in ratings
    assert shown_card(back) == shown_card(front)

    response = rate(browser, deck, back, GOOD)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/cards/{deck}/review"
    following = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert shown_card(following) != shown_card(front)
    assert "Who said:" in following  # the second question
    assert counts_on(following) == (19, 0, 0)


def test_the_answer_buttons_show_the_interval_each_would_give(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    labels = re.findall(
        r'<span class="rating-name">(\w+)</span>\s*<span class="rating-interval">([^<]+)</span>',
        html,
    )
    with session_scope(app) as session:
        card = session.get(CardRecord, shown_card(html))
        expected = Scheduler().preview(service.state_of(card), utcnow())
    assert labels == [
        ("Again", "1 min"),
        ("Hard", "6 min"),
        ("Good", "10 min"),
        ("Easy", format_interval(expected[EASY])),
    ]
    assert labels[3][1].endswith("days")


def test_a_rating_stores_the_new_state_and_a_log(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    before = card_of(app, learner, FIRST_KEY)
    assert (before.state, before.revision, before.last_review) == ("new", 1, None)
    started = utcnow()

    assert rate(browser, deck, html, GOOD).status_code == 302

    after = card_of(app, learner, FIRST_KEY)
    assert after.id == before.id and after.revision == 2
    assert (after.state, after.step) == ("learning", 1)
    assert after.stability > 0 and after.difficulty > 0
    assert started <= after.last_review <= utcnow()
    assert after.due - after.last_review == dt.timedelta(minutes=10)
    [log] = logs_of(app, learner)
    assert (log.card_id, log.rating, log.state_before, log.source) == (
        after.id,
        GOOD,
        "new",
        "review",
    )
    with session_scope(app) as session:
        shown = session.get(QuestionVersion, log.question_version_id)
        assert (shown.question_key, shown.is_current) == (FIRST_KEY, True)
    assert log.reviewed_at == after.last_review and log.due_before == before.due
    assert log.scheduled_days == pytest.approx(10 / (24 * 60))
    assert (log.stability, log.difficulty) == (after.stability, after.difficulty)
    assert log.elapsed_days == 0.0


def test_a_log_keeps_how_long_the_card_was_looked_at(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    # The back, revealed without JavaScript, carries the moment the front was shown.
    shown = re.search(r"shown=(\d+)", reveal_link(html)).group(1)
    back = browser.get(reveal_link(html)).get_data(as_text=True)
    assert hidden(back, "shown") == shown
    fields = rating_form(back, GOOD)
    fields["shown"] = str(service.moment_ms(utcnow()) - 4_000)
    browser.post(f"/cards/{deck}/review/{shown_card(back)}", fields)
    [log] = logs_of(app, learner)
    assert 4_000 <= log.duration_ms < 14_000


@pytest.mark.parametrize(
    ("shown_ago_ms", "expected"), [(-60_000, None), (3_600_000, 600_000), (None, None)]
)
def test_review_durations_in_the_future_are_dropped_and_long_ones_capped(shown_ago_ms, expected):
    now = utcnow()
    shown = None if shown_ago_ms is None else service.moment_ms(now) - shown_ago_ms
    assert service.review_duration_ms(shown, now) == expected


def test_learning_cards_come_back_first_once_due(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, AGAIN)
    html = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert shown_card(html) != card_of(app, learner, FIRST_KEY).id  # due in a minute
    assert counts_on(html) == (19, 0, 0)

    set_card(app, learner, FIRST_KEY, due=utcnow() - dt.timedelta(seconds=1))

    html = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert shown_card(html) == card_of(app, learner, FIRST_KEY).id
    assert counts_on(html) == (19, 1, 0)
    assert "Learning" in html


def test_the_daily_limit_of_new_cards_ends_the_session(app, browser, learner, deck):
    set_user(app, learner, new_cards_per_day=3)
    seen = []
    for _ in range(3):
        html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
        seen.append(shown_card(html))
        assert rate(browser, deck, html, EASY).status_code == 302

    done = browser.get(f"/cards/{deck}/review").get_data(as_text=True)

    assert len(set(seen)) == 3
    assert "Done for now" in done
    assert "You have started today’s new cards for this deck" in done
    assert counts_on(browser.get(f"/cards/{deck}").get_data(as_text=True)) == (0, 0, 0)
    with session_scope(app) as session:
        states = session.scalars(
            select(CardRecord.state).where(CardRecord.user_id == learner, CardRecord.id.in_(seen))
        ).all()
    assert states == ["review"] * 3
    # Raising the limit the same day lets more in.
    browser.post(f"/cards/{deck}/new-cards", {"new_cards_per_day": "4"})
    assert counts_on(browser.get(f"/cards/{deck}").get_data(as_text=True)) == (1, 0, 0)


def test_the_done_page_says_when_a_learning_card_comes_back(app, browser, learner, deck):
    set_user(app, learner, new_cards_per_day=1)
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, GOOD)
    done = text(browser.get(f"/cards/{deck}/review").get_data(as_text=True))
    assert "A card you are learning comes back in 10 min" in done


def test_a_sub_deck_reviews_only_its_tag(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?tag=dates&reveal=1").get_data(as_text=True)
    assert hidden(html, "tag") == "dates"
    assert "tag “dates”" in html
    with session_scope(app) as session:
        card = session.get(CardRecord, shown_card(html))
        the_deck = service.get_deck(session, deck, session.get(User, learner))
        assert "dates" in service.current_face(session, the_deck, card).tags
    response = rate(browser, deck, html, GOOD)
    assert response.headers["Location"] == f"/cards/{deck}/review?tag=dates"
    assert counts_on(browser.get(response.headers["Location"]).get_data(as_text=True)) == (10, 0, 0)
    assert browser.get(f"/cards/{deck}/review?tag=no-such-tag").status_code == 404


@pytest.mark.parametrize(
    "fields",
    [{"rating": "5"}, {"rating": "0"}, {"rating": "good"}, {"revision": ""}, {"version": ""}],
)
def test_a_malformed_rating_is_refused(app, browser, learner, deck, fields):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    before = snapshot(app)
    response = browser.post(
        f"/cards/{deck}/review/{shown_card(html)}", {**rating_form(html, GOOD), **fields}
    )
    assert response.status_code == 400
    assert snapshot(app) == before


def test_a_rating_with_another_cards_version_is_refused(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    before = snapshot(app)
    with session_scope(app) as session:
        other = session.scalar(
            select(QuestionVersion.id).where(QuestionVersion.question_key == SECOND_KEY)
        )
    form = {**rating_form(html, GOOD), "version": str(other)}
    response = browser.post(f"/cards/{deck}/review/{shown_card(html)}", form)
    assert response.status_code == 422
    assert snapshot(app) == before


# --- whose card --------------------------------------------------------------------------------


def test_another_learners_card_is_refused(app, browser, learner, deck, create_user, make_browser):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    mine = shown_card(html)
    _, other_name = create_user()
    other = make_browser()
    other.login(other_name)
    before = card_of(app, learner, FIRST_KEY)

    response = other.post(f"/cards/{deck}/review/{mine}", rating_form(html, EASY))
    assert response.status_code == 403
    assert "This card belongs to someone else." in response.get_data(as_text=True)
    assert other.get(f"/cards/{deck}/review?card={mine}&reveal=1").status_code == 403
    assert card_of(app, learner, FIRST_KEY).revision == before.revision
    assert logs_of(app, learner) == []
    assert rate(browser, deck, html, EASY).status_code == 302  # still mine to rate


def test_a_card_of_another_deck_is_not_found(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    library = bank_id(app, LIBRARY_BANK)
    response = browser.post(f"/cards/{library}/review/{shown_card(html)}", rating_form(html, GOOD))
    assert response.status_code == 404
    assert browser.get(f"/cards/{library}/review?card={shown_card(html)}").status_code == 404
    assert logs_of(app, learner) == []


# --- two tabs ----------------------------------------------------------------------------------


def test_rating_the_same_card_in_two_tabs_keeps_the_first(app, browser, learner, deck):
    tab1 = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    tab2 = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    assert shown_card(tab1) == shown_card(tab2)

    first = rate(browser, deck, tab1, EASY)
    second = rate(browser, deck, tab2, AGAIN)

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "already rated (after going Back, or in another tab" in page
    assert f'href="/cards/{deck}/review"' in page  # and a way on
    card = card_of(app, learner, FIRST_KEY)
    assert (card.state, card.revision) == ("review", 2)  # Easy, not Again
    assert [log.rating for log in logs_of(app, learner)] == [EASY]


def test_the_same_rating_sent_twice_goes_on_to_the_next_card(app, browser, learner, deck):
    """A double click without JavaScript used to end on "this rating was not saved"."""
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    first = rate(browser, deck, html, GOOD)
    again = rate(browser, deck, html, GOOD)
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert [log.rating for log in logs_of(app, learner)] == [GOOD]  # saved once
    # Another rating of the same shown card is still the other tab's: refused.
    assert rate(browser, deck, html, EASY).status_code == 409


def test_revealing_a_card_already_rated_in_another_tab_says_so(app, browser, learner, deck):
    tab1 = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    reveal = reveal_link(tab1)
    rate(browser, deck, browser.get(reveal).get_data(as_text=True), GOOD)

    response = browser.get(reveal)  # the second tab's "Show answer"

    assert response.status_code == 409
    assert "already rated (after going Back, or in another tab" in response.get_data(as_text=True)


def test_two_ratings_racing_past_the_revision_check_leave_one(
    app, learner, deck, make_browser, create_user, monkeypatch
):
    """Both requests read the card at the same revision before either writes: the row's
    revision counter lets only one of them store its rating."""
    tabs = [make_browser(), make_browser()]
    with session_scope(app) as session:
        username = session.get(User, learner).username
    for tab in tabs:
        tab.login(username)
    html = tabs[0].get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    forms = [rating_form(html, EASY), rating_form(html, AGAIN)]
    url = f"/cards/{deck}/review/{shown_card(html)}"
    for tab, form in zip(tabs, forms, strict=True):
        form["csrf_token"] = re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"',
            tab.get(f"/cards/{deck}").get_data(as_text=True),
        ).group(1)
    both_read = threading.Barrier(2, timeout=10)
    rate_now = service.SCHEDULER.rate

    def rate_after_both_read(*args, **kwargs):
        both_read.wait()
        return rate_now(*args, **kwargs)

    monkeypatch.setattr(service.SCHEDULER, "rate", rate_after_both_read)
    statuses: list[int] = []

    def post(tab, form):
        statuses.append(tab.client.post(url, data=form).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(tabs, forms, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [302, 409]
    card = card_of(app, learner, FIRST_KEY)
    logs = logs_of(app, learner)
    assert card.revision == 2 and len(logs) == 1
    assert card.state == ("review" if logs[0].rating == EASY else "learning")


# --- cram ----------------------------------------------------------------------------------------


def test_a_sub_deck_done_page_speaks_only_of_its_own_learning_cards(app, browser, learner, deck):
    """A card of another tag in learning is not "a card you are learning" of this one."""
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    with session_scope(app) as session:
        card = session.get(CardRecord, shown_card(html))
        the_deck = service.get_deck(session, deck, session.get(User, learner))
        assert "dates" not in service.current_face(session, the_deck, card).tags
    rate(browser, deck, html, AGAIN)  # in learning, back in a minute
    while True:
        html = browser.get(f"/cards/{deck}/review?tag=dates&reveal=1").get_data(as_text=True)
        if "Done for now" in html:
            break
        rate(browser, deck, html, EASY)
    assert "You have reviewed every card due with the tag “dates”" in html
    assert "comes back in" not in html
    whole = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert "Done for now" not in whole  # the other tags' cards are still there


def test_cram_goes_through_the_deck_without_touching_the_schedule(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, GOOD)
    before = snapshot(app)

    front = browser.get(f"/cards/{deck}/cram?tag=dates").get_data(as_text=True)
    assert "Card 1 of 11" in front and "Cram mode" in front
    assert not has(front, "card-back") and not has(front, "next-row")
    assert 'name="rating"' not in front and '<form method="post"' not in front.split("<main")[1]
    back = browser.get(f"/cards/{deck}/cram?tag=dates&i=0&reveal=1").get_data(as_text=True)
    assert has(back, "card-back")
    assert f'href="/cards/{deck}/cram?tag=dates&amp;i=1"' in back
    for index in range(1, 11):
        assert browser.get(f"/cards/{deck}/cram?tag=dates&i={index}&reveal=1").status_code == 200
    done = browser.get(f"/cards/{deck}/cram?tag=dates&i=11").get_data(as_text=True)

    assert "You went through 11 cards. Your schedule is unchanged." in done
    assert browser.get(f"/cards/{deck}/cram?i=105").status_code == 404
    assert snapshot(app) == before


def test_cram_of_a_deck_never_studied_creates_no_card_state(app, browser, learner, deck):
    for index in range(3):
        assert browser.get(f"/cards/{deck}/cram?i={index}&reveal=1").status_code == 200
    assert snapshot(app) == ([], [])


# --- the bank changes ----------------------------------------------------------------------------


def reimport(app, tmp_path: Path, edit) -> None:
    """Import the article bank again after `edit(yaml_text)`."""
    folder = tmp_path / "bank"
    shutil.copytree(questions_dir(), folder)
    path = folder / f"{ARTICLE_BANK}.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with session_scope(app) as session:
        reports, failed = import_paths(session, [folder])
    assert not failed, [str(p) for loaded in failed for p in loaded.problems]
    assert reports


def without_question(yaml: str, key: str) -> str:
    start_at = yaml.index(f"  - id: {key}\n")
    end_at = yaml.index("  - id: ", start_at + 1)
    return yaml[:start_at] + yaml[end_at:]


def test_a_removed_question_leaves_the_deck_but_keeps_its_history(
    app, browser, learner, deck, tmp_path
):
    for _ in range(2):
        html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
        rate(browser, deck, html, EASY)
    removed = card_of(app, learner, SECOND_KEY)
    assert removed.state == "review"
    set_card(app, learner, SECOND_KEY, due=utcnow() - dt.timedelta(days=1))
    assert counts_on(browser.get(f"/cards/{deck}").get_data(as_text=True)) == (18, 0, 1)

    reimport(app, tmp_path, lambda yaml: without_question(yaml, SECOND_KEY))

    page = browser.get(f"/cards/{deck}").get_data(as_text=True)
    assert "103 cards in this deck." in text(page)
    assert counts_on(page) == (18, 0, 0)  # no longer due: not in the deck
    html = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert shown_card(html) != removed.id
    assert browser.get(f"/cards/{deck}/review?card={removed.id}").status_code == 404
    kept = card_of(app, learner, SECOND_KEY)
    assert (kept.id, kept.state, kept.revision) == (removed.id, "review", removed.revision)
    assert [log.card_id for log in logs_of(app, learner)].count(removed.id) == 1


def test_a_tab_left_open_cannot_rate_a_card_whose_question_was_removed(
    app, browser, learner, deck, tmp_path
):
    """The rating was saved, on a card the deck no longer shows."""
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, EASY)
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    removed = card_of(app, learner, SECOND_KEY)
    assert shown_card(html) == removed.id
    reimport(app, tmp_path, lambda yaml: without_question(yaml, SECOND_KEY))
    before = snapshot(app)

    response = rate(browser, deck, html, GOOD)
    assert response.status_code == 404
    assert "This card is no longer in the deck" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_a_changed_question_keeps_its_card_and_history(app, browser, learner, deck, tmp_path):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, AGAIN)
    before = card_of(app, learner, FIRST_KEY)

    reimport(
        app,
        tmp_path,
        lambda yaml: yaml.replace('Who wrote: "I am appalled', 'Who posted: "I am appalled', 1),
    )
    set_card(app, learner, FIRST_KEY, due=utcnow() - dt.timedelta(seconds=1))

    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    assert shown_card(html) == before.id
    assert "Who posted:" in html and "Who wrote:" not in html
    assert "Learning" in html  # its state carried over
    rate(browser, deck, html, GOOD)

    after = card_of(app, learner, FIRST_KEY)
    assert after.id == before.id and after.revision == before.revision + 1
    logs = logs_of(app, learner)
    assert [(log.card_id, log.state_before) for log in logs] == [
        (before.id, "new"),
        (before.id, "learning"),
    ]
    with session_scope(app) as session:
        versions = [session.get(QuestionVersion, log.question_version_id) for log in logs]
        assert [(v.question_key, v.version) for v in versions] == [(FIRST_KEY, 1), (FIRST_KEY, 2)]


def test_a_question_added_to_the_bank_joins_a_deck_already_started(
    app, browser, learner, deck, tmp_path
):
    browser.get(f"/cards/{deck}/review")
    assert card_count(app, learner) == 104

    def add_one(yaml: str) -> str:
        block = yaml[yaml.index(f"  - id: {SECOND_KEY}\n") :]
        block = block[: block.index("  - id: ", 1)]
        return yaml.replace(block, block + block.replace(SECOND_KEY, "quote-ottoman-again"), 1)

    reimport(app, tmp_path, add_one)
    browser.get(f"/cards/{deck}/review")
    assert card_count(app, learner) == 105
    assert card_of(app, learner, "quote-ottoman-again").state == "new"


# --- quizzes feed the deck ---------------------------------------------------------------------


def test_a_question_missed_in_a_quiz_becomes_due_at_once(app, browser, learner, deck):
    attempt, _ = start(browser, quiz_id(app, ARTICLE_BANK, "key-facts"))
    questions = questions_of(app, attempt)
    missed = next(q for q in questions if q.type in ("single", "true_false", "short"))
    for number, question in enumerate(questions, start=1):
        form = wrong_form(question) if question is missed else correct_form(question)
        browser.post(f"/attempt/{attempt}/{number}", {**form, "action": "next"})
    assert browser.post(f"/attempt/{attempt}/submit").status_code == 302
    with session_scope(app) as session:
        submitted = session.get(Attempt, attempt).submitted_at

    card = card_of(app, learner, missed.id)
    assert card.state == "learning" and card.due == submitted == card.last_review
    assert card_count(app, learner) == 1  # the questions answered right are left alone
    [log] = logs_of(app, learner)
    assert (log.rating, log.source, log.state_before, log.scheduled_days) == (
        AGAIN,
        "quiz",
        "new",
        0.0,
    )
    html = browser.get(f"/cards/{deck}/review").get_data(as_text=True)
    assert shown_card(html) == card.id  # first in the queue
    assert counts_on(html) == (20, 1, 0)  # and today's new cards are all still there
    progress = text(browser.get("/progress").get_data(as_text=True))
    assert "No flashcard reviews in the last 30 days." in progress  # a quiz is not a review


def test_a_quiz_miss_of_a_card_in_review_is_a_lapse(app, browser, learner, deck):
    html = browser.get(f"/cards/{deck}/review?reveal=1").get_data(as_text=True)
    rate(browser, deck, html, EASY)  # the first question, in review for days
    reviewed = card_of(app, learner, FIRST_KEY)
    assert reviewed.state == "review" and reviewed.due > utcnow() + dt.timedelta(days=1)
    attempt, _ = start(browser, quiz_id(app, ARTICLE_BANK, "who-said-what"))  # every quote
    questions = questions_of(app, attempt)
    number = next(i for i, q in enumerate(questions, start=1) if q.id == FIRST_KEY)
    wrong = {**wrong_form(questions[number - 1]), "action": "next"}
    assert browser.post(f"/attempt/{attempt}/{number}", wrong).status_code == 302
    assert browser.post(f"/attempt/{attempt}/submit").status_code == 302

    lapsed = card_of(app, learner, FIRST_KEY)
    assert lapsed.id == reviewed.id and lapsed.state == "relearning"
    assert lapsed.stability < reviewed.stability
    assert lapsed.due <= utcnow()
    assert [(log.source, log.state_before) for log in logs_of(app, learner)] == [
        ("review", "new"),
        ("quiz", "review"),
    ]


def test_guests_and_previews_schedule_nothing(app, make_browser, deck, learner):
    guest = make_browser()
    attempt, _ = start(guest, quiz_id(app, ARTICLE_BANK, "who-said-what"))
    questions = questions_of(app, attempt)
    number = next(i for i, q in enumerate(questions, start=1) if q.type == "single")
    wrong = {**wrong_form(questions[number - 1]), "action": "next"}
    assert guest.post(f"/attempt/{attempt}/{number}", wrong).status_code == 302
    assert guest.post(f"/attempt/{attempt}/submit").status_code == 302
    with session_scope(app) as session:
        assert session.get(Attempt, attempt).points == 0
        preview = Attempt(user_id=learner, preview=True, submitted_at=utcnow())
        assert service.schedule_missed(session, preview) == []
    assert snapshot(app) == ([], [])


# --- the learner's day ------------------------------------------------------------------------


def test_counts_and_queue_follow_the_learners_day(app, learner, deck):
    """At 22:00 on 1 May in Los Angeles (05:00 UTC on the 2nd, 14:00 on the 2nd in Tokyo),
    a card due at 10:00 UTC on the 2nd is due tomorrow in Los Angeles but today in Tokyo."""
    now = dt.datetime(2024, 5, 1, 22, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    dues = {
        FIRST_KEY: dt.datetime(2024, 5, 2, 6, 30, tzinfo=dt.UTC),  # 23:30 on 1 May in LA
        SECOND_KEY: dt.datetime(2024, 5, 2, 10, 0, tzinfo=dt.UTC),  # 03:00 on 2 May in LA
        "quote-small-country-speaker": dt.datetime(2024, 5, 2, 16, 0, tzinfo=dt.UTC),
    }
    with session_scope(app) as session:
        user = session.get(User, learner)
        the_deck = service.get_deck(session, deck, user)
        service.open_deck(session, user, the_deck, now - dt.timedelta(days=30))
        for key, due in dues.items():
            session.execute(
                update(CardRecord)
                .where(CardRecord.user_id == learner, CardRecord.card_key == key)
                .values(
                    state="review",
                    due=due,
                    stability=10.0,
                    difficulty=5.0,
                    last_review=now - dt.timedelta(days=10),
                )
            )
        user.new_cards_per_day = 0

        due_today = {}
        for zone in ("America/Los_Angeles", "Asia/Tokyo", "UTC"):
            user.timezone = zone
            queue = [card.key for card in service.due_queue(session, user, the_deck, now)]
            assert service.counts(session, user, the_deck, now)[0].due == len(queue)
            due_today[zone] = queue
        session.rollback()

    assert due_today == {
        "America/Los_Angeles": [FIRST_KEY],
        "Asia/Tokyo": [FIRST_KEY, SECOND_KEY],  # its day ends at 15:00 UTC
        "UTC": [FIRST_KEY, SECOND_KEY, "quote-small-country-speaker"],
    }


def test_the_queue_puts_learning_then_reviews_then_new_cards(app, learner, deck):
    now = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    with session_scope(app) as session:
        user = session.get(User, learner)
        the_deck = service.get_deck(session, deck, user)
        service.open_deck(session, user, the_deck, now - dt.timedelta(days=1))
        memory = {"stability": 3.0, "difficulty": 5.0, "last_review": now - dt.timedelta(days=1)}
        layout = {
            "quote-small-country-speaker": ("review", now - dt.timedelta(days=2), None),
            "quote-proud-erdogan-speaker": ("review", now + dt.timedelta(hours=5), None),
            "quote-threaten-speaker": ("learning", now - dt.timedelta(minutes=1), 0),
            "quote-instead-speaker": ("relearning", now - dt.timedelta(minutes=5), 0),
            "quote-shameful-speaker": ("learning", now + dt.timedelta(minutes=5), 0),
            "quote-modern-force-speaker": ("review", now + dt.timedelta(days=2), None),
        }
        for key, (state, due, step) in layout.items():
            session.execute(
                update(CardRecord)
                .where(CardRecord.user_id == learner, CardRecord.card_key == key)
                .values(state=state, due=due, step=step, **memory)
            )
        user.new_cards_per_day = 2

        queue = [card.key for card in service.due_queue(session, user, the_deck, now)]

        assert queue == [
            "quote-instead-speaker",
            "quote-threaten-speaker",
            "quote-small-country-speaker",
            "quote-proud-erdogan-speaker",
            FIRST_KEY,
            SECOND_KEY,
        ]
        assert [c.key for c in service.due_queue(session, user, the_deck, now, limit=3)] == (
            queue[:3]
        )
        counts = service.counts(session, user, the_deck, now)[0]
        assert (counts.new, counts.learning, counts.due) == (2, 2, 2)
        session.rollback()


# --- the service and the published FSRS intervals ---------------------------------------------


def test_rating_a_stored_card_reproduces_the_published_fsrs_intervals(app, learner, deck):
    """fsrs 6.3.2's own test (tests/test_basic.py, test_review_card), through the service:
    default parameters, fuzzing off, each review made when the card falls due; the stored
    due dates give the published intervals in days."""
    ratings = [GOOD] * 6 + [AGAIN, AGAIN] + [GOOD] * 5
    expected = [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]
    now = dt.datetime(2022, 11, 29, 12, 30, tzinfo=dt.UTC)
    scheduler = Scheduler(enable_fuzzing=False)
    with session_scope(app) as session:
        user = session.get(User, learner)
        the_deck = service.get_deck(session, deck, user)
        service.open_deck(session, user, the_deck, now)
        version = session.scalar(
            select(QuestionVersion.id).where(
                QuestionVersion.question_key == FIRST_KEY, QuestionVersion.is_current
            )
        )
        card_id = session.scalar(
            select(CardRecord.id).where(
                CardRecord.user_id == learner, CardRecord.card_key == FIRST_KEY
            )
        )
    intervals, states = [], []
    for rating in ratings:
        with session_scope(app) as session:
            user = session.get(User, learner)
            card = session.get(CardRecord, card_id)
            service.rate_card(
                session,
                user,
                card_id,
                rating,
                now,
                revision=card.revision,
                version_id=version,
                scheduler=scheduler,
            )
        stored = card_of(app, learner, FIRST_KEY)
        intervals.append((stored.due - stored.last_review).days)
        states.append(stored.state)
        now = stored.due

    assert intervals == expected
    assert states == ["learning"] + ["review"] * 5 + ["relearning"] * 2 + ["review"] * 5
    logs = logs_of(app, learner)
    assert [log.rating for log in logs] == ratings
    assert [int(log.scheduled_days) for log in logs] == expected


def test_a_stale_revision_is_a_conflict_in_the_service(app, learner, deck):
    now = utcnow()
    with session_scope(app) as session:
        user = session.get(User, learner)
        the_deck = service.get_deck(session, deck, user)
        service.open_deck(session, user, the_deck, now)
        card = service.due_queue(session, user, the_deck, now, limit=1)[0]
        version = service.current_face(
            session, the_deck, session.get(CardRecord, card.card_id)
        ).version_id
        service.rate_card(
            session, user, card.card_id, GOOD, now, revision=card.revision, version_id=version
        )
        with pytest.raises(Conflict):
            service.rate_card(
                session, user, card.card_id, EASY, now, revision=card.revision, version_id=version
            )
    assert [log.rating for log in logs_of(app, learner)] == [GOOD]


# --- my progress -------------------------------------------------------------------------------


def test_my_progress_shows_retention_reviews_per_day_and_streak(app, browser, learner, deck):
    page = text(browser.get("/progress").get_data(as_text=True))
    assert "No flashcard reviews in the last 30 days." in page

    browser.get(f"/cards/{deck}/review")
    now = utcnow()
    with session_scope(app) as session:
        card_id = session.scalar(select(CardRecord.id).where(CardRecord.user_id == learner))
        for days_ago, rating, state in [
            (0, GOOD, "review"),
            (1, AGAIN, "review"),
            (2, HARD, "review"),
            (3, EASY, "review"),
            (3, AGAIN, "learning"),  # a learning step: not in the retention
            (40, AGAIN, "review"),  # too old
        ]:
            at = now - dt.timedelta(days=days_ago)
            session.add(
                ReviewLogRecord(
                    user_id=learner,
                    card_id=card_id,
                    rating=rating,
                    state_before=state,
                    reviewed_at=at,
                    due_before=at,
                    elapsed_days=1.0,
                    scheduled_days=1.0,
                    stability=1.0,
                    difficulty=5.0,
                    source="review",
                )
            )

    page = text(browser.get("/progress").get_data(as_text=True))

    assert "True retention (last 30 days) 75%" in page
    assert "Reviews per day 0.2" in page  # 5 reviews in 30 days
    assert "Study streak 4 days" in page


def test_learner_stats_leave_quiz_misses_out(app, learner, deck):
    now = utcnow()
    with session_scope(app) as session:
        user = session.get(User, learner)
        the_deck = service.get_deck(session, deck, user)
        service.open_deck(session, user, the_deck, now)
        card_id = session.scalar(select(CardRecord.id).where(CardRecord.user_id == learner))
        for source in ("quiz", "review"):
            session.add(
                ReviewLogRecord(
                    user_id=learner,
                    card_id=card_id,
                    rating=AGAIN,
                    state_before="review",
                    reviewed_at=now,
                    due_before=now,
                    scheduled_days=0.0,
                    source=source,
                )
            )
        session.flush()
        stats = service.learner_stats(session, user, now)
    assert (stats.reviews, stats.retention, stats.streak) == (1, 0.0, 1)


def test_an_order_card_front_shows_its_items_in_an_order_that_tells_nothing():
    """Two-item fronts used to be always the reverse of the answer, which gave it away."""
    solved = 0
    for n in range(40):
        question = {
            "id": f"pair-{n}",
            "type": "order",
            "prompt": "Earliest first.",
            "items": [f"First event {n}", f"Second event {n}"],
            "explanation": "As the article tells it.",
            "source": "as the article tells it",
        }
        version = QuestionVersion(
            id=n, question_key=question["id"], data=question, content_hash=f"pair-{n}"
        )
        options = face_of(version).options
        assert sorted(options) == sorted(question["items"])
        solved += list(options) == question["items"]
    assert 10 <= solved <= 30  # both orders, about as often


def test_a_bank_with_a_test_makes_no_flashcards_of_its_questions(app, make_browser, create_user):
    """Its questions' flashcards showed the test's answers before it opened."""
    teacher, _ = teacher_browser(make_browser, create_user)
    with_test = TINY_BANK.replace(
        "    title: Harbour quiz (best)\n", "    title: Harbour quiz (best)\n    attempts: 1\n"
    )
    assert with_test != TINY_BANK and upload(teacher, with_test).status_code == 302
    class_id = new_class(teacher)
    student, student_id = student_browser(make_browser, create_user)
    join(app, student, class_id)
    with session_scope(app) as session:
        bank_id = session.scalar(select(BankRecord.id).where(BankRecord.slug == "tiny-bank"))
    assert "Tiny test bank" not in student.get("/cards/").get_data(as_text=True)
    assert f'href="/cards/{bank_id}"' not in student.get("/").get_data(as_text=True)
    for page in (f"/cards/{bank_id}", f"/cards/{bank_id}/review", f"/cards/{bank_id}/cram"):
        refused = student.get(page)
        assert refused.status_code == 404, page
        assert "make a test, so they are not flashcards" in refused.get_data(as_text=True)
    quiz = tiny_quiz(app)
    assign(teacher, class_id, quiz)
    take(app, student_id, quiz, WRONG, soon(10))  # missed questions make no cards either
    with session_scope(app) as session:
        assert session.scalar(select(func.count(CardRecord.id))) == 0

    # Without the limit, the questions are flashcards again.
    assert upload(teacher, TINY_BANK).status_code == 302
    assert "Tiny test bank" in student.get("/cards/").get_data(as_text=True)
    assert f'href="/cards/{bank_id}"' in student.get("/").get_data(as_text=True)
    assert student.get(f"/cards/{bank_id}/review").status_code == 200
