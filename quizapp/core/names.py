"""Names as lists show them: students' display names and banks' titles, told apart where
two are alike."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from typing import TypeVar

Key = TypeVar("Key", bound=Hashable)


def told_apart(students: Iterable[tuple[Key, str]]) -> dict[Key, str]:
    """Each student's name as the class's screens show it.

    A display name that several students share (whatever its case and spacing) is followed
    by a number, in the order the students come (the order they joined the class), so that
    the projector can tell them apart: two Sams are "Sam (1)" and "Sam (2)". A number that
    would give another student's own name is skipped. Display names only: a username is
    the student's to log in with, not the class's to read.
    """
    students = list(students)
    counts = Counter(_compared(name) for _, name in students)
    taken = set(counts)
    numbers: Counter[str] = Counter()
    shown: dict[Key, str] = {}
    for key, name in students:
        compared = _compared(name)
        if counts[compared] == 1:
            shown[key] = name
            continue
        while True:
            numbers[compared] += 1
            numbered = f"{' '.join(name.split())} ({numbers[compared]})"
            if _compared(numbered) not in taken:
                break
        taken.add(_compared(numbered))
        shown[key] = numbered
    return shown


def any_alike(names: Iterable[str]) -> bool:
    """Whether two of the names are alike, as `told_apart` compares them."""
    compared = [_compared(name) for name in names]
    return len(set(compared)) < len(compared)


def _compared(name: str) -> str:
    return " ".join(name.casefold().split())


def bank_titles(banks: Iterable[tuple[Key, str, str | None]]) -> dict[Key, str]:
    """Each bank's title as a list of banks or quizzes shows it, from (key, title, owner):
    the owner is its teacher's display name, None for a school bank.

    A title that several of the banks share (a teacher's copy of a school bank) is followed
    by whose bank it is, "Drones (school bank)" and "Drones (Ms Smith’s bank)", so that
    nobody takes or assigns one for the other; banks still alike are numbered.
    """
    banks = list(banks)
    counts = Counter(_compared(title) for _, title, _ in banks)
    owned = [
        (key, title if counts[_compared(title)] == 1 else f"{title} ({_whose(owner)})")
        for key, title, owner in banks
    ]
    return told_apart(owned)


def _whose(owner: str | None) -> str:
    return "school bank" if owner is None else f"{owner}’s bank"
