"""banks.archived_at: a teacher's bank put away from their students, and brought back

Revision ID: a9d4f2c6e8b1
Revises: f6c2a8e4b0d9
Create Date: 2026-11-27 04:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "a9d4f2c6e8b1"
down_revision: str | None = "f6c2a8e4b0d9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("banks") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # An archived bank's quizzes stay withdrawn: upload it again to bring them back.
    with op.batch_alter_table("banks") as batch_op:
        batch_op.drop_column("archived_at")
