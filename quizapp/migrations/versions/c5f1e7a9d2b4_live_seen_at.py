"""live_players.seen_index and seen_at: an answer's time counts from when its question
reached the player; live_games.host_id goes, as nothing read it

Revision ID: c5f1e7a9d2b4
Revises: b8e4c2d6a1f0
Create Date: 2026-11-26 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c5f1e7a9d2b4"
down_revision: str | None = "b8e4c2d6a1f0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("live_players") as batch_op:
        batch_op.add_column(
            sa.Column("seen_index", sa.Integer(), nullable=False, server_default="-1")
        )
        batch_op.add_column(sa.Column("seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("live_games") as batch_op:
        batch_op.drop_column("host_id")


def downgrade() -> None:
    with op.batch_alter_table("live_games") as batch_op:
        # The class's teacher hosts its games.
        batch_op.add_column(sa.Column("host_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE live_games SET host_id ="
        " (SELECT teacher_id FROM classes WHERE classes.id = live_games.class_id)"
    )
    with op.batch_alter_table("live_games") as batch_op:
        batch_op.alter_column("host_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key("fk_live_games_host_id_users", "users", ["host_id"], ["id"])
    with op.batch_alter_table("live_players") as batch_op:
        batch_op.drop_column("seen_at")
        batch_op.drop_column("seen_index")
