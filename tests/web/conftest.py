"""Fixtures shared by the web tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from quizapp.db import session_scope
from quizapp.models import Membership
from quizapp.services import classes
from tests.conftest import Browser


@dataclass
class Room:
    app: Flask
    teacher: Browser
    class_id: int
    students: list[Browser]
    student_ids: list[int]


@pytest.fixture
def room(app, make_browser, create_user) -> Room:
    """A teacher's class of two students (Ana and Ben), each signed in on their own device."""
    teacher_id, teacher_name = create_user("teacher")
    with session_scope(app) as session:
        teacher = session.get(classes.User, teacher_id)
        class_id = classes.create_class(session, teacher, "Year 9")[0].id
    teacher_browser = make_browser()
    teacher_browser.login(teacher_name)
    students, ids = [], []
    for name in ("ana", "ben"):
        student_id, username = create_user("student", name)
        with session_scope(app) as session:
            session.add(Membership(class_id=class_id, student_id=student_id))
        browser = make_browser()
        browser.login(username)
        students.append(browser)
        ids.append(student_id)
    return Room(app, teacher_browser, class_id, students, ids)
