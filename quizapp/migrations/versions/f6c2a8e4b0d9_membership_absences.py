"""memberships.absences: the times a student was removed from a class and added back, so
that work due while they were away is not counted against them

Revision ID: f6c2a8e4b0d9
Revises: e3b9d5a7c1f4
Create Date: 2026-11-27 03:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f6c2a8e4b0d9"
down_revision: str | None = "e3b9d5a7c1f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("memberships") as batch_op:
        batch_op.add_column(sa.Column("absences", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch_op:
        batch_op.drop_column("absences")
