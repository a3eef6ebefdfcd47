"""Starting the app: several server processes at once (gunicorn's workers) on a new
database each run the start-up work, one after the other."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

from quizapp.models import BankRecord

REPO = Path(__file__).parents[2]
WORKERS = 4


def test_workers_starting_at_once_on_a_new_database_migrate_and_import_it_once(tmp_path: Path):
    """Each used to migrate it at the same moment: all but one failed to start."""
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    env = {**os.environ, "QUIZAPP_DATABASE_URL": url, "PYTHONPATH": str(REPO)}
    start = "from quizapp import create_app; create_app()"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", start], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True
        )
        for _ in range(WORKERS)
    ]
    failures = []
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        if worker.returncode != 0:
            failures.append(errors)
    assert failures == []
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM alembic_version")) == 1
        assert connection.scalar(select(func.count(BankRecord.id))) == 1
    engine.dispose()
