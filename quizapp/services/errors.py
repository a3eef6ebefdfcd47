"""Errors a user can cause, each with the HTTP status and a plain message to show."""

from __future__ import annotations


class UserError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserError):
    status = 404


class Forbidden(UserError):
    status = 403


class Conflict(UserError):
    status = 409


class InvalidAnswer(UserError):
    status = 422
