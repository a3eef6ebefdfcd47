"""Small helpers for web tests: finding quizzes, starting attempts, answering questions."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from flask import Flask
from sqlalchemy import select

from quizapp.db import session_scope
from quizapp.models import (
    Assignment,
    Attempt,
    BankRecord,
    Membership,
    QuestionVersion,
    QuizRecord,
    User,
)
from quizapp.services import accounts, classes
from quizapp.services.content import question_of

ARTICLE_BANK = "kosovo-turkish-drones"
LIBRARY_BANK = "riverside-library"


def quiz_id(app: Flask, bank: str, quiz: str) -> int:
    with session_scope(app) as session:
        return session.scalar(
            select(QuizRecord.id)
            .join(BankRecord, BankRecord.id == QuizRecord.bank_id)
            .where(BankRecord.slug == bank, QuizRecord.slug == quiz)
        )


def assign_to_a_class(app: Flask, quiz: int, *student_ids: int) -> int:
    """A new teacher's class, these students in it, and the quiz assigned to it, open from
    now: a quiz that limits attempts (a test) is taken through an assignment."""
    with session_scope(app) as session:
        teacher = accounts.create_user(
            session, f"teacher-{secrets.token_hex(4)}", "Teacher", "a long password", "teacher"
        )
        classroom = classes.create_class(session, teacher, "Test class")[0]
        session.add(Assignment(class_id=classroom.id, quiz_id=quiz))
        for student_id in student_ids:
            assert not session.get(User, student_id).is_teacher
            session.add(Membership(class_id=classroom.id, student_id=student_id))
        return classroom.id


def start(browser, quiz: int) -> tuple[int, str]:
    """Start (or resume) an attempt; returns its id and the URL of its current question."""
    response = browser.post(f"/quiz/{quiz}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    attempt = int(re.search(r"/attempt/(\d+)/", location).group(1))
    return attempt, location


def attempt_state(app: Flask, attempt_id: int) -> Attempt:
    with session_scope(app) as session:
        attempt = session.get(Attempt, attempt_id)
        session.expunge(attempt)
        return attempt


def questions_of(app: Flask, attempt_id: int) -> list:
    """The question models of the attempt, in its order."""
    with session_scope(app) as session:
        attempt = session.get(Attempt, attempt_id)
        versions = {
            v.id: v
            for v in session.scalars(
                select(QuestionVersion).where(QuestionVersion.id.in_(attempt.question_order))
            )
        }
        return [question_of(versions[vid]) for vid in attempt.question_order]


def correct_form(question) -> dict:
    """Form fields that answer the question fully correctly."""
    kind = question.type
    if kind == "single":
        return {"answer": question.choice_ids()[question.correct]}
    if kind == "multiple":
        ids = question.choice_ids()
        return {"answer": [ids[text] for text in question.answer]}
    if kind == "true_false":
        return {"answer": "true" if question.answer else "false"}
    if kind == "short":
        return {"answer": question.answers[0]}
    if kind == "numeric":
        return {"answer": f"{question.answer:g}"}
    if kind == "date":
        month_day = str(question.answer)[-5:]
        months = [dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]
        text = f"{int(month_day[3:])} {months[int(month_day[:2]) - 1]}"
        if question.has_year:
            text += f" {str(question.answer)[:4]}"
        return {"answer": text}
    if kind == "match":
        lefts, rights = question.left_ids(), question.right_ids()
        return {f"pair-{lefts[p.left]}": rights[p.right] for p in question.pairs}
    if kind == "order":
        ids = question.item_ids()
        return {f"rank-{ids[item]}": str(n) for n, item in enumerate(question.items, start=1)}
    if kind == "cloze":
        return {f"gap-{i}": answers[0] for i, answers in enumerate(question.gaps())}
    raise AssertionError(kind)


def wrong_form(question) -> dict:
    """Form fields that answer the question and score nothing (where the type allows it)."""
    kind = question.type
    if kind == "single":
        wrong = next(c for c in question.choices if c != question.correct)
        return {"answer": question.choice_ids()[wrong]}
    if kind == "multiple":
        ids = question.choice_ids()
        return {"answer": [ids[text] for text in question.choices if text not in question.answer]}
    if kind == "true_false":
        return {"answer": "false" if question.answer else "true"}
    if kind in ("short",):
        return {"answer": "zzzz qqqq"}
    if kind == "numeric":
        return {"answer": f"{question.answer + question.tolerance + 1000:g}"}
    if kind == "date":
        wrong = "1 February" if str(question.answer)[-5:] == "01-01" else "1 January"
        return {"answer": f"{wrong} 1900" if question.has_year else wrong}
    raise AssertionError(kind)


def text_of(html: str) -> str:
    """The page's text, without its tags and with its spaces collapsed: a word is not found
    in an attribute or a random token by chance."""
    return " ".join(re.sub(r"<[^>]*>", " ", html).split())
