"""Turns the store into the DataFrames the app shows: the main table, a model's scores, its samples, lineage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from nearcoder.leaderboard.about import AVERAGE_COLUMNS, SEED_NOTE, SEED_PARAMETERS, SEED_REPORTED, TASK_COLUMNS
from nearcoder.leaderboard.display.columns import BENCHMARK_COLS, COLS, COLUMNS, size_bucket
from nearcoder.leaderboard.store import models as orm

C = COLUMNS
MEASURED = "measured"


_SCORE_COLS = ["task", "metric", "filter", "value", "stderr", "run_id", "partial", "model_id"]


def latest_scores(session: Session) -> pd.DataFrame:
    """One row per (model, task, metric): the value from the model's most recently published run."""
    q = (
        select(orm.Score.task, orm.Score.metric, orm.Score.filter, orm.Score.value, orm.Score.stderr,
               orm.Run.id, orm.Run.partial, orm.Run.model_id)
        .join(orm.Run, orm.Score.run_id == orm.Run.id)
    )
    rows = [tuple(r) for r in session.connection().execute(q)]
    df = pd.DataFrame.from_records(rows, columns=_SCORE_COLS)
    if df.empty:
        return df
    df["filter_rank"] = (df["filter"] != "none").astype(int)
    df = df.sort_values(["run_id", "filter_rank"], ascending=[False, True])
    return df.drop_duplicates(["model_id", "task", "metric"], keep="first")


def _column_spec() -> pd.DataFrame:
    """(task, metric) -> leaderboard column, with the rank of the metric's spelling."""
    return pd.DataFrame([(task, metric, col.col_name, rank) for col in TASK_COLUMNS for task in col.tasks
                         for rank, metric in enumerate(col.metrics)], columns=["task", "metric", "column", "rank"])


def _column_values(scores: pd.DataFrame) -> pd.DataFrame:
    """Pivot scores into task columns, averaging a column's tasks that are present (blank when none)."""
    empty = pd.DataFrame(columns=["model_id", *BENCHMARK_COLS])
    if scores.empty:
        return empty
    hit = scores[scores["value"].notna()].merge(_column_spec(), on=["task", "metric"])
    if hit.empty:
        return empty
    # first accepted metric spelling per task, then the mean over the column's tasks
    hit = hit.sort_values("rank").drop_duplicates(["model_id", "column", "task"])
    wide = hit.groupby(["model_id", "column"])["value"].mean().unstack("column")
    return wide.reindex(columns=BENCHMARK_COLS).reset_index()


def leaderboard_frame(session: Session, include_seed: bool = True) -> pd.DataFrame:
    """The full main table (before filtering): one row per model, fixed columns then task columns."""
    models = pd.DataFrame.from_records(
        [tuple(r) for r in session.connection().execute(
            select(orm.Model.id, orm.Model.name, orm.Model.model_type, orm.Model.stage, orm.Model.parameters,
                   orm.Model.contamination))],
        columns=["model_id", C.model.name, C.model_type.name, C.stage.name, C.parameters.name,
                 C.contamination.name],
    )
    scores = latest_scores(session)
    wide = _column_values(scores)
    partial = (scores.groupby("model_id")["partial"].any().rename(C.partial.name) if not scores.empty
               else pd.Series(name=C.partial.name, dtype=bool))
    df = models.merge(wide, on="model_id", how="left").merge(partial, on="model_id", how="left")
    df[C.partial.name] = df[C.partial.name].fillna(False).astype(bool)
    df[C.source.name] = MEASURED
    if include_seed:
        seed = pd.DataFrame([{C.model.name: r["model"], C.model_type.name: "fine-tuned" if r["parent"] else "base",
                              C.stage.name: r["stage"], C.parameters.name: SEED_PARAMETERS,
                              C.contamination.name: "unknown", C.partial.name: False, C.source.name: SEED_NOTE,
                              **{k: r[k] for k in BENCHMARK_COLS if k in r}} for r in SEED_REPORTED])
        df = pd.concat([df, seed], ignore_index=True) if not df.empty else seed
    for col in BENCHMARK_COLS:
        if col not in df:
            df[col] = float("nan")
    df[C.average.name] = df[list(AVERAGE_COLUMNS)].astype(float).mean(axis=1, skipna=True)
    df[C.size.name] = df[C.parameters.name].map(size_bucket)
    df = df.reindex(columns=COLS)
    return df.sort_values([C.average.name, C.model.name], ascending=[False, True], na_position="last",
                          ignore_index=True)


@dataclass
class Filters:
    search: str = ""
    types: list[str] | None = None
    sizes: list[str] | None = None
    stages: list[str] | None = None
    show_partial: bool = True
    contamination: list[str] | None = None
    show_seed: bool = True
    columns: list[str] = field(default_factory=list)


def apply_filters(df: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """Filter the main table; empty/None choices mean 'all'. Search is a case-insensitive substring match."""
    mask = pd.Series(True, index=df.index)
    if f.search.strip():
        mask &= df[C.model.name].str.contains(f.search.strip(), case=False, regex=False, na=False)
    if f.types:
        mask &= df[C.model_type.name].isin(f.types)
    if f.sizes:
        mask &= df[C.size.name].isin(f.sizes)
    if f.stages:
        mask &= df[C.stage.name].fillna("unknown").isin(f.stages)
    if not f.show_partial:
        mask &= ~df[C.partial.name]
    if f.contamination:
        mask &= df[C.contamination.name].isin(f.contamination)
    if not f.show_seed:
        mask &= df[C.source.name] != SEED_NOTE
    out = df[mask]
    if f.columns:
        keep = [c for c in COLS if c in f.columns or c == C.model.name]
        out = out[keep]
    return out.reset_index(drop=True)


def _model(session: Session, name: str) -> orm.Model | None:
    return session.scalars(select(orm.Model).where(orm.Model.name == name)).first()


def model_scores(session: Session, name: str) -> pd.DataFrame:
    """Every task and metric of a model's runs (newest run first), with stderr and the run's provenance."""
    cols = ["task", "metric", "filter", "value", "stderr", "partial", "run", "lm-eval", "task hash", "date"]
    model = _model(session, name)
    if model is None:
        return pd.DataFrame(columns=cols)
    q = (select(orm.Score, orm.Run).join(orm.Run, orm.Score.run_id == orm.Run.id)
         .where(orm.Run.model_id == model.id).order_by(orm.Run.id.desc(), orm.Score.task, orm.Score.metric))
    rows = [(s.task, s.metric, s.filter, s.value, s.stderr, r.partial, r.id, r.lm_eval_version,
             (r.task_hashes or {}).get(s.task, "")[:12], r.date.isoformat(timespec="seconds") if r.date else "")
            for s, r in session.execute(q).all()]
    return pd.DataFrame(rows, columns=cols)


def model_provenance(session: Session, name: str) -> dict:
    """Manifest fields and every run's lm-eval version, task versions/hashes, date, limit and source."""
    model = _model(session, name)
    if model is None:
        return {}
    runs = session.scalars(select(orm.Run).where(orm.Run.model_id == model.id).order_by(orm.Run.id)).all()
    return {
        "name": model.name, "type": model.model_type, "stage": model.stage, "base_model": model.base_model,
        "parent": model.parent, "parameters": model.parameters, "contamination": model.contamination,
        "manifest": model.manifest,
        "runs": [{"run": r.id, "date": r.date.isoformat() if r.date else None, "lm_eval_version": r.lm_eval_version,
                  "git_hash": r.git_hash, "limit": r.limit, "partial": r.partial, "task_versions": r.task_versions,
                  "task_hashes": r.task_hashes, "source": r.source, "content_hash": r.content_hash}
                 for r in runs],
    }


SAMPLE_COLS = ["sample", "run", "task", "doc_id", "verdict", "metrics"]


def model_samples(session: Session, name: str, task: str | None = None, limit: int = 500) -> pd.DataFrame:
    model = _model(session, name)
    if model is None:
        return pd.DataFrame(columns=SAMPLE_COLS)
    q = (select(orm.Sample.id, orm.Sample.run_id, orm.Sample.task, orm.Sample.doc_id, orm.Sample.verdict,
                orm.Sample.metrics)
         .join(orm.Run, orm.Sample.run_id == orm.Run.id).where(orm.Run.model_id == model.id))
    if task:
        q = q.where(orm.Sample.task == task)
    q = q.order_by(orm.Sample.run_id.desc(), orm.Sample.task, orm.Sample.doc_id).limit(limit)
    rows = [(i, r, t, d, v or "", ", ".join(f"{k}={val:.3g}" for k, val in sorted((m or {}).items())))
            for i, r, t, d, v, m in session.execute(q).all()]
    return pd.DataFrame(rows, columns=SAMPLE_COLS)


def sample_detail(session: Session, sample_id: int) -> dict | None:
    s = session.get(orm.Sample, int(sample_id))
    if s is None:
        return None
    return {"task": s.task, "doc_id": s.doc_id, "prompt": s.prompt, "generation": s.generation, "target": s.target,
            "verdict": s.verdict or "(no sandbox outcome logged)", "reason": s.reason or "",
            "metrics": json.dumps(s.metrics, indent=1, sort_keys=True)}


def lineage_from_store(session: Session, name: str) -> list[str]:
    parents: dict[str, str | None] = {r["model"]: r["parent"] for r in SEED_REPORTED}
    names = set()
    for m_name, parent in session.execute(select(orm.Model.name, orm.Model.parent)).all():
        parents[m_name] = parent
        names.add(m_name)
    # a parent may be recorded as a checkpoint path: match it by its last component
    by_base = {n.rstrip("/").rsplit("/", 1)[-1]: n for n in parents}
    for child, parent in list(parents.items()):
        if parent and parent not in parents:
            parents[child] = by_base.get(parent.rstrip("/").rsplit("/", 1)[-1], parent)
    return _walk(name, parents)


def _walk(name: str, parents: dict[str, str | None]) -> list[str]:
    chain, seen = [name], {name}
    while (parent := parents.get(chain[-1])) and parent not in seen:
        chain.append(parent)
        seen.add(parent)
    return list(reversed(chain))
