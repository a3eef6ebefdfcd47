"""How a class's screens show students who share a display name."""

from __future__ import annotations

from quizapp.core.names import told_apart


def test_a_name_nobody_shares_is_shown_as_it_is():
    assert told_apart([(1, "Ana"), (2, "Ben")]) == {1: "Ana", 2: "Ben"}


def test_shared_names_are_numbered_in_the_order_given():
    shown = told_apart([(7, "Sam"), (3, "Ana"), (5, "SAM"), (1, " sam  ")])
    assert shown == {7: "Sam (1)", 3: "Ana", 5: "SAM (2)", 1: "sam (3)"}


def test_a_number_that_would_give_another_students_name_is_skipped():
    shown = told_apart([(1, "Sam"), (2, "Sam (1)"), (3, "Sam")])
    assert shown == {1: "Sam (2)", 2: "Sam (1)", 3: "Sam (3)"}
    assert len(set(shown.values())) == 3


def test_nothing_to_tell_apart():
    assert told_apart([]) == {}
