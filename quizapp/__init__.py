"""quizapp: quizzes and spaced-repetition flashcards for classrooms."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from filelock import FileLock
from flask import Config, Flask

from quizapp import config as settings
from quizapp.paths import static_dir, templates_dir

log = logging.getLogger(__name__)


def create_app(
    test_config: dict[str, Any] | None = None, overrides: dict[str, Any] | None = None
) -> Flask:
    """The app. `test_config` replaces the environment; `overrides` are applied on top of it."""
    app = _unconfigured_app()
    os.makedirs(app.instance_path, exist_ok=True)
    # Several server processes (gunicorn's workers) start at once: one at a time makes the
    # instance's keys, migrates the database and imports the banks; the others find it done.
    with _one_process_at_a_time(app.instance_path):
        _configure(app, test_config, overrides)
    return app


@contextmanager
def _one_process_at_a_time(folder: str) -> Iterator[None]:
    lock = FileLock(os.path.join(folder, "start-up.lock"))
    try:
        lock.acquire()
    except OSError:  # a read-only instance folder, with every setting given
        yield
        return
    try:
        yield
    finally:
        lock.release()


def read_settings() -> Config:
    """The settings as the app reads them (its defaults, the instance folder's config.py,
    then QUIZAPP_* variables), for a command that neither serves nor opens the database."""
    app = _unconfigured_app()
    _load_settings(app, None, None)
    return app.config


def _unconfigured_app() -> Flask:
    return Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(templates_dir()),
        static_folder=str(static_dir()),
    )


def _load_settings(
    app: Flask, test_config: dict[str, Any] | None, overrides: dict[str, Any] | None
) -> None:
    app.config.from_mapping(settings.defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.update(settings.from_environment(os.environ))
    else:
        app.config.update(test_config)
    app.config.update(overrides or {})


def _configure(
    app: Flask, test_config: dict[str, Any] | None, overrides: dict[str, Any] | None
) -> None:
    _load_settings(app, test_config, overrides)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)
    if not app.config.get("TEACHER_CODE"):
        app.config["TEACHER_CODE"] = settings.instance_teacher_code(app.instance_path)
    app.config["TEACHER_CODE"] = str(app.config["TEACHER_CODE"])  # "123456" is read as a number
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_UPLOAD_BYTES"]
    app.config["MAX_FORM_MEMORY_SIZE"] = app.config["MAX_UPLOAD_BYTES"]  # one text field

    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from quizapp import db, web

    db.init_app(app)
    web.init_app(app)

    from quizapp import cli

    cli.init_app(app)

    if app.config["MIGRATE_ON_START"]:
        from quizapp import migrate

        migrate.upgrade(app.config["DATABASE_URL"])
    if app.config["IMPORT_ON_START"]:
        from quizapp.services import banks

        banks.import_folder_on_start(app)
