"""Names as a class sees them: display names, told apart where two students share one."""

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


def _compared(name: str) -> str:
    return " ".join(name.casefold().split())
