import math
import random
from collections import Counter

from quizapp.core.bank.schema import (
    MatchQuestion,
    OrderQuestion,
    Quiz,
    SingleQuestion,
)
from quizapp.core.quizzes import draw, option_order, selected_ids


class Q:
    def __init__(self, id: str, tags: list[str]) -> None:
        self.id, self.tags = id, tags


QUESTIONS = [Q("a", ["x"]), Q("b", ["y"]), Q("c", ["x", "y"]), Q("d", [])]
COMMON = {"prompt": "p", "explanation": "e", "source": "s"}


def quiz(**fields) -> Quiz:
    return Quiz.model_validate({"id": "q", "title": "Q", **fields})


def test_listed_ids_come_first_then_tagged_in_bank_order_without_duplicates():
    assert selected_ids(quiz(questions=["d", "c"], tags=["x"]), QUESTIONS) == ["d", "c", "a"]


def test_ids_the_bank_no_longer_has_are_skipped():
    assert selected_ids(quiz(questions=["gone", "b"]), QUESTIONS) == ["b"]


def test_count_draws_a_sample_kept_in_selection_order_without_shuffle():
    drawn = draw(quiz(tags=["x", "y"], count=2), QUESTIONS, random.Random(1))
    assert len(drawn) == 2
    assert drawn == sorted(drawn, key=["a", "b", "c"].index)


def test_shuffle_is_reproducible_from_the_same_seed():
    settings = quiz(tags=["x", "y"], shuffle_questions=True)
    assert draw(settings, QUESTIONS, random.Random(7)) == draw(
        settings, QUESTIONS, random.Random(7)
    )
    orders = {tuple(draw(settings, QUESTIONS, random.Random(seed))) for seed in range(20)}
    assert len(orders) > 1


def test_choices_keep_bank_order_unless_shuffled():
    question = SingleQuestion(
        type="single", id="s", choices=["A", "B", "C", "D"], answer="A", **COMMON
    )
    ids = list(question.choice_ids().values())
    assert option_order(question, False, random.Random(1)) == ids
    shuffled = {tuple(option_order(question, True, random.Random(seed))) for seed in range(20)}
    assert len(shuffled) > 1 and all(sorted(s) == sorted(ids) for s in shuffled)


def test_order_and_match_options_are_shown_in_any_order_alike():
    """The shown order says nothing of the solved one: every order comes up, about equally
    often, the solved one too (were it left out, two items would show the reverse of it)."""
    order = OrderQuestion(type="order", id="o", items=["1", "2", "3"], **COMMON)
    match = MatchQuestion(
        type="match",
        id="m",
        pairs=[{"left": "a", "right": "1"}, {"left": "b", "right": "2"}],
        **COMMON,
    )
    for question, options in ((order, 3), (match, 2)):
        seen = Counter(
            tuple(option_order(question, False, random.Random(seed))) for seed in range(3000)
        )
        orders = math.factorial(options)
        assert len(seen) == orders
        assert all(abs(count - 3000 / orders) < 0.2 * 3000 / orders for count in seen.values())


def test_option_ids_say_nothing_about_position_or_correctness():
    question = SingleQuestion(type="single", id="s", choices=["A", "B"], answer="A", **COMMON)
    ids = list(question.choice_ids().values())
    assert all(len(i) == 8 and i not in ("0", "1", "a", "b") for i in ids)
    assert ids == list(
        SingleQuestion(type="single", id="s", choices=["A", "B"], answer="B", **COMMON)
        .choice_ids()
        .values()
    )
