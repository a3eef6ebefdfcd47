"""How a class's screens show students who share a display name."""

from __future__ import annotations

from quizapp.core.names import any_alike, bank_titles, told_apart


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


def test_banks_that_share_a_title_say_whose_they_are():
    titles = bank_titles(
        [(1, "Drones", None), (2, "Drones", "Ms Smith"), (3, "Harbour", "Ms Smith")]
    )
    assert titles == {
        1: "Drones (school bank)",
        2: "Drones (Ms Smith’s bank)",
        3: "Harbour",
    }


def test_a_teachers_two_banks_of_one_title_are_numbered():
    titles = bank_titles([(1, "Drones", "Ms Smith"), (2, "drones", "Ms Smith")])
    assert titles == {1: "Drones (Ms Smith’s bank) (1)", 2: "drones (Ms Smith’s bank) (2)"}


def test_names_are_alike_whatever_their_case_and_spaces():
    assert any_alike(["Sam", " sam "]) and not any_alike(["Sam", "Samuel"])
