"""Settings from QUIZAPP_* environment variables, with defaults that work out of the box."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from quizapp.core.codes import readable_code

PREFIX = "QUIZAPP_"


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": "sqlite:///" + str(Path(instance_path) / "quizapp.sqlite3"),
        "QUESTIONS_DIR": None,  # None: the bundled questions/ folder
        "TEACHER_CODE": None,  # None: one made on first run, kept in the instance folder
        "IMPORT_ON_START": True,
        "MIGRATE_ON_START": True,
        "LEADERBOARD_CACHE_SECONDS": 30,
        # The largest request: the bank page sends a bank and its article, as files or as
        # text (up to 1 MiB each, and back in the page's text boxes after a failed upload).
        "MAX_UPLOAD_BYTES": 4 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # a quiz may stay open for hours
        # Counts of failed log-ins and join codes; per process. Several workers can share
        # one store, e.g. redis://localhost:6379.
        "RATELIMIT_STORAGE_URI": "memory://",
        # How many reverse proxies stand in front of the app (0: none). With one, the client's
        # address, scheme and host are taken from its X-Forwarded-* headers: log-in limits
        # then count per real address, and the big-screen link says https.
        "PROXY_COUNT": 0,
    }


TEXT_SETTINGS = frozenset(
    {"SECRET_KEY", "TEACHER_CODE", "DATABASE_URL", "QUESTIONS_DIR", "RATELIMIT_STORAGE_URI"}
)
"""Kept as written: a teacher code 001234 keeps its zeros, a key of digits stays a key."""


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """QUIZAPP_DATABASE_URL=... becomes DATABASE_URL; booleans and integers are parsed,
    except in the settings that are text (`TEXT_SETTINGS`)."""
    settings: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(PREFIX):
            continue
        name = key[len(PREFIX) :]
        settings[name] = raw if name in TEXT_SETTINGS else _parse(raw)
    return settings


def _parse(raw: str) -> Any:
    lowered = raw.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    if lowered.isdigit():
        return int(lowered)
    return raw


def instance_secret_key(instance_path: str) -> str:
    """The SECRET_KEY kept in the instance folder, created on first run."""
    return _kept_in_instance(instance_path, "secret_key", lambda: secrets.token_hex(32))


def instance_teacher_code(instance_path: str) -> str:
    """The code that lets a new account be a teacher's, kept in the instance folder and
    created on first run: XXXX-XXXX-XXXX, about 59 bits."""
    return _kept_in_instance(
        instance_path,
        "teacher_code",
        lambda: "-".join(readable_code(4) for _ in range(3)),
    )


def _kept_in_instance(instance_path: str, name: str, make: Callable[[], str]) -> str:
    path = Path(instance_path) / name
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = make()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
