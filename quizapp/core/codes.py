"""Codes people read aloud, copy from a projector and type: class join codes, the teacher code."""

from __future__ import annotations

import hmac
import secrets

# No 0/O, 1/I/L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def readable_code(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(code: str) -> str:
    """As typed, give or take spaces, dashes and case."""
    return "".join(code.split()).upper().replace("-", "")


def same_code(typed: str, expected: str) -> bool:
    return hmac.compare_digest(normalize_code(typed).encode(), normalize_code(expected).encode())
