"""attempts.percentage unrounded: a submitted attempt's score as points over its maximum,
which the boards add and the gradebook averages (rounded parts drifted: 3 x 66.67 = 200.01)

Revision ID: e3b9d5a7c1f4
Revises: c5f1e7a9d2b4
Create Date: 2026-11-27 03:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "e3b9d5a7c1f4"
down_revision: str | None = "c5f1e7a9d2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE attempts SET percentage = 100.0 * points / max_points"
        " WHERE percentage IS NOT NULL AND max_points > 0"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE attempts SET percentage = round(CAST(percentage AS NUMERIC), 2)"
        " WHERE percentage IS NOT NULL"
    )
