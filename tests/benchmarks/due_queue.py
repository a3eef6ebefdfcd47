"""How long the flashcard service takes to build the due queue and to rate a card, next to
bare SQL on the same table, for one learner with 10,000 cards and 100,000 review logs.

    python tests/benchmarks/due_queue.py [--cards 10000] [--logs 100000] [--runs 301]

Builds a fresh SQLite database (migrated like the app's), inserts the rows in bulk, then
times in turns, in this process and on the same connection:

- the queue: `services.cards.due_queue` (learning cards due now, then reviews due today,
  then new cards within the daily limit; 50 cards) against one bare SELECT of the same
  cards (learning cards due now, then review cards due today, each in due order, of the
  deck's current questions) through the sqlite3 cursor; both must give the same cards;
- a rating: `services.cards.rate_card` and a commit, as a request does, against a bare
  SELECT of the card's state, UPDATE of its row and INSERT of its review log, and a commit.

Every statement the service runs for the queue is checked with EXPLAIN QUERY PLAN: each
must read card_states through the index ix_card_states_due, never scan the table.
Prints a table and the plans, and as its last line a JSON object; exits with status 1 if
either ratio is above LIMIT or a plan scans.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import event, insert
from sqlalchemy.orm import Session, sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from quizapp import migrate  # noqa: E402
from quizapp.db import make_engine  # noqa: E402
from quizapp.models import (  # noqa: E402
    BankRecord,
    CardRecord,
    QuestionVersion,
    ReviewLogRecord,
    User,
)
from quizapp.services import cards  # noqa: E402

LIMIT = 5.0
QUEUE_SIZE = 50
INDEX = "ix_card_states_due"
# What the service computes, as bare SQL: learning cards due now, then review cards due by
# the end of the day, each oldest due first, of the deck's current questions.
CURRENT = (
    " AND EXISTS (SELECT 1 FROM question_versions v WHERE v.bank_id = c.bank_id"
    " AND v.question_key = c.card_key AND coalesce(v.is_current, 0) = 1 AND v.type != 'card')"
)
BASELINE_QUEUE = (
    "SELECT * FROM (SELECT id, card_key, state, revision FROM card_states c"
    " WHERE user_id = :user AND bank_id = :bank AND state IN ('learning', 'relearning')"
    f" AND due <= :now{CURRENT} ORDER BY due, id LIMIT :size)"
    " UNION ALL"
    " SELECT * FROM (SELECT id, card_key, state, revision FROM card_states c"
    " WHERE user_id = :user AND bank_id = :bank AND state = 'review'"
    f" AND due < :end_of_today{CURRENT} ORDER BY due, id LIMIT :size)"
    " LIMIT :size"
)
BASELINE_READ = (
    "SELECT user_id, bank_id, card_key, state, step, stability, difficulty, due, last_review,"
    " revision FROM card_states WHERE id = ?"
)
BASELINE_UPDATE = (
    "UPDATE card_states SET state = ?, step = ?, stability = ?, difficulty = ?, due = ?,"
    " last_review = ?, revision = revision + 1 WHERE id = ? AND revision = ?"
)
BASELINE_INSERT = (
    "INSERT INTO review_logs (user_id, card_id, question_version_id, rating, state_before,"
    " reviewed_at, due_before, elapsed_days, scheduled_days, stability, difficulty,"
    " duration_ms, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def naive(moment: dt.datetime) -> dt.datetime:
    """As AwareDateTime stores it: naive UTC."""
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def sql_time(moment: dt.datetime) -> str:
    """As SQLAlchemy's SQLite DateTime writes it, for the bare statements."""
    return naive(moment).strftime("%Y-%m-%d %H:%M:%S.%f")


def populate(session: Session, n_cards: int, n_logs: int, now: dt.datetime) -> None:
    """One learner, one deck of `n_cards` cards (a short question each) and `n_logs` logs.

    8% of the cards are new, 0.3% in learning or relearning (due within half an hour either
    side of now), the rest in review, due from 2 days ago to a year ahead; the logs go
    back a year, and 3 of them started new cards today. So at noon, the queue of 50 holds
    learning cards, then reviews, and there are more reviews due than that.
    """
    rnd = random.Random(4)
    session.execute(
        insert(User),
        [
            {
                "id": 1,
                "username": "learner",
                "display_name": "Learner",
                "password_hash": "-",
                "role": "student",
                "timezone": "Europe/Paris",
                "new_cards_per_day": 20,
                "created_at": now,
            }
        ],
    )
    session.execute(
        insert(BankRecord),
        [
            {
                "id": 1,
                "slug": "big",
                "title": "Big deck",
                "description": "",
                "language": "en",
                "filename": "big.yaml",
                "yaml_text": "",
                "content_hash": "-",
                "imported_at": now,
            }
        ],
    )
    session.execute(
        insert(QuestionVersion),
        [
            {
                "id": i + 1,
                "bank_id": 1,
                "question_key": f"q{i}",
                "version": 1,
                "type": "short",
                "content_hash": "-",
                "data": {
                    "id": f"q{i}",
                    "type": "short",
                    "prompt": f"Question {i}?",
                    "answers": [f"answer {i}"],
                    "explanation": "Because.",
                    "source": "The article says so.",
                    "tags": [f"t{i % 7}"],
                },
                "position": i,
                "is_current": True,
                "created_at": now,
            }
            for i in range(n_cards)
        ],
    )
    states = []
    for i in range(n_cards):
        draw = rnd.random()
        row: dict[str, Any] = {
            "id": i + 1,
            "user_id": 1,
            "bank_id": 1,
            "card_key": f"q{i}",
            "revision": 1,
            "created_at": now - dt.timedelta(days=400),
        }
        if draw < 0.08:
            row |= {"state": "new", "step": None, "stability": None, "difficulty": None}
            row |= {"due": now - dt.timedelta(days=400), "last_review": None}
        elif draw < 0.083:
            row |= {"state": rnd.choice(["learning", "relearning"]), "step": 0}
            row |= {"stability": 0.5, "difficulty": 6.0}
            row |= {"due": now + dt.timedelta(minutes=rnd.uniform(-30, 30))}
            row |= {"last_review": now - dt.timedelta(minutes=40)}
        else:
            stability = rnd.uniform(1, 200)
            due = now + dt.timedelta(days=rnd.uniform(-2, 365))
            row |= {"state": "review", "step": None, "stability": stability}
            row |= {"difficulty": rnd.uniform(1, 10), "due": due}
            row |= {"last_review": min(now, due - dt.timedelta(days=stability))}
        states.append(row)
    session.execute(insert(CardRecord), states)
    reviewed = [s for s in states if s["state"] != "new"]
    logs = []
    for i in range(n_logs):
        card = reviewed[i % len(reviewed)]
        at = now - dt.timedelta(days=rnd.uniform(0, 365)) if i >= 3 else now
        logs.append(
            {
                "user_id": 1,
                "card_id": card["id"],
                "question_version_id": card["id"],
                "rating": rnd.choice([1, 3, 3, 3, 3, 4]),
                "state_before": "new" if i < 3 else rnd.choice(["learning", "review", "review"]),
                "reviewed_at": at,
                "due_before": at,
                "elapsed_days": 3.0,
                "scheduled_days": 7.0,
                "stability": 5.0,
                "difficulty": 5.0,
                "duration_ms": None,
                "source": "review",
            }
        )
    session.execute(insert(ReviewLogRecord), logs)
    session.commit()


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def interleaved(a: Callable[[], Any], b: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Medians (ms) of `a` and `b`, run in turns (which goes first alternates)."""
    times_a, times_b = [], []
    gc.disable()
    try:
        for run in range(runs):
            if run % 2:
                times_b.append(timed(b))
                times_a.append(timed(a))
            else:
                times_a.append(timed(a))
                times_b.append(timed(b))
    finally:
        gc.enable()
    return statistics.median(times_a), statistics.median(times_b)


def query_plans(session: Session, run: Callable[[], Any]) -> list[tuple[str, list[str]]]:
    """EXPLAIN QUERY PLAN of every statement `run` sends that reads card_states."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    cursor = session.connection().connection.driver_connection.cursor()
    plans = []
    for statement, parameters in statements:
        if "card_states" not in statement:
            continue
        rows = cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        plans.append((statement, [row[-1] for row in rows]))
    return plans


def uses_index(plans: list[tuple[str, list[str]]]) -> bool:
    """Every statement reads card_states by the index, and no step scans a table."""
    for _statement, steps in plans:
        on_cards = [s for s in steps if "card_states" in s]
        if not on_cards or any(INDEX not in s for s in on_cards):
            return False
        if any(s.startswith("SCAN") for s in steps):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--logs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=301)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="due-queue-") as folder:
        return _run(args, f"sqlite:///{Path(folder) / 'bench.sqlite3'}")


def _run(args: argparse.Namespace, url: str) -> int:
    migrate.upgrade(url)
    engine = make_engine(url)
    session = sessionmaker(engine, expire_on_commit=False)()
    paris = ZoneInfo("Europe/Paris")
    now = dt.datetime.combine(dt.datetime.now(paris).date(), dt.time(12), paris).astimezone(dt.UTC)
    started = time.perf_counter()
    populate(session, args.cards, args.logs, now)
    print(
        f"{args.cards} cards and {args.logs} review logs inserted in"
        f" {time.perf_counter() - started:.1f} s"
    )

    user = session.get(User, 1)
    assert user is not None
    deck = cards.get_deck(session, 1, user)
    raw = session.connection().connection.driver_connection
    end_of_today = sql_time(cards.end_of_day(now, cards.zone_of(user)))

    def service_queue() -> list:
        return cards.due_queue(session, user, deck, now, limit=QUEUE_SIZE)

    queue_params = {
        "user": 1,
        "bank": 1,
        "now": sql_time(now),
        "end_of_today": end_of_today,
        "size": QUEUE_SIZE,
    }

    def bare_queue() -> list:
        return raw.execute(BASELINE_QUEUE, queue_params).fetchall()

    queue = service_queue()
    parts = [card.state for card in queue]
    assert len(queue) == QUEUE_SIZE, len(queue)
    assert parts[0] in ("learning", "relearning") and parts[-1] == "review", parts
    assert [card.card_id for card in queue] == [row[0] for row in bare_queue()], "other cards"
    queue_ms, queue_base_ms = interleaved(service_queue, bare_queue, args.runs)

    # Ratings: each run rates another review card, the service's and the bare ones apart.
    due_reviews = [
        row[0]
        for row in raw.execute(
            "SELECT id FROM card_states WHERE state = 'review' ORDER BY id"
        ).fetchall()
    ]
    service_ids = iter(due_reviews[0::2])
    bare_ids = iter(due_reviews[1::2])
    moment = now

    def service_rate() -> None:
        card_id = next(service_ids)
        cards.rate_card(session, user, card_id, 3, moment, revision=1, version_id=card_id)
        session.commit()

    def bare_rate() -> None:
        card_id = next(bare_ids)
        at, due = sql_time(moment), sql_time(moment + dt.timedelta(days=12))
        raw.execute(BASELINE_READ, (card_id,)).fetchone()
        raw.execute(BASELINE_UPDATE, ("review", None, 30.0, 5.0, due, at, card_id, 1))
        raw.execute(
            BASELINE_INSERT,
            (1, card_id, card_id, 3, "review", at, at, 12.0, 12.0, 30.0, 5.0, None, "review"),
        )
        raw.commit()

    rate_ms, rate_base_ms = interleaved(service_rate, bare_rate, args.runs)

    plans = query_plans(session, service_queue)
    index_used = uses_index(plans)
    session.close()
    engine.dispose()

    queue_ratio = queue_ms / queue_base_ms
    rate_ratio = rate_ms / rate_base_ms
    print()
    print(f"{'':34}{'service':>12}{'bare SQL':>12}{'ratio':>9}")
    print(
        f"{f'due queue ({QUEUE_SIZE} cards)':34}{queue_ms:>9.3f} ms"
        f"{queue_base_ms:>9.3f} ms{queue_ratio:>8.2f}x"
    )
    print(
        f"{'rate a card (and commit)':34}{rate_ms:>9.3f} ms"
        f"{rate_base_ms:>9.3f} ms{rate_ratio:>8.2f}x"
    )
    print(f"(medians of {args.runs} interleaved runs; limit {LIMIT:g}x)")
    print()
    print("Query plans of the due queue's statements on card_states:")
    for statement, steps in plans:
        print("  " + " ".join(statement.split()))
        for step in steps:
            print("    -> " + step)
    print(f"uses {INDEX}, no table scan: {index_used}")
    ratio = max(queue_ratio, rate_ratio)
    print(
        json.dumps(
            {
                "benchmark": "due_queue",
                "cards": args.cards,
                "logs": args.logs,
                "queue_median_ms": round(queue_ms, 4),
                "queue_baseline_ms": round(queue_base_ms, 4),
                "queue_ratio": round(queue_ratio, 2),
                "rate_median_ms": round(rate_ms, 4),
                "rate_baseline_ms": round(rate_base_ms, 4),
                "rate_ratio": round(rate_ratio, 2),
                "ratio": round(ratio, 2),
                "limit": LIMIT,
                "uses_index": index_used,
            }
        )
    )
    return 0 if ratio <= LIMIT and index_used else 1


if __name__ == "__main__":
    sys.exit(main())
