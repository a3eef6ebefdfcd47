"""Two requests for the same attempt at the same moment, on PostgreSQL: the attempt's row
lock, rather than SQLite's database lock, must make the second request wait."""

from __future__ import annotations

import pytest

from tests.web.test_concurrency import (  # noqa: F401  (collected again here, on PostgreSQL)
    test_a_double_click_on_make_a_new_password_makes_one,
    test_an_answer_saved_while_the_attempt_is_submitted_is_scored_or_refused,
    test_an_autosave_and_next_at_the_same_moment_save_one_answer,
    test_assigning_twice_at_the_same_moment_assigns_once,
    test_joining_twice_at_the_same_moment_joins_once,
    test_one_player_answering_twice_at_the_same_moment_answers_once,
    test_opening_a_new_deck_twice_at_the_same_moment_gives_one_state_per_card,
    test_submitting_twice_at_the_same_moment_schedules_each_missed_card_once,
    test_the_last_two_answers_at_the_same_moment_close_the_question,
    test_two_sign_ups_with_one_username_at_the_same_moment_make_one_account,
)
from tests.web.test_postgres_classroom import app  # noqa: F401  (a PostgreSQL database)

pytestmark = pytest.mark.postgres
