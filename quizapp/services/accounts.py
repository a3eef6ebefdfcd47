"""Accounts: sign-up and sign-in. Passwords are stored only as salted hashes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.models import User
from quizapp.services.errors import Conflict

ROLES = ("student", "teacher")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def create_user(
    session: Session, username: str, display_name: str, password: str, role: str
) -> User:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    username = normalize_username(username)
    taken = session.scalar(select(func.count(User.id)).where(User.username == username))
    if taken:
        raise Conflict(f"The username “{username}” is taken; please choose another.")
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        role=role,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or not check_password_hash(user.password_hash, password):
        return None
    return user


def touch(user: User, now: dt.datetime) -> None:
    user.last_seen_at = now
