"""Accounts: sign-up and sign-in. Passwords are stored only as salted hashes."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import cache

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


@cache
def _hash_of_no_one() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The user with this username and password, or None. An unknown username takes as long
    to refuse as a wrong password, so that the time taken does not tell which usernames exist."""
    user = session.scalar(select(User).where(User.username == normalize_username(username)))
    stored = user.password_hash if user is not None else _hash_of_no_one()
    if not check_password_hash(stored, password) or user is None:
        return None
    return user


def touch(user: User, now: dt.datetime) -> None:
    user.last_seen_at = now


def end_sessions(user: User) -> None:
    """End every session of the user, on every device: their session ids no longer match."""
    user.session_version += 1
