"""Flashcards: a deck per bank, each learner's card states, the due queue and ratings.

A deck holds the bank's current questions, or its explicit `cards` when it lists some.
A learner's state for a card is keyed by `card_key` (the question id, or "card:<id>"), so
a question the teacher edits keeps its history, and a question the teacher removes leaves
the deck while its state and review logs stay. States are created the first time the
learner opens the deck for review; until then every card of the deck counts as new.

The package's modules each do one part; callers use the names imported here.
Functions here add and flush; the caller commits once.
"""

from quizapp.services.cards.decks import (
    Deck,
    Face,
    all_decks,
    cram,
    face_of,
    faces,
    get_deck,
    keys_with_tag,
    tags_of,
)
from quizapp.services.cards.queue import (
    FORECAST_DAYS,
    QUEUE_LIMIT,
    QueuedCard,
    counts,
    due_queue,
    forecast,
    next_learning_due,
)
from quizapp.services.cards.reviews import (
    AGAIN,
    ALREADY_RATED,
    RATING_NAMES,
    SCHEDULER,
    Choice,
    choices,
    current_face,
    get_card,
    just_rated,
    moment_ms,
    rate_card,
    review_duration_ms,
    schedule_missed,
)
from quizapp.services.cards.settings import (
    MAX_NEW_CARDS_PER_DAY,
    end_of_day,
    time_zones,
    update_settings,
    zone_of,
)
from quizapp.services.cards.states import new_cards_left, open_deck, state_of
from quizapp.services.cards.stats import STATS_DAYS, LearnerStats, learner_stats

__all__ = [
    "AGAIN",
    "ALREADY_RATED",
    "FORECAST_DAYS",
    "MAX_NEW_CARDS_PER_DAY",
    "QUEUE_LIMIT",
    "RATING_NAMES",
    "SCHEDULER",
    "STATS_DAYS",
    "Choice",
    "Deck",
    "Face",
    "LearnerStats",
    "QueuedCard",
    "all_decks",
    "choices",
    "counts",
    "cram",
    "current_face",
    "due_queue",
    "end_of_day",
    "face_of",
    "faces",
    "forecast",
    "get_card",
    "just_rated",
    "get_deck",
    "keys_with_tag",
    "learner_stats",
    "moment_ms",
    "new_cards_left",
    "next_learning_due",
    "open_deck",
    "rate_card",
    "review_duration_ms",
    "schedule_missed",
    "state_of",
    "tags_of",
    "time_zones",
    "update_settings",
    "zone_of",
]
