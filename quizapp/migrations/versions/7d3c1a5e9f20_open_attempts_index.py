"""ix_attempts_open: the open attempts of each learner, for submitting those out of time

Revision ID: 7d3c1a5e9f20
Revises: 4b7e2f9a1c3d
Create Date: 2026-11-25 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d3c1a5e9f20"
down_revision: str | None = "4b7e2f9a1c3d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("submitted_at IS NULL")


def upgrade() -> None:
    op.create_index(
        "ix_attempts_open",
        "attempts",
        ["user_id", "deadline_at"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_attempts_open", table_name="attempts")
