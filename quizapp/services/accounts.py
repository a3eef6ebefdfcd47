"""Accounts: sign-up and sign-in. Passwords are stored only as salted hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from quizapp.core.codes import readable_code
from quizapp.models import User
from quizapp.services import locks
from quizapp.services.errors import Conflict

ROLES = ("student", "teacher")


def normalize_username(username: str) -> str:
    return username.strip().lower()


def create_user(
    session: Session, username: str, display_name: str, password: str, role: str
) -> User:
    """A new account. A username taken meanwhile (two sign-ups at the same moment) is
    refused as one taken before is, after rolling the session's transaction back."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    username = normalize_username(username)
    taken = Conflict(f"The username “{username}” is taken; please choose another.")
    if session.scalar(select(func.count(User.id)).where(User.username == username)):
        raise taken
    user = User(
        username=username,
        display_name=display_name.strip(),
        password_hash=generate_password_hash(password),
        role=role,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise taken from None
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


def rename(user: User, display_name: str) -> None:
    user.display_name = display_name.strip()


def change_password(user: User, current: str, new: str) -> bool:
    """Set a new password if `current` is the user's password; their sessions end (the caller
    signs the browser that asked in again)."""
    if not check_password_hash(user.password_hash, current):
        return False
    _set_password(user, new)
    return True


def reset_password(session: Session, user: User, stamp: str) -> str:
    """A new password, made up, for a teacher to hand to a student who forgot theirs: the
    student's sessions end. Read aloud easily: XXXX-XXXX-XXXX, about 59 bits.

    `stamp` is the `password_stamp` the teacher's page was made with: if the password has
    changed since (the same form sent twice, even at the same moment), this raises Conflict
    rather than make another."""
    locks.hold(session, user)
    session.refresh(user)  # as the request that held the row before this one left it
    if not secrets.compare_digest(stamp, password_stamp(user)):
        raise Conflict("The password has changed since the page was opened.")
    password = "-".join(readable_code(4) for _ in range(3))
    _set_password(user, password)
    return password


def password_stamp(user: User) -> str:
    """A short mark of the user's current password that changes with it: a form that
    replaces the password carries it, so that the same form sent twice (a reload, a double
    click) does not replace it again. Derived from the salted hash, it tells nothing of the
    password."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def _set_password(user: User, password: str) -> None:
    user.password_hash = generate_password_hash(password)
    end_sessions(user)
