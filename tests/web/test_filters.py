"""How the pages write numbers."""

from __future__ import annotations

import pytest

from quizapp.web import format_percent


@pytest.mark.parametrize(
    ("value", "shown"),
    [(None, "—"), (100.0, "100%"), (0, "0%"), (62.5, "62.5%"), (66.666, "66.7%")]
    + [(99.997, "99.9%"), (99.95, "99.9%"), (0.004, "0.1%"), (0.06, "0.1%"), (0.16, "0.2%")],
)
def test_a_percentage_short_of_full_never_reads_100_nor_one_above_none_0(value, shown):
    assert format_percent(value) == shown
