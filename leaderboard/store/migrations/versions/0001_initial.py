"""The store as first released (models, runs, scores, samples).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("base_model", sa.String(300)),
        sa.Column("parameters", sa.Integer),
        sa.Column("model_type", sa.String(20), nullable=False),
        sa.Column("stage", sa.String(60)),
        sa.Column("parent", sa.String(300)),
        sa.Column("contamination", sa.String(20), nullable=False),
        sa.Column("manifest", sa.JSON),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id", ondelete="CASCADE"), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("lm_eval_version", sa.String(40)),
        sa.Column("git_hash", sa.String(64)),
        sa.Column("date", sa.DateTime(timezone=True)),
        sa.Column("limit", sa.Float),
        sa.Column("partial", sa.Boolean, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("task_versions", sa.JSON, nullable=False),
        sa.Column("task_hashes", sa.JSON, nullable=False),
        sa.Column("n_samples", sa.JSON, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_runs_model_id", "runs", ["model_id"])
    op.create_table(
        "scores",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("task", sa.String(120), nullable=False),
        sa.Column("metric", sa.String(120), nullable=False),
        sa.Column("filter", sa.String(120), nullable=False),
        sa.Column("value", sa.Float),
        sa.Column("stderr", sa.Float),
        sa.UniqueConstraint("run_id", "task", "metric", "filter"),
    )
    op.create_index("ix_scores_run_id", "scores", ["run_id"])
    op.create_index("ix_scores_task_metric", "scores", ["task", "metric"])
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("task", sa.String(120), nullable=False),
        sa.Column("doc_id", sa.Integer, nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("generation", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("metrics", sa.JSON, nullable=False),
        sa.Column("verdict", sa.String(40)),
        sa.Column("reason", sa.Text),
    )
    op.create_index("ix_samples_run_task", "samples", ["run_id", "task", "doc_id"])


def downgrade() -> None:
    for table in ("samples", "scores", "runs", "models"):
        op.drop_table(table)
