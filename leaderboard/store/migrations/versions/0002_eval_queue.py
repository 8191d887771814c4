"""The evaluation queue (eval_requests), each run's provenance (evaluated by the leaderboard or self-reported), and
models.parameters as a 64-bit integer (a 3B-parameter count overflowed PostgreSQL's 32-bit INTEGER).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("models") as batch:  # SQLite: recreates the table (see store/engine.py)
        batch.alter_column("parameters", type_=sa.BigInteger, existing_type=sa.Integer)
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("provenance", sa.String(20), nullable=False, server_default="self-reported"))
    op.create_table(
        "eval_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("revision", sa.String(100), nullable=False),
        sa.Column("adapter", sa.String(300)),
        sa.Column("precision", sa.String(20), nullable=False),
        sa.Column("tasks", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("worker", sa.String(120)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("run_ids", sa.JSON),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True)),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_eval_requests_status_id", "eval_requests", ["status", "id"])


def downgrade() -> None:
    op.drop_table("eval_requests")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("provenance")
    with op.batch_alter_table("models") as batch:
        batch.alter_column("parameters", type_=sa.Integer, existing_type=sa.BigInteger)
