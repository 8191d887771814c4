"""SQLAlchemy models: a model has runs (one per lm-eval results file); a run has scores and samples."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Model(Base):
    __tablename__ = "models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True, nullable=False)
    base_model: Mapped[str | None] = mapped_column(String(300))
    parameters: Mapped[int | None] = mapped_column(BigInteger)  # 3e9 overflows PostgreSQL's 32-bit integer
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
    # "evaluated" when the leaderboard's own worker produced it from a queued request, else "self-reported"
    provenance: Mapped[str] = mapped_column(String(20), default="self-reported", server_default="self-reported")
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


REQUEST_STATES = ("pending", "running", "finished", "failed")


class EvalRequest(Base):
    """A queued evaluation: pending → running (a worker holds it and beats its heart) → finished or failed."""

    __tablename__ = "eval_requests"
    __table_args__ = (Index("ix_eval_requests_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    model: Mapped[str] = mapped_column(String(300), nullable=False)  # hub id or a path the workers can read
    revision: Mapped[str] = mapped_column(String(100), default="main")
    adapter: Mapped[str | None] = mapped_column(String(300))  # a PEFT adapter applied on top of `model`
    precision: Mapped[str] = mapped_column(String(20), default="bfloat16")
    tasks: Mapped[str] = mapped_column(String(300), default="near")
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(String(120))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_ids: Mapped[list | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
