"""SQLAlchemy models: a model has runs (one per lm-eval results file); a run has scores and samples."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


# Columns added after the first release: (table, column, SQL type and default). A store created before them
# gets them with ``ALTER TABLE ... ADD COLUMN`` when opened (``engine.add_missing_columns``); old rows keep
# NULL data hashes and are shown apart until republished. Where the Alembic chain of issue 17 exists, the same
# change is revision 0003 (``migrations/versions/0003_kind_and_data_hashes.py``) and this list goes.
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("models", "kind", "VARCHAR(20) NOT NULL DEFAULT 'model'"),
    ("runs", "data_hashes", "JSON"),
)


class Model(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True, nullable=False)
    base_model: Mapped[str | None] = mapped_column(String(300))
    parameters: Mapped[int | None] = mapped_column(Integer)
    model_type: Mapped[str] = mapped_column(String(20), default="base")  # base / fine-tuned / adapter
    stage: Mapped[str | None] = mapped_column(String(60))
    parent: Mapped[str | None] = mapped_column(String(300))
    contamination: Mapped[str] = mapped_column(String(20), default="unknown")  # clean / flagged / unknown
    manifest: Mapped[dict | None] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(20), default="model", server_default="model")  # model / baseline
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    runs: Mapped[list["Run"]] = relationship(back_populates="model", cascade="all, delete-orphan")


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("models.id", ondelete="CASCADE"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    source: Mapped[str] = mapped_column(Text)  # path of the results file as published
    lm_eval_version: Mapped[str | None] = mapped_column(String(40))
    git_hash: Mapped[str | None] = mapped_column(String(64))
    date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    limit: Mapped[float | None] = mapped_column(Float)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    config: Mapped[dict] = mapped_column(JSON)
    task_versions: Mapped[dict] = mapped_column(JSON)
    task_hashes: Mapped[dict] = mapped_column(JSON)
    n_samples: Mapped[dict] = mapped_column(JSON)
    data_hashes: Mapped[dict | None] = mapped_column(JSON)  # task -> read_results.task_data_hash, at publish
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)

    model: Mapped[Model] = relationship(back_populates="runs")
    scores: Mapped[list["Score"]] = relationship(back_populates="run", cascade="all, delete-orphan")
    samples: Mapped[list["Sample"]] = relationship(back_populates="run", cascade="all, delete-orphan")


class Score(Base):
    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("run_id", "task", "metric", "filter"),
        Index("ix_scores_task_metric", "task", "metric"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(120))
    metric: Mapped[str] = mapped_column(String(120))
    filter: Mapped[str] = mapped_column(String(120), default="none")
    value: Mapped[float | None] = mapped_column(Float)
    stderr: Mapped[float | None] = mapped_column(Float)

    run: Mapped[Run] = relationship(back_populates="scores")


class Sample(Base):
    __tablename__ = "samples"
    __table_args__ = (Index("ix_samples_run_task", "run_id", "task", "doc_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    task: Mapped[str] = mapped_column(String(120))
    doc_id: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(Text)
    generation: Mapped[str] = mapped_column(Text)
    target: Mapped[str] = mapped_column(Text)
    metrics: Mapped[dict] = mapped_column(JSON)  # numeric per-item metric values
    verdict: Mapped[str | None] = mapped_column(String(40))  # sandbox outcome status, when logged
    reason: Mapped[str | None] = mapped_column(Text)

    run: Mapped[Run] = relationship(back_populates="samples")
