"""How the pages write numbers."""

from __future__ import annotations

import pytest

from quizapp.web import format_percent, format_time_limit


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "—"), (100.0, "100%"), (0, "0%"), (62.5, "62.5%"), (66.666, "66.7%")]
    + [(99.997, "99.9%"), (99.95, "99.9%"), (0.004, "0.1%"), (0.06, "0.1%"), (0.16, "0.2%")],
)
def test_a_percentage_short_of_full_never_reads_100_nor_one_above_none_0(value, shown):
    assert format_percent(value) == shown


@pytest.mark.parametrize(
    ("minutes", "long", "short"),
    [
        (10, "10 minutes", "10 min"),
        (1, "1 minute", "1 min"),
        (1.5, "1 minute 30 seconds", "1 min 30 s"),
        (2.25, "2 minutes 15 seconds", "2 min 15 s"),
        (600, "600 minutes", "600 min"),
    ],
)
def test_a_time_limit_reads_as_the_timer_counts_it(minutes, long, short):
    """1.5 used to read "2 minutes" while the timer started at 1 min 29 s."""
    assert format_time_limit(minutes) == long
    assert format_time_limit(minutes, short=True) == short
