"""How long a class's leaderboard, gradebook and item-analysis pages take, next to the bare
SQL that computes the same numbers, in a school of 10,000 students.

    python tests/benchmarks/classroom_pages.py [--quick] [--runs 101] [--no-cache]

Builds a fresh SQLite database (migrated like the app's, with the article bank imported)
and fills it in bulk, in one transaction: 300 teachers with a class each, 10,000 students
(5 in the first class, 60 in the second, about 33 in every other; 2% of them since
removed), two to four assignments per class (the 10-minute "key facts" quiz in every
class), 100,000 submitted attempts over the last four months and 1,000,000 responses.
Each attempt draws its questions and option orders as the app does, and its responses are
graded by the app's graders: abler students leave fewer questions blank and answer right
more often, more so on easier questions. `--quick` fills a tenth of that. The filled file
is kept under tests/benchmarks/.data/, named by scale, fill version and schema revision,
and copied for each run.

Then, through the Flask test client, signed in as the teacher of a class of typical size,
it renders in turns, in this process, with the leaderboard cache off:

- the class leaderboard, overall and for the key-facts quiz (`board.show`), against bare
  SQL that picks the best attempt per student and quiz (highest score, then shortest, then
  earliest), sums them per student for the overall board (the school's quizzes and the
  class teacher's), ranks the rows by the tie-break rule, and for the overall board reads
  the flashcard review streaks;
- the gradebook (`teach.gradebook_page`), against bare SQL of each student's counted attempts
  per assignment (count, best, mean, first submission) and the cell's status;
- the item analysis of the key-facts quiz (`teach.analysis`), against bare SQL of each
  question's facility and the sums its discrimination is made of (a question shown but
  left blank scores 0), the option picks of the choice questions, the typed answers that
  missed full marks and the score bands.

The services' numbers are checked against the bare queries' before anything is timed.
Each page must take at most LIMIT times its bare query (medians of the runs); the table
also shows the time of the page's service calls alone, without the request and the
template, to tell the two apart, and the time of the floor of any page: a signed-in page
that renders only the base layout and runs no query of its own. Beside it, a bare Flask app
answering "hi", and the one-quiz board's own statements replayed on the bare connection,
show how much of that board's limit is left for the rest of a page. The SQL statements of
each page are counted for a class of 5 students and for one of 60, and must be as many for
both (no query per row shown).
Prints a table, and as its last line a JSON object; exits with status 1 if a ratio is
above LIMIT or a count grows with the class.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from flask import Flask, render_template
from flask_login import login_required
from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.security import generate_password_hash

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizapp import create_app, db, migrate  # noqa: E402
from quizapp.core import grading  # noqa: E402
from quizapp.core.dates import ParsedDate  # noqa: E402
from quizapp.core.quizzes import draw, option_order  # noqa: E402
from quizapp.core.scoring import STREAK_CAP_DAYS  # noqa: E402
from quizapp.models import QuestionVersion, QuizRecord, User, utcnow  # noqa: E402
from quizapp.paths import questions_dir  # noqa: E402
from quizapp.services import classes, gradebook, item_analysis, leaderboards  # noqa: E402
from quizapp.services.banks import import_paths  # noqa: E402
from quizapp.services.content import question_of, quiz_of  # noqa: E402

LIMIT = 3.0
FILL_VERSION = "3"
"""Change it when the fill changes, so that a kept database is not reused."""
DATA = Path(__file__).resolve().parent / ".data"
BATCH = 50_000
DRAWS_PER_QUIZ = 64
"""Attempts at a quiz share this many draws (question and option orders)."""
MEASURED_QUIZ = "key-facts"
"""Assigned in every class: the per-quiz board and the item analysis are of this quiz."""
QUIZ_WEIGHTS = {
    "key-facts": 0.35,
    "dates-and-numbers": 0.25,
    "who-said-what": 0.2,
    "media-literacy": 0.15,
    "whole-article": 0.05,
}
"""How often each quiz is assigned, and practised when it is not assigned."""
OTHER_QUIZ_WEIGHT = 0.1
"""The weight of a quiz the article bank may gain."""
ASSIGNED_SHARE = 0.85
"""The share of attempts at a quiz assigned to the student's class."""
TIME_ZONE = "Europe/Belgrade"
FIRST_NAMES = (
    "Ana Arben Besa Dardan Dea Elira Emir Ena Era Ilir Jelena Jon Lana Luka Marko Mila"
    " Nikola Nora Petar Rina Sara Stefan Teuta Una Valon Vesa Zana Zoran Ajla Berk"
).split()


@dataclass(frozen=True)
class Scale:
    students: int
    classes: int
    attempts: int
    responses: int
    small: int = 5
    large: int = 60

    @property
    def name(self) -> str:
        return f"{self.students}s-{self.classes}c-{self.attempts}a-{self.responses}r"


FULL = Scale(students=10_000, classes=300, attempts=100_000, responses=1_000_000)
QUICK = Scale(students=1_000, classes=30, attempts=10_000, responses=100_000)


def sql_time(moment: dt.datetime) -> str:
    """A UTC moment as SQLAlchemy's SQLite DateTime stores it (naive, with microseconds)."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def progress(message: str, started: float) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)


# The fill


@dataclass(frozen=True)
class Candidate:
    """One stored answer to a question, graded by the app's grader."""

    answer: str
    points: float
    max_points: float
    correct: int


@dataclass(frozen=True)
class Item:
    """A question version: its answers (full marks first) and how hard it is."""

    version_id: int
    right: tuple[Candidate, ...]
    wrong: tuple[Candidate, ...]
    difficulty: float


@dataclass(frozen=True)
class Draw:
    order: tuple[int, ...]
    order_json: str
    options_json: str
    max_points: float


def raw_answers(question: Any) -> list[Any]:
    """Answers as a learner might send them: the right one first, then wrong or partial ones."""
    kind = question.type
    if kind == "single":
        ids = question.choice_ids()
        return [ids[question.correct]] + [i for t, i in ids.items() if t != question.correct]
    if kind == "multiple":
        ids = question.choice_ids()
        right = [ids[text] for text in question.choices if text in question.answer]
        wrong = [ids[text] for text in question.choices if text not in question.answer]
        return [right, right[:-1], right + wrong[:1], wrong[:1], wrong[1:2] + right[:1]]
    if kind == "true_false":
        return [question.answer, not question.answer]
    if kind == "short":
        return [question.answers[0], "I do not know"]
    if kind == "numeric":
        return [question.answer, question.answer + question.tolerance + 7]
    if kind == "date":
        return [ParsedDate.from_iso(str(question.answer)).describe(), "1 January 1990"]
    if kind == "match":
        lefts, rights = question.left_ids(), question.right_ids()
        pairs = [(lefts[pair.left], rights[pair.right]) for pair in question.pairs]
        turned = [right for _, right in pairs[1:] + pairs[:1]]
        half = len(pairs) // 2
        return [
            dict(pairs),
            {left: right for (left, _), right in zip(pairs, turned, strict=True)},
            dict(pairs[:half]),
        ]
    if kind == "order":
        ids = list(question.item_ids().values())
        return [ids, ids[1:] + ids[:1], ids[::-1], [ids[1], ids[0], *ids[2:]]]
    if kind == "cloze":
        gaps = question.gaps()
        blank = ["?"] * len(gaps)
        return [[accepted[0] for accepted in gaps], [gaps[0][0], *blank[1:]], blank]
    raise ValueError(f"no answers for question type {kind!r}")


def items_of(versions: Iterable[QuestionVersion], rnd: random.Random) -> dict[int, Item]:
    items = {}
    for version in versions:
        question = question_of(version)
        right, wrong, seen = [], [], set()
        for raw in raw_answers(question):
            answer = grading.check_response(question, raw)
            stored = json.dumps(answer)
            if stored in seen:
                continue
            seen.add(stored)
            grade = grading.grade(question, answer)
            candidate = Candidate(stored, grade.points, grade.max_points, int(grade.correct))
            (right if grade.correct else wrong).append(candidate)
        assert right and wrong, f"{version.question_key}: no right or no wrong answer"
        items[version.id] = Item(version.id, tuple(right), tuple(wrong), rnd.gauss(-0.7, 1.0))
    return items


def draws_of(quiz: QuizRecord, versions: list[QuestionVersion], rnd: random.Random) -> list[Draw]:
    """Question and option orders as `attempts.start_attempt` makes them."""
    settings = quiz_of(quiz)
    by_key = {v.question_key: v for v in versions}
    questions = [question_of(v) for v in versions]
    draws = []
    for _ in range(DRAWS_PER_QUIZ):
        keys = draw(settings, questions, rnd)
        order = [by_key[key].id for key in keys]
        options = {
            str(by_key[key].id): option_order(
                question_of(by_key[key]), settings.shuffle_choices, rnd
            )
            for key in keys
        }
        max_points = sum(question_of(by_key[key]).points for key in keys)
        draws.append(Draw(tuple(order), json.dumps(order), json.dumps(options), max_points))
    return draws


def insert_rows(raw: Any, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> int:
    """executemany in batches on the sqlite3 connection; returns the number of rows."""
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    )
    count = 0
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            raw.executemany(statement, batch)
            count += len(batch)
            batch.clear()
    if batch:
        raw.executemany(statement, batch)
        count += len(batch)
    return count


def class_sizes(scale: Scale) -> list[int]:
    """The first class small, the second large, the others sharing the rest evenly."""
    rest = scale.students - scale.small - scale.large
    others = scale.classes - 2
    return [scale.small, scale.large] + [
        rest // others + (1 if i < rest % others else 0) for i in range(others)
    ]


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def answered_counts(
    lengths: list[int], diligence: list[float], total: int, rnd: random.Random
) -> list[int]:
    """How many questions each attempt answered, adding up to `total` exactly.

    Attempt i answers a share of its `lengths[i]` questions proportional to its
    `diligence[i]` (0..1), at most all of them and at least one: abler students leave
    fewer questions blank, as they run out of time or give up less often.
    """
    assert total <= sum(lengths), "more responses than questions shown"

    def expected(scale: float) -> float:
        return sum(min(n, n * d * scale) for n, d in zip(lengths, diligence, strict=True))

    low, high = 0.0, 1.0
    while expected(high) < total:
        high *= 2
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < total else (low, middle)
    counts = [
        max(1, min(n, math.floor(n * d * high + rnd.random())))
        for n, d in zip(lengths, diligence, strict=True)
    ]
    missing = total - sum(counts)
    step = 1 if missing > 0 else -1
    while missing:
        i = rnd.randrange(len(counts))
        if 1 <= counts[i] + step <= lengths[i]:
            counts[i] += step
            missing -= step
    return counts


def fill(url: str, scale: Scale) -> None:
    """The article bank, then every other row, inserted in bulk in one transaction."""
    started = time.perf_counter()
    rnd = random.Random(5)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    engine = db.make_engine(url)
    session = sessionmaker(engine)()
    _reports, failed = import_paths(session, [questions_dir()])
    assert not failed, [str(p) for loaded in failed for p in loaded.problems]
    session.commit()
    progress("article bank imported", started)

    versions = list(
        session.scalars(
            select(QuestionVersion)
            .where(QuestionVersion.is_current, QuestionVersion.type != "card")
            .order_by(QuestionVersion.position)
        )
    )
    quizzes = {q.slug: q for q in session.scalars(select(QuizRecord).order_by(QuizRecord.id))}
    assert MEASURED_QUIZ in quizzes, sorted(quizzes)
    items = items_of(versions, rnd)
    draws = {slug: draws_of(quiz, versions, rnd) for slug, quiz in quizzes.items()}
    slugs = list(quizzes)
    weights = [QUIZ_WEIGHTS.get(slug, OTHER_QUIZ_WEIGHT) for slug in slugs]
    limits = {slug: quiz_of(quiz).attempts for slug, quiz in quizzes.items()}
    time_limits = {slug: quiz_of(quiz).time_limit_minutes for slug, quiz in quizzes.items()}

    raw = session.connection().connection.driver_connection
    raw.execute("PRAGMA cache_size = -2000000")
    password = generate_password_hash("benchmark password")

    # People and classes: teacher t teaches class t; users 1..classes are the teachers.
    sizes = class_sizes(scale)
    teachers = [
        (t, f"teacher{t}", f"Teacher {t}", password, "teacher", TIME_ZONE, 20, sql_time(now))
        for t in range(1, scale.classes + 1)
    ]
    first_student = scale.classes + 1
    students = [
        (
            first_student + i,
            f"student{i + 1}",
            f"{rnd.choice(FIRST_NAMES)} {chr(65 + rnd.randrange(26))}.",
            password,
            "student",
            TIME_ZONE,
            20,
            sql_time(now - dt.timedelta(days=160)),
        )
        for i in range(scale.students)
    ]
    user_columns = (
        "id",
        "username",
        "display_name",
        "password_hash",
        "role",
        "timezone",
        "new_cards_per_day",
        "created_at",
    )
    insert_rows(raw, "users", user_columns, teachers + students)
    class_rows = [
        (c, f"Class {c}", c, f"J{c:07d}", "all", sql_time(now - dt.timedelta(days=150)))
        for c in range(1, scale.classes + 1)
    ]
    class_columns = ("id", "name", "teacher_id", "join_code", "leaderboard_mode", "created_at")
    insert_rows(raw, "classes", class_columns, class_rows)
    class_of: dict[int, int] = {}
    memberships = []
    student_id = first_student
    for class_id, size in enumerate(sizes, start=1):
        for _ in range(size):
            class_of[student_id] = class_id
            joined = now - dt.timedelta(days=rnd.uniform(130, 150))
            removed = None
            if class_id > 2 and rnd.random() < 0.02:
                removed = sql_time(now - dt.timedelta(days=rnd.uniform(1, 60)))
            memberships.append((class_id, student_id, sql_time(joined), removed))
            student_id += 1
    insert_rows(
        raw, "memberships", ("class_id", "student_id", "joined_at", "removed_at"), memberships
    )

    # Assignments: the key-facts quiz everywhere, and one to three others.
    assigned: dict[int, list[str]] = {}
    assignment_rows = []
    for class_id in range(1, scale.classes + 1):
        chosen = [MEASURED_QUIZ]
        wanted = 1 + rnd.randint(1, 3)
        while len(chosen) < wanted:
            slug = rnd.choices(slugs, weights)[0]
            if slug not in chosen:
                chosen.append(slug)
        assigned[class_id] = chosen
        for slug in chosen:
            created = now - dt.timedelta(days=rnd.uniform(120, 130))
            opens = created + dt.timedelta(days=rnd.uniform(1, 40)) if rnd.random() < 0.3 else None
            due = None
            if rnd.random() < 0.7:
                due = (opens or created) + dt.timedelta(days=rnd.uniform(7, 160))
            assignment_rows.append(
                (
                    class_id,
                    quizzes[slug].id,
                    opens and sql_time(opens),
                    due and sql_time(due),
                    sql_time(created),
                )
            )
    insert_rows(
        raw,
        "assignments",
        ("class_id", "quiz_id", "opens_at", "due_at", "created_at"),
        assignment_rows,
    )
    progress(
        f"{scale.classes} teachers, {scale.students} students, {len(memberships)} memberships,"
        f" {len(assignment_rows)} assignments",
        started,
    )

    # Attempts: who, which quiz, which draw, when; ids in the order they were started.
    ability = {s: rnd.gauss(0, 1) for s in class_of}
    taken: Counter[tuple[int, str]] = Counter()
    plans = []
    for _ in range(scale.attempts):
        student = rnd.randrange(first_student, first_student + scale.students)
        if rnd.random() < ASSIGNED_SHARE:
            slug = rnd.choice(assigned[class_of[student]])
        else:
            slug = rnd.choices(slugs, weights)[0]
        limit = limits[slug]
        if limit is not None and taken[(student, slug)] >= limit:
            slug = MEASURED_QUIZ
        taken[(student, slug)] += 1
        start = now - dt.timedelta(days=rnd.uniform(0.1, 120))
        plans.append((start, student, slug, rnd.randrange(DRAWS_PER_QUIZ)))
    plans.sort()
    counts = answered_counts(
        [len(draws[slug][pick].order) for _, _, slug, pick in plans],
        [sigmoid(1.5 * ability[student] + rnd.gauss(0, 0.5)) for _, student, _, _ in plans],
        scale.responses,
        rnd,
    )

    attempt_rows = []
    response_rows: list[tuple] = []
    attempt_columns = (
        "id",
        "quiz_id",
        "user_id",
        "preview",
        "started_at",
        "deadline_at",
        "submitted_at",
        "auto_submitted",
        "question_order",
        "option_orders",
        "current_index",
        "last_activity_at",
        "points",
        "max_points",
        "percentage",
    )
    response_columns = (
        "attempt_id",
        "question_version_id",
        "answer",
        "points",
        "max_points",
        "is_correct",
        "time_spent_ms",
        "answered_at",
    )
    responses = 0
    tenth = max(1, len(plans) // 10)
    for attempt_id, ((start, student, slug, pick), count) in enumerate(
        zip(plans, counts, strict=True), start=1
    ):
        chosen = draws[slug][pick]
        answered = sorted(rnd.sample(range(len(chosen.order)), count))
        minutes = time_limits[slug]
        # A timed quiz is finished in time: at most 80% of the limit for the answers.
        most = 60.0 if minutes is None else min(60.0, 0.8 * minutes * 60 / len(chosen.order))
        moment = start
        points = 0.0
        skill = ability[student]
        for index in answered:
            item = items[chosen.order[index]]
            spent = rnd.uniform(6, most)
            moment += dt.timedelta(seconds=spent)
            chance = sigmoid(1.4 * (skill - item.difficulty))
            pool = item.right if rnd.random() < chance else item.wrong
            answer = pool[rnd.randrange(len(pool))]
            points += answer.points
            response_rows.append(
                (
                    attempt_id,
                    item.version_id,
                    answer.answer,
                    answer.points,
                    answer.max_points,
                    answer.correct,
                    int(spent * 1000),
                    sql_time(moment),
                )
            )
        submitted = moment + dt.timedelta(seconds=rnd.uniform(3, 30))
        deadline = None if minutes is None else start + dt.timedelta(minutes=minutes)
        points = round(points, 4)
        attempt_rows.append(
            (
                attempt_id,
                quizzes[slug].id,
                student,
                0,
                sql_time(start),
                deadline and sql_time(deadline),
                sql_time(submitted),
                0,
                chosen.order_json,
                chosen.options_json,
                answered[-1] if answered else 0,
                sql_time(moment),
                points,
                chosen.max_points,
                100 * points / chosen.max_points if chosen.max_points else 0.0,
            )
        )
        if len(response_rows) >= BATCH or attempt_id == len(plans):
            insert_rows(raw, "attempts", attempt_columns, attempt_rows)
            responses += insert_rows(raw, "responses", response_columns, response_rows)
            attempt_rows.clear()
            response_rows.clear()
        if attempt_id % tenth == 0:
            progress(f"{attempt_id} attempts generated, {responses} responses inserted", started)
    assert responses == scale.responses, responses
    session.commit()
    session.close()
    engine.dispose()
    progress("committed", started)


def schema_revision() -> str:
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return "-".join(sorted(script.get_heads()))


def database(scale: Scale, folder: Path, use_cache: bool) -> Path:
    """A filled database file in `folder`: a copy of the kept one, or filled now."""
    path = folder / "classroom.sqlite3"
    kept = DATA / f"classroom_pages-{scale.name}-v{FILL_VERSION}-{schema_revision()}.sqlite3"
    if use_cache and kept.exists():
        shutil.copyfile(kept, path)
        print(f"Using the database kept in {kept}")
        return path
    url = f"sqlite:///{path}"
    print(f"Filling a new database ({scale.name}) in {folder}")
    migrate.upgrade(url)
    fill(url, scale)
    if use_cache:
        DATA.mkdir(exist_ok=True)
        for old in DATA.glob(f"classroom_pages-{scale.name}-*.sqlite3"):
            old.unlink()
        shutil.copyfile(path, kept)
        print(f"Kept for the next runs in {kept}")
    return path


# The pages and their bare queries
#
# Each page's bare SQL computes every number the page shows, and no more: the boards rank
# in SQL (the tie-break rule as a window), the overall board also reads the flashcard
# streaks, the gradebook gives each cell's status, and the item analysis computes each
# question's facility and the sums its discrimination is made of (blank answers count 0),
# the option picks of choice questions, the typed answers that missed full marks, and the
# score distribution.
# Written for SQLite: CROSS JOIN makes it read the class's memberships first, then their
# attempts by (user, quiz), whatever it guesses of the tables' sizes.

SECONDS = "(julianday(a.submitted_at) - julianday(a.started_at)) * 86400.0"
BEST_ATTEMPTS = f"""
    SELECT a.user_id, a.points, a.percentage, a.submitted_at, {SECONDS} AS seconds,
           row_number() OVER (
               PARTITION BY a.user_id, a.quiz_id
               ORDER BY a.percentage DESC, {SECONDS}, a.submitted_at, a.id
           ) AS place
    FROM memberships m CROSS JOIN attempts a ON a.user_id = m.student_id
    WHERE m.class_id = :class_id AND m.removed_at IS NULL
      AND a.submitted_at IS NOT NULL AND a.preview = 0"""
SHOWN_QUIZZES = """
    SELECT q.id FROM quizzes q JOIN banks k ON k.id = q.bank_id
    WHERE k.owner_id IS NULL
       OR k.owner_id = (SELECT teacher_id FROM classes WHERE id = :class_id)"""
BARE_OVERALL = (
    f"""
SELECT id, display_name, points, seconds, finished, quizzes,
       rank() OVER (ORDER BY round(points, 6) DESC, round(seconds, 3), finished) AS place
FROM (SELECT u.id, u.display_name, sum(coalesce(b.percentage, 0)) AS points,
             sum(b.seconds) AS seconds,
             max(b.submitted_at) AS finished, count(*) AS quizzes
      FROM ({BEST_ATTEMPTS} AND a.quiz_id IN ({SHOWN_QUIZZES})) b
      JOIN users u ON u.id = b.user_id
      WHERE b.place = 1
      GROUP BY u.id, u.display_name)""",
    """
SELECT u.id, u.timezone, min(l.reviewed_at), max(l.reviewed_at)
FROM memberships m
CROSS JOIN review_logs l ON l.user_id = m.student_id
JOIN users u ON u.id = m.student_id
WHERE m.class_id = :class_id AND m.removed_at IS NULL AND l.source = 'review'
  AND l.reviewed_at >= :streak_start AND l.reviewed_at <= :now
GROUP BY u.id, u.timezone, strftime('%Y-%m-%d %H', l.reviewed_at)""",
)
BARE_QUIZ = (
    f"""
SELECT u.id, u.display_name, b.points, b.percentage, b.seconds, b.submitted_at,
       rank() OVER (ORDER BY round(b.percentage, 6) DESC, round(b.seconds, 3), b.submitted_at)
FROM ({BEST_ATTEMPTS} AND a.quiz_id = :quiz_id) b JOIN users u ON u.id = b.user_id
WHERE b.place = 1""",
)
BARE_GRADEBOOK = (
    """
SELECT m.student_id, u.display_name, m.removed_at, s.id,
       count(a.id), max(a.percentage), avg(a.percentage), min(a.submitted_at),
       CASE
           WHEN min(a.submitted_at) IS NULL THEN
               CASE WHEN s.due_at < :now AND m.joined_at > s.due_at THEN 'before joining'
                    WHEN s.due_at < :now THEN 'missing'
                    WHEN s.opens_at > :now THEN 'upcoming'
                    ELSE 'to do' END
           WHEN min(a.submitted_at) > s.due_at THEN 'late'
           ELSE 'done'
       END
FROM memberships m
JOIN users u ON u.id = m.student_id
JOIN assignments s ON s.class_id = m.class_id AND s.archived_at IS NULL
LEFT JOIN attempts a ON a.user_id = m.student_id AND a.quiz_id = s.quiz_id
     AND a.submitted_at IS NOT NULL AND a.preview = 0
     AND a.submitted_at >= coalesce(s.opens_at, s.created_at)
     -- After the due date, only for a student with nothing submitted by then.
     AND (s.due_at IS NULL OR a.submitted_at <= s.due_at OR NOT EXISTS (
         SELECT 1 FROM attempts o
         WHERE o.user_id = m.student_id AND o.quiz_id = s.quiz_id
           AND o.submitted_at IS NOT NULL AND o.preview = 0
           AND o.submitted_at >= coalesce(s.opens_at, s.created_at)
           AND o.submitted_at <= s.due_at))
WHERE m.class_id = :class_id
GROUP BY m.id, s.id""",
)
CLASS_ATTEMPTS = """
    SELECT a.id, a.percentage, a.question_order
    FROM memberships m CROSS JOIN attempts a ON a.user_id = m.student_id
    WHERE m.class_id = :class_id AND a.quiz_id = :quiz_id
      AND a.submitted_at IS NOT NULL AND a.preview = 0"""
BARE_ANALYSIS = (
    # Per question: attempts, sum of scores, of maxima, and the sums of x (score), y (score
    # on the rest of the attempt), x², y² and xy that Pearson's correlation is made of.
    f"""
WITH att AS MATERIALIZED ({CLASS_ATTEMPTS}),
shown AS MATERIALIZED (
    SELECT att.id AS attempt_id, CAST(q.value AS INTEGER) AS vid
    FROM att CROSS JOIN json_each(att.question_order) q),
top AS MATERIALIZED (
    SELECT id, coalesce(json_extract(data, '$.points'), 1.0) AS points
    FROM question_versions WHERE id IN (SELECT DISTINCT vid FROM shown)),
cell AS MATERIALIZED (
    SELECT s.attempt_id, s.vid, coalesce(r.points, 0.0) AS x,
           coalesce(r.max_points, top.points) AS top
    FROM shown s JOIN top ON top.id = s.vid
    LEFT JOIN responses r ON r.attempt_id = s.attempt_id AND r.question_version_id = s.vid),
total AS (SELECT attempt_id, sum(x) AS t FROM cell GROUP BY attempt_id)
SELECT c.vid, count(*), sum(c.x), sum(c.top), sum(t - c.x), sum(c.x * c.x),
       sum((t - c.x) * (t - c.x)), sum(c.x * (t - c.x))
FROM cell c JOIN total USING (attempt_id)
GROUP BY c.vid""",
    # Option picks of the choice questions.
    f"""
SELECT r.question_version_id, p.value, count(*)
FROM ({CLASS_ATTEMPTS}) att
CROSS JOIN responses r ON r.attempt_id = att.id
JOIN question_versions v ON v.id = r.question_version_id
CROSS JOIN json_each(r.answer) p
WHERE v.type IN ('single', 'multiple', 'true_false')
GROUP BY r.question_version_id, p.value""",
    # The typed answers that did not earn full marks, for the most common wrong answers.
    f"""
SELECT r.question_version_id, r.answer, count(*)
FROM ({CLASS_ATTEMPTS}) att
CROSS JOIN responses r ON r.attempt_id = att.id
JOIN question_versions v ON v.id = r.question_version_id
WHERE v.type IN ('short', 'numeric', 'date', 'cloze') AND r.points < r.max_points
GROUP BY r.question_version_id, r.answer""",
    # The score distribution and summary.
    f"""
SELECT min(CAST(percentage / 10 AS INTEGER), 9), count(*), sum(percentage),
       sum(percentage * percentage)
FROM ({CLASS_ATTEMPTS})
GROUP BY 1""",
)


def overall_board(session: Session, teacher: User, class_id: int, quiz_id: int) -> Any:
    classroom, _viewer = leaderboards.class_for_viewer(session, class_id, teacher)
    leaderboards.quizzes_of(session, class_id)
    return leaderboards.standings(session, classroom, None, "all", utcnow(), cache_seconds=0)


def quiz_board(session: Session, teacher: User, class_id: int, quiz_id: int) -> Any:
    classroom, _viewer = leaderboards.class_for_viewer(session, class_id, teacher)
    leaderboards.board_quiz(leaderboards.quizzes_of(session, class_id), quiz_id)
    return leaderboards.standings(session, classroom, quiz_id, "all", utcnow(), cache_seconds=0)


def class_gradebook(session: Session, teacher: User, class_id: int, quiz_id: int) -> Any:
    classroom = classes.class_for_teacher(session, class_id, teacher)
    return gradebook.gradebook(session, classroom, utcnow())


def quiz_analysis(session: Session, teacher: User, class_id: int, quiz_id: int) -> Any:
    classroom = classes.class_for_teacher(session, class_id, teacher)
    return item_analysis.analyse(session, classroom, quiz_id)


@dataclass(frozen=True)
class Page:
    name: str
    key: str
    """Which figure of the JSON line the page is part of."""
    url: str
    """With {class_id} and {quiz_id} to fill in."""
    bare: tuple[str, ...]
    """The statements that compute the numbers the page shows."""
    service: Callable[[Session, User, int, int], Any]
    """What the view asks of the services, without the request and the template."""


PAGES = (
    Page(
        "leaderboard, overall",
        "leaderboard",
        "/board/{class_id}?board=overall",
        BARE_OVERALL,
        overall_board,
    ),
    Page(
        "leaderboard, one quiz",
        "leaderboard",
        "/board/{class_id}?board={quiz_id}",
        BARE_QUIZ,
        quiz_board,
    ),
    Page(
        "gradebook",
        "gradebook",
        "/teach/classes/{class_id}/gradebook",
        BARE_GRADEBOOK,
        class_gradebook,
    ),
    Page(
        "item analysis",
        "analysis",
        "/teach/classes/{class_id}/quizzes/{quiz_id}/analysis",
        BARE_ANALYSIS,
        quiz_analysis,
    ),
)


FLOOR_URL = "/benchmark/floor"


def add_floor_page(app: Flask) -> None:
    """A page with what every classroom page has before its own queries: the request, the
    session, the signed-in user and the base layout. Its time is the floor of any page."""

    @app.get(FLOOR_URL)
    @login_required
    def floor() -> str:
        return render_template("base.html")


@dataclass
class ClassView:
    """One class as its teacher sees it: a signed-in client, and each page's address."""

    app: Flask
    class_id: int
    teacher_id: int
    students: int
    quiz_id: int

    def __post_init__(self) -> None:
        self.client = self.app.test_client()
        with self.client.session_transaction() as flask_session:
            flask_session["_user_id"] = f"{self.teacher_id}.0"  # as `User.get_id` makes it
            flask_session["_fresh"] = True

    def url(self, page: Page) -> str:
        return page.url.format(class_id=self.class_id, quiz_id=self.quiz_id)

    def render(self, page: Page) -> str:
        response = self.client.get(self.url(page))
        assert response.status_code == 200, (self.url(page), response.status_code)
        return response.get_data(as_text=True)

    def render_floor(self) -> None:
        response = self.client.get(FLOOR_URL)
        assert response.status_code == 200, (FLOOR_URL, response.status_code)

    def serve(self, page: Page) -> Any:
        """The page's service calls alone, in an app context with its own session."""
        with self.app.app_context():
            session = db.session()
            teacher = session.get(User, self.teacher_id)
            assert teacher is not None
            return page.service(session, teacher, self.class_id, self.quiz_id)


def class_view(app: Flask, raw: Any, class_id: int, quiz_id: int) -> ClassView:
    teacher_id, students = raw.execute(
        "SELECT c.teacher_id, count(m.id) FROM classes c JOIN memberships m"
        " ON m.class_id = c.id AND m.removed_at IS NULL WHERE c.id = ? GROUP BY c.id",
        (class_id,),
    ).fetchone()
    return ClassView(app, class_id, teacher_id, students, quiz_id)


def typical_class(raw: Any, scale: Scale) -> int:
    """The first class of the usual size with no removed student."""
    sizes = class_sizes(scale)
    usual = round(statistics.fmean(sizes[2:]))
    return raw.execute(
        "SELECT class_id FROM memberships WHERE class_id > 2 GROUP BY class_id"
        " HAVING count(*) = ? AND count(removed_at) = 0 ORDER BY class_id LIMIT 1",
        (usual,),
    ).fetchone()[0]


def bare(raw: Any, page: Page, view: ClassView) -> list[list[tuple]]:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    params = {
        "class_id": view.class_id,
        "quiz_id": view.quiz_id,
        "now": sql_time(now),
        "streak_start": sql_time(now - dt.timedelta(days=STREAK_CAP_DAYS + 2)),
    }
    return [raw.execute(statement, params).fetchall() for statement in page.bare]


def statements_of(app: Flask, request: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SQL statements, with their parameters, that one request sends."""
    engine = app.extensions["quizapp.engine"]
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        request()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return sent


def count_queries(app: Flask, view: ClassView, page: Page) -> int:
    """The SQL statements one request for the page sends."""
    return len(statements_of(app, lambda: view.render(page)))


def own_statements(app: Flask, view: ClassView, page: Page) -> list[tuple[str, Any]]:
    """The page's reads beyond those of the floor page (which loads the signed-in user)."""
    floor = {statement for statement, _ in statements_of(app, view.render_floor)}
    return [
        (statement, parameters)
        for statement, parameters in statements_of(app, lambda: view.render(page))
        if statement not in floor and statement.lstrip().upper().startswith("SELECT")
    ]


def replay(raw: Any, statements: list[tuple[str, Any]]) -> None:
    for statement, parameters in statements:
        raw.execute(statement, parameters).fetchall()


def bare_flask() -> Callable[[], Any]:
    """A request to a Flask app of one route that answers "hi": no session, no sign-in."""
    app = Flask("bare")
    app.add_url_rule("/", "hi", lambda: "hi")
    client = app.test_client()
    return lambda: client.get("/")


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def pearson(n: int, sx: float, sy: float, sxx: float, syy: float, sxy: float) -> float | None:
    spread = (n * sxx - sx * sx) * (n * syy - sy * sy)
    return (n * sxy - sx * sy) / math.sqrt(spread) if n > 1 and spread > 1e-12 else None


def check_numbers(raw: Any, view: ClassView) -> None:
    """The services' numbers for the class are the bare queries' numbers."""
    results = {page.name: (view.serve(page), bare(raw, page, view)) for page in PAGES}

    board, (rows, streaks) = results["leaderboard, overall"]
    assert not streaks, "the fill has no flashcard reviews"
    expected = {row[0]: (row[2], row[5], row[6]) for row in rows}
    got = {row.learner_id: (row.quiz_points, row.quizzes, row.rank) for row in board.rows}
    assert expected.keys() == got.keys(), "overall board: other students"
    assert all(close(got[k][0], v[0]) and got[k][1:] == v[1:] for k, v in expected.items())

    board, (rows,) = results["leaderboard, one quiz"]
    expected = {row[0]: (row[3], row[6]) for row in rows}
    got = {row.learner_id: (row.score, row.rank) for row in board.rows}
    assert expected.keys() == got.keys(), "quiz board: other students"
    assert all(close(got[k][0], v[0]) and got[k][1] == v[1] for k, v in expected.items())

    book, (grid,) = results["gradebook"]
    cells = {
        (row.student.id, column.assignment.id): (cell, column.settings.grading)
        for row in book.rows
        for column, cell in zip(book.columns, row.cells, strict=True)
    }
    assert len(cells) == len(grid), "gradebook: other cells"
    for student_id, _name, _removed, assignment_id, count, best, mean, _first, status in grid:
        cell, grading_method = cells[(student_id, assignment_id)]
        assert cell.attempts == count and cell.status == status, (cell, count, status)
        assert grading_method in ("best", "average"), grading_method
        assert close(cell.score, best if grading_method == "best" else mean)

    analysis, (sums, picks, typed, bands) = results["item analysis"]
    stats = {row.version.id: row for row in analysis.rows}
    assert stats.keys() == {row[0] for row in sums}, "item analysis: other questions"
    for version_id, n, points, top, sy, sxx, syy, sxy in sums:
        item = stats[version_id].stats
        assert item.attempts == n and close(item.facility, points / top)
        assert close(item.discrimination, pearson(n, points, sy, sxx, syy, sxy))
    options = {
        (row.version.id, option.text): option.picks
        for row in analysis.rows
        for option in row.options or ()
    }
    assert sum(options.values()) == sum(count for *_, count in picks), "item analysis: picks"
    most_given: dict[int, int] = {}
    for version_id, _answer, count in typed:
        most_given[version_id] = max(count, most_given.get(version_id, 0))
    shown = {row.version.id: row.wrong_answers for row in analysis.rows if row.wrong_answers}
    assert shown.keys() <= most_given.keys(), "item analysis: other typed questions"
    # A text with gaps is told gap by gap, which the grader decides: compare the others.
    whole = {row.version.id for row in analysis.rows if row.question.type != "cloze"}
    assert all(shown[vid][0].count == most_given[vid] for vid in shown.keys() & whole)
    assert analysis.attempts == sum(row[1] for row in bands)
    assert close(analysis.summary["mean"], sum(row[2] for row in bands) / analysis.attempts)


# Timing


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(runs: int, tasks: list[list[Callable[[], Any]]]) -> list[list[float]]:
    """Medians (ms) of each group of tasks, all run in turns, `runs` times each: every run
    times every task once, the order within each group turning from run to run."""
    times: list[list[list[float]]] = [[[] for _ in group] for group in tasks]
    for run in range(runs):
        gc.collect()
        gc.disable()
        try:
            for group, group_times in zip(tasks, times, strict=True):
                for i in range(len(group)):
                    task = (i + run) % len(group)
                    group_times[task].append(timed(group[task]))
        finally:
            gc.enable()
    return [[statistics.median(task) for task in group] for group in times]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the full scale")
    parser.add_argument("--runs", type=int, default=101, help="timed runs of each page")
    parser.add_argument(
        "--no-cache", action="store_true", help="fill a new database, and do not keep it"
    )
    args = parser.parse_args(argv)
    scale = QUICK if args.quick else FULL

    folder = Path(tempfile.mkdtemp(prefix="classroom-pages-"))
    try:
        path = database(scale, folder, use_cache=not args.no_cache)
        return run(scale, path, args.runs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run(scale: Scale, path: Path, runs: int) -> int:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark",
            "DATABASE_URL": f"sqlite:///{path}",
            "MIGRATE_ON_START": False,
            "IMPORT_ON_START": False,
            # The page must run its queries each time, not read the leaderboard cache.
            "LEADERBOARD_CACHE_SECONDS": 0,
        }
    )
    add_floor_page(app)
    engine = app.extensions["quizapp.engine"]
    connection = engine.raw_connection()
    raw = connection.driver_connection
    quiz_id = raw.execute("SELECT id FROM quizzes WHERE slug = ?", (MEASURED_QUIZ,)).fetchone()[0]
    typical = class_view(app, raw, typical_class(raw, scale), quiz_id)
    small = class_view(app, raw, 1, quiz_id)
    large = class_view(app, raw, 2, quiz_id)
    print(
        f"Pages of a class of {typical.students} students (timed), and of classes of"
        f" {small.students} and {large.students} (queries counted)"
    )

    check_numbers(raw, typical)
    for view in (typical, small, large):
        for page in PAGES:
            view.render(page)  # warm up: templates compiled, questions parsed
    queries = {
        page.name: (count_queries(app, small, page), count_queries(app, large, page))
        for page in PAGES
    }
    quiz_page = next(page for page in PAGES if page.name == "leaderboard, one quiz")
    quiz_statements = own_statements(app, typical, quiz_page)
    hello = bare_flask()
    leaderboards.forget_standings()
    typical.render_floor()  # warm up
    hello()
    page_tasks = [
        [
            lambda page=page: typical.render(page),
            lambda page=page: typical.serve(page),
            lambda page=page: bare(raw, page, typical),
        ]
        for page in PAGES
    ]
    [*medians, [floor_ms], [hello_ms], [statements_ms]] = measure(
        runs,
        [
            *page_tasks,
            [typical.render_floor],
            [hello],
            [lambda: replay(raw, quiz_statements)],
        ],
    )
    connection.close()
    engine.dispose()

    ratios = {
        page.name: ms / base_ms for page, (ms, _, base_ms) in zip(PAGES, medians, strict=True)
    }
    constant = all(small_count == large_count for small_count, large_count in queries.values())
    print()
    print(
        f"{'page':24}{'page ms':>9}{'services':>10}{'bare SQL':>10}{'ratio':>8}"
        f"   queries ({small.students} / {large.students} students)"
    )
    for page, (ms, service_ms, base_ms) in zip(PAGES, medians, strict=True):
        small_count, large_count = queries[page.name]
        print(
            f"{page.name:24}{ms:>9.2f}{service_ms:>10.2f}{base_ms:>10.2f}"
            f"{ratios[page.name]:>7.2f}x   {small_count} / {large_count}"
        )
    print(
        f"Medians of {runs} interleaved runs, in ms. Ratio: page / bare SQL (limit {LIMIT:g}x)."
        " Services: the service calls of the page, without the request and the template."
    )
    print(
        f"A signed-in page that renders only the base layout, with no query of its own,"
        f" takes {floor_ms:.2f} ms: {floor_ms / LIMIT:.2f} ms is the shortest bare SQL a page"
        f" can be held to {LIMIT:g}x of."
    )
    quiz_limit = medians[PAGES.index(quiz_page)][2] * LIMIT
    print(
        f"A bare Flask app answers 'hi' in {hello_ms:.2f} ms, and the one-quiz board's own"
        f" {len(quiz_statements)} statements, replayed on the bare connection, take"
        f" {statements_ms:.2f} ms: of the {quiz_limit:.2f} ms the board may take, that leaves"
        f" {quiz_limit - hello_ms - statements_ms:.2f} ms for its sign-in, checks and HTML."
    )

    def worst(key: str) -> float:
        return max(ratios[page.name] for page in PAGES if page.key == key)

    def count(key: str) -> int:
        return max(queries[page.name][1] for page in PAGES if page.key == key)

    figures = {key: round(worst(key), 2) for key in ("leaderboard", "gradebook", "analysis")}
    ratio = max(figures.values())
    print(
        json.dumps(
            {
                "benchmark": "classroom_pages",
                "students": scale.students,
                "classes": scale.classes,
                "attempts": scale.attempts,
                "responses": scale.responses,
                "leaderboard_ratio": figures["leaderboard"],
                "gradebook_ratio": figures["gradebook"],
                "analysis_ratio": figures["analysis"],
                "ratio": ratio,
                "limit": LIMIT,
                "queries": {key: count(key) for key in figures},
                "queries_constant": constant,
                "page_floor_ms": round(floor_ms, 3),
                "bare_flask_ms": round(hello_ms, 3),
                "quiz_board_statements_ms": round(statements_ms, 3),
            }
        )
    )
    return 0 if ratio <= LIMIT and constant else 1


if __name__ == "__main__":
    sys.exit(main())
