"""Where the templates, static files and question banks are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

import quizapp


def package_or_repo_dir(name: str) -> Path:
    """The folder inside the installed package if the wheel put it there, else the repo's."""
    package_dir = Path(quizapp.__file__).resolve().parent
    installed = package_dir / name
    if installed.is_dir():
        return installed
    return package_dir.parent / name


def questions_dir(configured: str | Path | None = None) -> Path:
    """The banks' folder: the one configured (QUIZAPP_QUESTIONS_DIR), else the bundled one."""
    return Path(configured) if configured else package_or_repo_dir("questions")


def templates_dir() -> Path:
    return package_or_repo_dir("templates")


def static_dir() -> Path:
    return package_or_repo_dir("static")
