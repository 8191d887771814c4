"""Baseline (floor) rows and per-task data hashes (issue 15): ``models.kind`` (model / baseline) and
``runs.data_hashes`` (task -> hash of the task's data-defining config and lm-eval's item hashes, at publish).

Runs published before this revision keep NULL data hashes; the board shows them apart until republished.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("models") as batch:
        batch.add_column(sa.Column("kind", sa.String(20), nullable=False, server_default="model"))
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("data_hashes", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("data_hashes")
    with op.batch_alter_table("models") as batch:
        batch.drop_column("kind")
