"""Publishing: write lm-eval output into the store, one transaction per call, idempotent by content hash.

Everything is parsed and validated before the first write, so a malformed or foreign file anywhere in the
directory leaves the store untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from nearcoder.harness.manifest import CONTAMINATION
from nearcoder.leaderboard.read_results import KINDS, EvalRun, ResultsError, read_output_dir


@dataclass
class ModelOverrides:
    """Publish flags that override (or stand in for) the checkpoint manifest."""

    name: str | None = None
    model_type: str | None = None
    stage: str | None = None
    parameters: int | None = None
    base_model: str | None = None
    parent: str | None = None
    contamination: str | None = None
    kind: str | None = None  # "baseline" marks a floor reference row (default: the results file's provenance)

    def __post_init__(self):
        from nearcoder.harness.manifest import MODEL_TYPES

        if self.model_type is not None and self.model_type not in MODEL_TYPES:
            raise ValueError(f"--type must be one of {MODEL_TYPES}, got {self.model_type!r}")
        if self.contamination is not None and self.contamination not in CONTAMINATION:
            raise ValueError(f"--contamination must be one of {CONTAMINATION}, got {self.contamination!r}")
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"--kind must be one of {KINDS}, got {self.kind!r}")
        if self.parameters is not None and self.parameters <= 0:
            raise ValueError(f"--params must be positive, got {self.parameters}")


@dataclass
class ModelInfo:
    name: str
    base_model: str | None
    model_type: str
    stage: str | None
    parent: str | None
    parameters: int | None
    contamination: str
    manifest: dict[str, Any] | None
    kind: str = "model"


@dataclass
class PublishReport:
    added: list[str] = field(default_factory=list)  # results files written
    unchanged: list[str] = field(default_factory=list)  # already in the store (same content hash)
    models: list[str] = field(default_factory=list)
    samples: int = 0
    run_ids: list[int] = field(default_factory=list)  # store ids of the runs written

    def summary(self) -> str:
        return (f"{len(self.added)} run(s) published, {len(self.unchanged)} already present, "
                f"{self.samples} sample(s); models: {', '.join(sorted(set(self.models))) or '-'}")


def model_info(run: EvalRun, overrides: ModelOverrides) -> ModelInfo:
    """Identity of the evaluated model: the manifest next to ``pretrained`` when it exists, then the flags."""
    from dataclasses import asdict

    from nearcoder.harness.manifest import read_manifest

    manifest = None
    if run.pretrained and Path(run.pretrained).is_dir():
        try:
            found = read_manifest(run.pretrained)
        except ValueError as exc:
            raise ResultsError(str(exc)) from exc
        manifest = asdict(found) if found else None
    m = manifest or {}
    params = m.get("parameters") or run.config.get("model_num_parameters") or None
    contamination = m.get("contamination") or (m.get("metrics") or {}).get("contamination") or "unknown"
    parent = overrides.parent or m.get("parent")
    if parent and Path(parent).is_dir():  # a parent checkpoint path: name it as its own manifest does
        try:
            parent_manifest = read_manifest(parent)
        except ValueError:
            parent_manifest = None
        parent = parent_manifest.name if parent_manifest else parent
    info = ModelInfo(
        name=overrides.name or m.get("name") or run.model_name,
        base_model=overrides.base_model or m.get("base_model"),
        model_type=overrides.model_type or m.get("model_type") or "base",
        stage=overrides.stage or m.get("stage"),
        parent=parent,
        parameters=overrides.parameters or (int(params) if isinstance(params, (int, float)) and params > 0 else None),
        contamination=overrides.contamination or (contamination if contamination in CONTAMINATION else "unknown"),
        manifest=manifest,
        kind=overrides.kind or run.kind,
    )
    return info


def load_runs(paths: Iterable[Path]) -> list[EvalRun]:
    """Parse every results file (and its samples) under the given paths before anything is written."""
    runs: list[EvalRun] = []
    for path in paths:
        runs.extend(read_output_dir(Path(path)))
    return runs


PROVENANCE = ("self-reported", "evaluated")


def publish(db_url: str, paths: Iterable[Path], overrides: ModelOverrides | None = None,
            provenance: str = "self-reported") -> PublishReport:
    """Validate then write every run found under ``paths`` in one transaction.

    Results files already in the store (same content hash) are skipped without reading their samples.
    ``provenance`` is ``evaluated`` only for runs the leaderboard's own workers produced (``nearcoder worker``).
    """
    if provenance not in PROVENANCE:
        raise ValueError(f"provenance must be one of {PROVENANCE}, got {provenance!r}")
    overrides = overrides or ModelOverrides()
    runs = load_runs(paths)
    known = known_hashes(db_url, [run.content_hash for run in runs])
    prepared = []
    for run in runs:
        samples = [] if run.content_hash in known else list(run.iter_samples())  # validates samples files
        prepared.append((run, model_info(run, overrides), samples))
    return write_runs(db_url, prepared, provenance=provenance)


def known_hashes(db_url: str, hashes: list[str]) -> set[str]:
    from sqlalchemy import select

    from nearcoder.leaderboard.store.engine import get_engine
    from nearcoder.leaderboard.store.models import Run

    found: set[str] = set()
    with get_engine(db_url).connect() as conn:
        for chunk in _chunks(hashes):
            found.update(conn.scalars(select(Run.content_hash).where(Run.content_hash.in_(chunk))))
    return found


def _chunks(items: list, size: int = 500):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_runs(db_url: str, prepared: list[tuple[EvalRun, ModelInfo, list]], attempts: int = 3,
               provenance: str = "self-reported") -> PublishReport:
    """Write prepared runs; a unique-key race with another publisher (PostgreSQL) is retried, then it is a no-op."""
    from sqlalchemy.exc import IntegrityError

    for attempt in range(attempts):
        try:
            return _write_runs_once(db_url, prepared, provenance)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


_MODEL_FIELDS = ("base_model", "model_type", "stage", "parent", "parameters", "manifest", "contamination", "kind")


def _merge_model(current: dict, info: ModelInfo) -> dict:
    """The newest information wins, but nothing an earlier run recorded is blanked."""
    merged = dict(current)
    for attr in _MODEL_FIELDS:
        value = getattr(info, attr)
        if attr == "contamination" and value == "unknown" and current.get(attr):
            continue
        if value is not None:
            merged[attr] = value
    merged.setdefault("model_type", "base")
    merged["model_type"] = merged["model_type"] or "base"
    merged["contamination"] = merged.get("contamination") or "unknown"
    return merged


def _write_runs_once(db_url: str, prepared: list[tuple[EvalRun, ModelInfo, list]], provenance: str) -> PublishReport:
    from sqlalchemy import bindparam, select

    from nearcoder.leaderboard.store import models as orm
    from nearcoder.leaderboard.store.engine import write_session

    models_t, runs_t = orm.Model.__table__, orm.Run.__table__
    report = PublishReport()
    with write_session(db_url) as session:
        conn = session.connection()
        existing: set[str] = set()
        for chunk in _chunks([run.content_hash for run, _, _ in prepared]):
            existing.update(conn.scalars(select(runs_t.c.content_hash).where(runs_t.c.content_hash.in_(chunk))))
        todo = []
        for run, info, samples in prepared:
            if run.content_hash in existing:
                report.unchanged.append(str(run.path))
            else:
                existing.add(run.content_hash)
                todo.append((run, info, samples))
        if not todo:
            return report

        # models: read the ones that exist, merge this batch's information in order, insert or update
        names = list(dict.fromkeys(info.name for _, info, _ in todo))
        current: dict[str, dict] = {}
        for chunk in _chunks(names):
            for row in conn.execute(select(models_t).where(models_t.c.name.in_(chunk))).mappings():
                current[row["name"]] = dict(row)
        merged = {name: dict(current.get(name, {})) for name in names}
        for _, info, _ in todo:
            merged[info.name] = _merge_model(merged[info.name], info)
        new = [{"name": n, **{f: merged[n].get(f) for f in _MODEL_FIELDS}} for n in names if n not in current]
        if new:
            conn.execute(models_t.insert(), new)
        old = [{"_id": current[n]["id"], **{f: merged[n].get(f) for f in _MODEL_FIELDS}} for n in names
               if n in current]
        if old:
            conn.execute(models_t.update().where(models_t.c.id == bindparam("_id")), old)
        ids: dict[str, int] = {}
        for chunk in _chunks(names):
            ids.update(conn.execute(select(models_t.c.name, models_t.c.id).where(models_t.c.name.in_(chunk))).all())

        conn.execute(runs_t.insert(), [dict(
            model_id=ids[info.name], content_hash=run.content_hash, source=str(run.path),
            lm_eval_version=run.lm_eval_version, git_hash=run.git_hash, date=run.date, limit=run.limit,
            partial=run.partial, config=_jsonable(run.config), task_versions=_jsonable(run.task_versions),
            task_hashes=_jsonable(run.task_hashes), n_samples=_jsonable(run.n_samples), provenance=provenance,
            data_hashes=_jsonable(run.data_hashes),
        ) for run, info, _ in todo])
        run_ids: dict[str, int] = {}
        for chunk in _chunks([run.content_hash for run, _, _ in todo]):
            run_ids.update(conn.execute(select(runs_t.c.content_hash, runs_t.c.id)
                                        .where(runs_t.c.content_hash.in_(chunk))).all())
        score_rows, sample_rows = [], []
        for run, info, samples in todo:
            rid = run_ids[run.content_hash]
            score_rows += [dict(run_id=rid, task=s.task, metric=s.metric, filter=s.filter, value=s.value,
                                stderr=s.stderr) for s in run.scores]
            sample_rows += [dict(run_id=rid, task=s.task, doc_id=s.doc_id, prompt=s.prompt,
                                 generation=s.generation, target=s.target, metrics=s.numeric_metrics(),
                                 verdict=s.verdict, reason=s.reason) for s in samples]
            report.added.append(str(run.path))
            report.models.append(info.name)
            report.run_ids.append(rid)
        _bulk_insert(conn, orm.Score.__table__, score_rows)
        _bulk_insert(conn, orm.Sample.__table__, sample_rows, json_columns=("metrics",))
        report.samples = len(sample_rows)
    return report


def _bulk_insert(conn, table, rows: list[dict], json_columns: tuple[str, ...] = ()) -> None:
    """Insert many rows. On SQLite straight through the driver's ``executemany`` (SQLAlchemy's per-row
    parameter processing dominated publishing time); elsewhere through SQLAlchemy core."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(table.insert(), rows)
        return
    import json

    cols = list(rows[0])
    sql = f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    params = [tuple(json.dumps(r[c]) if c in json_columns else r[c] for c in cols) for r in rows]
    conn.exec_driver_sql(sql, params)


def _jsonable(obj: Any) -> Any:
    import json

    return json.loads(json.dumps(obj, default=str))
