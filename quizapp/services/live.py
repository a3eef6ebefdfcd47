"""Live games: a teacher hosts a quiz for a class, question by question, and the class
answers on their own devices against one clock.

A game does not count towards grades or the leaderboards: it is a game. It is played only
from quizzes that do not limit attempts, since it shows each answer to the class.

Functions here add and flush; the caller commits once.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session, contains_eager, selectinload

from quizapp.core import grading, live
from quizapp.core.live import Phase
from quizapp.models import (
    BankRecord,
    Classroom,
    LiveAnswer,
    LiveGame,
    LivePlayer,
    Membership,
    QuestionVersion,
    QuizRecord,
    User,
)
from quizapp.services import locks
from quizapp.services.attempts import checked_answer, current_versions, draw_questions
from quizapp.services.catalog import quiz_question_count
from quizapp.services.content import options_in_order, question_of, quiz_of
from quizapp.services.errors import Conflict, Forbidden, NotFound
from quizapp.services.item_analysis import option_picks
from quizapp.services.names import shown_bank_titles, shown_names

IDLE_HOURS = 3
"""A game its host has not moved on for this long is over: a game left open at the end of
a lesson does not call the class back the next day."""

TIME_UP = "Time was up: this question closed before your answer reached us."


# Which quizzes, which games


@dataclass(frozen=True)
class PlayableQuiz:
    record: QuizRecord
    questions: int
    bank_title: str
    """As the menu shows it: with whose bank it is when another has the same title."""


def playable_quizzes(session: Session, classroom: Classroom) -> list[PlayableQuiz]:
    """Quizzes the class's teacher may host: the school's and their own, that do not limit
    attempts (a test's answers would be shown to the class), with questions."""
    quizzes = session.scalars(
        select(QuizRecord)
        .join(BankRecord, BankRecord.id == QuizRecord.bank_id)
        .options(contains_eager(QuizRecord.bank))
        .where(
            QuizRecord.is_active,
            BankRecord.owner_id.is_(None) | (BankRecord.owner_id == classroom.teacher_id),
        )
        .order_by(BankRecord.title, BankRecord.id, QuizRecord.position, QuizRecord.title)
    ).all()
    banks = shown_bank_titles(session, (quiz.bank for quiz in quizzes))
    questions_of_bank: dict[int, list[Any]] = {}
    playable = []
    for quiz in quizzes:
        settings = quiz_of(quiz)
        if settings.attempts is not None:
            continue
        if quiz.bank_id not in questions_of_bank:
            versions = current_versions(session, quiz.bank_id)
            questions_of_bank[quiz.bank_id] = [question_of(v) for v in versions]
        count = quiz_question_count(settings, questions_of_bank[quiz.bank_id])
        if count:
            playable.append(PlayableQuiz(quiz, count, banks[quiz.bank_id]))
    return playable


def is_over(game: LiveGame, now: dt.datetime) -> bool:
    """Ended by its host, left idle, or its class archived (its students can no longer play)."""
    return (
        game.ended_at is not None
        or now - game.changed_at > dt.timedelta(hours=IDLE_HOURS)
        or game.classroom.archived_at is not None
    )


def phase(game: LiveGame, now: dt.datetime) -> Phase:
    return live.phase_of(
        question_index=game.question_index,
        ended=is_over(game, now),
        closed=game.closed_at is not None,
        closes_at=game.closes_at,
        now=now,
    )


def running_game(session: Session, classroom: Classroom, now: dt.datetime) -> LiveGame | None:
    game = session.scalar(
        select(LiveGame)
        .where(LiveGame.class_id == classroom.id, LiveGame.ended_at.is_(None))
        .order_by(LiveGame.id.desc())
        .limit(1)
    )
    return game if game is not None and not is_over(game, now) else None


def games_of(session: Session, classroom: Classroom, limit: int = 10) -> list[GameSummary]:
    """The class's latest games, newest first, with their player counts."""
    games = list(
        session.scalars(
            select(LiveGame)
            .where(LiveGame.class_id == classroom.id)
            .options(selectinload(LiveGame.quiz))
            .order_by(LiveGame.id.desc())
            .limit(limit)
        )
    )
    # Counted as the game's standings count them: a student since removed is left out.
    players = dict(
        session.execute(
            select(LivePlayer.game_id, func.count())
            .join(LiveGame, LiveGame.id == LivePlayer.game_id)
            .join(Membership, _still_in_class())
            .where(LivePlayer.game_id.in_([game.id for game in games]))
            .group_by(LivePlayer.game_id)
        ).all()
    )
    return [GameSummary(game, players.get(game.id, 0)) for game in games]


@dataclass(frozen=True)
class GameSummary:
    game: LiveGame
    players: int


@dataclass(frozen=True)
class OpenGame:
    game: LiveGame
    joined: bool


def open_games_for(session: Session, student: User, now: dt.datetime) -> list[OpenGame]:
    """Games running in the student's classes, to join (or go back to) from their home page."""
    rows = session.execute(
        select(LiveGame, LivePlayer.id)
        .join(Membership, Membership.class_id == LiveGame.class_id)
        .join(Classroom, Classroom.id == LiveGame.class_id)
        .outerjoin(
            LivePlayer,
            (LivePlayer.game_id == LiveGame.id) & (LivePlayer.user_id == student.id),
        )
        .where(
            Membership.student_id == student.id,
            Membership.removed_at.is_(None),
            Classroom.archived_at.is_(None),
            LiveGame.ended_at.is_(None),
            LiveGame.changed_at > now - dt.timedelta(hours=IDLE_HOURS),
        )
        .options(selectinload(LiveGame.quiz), selectinload(LiveGame.classroom))
        .order_by(LiveGame.id)
    )
    return [OpenGame(game, player_id is not None) for game, player_id in rows]


# Hosting


def start_game(
    session: Session,
    classroom: Classroom,
    quiz_id: int,
    seconds: int,
    now: dt.datetime,
    *,
    replacing: int | None = None,
    rng: random.Random | None = None,
) -> tuple[LiveGame, LiveGame | None]:
    """A new game in its lobby, and the class's game it ended: the one running when the
    teacher's page was made (`replacing`), which must still be the one running."""
    if seconds not in live.SECONDS_CHOICES:
        raise Conflict("Choose one of the times offered for each question.")
    quiz = next(
        (q.record for q in playable_quizzes(session, classroom) if q.record.id == quiz_id), None
    )
    if quiz is None:
        raise Conflict(
            "That quiz cannot be played live: choose one of the list. A quiz that limits its"
            " attempts is a test, and a live game would show its answers to the class."
        )
    locks.hold(session, classroom)
    ended = running_game(session, classroom, now)
    if (ended.id if ended is not None else None) != replacing:
        # A second click on Start, or a page opened before another game began.
        raise Conflict(
            "Another game had started in this class meanwhile (a second click, or another"
            " tab): it is the one running now."
        )
    if ended is not None:
        ended.ended_at = now
    drawn = draw_questions(session, quiz, rng or random.Random(secrets.randbits(64)))
    game = LiveGame(
        class_id=classroom.id,
        quiz_id=quiz.id,
        seconds_per_question=seconds,
        question_order=drawn.order,
        option_orders=drawn.options,
        question_index=-1,
        step=0,
        created_at=now,
        changed_at=now,
    )
    session.add(game)
    session.flush()
    return game, ended


def game_for_host(session: Session, game_id: int, teacher: User) -> LiveGame:
    game = session.get(LiveGame, game_id)
    if game is None:
        raise NotFound("There is no such game.")
    if game.classroom.teacher_id != teacher.id:
        raise Forbidden("This game belongs to another teacher's class.")
    return game


def _hold(session: Session, game: LiveGame, step: int | None = None) -> None:
    """Hold the game's row and read it again: two clicks take turns. A `step` other than the
    game's is a click on a page the game has left."""
    locks.hold(session, game)
    session.refresh(game)
    if step is not None and step != game.step:
        raise Conflict("The game had already moved on (a second click, or another tab).")


def advance(session: Session, game: LiveGame, step: int, seen: Phase, now: dt.datetime) -> None:
    """The host's one button: open the first question, close the open one early, open the
    next, or end the game after the last. `seen` is the phase the host's page showed: a
    question that closed by itself since (its time up, everyone answered) is not skipped."""
    _hold(session, game, step)
    current = phase(game, now)
    if current is Phase.FINISHED:
        raise Conflict("This game has ended.")
    if current is not seen:
        raise Conflict("The question had closed by itself meanwhile: here is its answer.")
    if current is Phase.QUESTION:
        game.closed_at = now
    elif game.question_index + 1 < len(game.question_order):
        game.question_index += 1
        game.opened_at = now
        game.closes_at = now + dt.timedelta(seconds=game.seconds_per_question)
        game.closed_at = None
    else:
        game.ended_at = now
    game.step += 1
    game.changed_at = now
    session.flush()


def end_game(session: Session, game: LiveGame, step: int, now: dt.datetime) -> None:
    _hold(session, game, step)
    if game.ended_at is None:
        game.ended_at = now
        game.step += 1
        game.changed_at = now
        session.flush()


# Playing


def game_for_player(session: Session, game_id: int, user: User) -> LiveGame:
    """A game of a class the user is in (their teacher hosts it, and has their own page)."""
    game = session.get(LiveGame, game_id)
    if game is None:
        raise NotFound("There is no such game.")
    member = session.scalar(
        select(Membership.id).where(
            Membership.class_id == game.class_id,
            Membership.student_id == user.id,
            Membership.removed_at.is_(None),
        )
    )
    if member is None or game.classroom.archived_at is not None:
        raise Forbidden("This game belongs to a class you are not in.")
    return game


def player_of(session: Session, game: LiveGame, user: User) -> LivePlayer | None:
    return session.scalar(
        select(LivePlayer).where(LivePlayer.game_id == game.id, LivePlayer.user_id == user.id)
    )


def join(session: Session, game: LiveGame, user: User, now: dt.datetime) -> LivePlayer:
    """Join the game, or find that one had already joined (another tab, a double click)."""
    _hold(session, game)
    if phase(game, now) is Phase.FINISHED:
        raise Conflict("This game has ended: it can no longer be joined.")
    player = player_of(session, game, user)
    if player is None:
        player = LivePlayer(game_id=game.id, user_id=user.id, joined_at=now)
        session.add(player)
        session.flush()
    return player


def answer(
    session: Session,
    game: LiveGame,
    user: User,
    number: int,
    raw: Any,
    now: dt.datetime,
) -> LiveAnswer:
    """Grade and keep a player's answer to question `number` (from 1), while it is open.
    The same answer sent again (a second press before the page moved on) is the one kept,
    even if the first closed the question."""
    _hold(session, game)
    player = player_of(session, game, user)
    if player is None:
        raise Conflict("Join the game to answer its questions.")
    kept = _answer_of(session, game, player)
    if number != game.question_index + 1 or (
        kept is None and phase(game, now) is not Phase.QUESTION
    ):
        raise Conflict(TIME_UP)
    version = session.get(QuestionVersion, game.question_order[game.question_index])
    assert version is not None
    question = question_of(version)
    checked = checked_answer(question, raw)
    if kept is not None:
        if _same_answer(kept.answer, checked):
            return kept
        raise Conflict("You have already answered this question: one answer a question.")
    grade = grading.grade(question, checked)
    assert game.opened_at is not None
    seen_at = player.seen_at if player.seen_index == game.question_index else None
    elapsed = live.answer_seconds(game.opened_at, seen_at, now)
    given = LiveAnswer(
        game_id=game.id,
        question_index=game.question_index,
        player_id=player.id,
        question_version_id=version.id,
        answer=checked,
        fraction=grade.fraction,
        points=live.points(grade.fraction, elapsed, game.seconds_per_question),
        elapsed_ms=max(0, round(elapsed * 1000)),
        answered_at=now,
    )
    session.add(given)
    session.flush()
    _close_if_everyone_answered(session, game, now)
    return given


def student_removed(session: Session, classroom: Classroom, now: dt.datetime) -> None:
    """A student was taken off the class's roster: if they were the last one the open
    question waited for, it closes now rather than when its time is up."""
    game = running_game(session, classroom, now)
    if game is not None:
        _hold(session, game)
        _close_if_everyone_answered(session, game, now)


def _close_if_everyone_answered(session: Session, game: LiveGame, now: dt.datetime) -> None:
    if phase(game, now) is not Phase.QUESTION:
        return
    players = _player_count(session, game)
    if players and _answer_count(session, game) >= players:  # none yet: some may join
        game.closed_at = now  # no need to wait for the clock
        session.flush()


def mark_seen(session: Session, game: LiveGame, player: LivePlayer, now: dt.datetime) -> bool:
    """Note when the open question first reached the player's page; False if it had."""
    if player.seen_index == game.question_index or phase(game, now) is not Phase.QUESTION:
        return False
    player.seen_index = game.question_index
    player.seen_at = now
    session.flush()
    return True


def _same_answer(kept: Any, checked: Any) -> bool:
    """Whether a stored answer is this one (stored as JSON, where a tuple is a list)."""
    return json.dumps(kept, sort_keys=True) == json.dumps(checked, sort_keys=True)


def _answer_of(session: Session, game: LiveGame, player: LivePlayer) -> LiveAnswer | None:
    return session.scalar(
        select(LiveAnswer).where(
            LiveAnswer.game_id == game.id,
            LiveAnswer.question_index == game.question_index,
            LiveAnswer.player_id == player.id,
        )
    )


def _answers(game: LiveGame, *columns: Any) -> Select[Any]:
    """The answers to the current question of the players still in the class."""
    return (
        _players(game)
        .with_only_columns(*columns)
        .join(LiveAnswer, LiveAnswer.player_id == LivePlayer.id)
        .where(LiveAnswer.question_index == game.question_index)
    )


def _answer_count(session: Session, game: LiveGame) -> int:
    return session.scalar(_answers(game, func.count()))


def _still_in_class() -> ColumnElement[bool]:
    """Joins a game's player to their membership of its class, if they are still in it."""
    return (
        (Membership.class_id == LiveGame.class_id)
        & (Membership.student_id == LivePlayer.user_id)
        & Membership.removed_at.is_(None)
    )


def _players(game: LiveGame) -> Select[Any]:
    """The game's players still in its class: one removed from it mid-game is no longer
    waited for, nor shown."""
    return (
        select(LivePlayer)
        .join(
            Membership,
            (Membership.class_id == game.class_id) & (Membership.student_id == LivePlayer.user_id),
        )
        .where(LivePlayer.game_id == game.id, Membership.removed_at.is_(None))
    )


def _player_count(session: Session, game: LiveGame) -> int:
    return session.scalar(select(func.count()).select_from(_players(game).subquery()))


# What the pages show


@dataclass(frozen=True)
class State:
    """What the pages of a game poll for: a page whose `key` is no longer the game's reloads."""

    phase: Phase
    number: int
    """The question's number, from 1 (0 in the lobby)."""
    total: int
    remaining_seconds: int | None
    players: int
    answers: int
    next_game: LiveGame | None = None
    """For a game over: the class's game running since, which its pages lead to."""

    @property
    def key(self) -> str:
        key = f"{self.phase}-{self.number}"
        return f"{key}-{self.next_game.id}" if self.next_game is not None else key


def state(session: Session, game: LiveGame, now: dt.datetime) -> State:
    current = phase(game, now)
    remaining = None
    if current is Phase.QUESTION and game.closes_at is not None:
        remaining = max(0, int((game.closes_at - now).total_seconds() + 0.999))
    following = None
    if current is Phase.FINISHED:
        running = running_game(session, game.classroom, now)
        following = running if running is not None and running.id != game.id else None
    return State(
        phase=current,
        number=game.question_index + 1,
        total=len(game.question_order),
        remaining_seconds=remaining,
        players=_player_count(session, game),
        answers=_answer_count(session, game) if game.question_index >= 0 else 0,
        next_game=following,
    )


def current_question(session: Session, game: LiveGame) -> tuple[Any, list[tuple[str, str]]]:
    """The open question and its options as (id, text), in the game's order."""
    version = session.get(QuestionVersion, game.question_order[game.question_index])
    assert version is not None
    question = question_of(version)
    order = game.option_orders.get(str(version.id), [])
    return question, options_in_order(question, order)


def numbered_name(session: Session, game: LiveGame, user: User) -> str | None:
    """The name the game's screens show the student by, when it is not their display name
    as it is: numbered, since a classmate has the same one."""
    shown = shown_names(session, game.class_id).get(user.id)
    return shown if shown != user.display_name else None


def player_names(session: Session, game: LiveGame) -> list[str]:
    """The players' names, as the class's screens show them, in the order they joined."""
    shown = shown_names(session, game.class_id)
    rows = session.execute(
        _players(game)
        .with_only_columns(LivePlayer.user_id, User.display_name)
        .join(User, User.id == LivePlayer.user_id)
        .order_by(LivePlayer.joined_at, LivePlayer.id)
    )
    return [shown.get(user_id, name) for user_id, name in rows]


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    right: bool


@dataclass(frozen=True)
class Reveal:
    """A closed question: its answer, and how the class answered it."""

    answer: str
    bars: list[Bar]
    answered: int
    right: int


def reveal(session: Session, game: LiveGame) -> Reveal:
    question, options = current_question(session, game)
    rows = session.execute(_answers(game, LiveAnswer.answer, LiveAnswer.fraction)).all()
    right = sum(1 for _, fraction in rows if fraction >= 1)
    picked = option_picks(question, [given for given, _ in rows])
    if picked is not None:
        shown = [text for _, text in options]  # the order the class saw them in
        picked.sort(key=lambda option: shown.index(option.text) if option.text in shown else 0)
        bars = [Bar(option.text, option.picks, option.correct) for option in picked]
    else:
        partly = sum(1 for _, fraction in rows if 0 < fraction < 1)
        bars = [Bar("Right", right, True)]
        if question.type not in ("short", "numeric", "date"):  # those are right or wrong
            bars.append(Bar("Partly right", partly, False))
        bars.append(Bar("Wrong", len(rows) - right - partly, False))
    return Reveal(grading.describe_answer(question), bars, len(rows), right)


_POINTS = func.coalesce(func.sum(LiveAnswer.points), 0)
_SECONDS_MS = func.coalesce(  # only the answers that earned points count towards the time
    func.sum(case((LiveAnswer.points > 0, LiveAnswer.elapsed_ms), else_=0)), 0
)
_RIGHT = func.coalesce(func.sum(case((LiveAnswer.fraction >= 1, 1), else_=0)), 0)


def standings(session: Session, game: LiveGame) -> list[live.Place]:
    """Every player, ranked; one who has not answered yet has 0 points."""
    shown = shown_names(session, game.class_id)
    rows = session.execute(
        _players(game)
        .with_only_columns(
            LivePlayer.id, LivePlayer.user_id, User.display_name, _POINTS, _SECONDS_MS, _RIGHT
        )
        .join(User, User.id == LivePlayer.user_id)
        .outerjoin(LiveAnswer, LiveAnswer.player_id == LivePlayer.id)
        .group_by(LivePlayer.id, LivePlayer.user_id, User.display_name)
    ).all()
    scores = [
        live.Score(player_id, shown.get(user_id, name), int(total), ms / 1000, int(full))
        for player_id, user_id, name, total, ms, full in rows
    ]
    return live.standings(scores, game.created_at)


@dataclass(frozen=True)
class PlayedGame:
    """A game the student played, and how they did: their own place, whatever the class's
    leaderboard shows."""

    game: LiveGame
    place: live.Place
    players: int


def games_played(
    session: Session, student: User, now: dt.datetime, limit: int = 10
) -> list[PlayedGame]:
    """The student's latest games that showed a question, newest first, in the classes they
    are still in (archived ones too, as their attempts there stay theirs).

    A game's open question does not count yet: its answers are told when it closes.
    """
    games = list(
        session.scalars(
            select(LiveGame)
            .join(LivePlayer, LivePlayer.game_id == LiveGame.id)
            .join(Membership, _still_in_class())
            .where(LivePlayer.user_id == student.id, LiveGame.question_index >= 0)
            .options(selectinload(LiveGame.quiz))
            .order_by(LiveGame.created_at.desc(), LiveGame.id.desc())
            .limit(limit)
        )
    )
    counted = LiveAnswer.player_id == LivePlayer.id
    for game in games:
        if phase(game, now) is Phase.QUESTION:
            counted &= (LiveAnswer.game_id != game.id) | (
                LiveAnswer.question_index != game.question_index
            )
    rows = session.execute(
        select(LivePlayer.game_id, LivePlayer.id, LivePlayer.user_id, _POINTS, _SECONDS_MS, _RIGHT)
        .join(LiveGame, LiveGame.id == LivePlayer.game_id)
        .join(
            Membership,
            (Membership.class_id == LiveGame.class_id)
            & (Membership.student_id == LivePlayer.user_id),
        )
        .outerjoin(LiveAnswer, counted)
        .where(LivePlayer.game_id.in_([game.id for game in games]), Membership.removed_at.is_(None))
        .group_by(LivePlayer.game_id, LivePlayer.id, LivePlayer.user_id)
    ).all()
    scores: dict[int, list[live.Score]] = {game.id: [] for game in games}
    own: dict[int, int] = {}
    for game_id, player_id, user_id, total, ms, full in rows:
        scores[game_id].append(live.Score(player_id, "", int(total), ms / 1000, int(full)))
        if user_id == student.id:
            own[game_id] = player_id
    played = []
    for game in games:
        places = live.standings(scores[game.id], game.created_at)
        mine = next(place for place in places if place.score.player_id == own[game.id])
        played.append(PlayedGame(game, mine, len(places)))
    return played


@dataclass(frozen=True)
class Turn:
    """A player's answer to the current question, as their page shows it."""

    given: str
    points: int
    grade: grading.Grade


def turn_of(session: Session, game: LiveGame, player: LivePlayer) -> Turn | None:
    given = _answer_of(session, game, player)
    if given is None:
        return None
    version = session.get(QuestionVersion, given.question_version_id)
    assert version is not None
    question = question_of(version)
    return Turn(
        grading.describe_response(question, given.answer),
        given.points,
        grading.grade(question, given.answer),
    )
