"""Turns the store into the DataFrames the app shows: the main table, a model's scores, its samples, lineage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from nearcoder.leaderboard.about import AVERAGE_COLUMNS, SEED_NOTE, SEED_PARAMETERS, SEED_REPORTED, TASK_COLUMNS
from nearcoder.leaderboard.display.columns import (
    BENCHMARK_COLS,
    COLS,
    COLUMNS,
    CONFIDENCE_Z,
    HALFWIDTH_COLS,
    halfwidth_col,
    size_bucket,
)
from nearcoder.leaderboard.store import models as orm

C = COLUMNS
MEASURED = "measured"
EVALUATED = "evaluated by the leaderboard"  # every value of the row comes from the leaderboard's own workers
SELF_REPORTED = "self-reported"  # published by hand (or transcribed: seed rows)
PARTLY_EVALUATED = "partly self-reported"  # some values from queued evaluations, some published by hand


_SCORE_COLS = ["task", "metric", "filter", "value", "stderr", "run_id", "partial", "model_id", "provenance"]
BASELINE = "baseline (floor)"  # the source of rows published with kind=baseline


def latest_scores(session: Session) -> pd.DataFrame:
    """One row per (model, task, metric): the value from the model's most recently published run."""
    q = (
        select(orm.Score.task, orm.Score.metric, orm.Score.filter, orm.Score.value, orm.Score.stderr,
               orm.Run.id, orm.Run.partial, orm.Run.model_id, orm.Run.provenance)
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


def _column_hits(scores: pd.DataFrame) -> pd.DataFrame:
    """The scores that feed a column: first accepted metric spelling per (model, column, task)."""
    if scores.empty:
        return scores.assign(column=[], rank=[])
    hit = scores[scores["value"].notna()].merge(_column_spec(), on=["task", "metric"])
    return hit.sort_values("rank").drop_duplicates(["model_id", "column", "task"])


def _column_values(hits: pd.DataFrame) -> pd.DataFrame:
    """Pivot scores into task columns, averaging a column's tasks that are present (blank when none), with
    each column's 95 % half-width in its ``halfwidth_col``."""
    empty = pd.DataFrame(columns=["model_id", *BENCHMARK_COLS, *map(halfwidth_col, BENCHMARK_COLS)])
    if hits.empty:
        return empty
    # a column's tasks pooled as independent: SE = sqrt(sum SE_t^2) / k, unknown when any task has none
    hits = hits.assign(var=hits["stderr"].astype(float) ** 2, no_se=hits["stderr"].isna())
    grouped = hits.groupby(["model_id", "column"])
    wide = grouped["value"].mean().unstack("column").reindex(columns=BENCHMARK_COLS)
    agg = grouped.agg(var=("var", "sum"), k=("value", "size"), no_se=("no_se", "any"))
    pooled = (np.sqrt(agg["var"]) / agg["k"]).where(~agg["no_se"])
    se = pooled.unstack("column").reindex(columns=BENCHMARK_COLS)
    half = (se * CONFIDENCE_Z).rename(columns=halfwidth_col)
    return pd.concat([wide, half], axis=1).reset_index()


def _average_with_interval(df: pd.DataFrame) -> None:
    """``average (ours)`` and its half-width (independent columns pooled). Columns without a standard error add
    no width, so the interval is then a lower bound of the average's uncertainty; without any, no interval."""
    values = df[list(AVERAGE_COLUMNS)].astype(float)
    halves = df[[halfwidth_col(c) for c in AVERAGE_COLUMNS]].astype(float).to_numpy()
    halves = np.where(values.notna().to_numpy(), halves, np.nan)
    count = values.notna().sum(axis=1)
    with_error = np.isfinite(halves).any(axis=1)  # no component with a stderr (seed rows): no interval
    df[C.average.name] = values.mean(axis=1, skipna=True)
    width = np.sqrt(np.nansum(halves ** 2, axis=1)) / count.replace(0, np.nan)
    df[halfwidth_col(C.average.name)] = width.where((count > 0) & with_error)


def _task_identity(session: Session, hits: pd.DataFrame) -> pd.DataFrame:
    """(model_id, task) -> task version and data hash of the run each column value came from."""
    pairs = hits[["model_id", "task", "run_id", "partial"]].drop_duplicates(["model_id", "task"])
    if pairs.empty:
        return pairs.assign(version=[], data_hash=[])
    runs = {rid: (tv or {}, dh) for rid, tv, dh in session.execute(
        select(orm.Run.id, orm.Run.task_versions, orm.Run.data_hashes)
        .where(orm.Run.id.in_([int(r) for r in pairs["run_id"].unique()]))).all()}
    pairs = pairs.copy()
    pairs["version"] = [str(runs[r][0].get(t)) for r, t in zip(pairs["run_id"], pairs["task"])]
    pairs["data_hash"] = [_NOT_RECORDED if runs[r][1] is None else runs[r][1].get(t, "") for r, t in
                          zip(pairs["run_id"], pairs["task"])]
    return pairs


_NOT_RECORDED = "(not recorded)"  # a run published before data hashes were recorded


def comparability(identity: pd.DataFrame, kinds: pd.Series) -> dict[int, str]:
    """model_id -> why it cannot be ranked with the others (models absent from the result are comparable).

    Per task, the board's reference is the (task version, data hash) that most models share (ties: the most
    recently published). A model whose column value for a task comes from another version or data is shown
    apart, with the reason; so is one published before data hashes were recorded."""
    if identity.empty:
        return {}
    ident = identity.assign(kind=identity["model_id"].map(kinds).fillna("model"))
    known = ident[ident["data_hash"] != _NOT_RECORDED]
    # models vote for a task's reference; baseline rows only when no model ran the task
    known = known.assign(voter=(known["kind"] == "model") | ~known.groupby("task")["kind"].transform(
        lambda k: (k == "model").any()))
    votes = (known[known["voter"]].groupby(["task", "version", "data_hash"])
             .agg(n=("run_id", "size"), newest=("run_id", "max")).reset_index()
             .sort_values(["task", "n", "newest"], ascending=[True, False, False])
             .drop_duplicates("task").rename(columns={"version": "ref_version", "data_hash": "ref_hash"}))
    ident = ident.merge(votes[["task", "ref_version", "ref_hash"]], on="task", how="left")
    reasons = []
    for r in ident.itertuples():
        if r.data_hash == _NOT_RECORDED:
            reasons.append(f"{r.task}: no data hash (published before they were recorded; republish)")
        elif r.version != r.ref_version:
            reasons.append(f"{r.task}: task version {r.version} (board: {r.ref_version})")
        elif r.data_hash != r.ref_hash:
            subset = ", a --limit run scores a subset" if r.partial else ""
            reasons.append(f"{r.task}: data hash {r.data_hash[:10] or 'none'} "
                           f"(board: {r.ref_hash[:10] or 'none'}{subset})")
        else:
            reasons.append("")
    ident["why"] = reasons
    apart = ident[ident["why"] != ""].sort_values("task")
    return apart.groupby("model_id")["why"].agg("; ".join).to_dict()


def rank_bands(score: pd.Series, halfwidth: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Rank ranges and rank bands from scores and 95 % half-widths (higher is better), arena-style.

    - rank range of model i: from 1 + #{models whose interval lies wholly above i's} to #{models whose interval
      reaches i's or higher}: every rank the intervals allow.
    - bands: the best remaining model and every remaining model whose interval overlaps its interval form the
      next band (1, 2, ...). A model without a half-width counts as a point.
    Rows with no score get neither."""
    ranks = pd.Series("", index=score.index, dtype=object)
    bands = pd.Series(np.nan, index=score.index, dtype=float)
    valid = score.notna().to_numpy()
    s = score.to_numpy(dtype=float)[valid]
    h = np.nan_to_num(halfwidth.reindex(score.index).to_numpy(dtype=float)[valid])
    lo, hi = s - h, s + h
    best = 1 + (lo[None, :] > hi[:, None]).sum(axis=1)
    worst = (hi[None, :] >= lo[:, None]).sum(axis=1)
    ranks[valid] = [str(b) if b == w else f"{b}–{w}" for b, w in zip(best, worst)]
    band_of = np.zeros(s.size)
    order = np.argsort(-s, kind="stable")
    band = 0
    for leader in order:
        if band_of[leader]:
            continue
        band += 1
        band_of[(band_of == 0) & (hi >= lo[leader])] = band
    bands[valid] = band_of
    return ranks, bands


def _row_provenance(scores: pd.DataFrame) -> pd.Series:
    """model_id -> how the row's values were produced (the runs behind the model's latest values)."""
    if scores.empty:
        return pd.Series(dtype=object)
    evaluated = (scores["provenance"] == "evaluated").groupby(scores["model_id"])
    return pd.Series(np.where(evaluated.all(), EVALUATED, np.where(evaluated.any(), PARTLY_EVALUATED, SELF_REPORTED)),
                     index=evaluated.all().index)


def leaderboard_frame(session: Session, include_seed: bool = True) -> pd.DataFrame:
    """The full main table (before filtering): one row per model, fixed columns, task columns, half-widths.

    Measured models that can be ranked together get a rank range and band by ``average (ours)``; models whose
    task versions or data differ from the board's carry ``shown apart because``; baseline (floor) and seed
    rows are references and are not ranked."""
    models = pd.DataFrame.from_records(
        [tuple(r) for r in session.connection().execute(
            select(orm.Model.id, orm.Model.name, orm.Model.model_type, orm.Model.stage, orm.Model.parameters,
                   orm.Model.contamination, orm.Model.kind))],
        columns=["model_id", C.model.name, C.model_type.name, C.stage.name, C.parameters.name,
                 C.contamination.name, "kind"],
    )
    scores = latest_scores(session)
    hits = _column_hits(scores)
    wide = _column_values(hits)
    partial = (scores.groupby("model_id")["partial"].any().rename(C.partial.name) if not scores.empty
               else pd.Series(name=C.partial.name, dtype=bool))
    df = models.merge(wide, on="model_id", how="left").merge(partial, on="model_id", how="left")
    df[C.partial.name] = df[C.partial.name].fillna(False).astype(bool)
    df[C.source.name] = np.where(df["kind"] == "baseline", BASELINE, MEASURED)
    df[C.provenance.name] = df["model_id"].map(_row_provenance(scores)).fillna(SELF_REPORTED)
    apart = comparability(_task_identity(session, hits), models.set_index("model_id")["kind"])
    df[C.apart.name] = [apart.get(m, "") for m in df["model_id"]]
    if include_seed:
        seed = pd.DataFrame([{C.model.name: r["model"], C.model_type.name: "fine-tuned" if r["parent"] else "base",
                              C.stage.name: r["stage"], C.parameters.name: SEED_PARAMETERS,
                              C.contamination.name: "unknown", C.partial.name: False, C.source.name: SEED_NOTE,
                              C.provenance.name: SELF_REPORTED,
                              C.apart.name: "", **{k: r[k] for k in BENCHMARK_COLS if k in r}}
                             for r in SEED_REPORTED])
        df = pd.concat([df, seed], ignore_index=True) if not df.empty else seed
    for col in BENCHMARK_COLS + [halfwidth_col(c) for c in BENCHMARK_COLS]:
        if col not in df:
            df[col] = float("nan")
    _average_with_interval(df)
    ranked = (df[C.source.name] == MEASURED) & (df[C.apart.name] == "")
    df[C.rank.name], df[C.band.name] = "", float("nan")
    if ranked.any():
        ranks, bands = rank_bands(df.loc[ranked, C.average.name], df.loc[ranked, halfwidth_col(C.average.name)])
        df.loc[ranked, C.rank.name], df.loc[ranked, C.band.name] = ranks, bands
    df[C.size.name] = df[C.parameters.name].map(size_bucket)
    order = df[C.source.name].map({MEASURED: 0, SEED_NOTE: 1, BASELINE: 2})
    df = df.assign(_order=order).sort_values(["_order", C.average.name, C.model.name],
                                             ascending=[True, False, True], na_position="last", ignore_index=True)
    return df.reindex(columns=COLS + HALFWIDTH_COLS)


@dataclass
class Filters:
    search: str = ""
    types: list[str] | None = None
    sizes: list[str] | None = None
    stages: list[str] | None = None
    show_partial: bool = True
    contamination: list[str] | None = None
    show_seed: bool = True
    evaluated_only: bool = False
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
    if f.evaluated_only:
        mask &= df[C.provenance.name] == EVALUATED
    out = df[mask]
    if f.columns:
        keep = [c for c in COLS if c in f.columns or c == C.model.name]
        out = out[keep + [halfwidth_col(c) for c in keep if halfwidth_col(c) in out.columns]]
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
                  "task_hashes": r.task_hashes, "source": r.source, "content_hash": r.content_hash,
                  "provenance": r.provenance}
                 for r in runs],
    }


QUEUE_COLS = ["request", "model", "revision", "adapter", "precision", "tasks", "status", "reason",
              "leaderboard row", "submitted", "started", "finished"]


def queue_frame(requests: list) -> pd.DataFrame:
    """The evaluation queue (``eval_queue.RequestView`` rows), newest request first, times in UTC."""
    def when(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else ""

    rows = [(f"#{r.id}", r.model, r.revision, r.adapter or "", r.precision, r.tasks, r.status, r.reason or "",
             r.leaderboard_row or "", when(r.submitted_at), when(r.started_at), when(r.finished_at))
            for r in sorted(requests, key=lambda r: r.id, reverse=True)]
    return pd.DataFrame(rows, columns=QUEUE_COLS)


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
