"""The classroom pages on PostgreSQL: the gradebook, the item analysis, the leaderboard, the
live game and bank upload tests of the SQLite suite, run again with `app` on a PostgreSQL
database.

Their queries are written once for both databases (time arithmetic, JSON read as text,
window functions, bound parameters), so the same hand-computed numbers must come out.
"""

from __future__ import annotations

import pytest

from tests.conftest import postgres_app
from tests.web.test_leaderboards import (  # noqa: F401  (collected again here, on PostgreSQL)
    frozen_clock,
    quizzes,
    test_a_streak_is_counted_in_the_students_own_time_zone,
    test_overall_points_add_the_best_attempt_per_quiz_and_streak_points,
    test_the_page_shows_the_ranking_and_states_the_rules,
    test_this_week_starts_on_monday_in_the_teachers_time_zone,
    test_ties_are_broken_by_score_then_time_then_finish,
)
from tests.web.test_live import (  # noqa: F401
    test_a_double_click_moves_the_game_on_once,
    test_a_new_game_ends_the_one_running,
    test_a_whole_game_ends_with_final_standings,
    test_a_wrong_answer_scores_nothing_and_everyone_answering_closes_the_question,
    test_one_answer_a_question,
    test_students_join_from_their_home_page_and_the_host_sees_them,
)
from tests.web.test_teach import (  # noqa: F401
    test_csv_export_one_row_per_student_with_formula_cells_neutralized,
    test_gradebook_cells_follow_each_quizs_grading_method,
    test_gradebook_marks_late_and_missing_work,
    test_item_analysis_on_a_hand_computed_example,
    test_student_detail_lists_every_attempt_and_the_teacher_opens_its_review,
    test_the_longest_titles_ids_and_file_name_a_bank_may_have_are_imported,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(postgres, request):
    """A PostgreSQL database with the banks of the SQLite test template."""
    app = postgres_app(postgres, request.node.name)
    yield app
    app.extensions["quizapp.engine"].dispose()
