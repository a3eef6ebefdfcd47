"""Tables. Question content is stored by version, so past attempts keep their meaning."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from quizapp.db import Base


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AwareDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (stored as naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))  # "student" or "teacher"
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    new_cards_per_day: Mapped[int] = mapped_column(Integer, default=20)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Part of every session's id: logging out raises it, which ends all the user's sessions."""

    @property
    def is_teacher(self) -> bool:
        return self.role == "teacher"

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"


class Classroom(Base):
    __tablename__ = "classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    join_code: Mapped[str] = mapped_column(String(12), unique=True)
    leaderboard_mode: Mapped[str] = mapped_column(String(10), default="all")
    # The secret in the address of the public big-screen leaderboard; None until a teacher asks.
    screen_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)

    teacher: Mapped[User] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="classroom")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("class_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    absences: Mapped[list[list[str]]] = mapped_column(JSON, default=list, server_default="[]")
    """The times the student was removed and later added back: [removed, back], in ISO 8601."""

    classroom: Mapped[Classroom] = relationship(back_populates="memberships")
    student: Mapped[User] = relationship()

    @property
    def away(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """`absences`, as moments."""
        return [
            (dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b)) for a, b in self.absences
        ]


class BankRecord(Base):
    """A bank as last imported; `yaml_text` is the file exactly as the teacher wrote it."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(20), default="en")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(300))
    yaml_text: Mapped[str] = mapped_column(Text)
    source_text: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    """When its teacher archived it: their students no longer see it, its quizzes are
    withdrawn. School banks are never archived."""

    quizzes: Mapped[list[QuizRecord]] = relationship(back_populates="bank")


class QuestionVersion(Base):
    """One version of a question: a snapshot of its YAML model and that snapshot's hash."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("bank_id", "question_key", "version"),
        Index("ix_question_versions_current", "bank_id", "is_current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    question_key: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)

    bank: Mapped[BankRecord] = relationship()


class QuizRecord(Base):
    __tablename__ = "quizzes"
    __table_args__ = (UniqueConstraint("bank_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    bank: Mapped[BankRecord] = relationship(back_populates="quizzes")


class Attempt(Base):
    """One try at a quiz. Guests' attempts carry a guest token instead of a user."""

    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_user_quiz", "user_id", "quiz_id"),
        # The few attempts still open, by learner: those whose time ran out are submitted
        # before a class's results are shown (`attempts.expire_overdue`).
        Index(
            "ix_attempts_open",
            "user_id",
            "deadline_at",
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    guest_token: Mapped[str | None] = mapped_column(String(64), index=True)
    preview: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    deadline_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    auto_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Fixed per attempt so a reload shows the same order: question version ids,
    # and per version the displayed order of choice / item ids.
    question_order: Mapped[list[int]] = mapped_column(JSON)
    option_orders: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    current_index: Mapped[int] = mapped_column(Integer, default=0)
    last_activity_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    points: Mapped[float] = mapped_column(Float, default=0)
    max_points: Mapped[float] = mapped_column(Float, default=0)
    percentage: Mapped[float | None] = mapped_column(Float)

    quiz: Mapped[QuizRecord] = relationship()
    user: Mapped[User | None] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="attempt")

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def duration_seconds(self) -> float | None:
        if self.submitted_at is None:
            return None
        return (self.submitted_at - self.started_at).total_seconds()


class Response(Base):
    """A learner's answer to one question version in one attempt, graded when saved."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "question_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), index=True)
    answer: Mapped[Any] = mapped_column(JSON)
    points: Mapped[float] = mapped_column(Float)
    max_points: Mapped[float] = mapped_column(Float)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    time_spent_ms: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    question_version: Mapped[QuestionVersion] = relationship()


class Assignment(Base):
    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("class_id", "quiz_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    opens_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    archived_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)

    classroom: Mapped[Classroom] = relationship()
    quiz: Mapped[QuizRecord] = relationship()


class CardRecord(Base):
    """A learner's schedule for one flashcard (FSRS state). `card_key` is stable across versions."""

    __tablename__ = "card_states"
    __table_args__ = (
        UniqueConstraint("user_id", "bank_id", "card_key"),
        # The due queue reads one learner's deck one state at a time, in due order.
        Index("ix_card_states_due", "user_id", "bank_id", "state", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id"))
    card_key: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(12))  # new, learning, review, relearning
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    last_review: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)

    __mapper_args__ = {"version_id_col": revision}


class ReviewLogRecord(Base):
    """One rating of one card: a `scheduling.Review`, kept so FSRS can later be fitted to it."""

    __tablename__ = "review_logs"
    __table_args__ = (Index("ix_review_logs_user_time", "user_id", "reviewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("card_states.id"), index=True)
    question_version_id: Mapped[int | None] = mapped_column(ForeignKey("question_versions.id"))
    rating: Mapped[int] = mapped_column(Integer)
    state_before: Mapped[str] = mapped_column(String(12))
    reviewed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    due_before: Mapped[dt.datetime] = mapped_column(AwareDateTime)
    elapsed_days: Mapped[float | None] = mapped_column(Float)
    scheduled_days: Mapped[float] = mapped_column(Float)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(12), default="review")  # review or quiz


class LiveGame(Base):
    """A quiz played by a class together, one question at a time, on the host's signal.

    `step` counts the host's moves: each form of the host's page carries it, so that a
    second click (or a second tab) does not skip a question."""

    __tablename__ = "live_games"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id"))
    seconds_per_question: Mapped[int] = mapped_column(Integer)
    # Drawn when the game is made, as an attempt's are: the same for every player.
    question_order: Mapped[list[int]] = mapped_column(JSON)
    option_orders: Mapped[dict[str, list[str]]] = mapped_column(JSON)
    question_index: Mapped[int] = mapped_column(Integer, default=-1)  # -1: the lobby
    opened_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    closes_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    """Set when the question closed before its time: by the host, or by the last answer."""
    step: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    changed_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)

    classroom: Mapped[Classroom] = relationship()
    quiz: Mapped[QuizRecord] = relationship()


class LivePlayer(Base):
    __tablename__ = "live_players"
    __table_args__ = (UniqueConstraint("game_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("live_games.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
    seen_index: Mapped[int] = mapped_column(Integer, default=-1, server_default="-1")
    seen_at: Mapped[dt.datetime | None] = mapped_column(AwareDateTime)
    """When the question `seen_index` reached the player's device: its points count from then."""

    user: Mapped[User] = relationship()


class LiveAnswer(Base):
    """A player's one answer to one question of a game, graded and scored when it came."""

    __tablename__ = "live_answers"
    __table_args__ = (UniqueConstraint("game_id", "question_index", "player_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    game_id: Mapped[int] = mapped_column(ForeignKey("live_games.id"))
    question_index: Mapped[int] = mapped_column(Integer)
    player_id: Mapped[int] = mapped_column(ForeignKey("live_players.id"), index=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    answer: Mapped[Any] = mapped_column(JSON)
    fraction: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    elapsed_ms: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[dt.datetime] = mapped_column(AwareDateTime, default=utcnow)
