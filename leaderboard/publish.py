"""Publishing: write lm-eval output into the store, one transaction per call, idempotent by content hash.

Everything is parsed and validated before the first write, so a malformed or foreign file anywhere in the
directory leaves the store untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from nearcoder.leaderboard.read_results import EvalRun, ResultsError, read_output_dir

CONTAMINATION = ("clean", "flagged", "unknown")


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

    def __post_init__(self):
        from nearcoder.harness.manifest import MODEL_TYPES

        if self.model_type is not None and self.model_type not in MODEL_TYPES:
            raise ValueError(f"--type must be one of {MODEL_TYPES}, got {self.model_type!r}")
        if self.contamination is not None and self.contamination not in CONTAMINATION:
            raise ValueError(f"--contamination must be one of {CONTAMINATION}, got {self.contamination!r}")
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


@dataclass
class PublishReport:
    added: list[str] = field(default_factory=list)  # results files written
    unchanged: list[str] = field(default_factory=list)  # already in the store (same content hash)
    models: list[str] = field(default_factory=list)
    samples: int = 0

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
    info = ModelInfo(
        name=overrides.name or m.get("name") or run.model_name,
        base_model=overrides.base_model or m.get("base_model"),
        model_type=overrides.model_type or m.get("model_type") or "base",
        stage=overrides.stage or m.get("stage"),
        parent=overrides.parent or m.get("parent"),
        parameters=overrides.parameters or (int(params) if isinstance(params, (int, float)) and params > 0 else None),
        contamination=overrides.contamination or (contamination if contamination in CONTAMINATION else "unknown"),
        manifest=manifest,
    )
    return info


def load_runs(paths: Iterable[Path]) -> list[EvalRun]:
    """Parse every results file (and its samples) under the given paths before anything is written."""
    runs: list[EvalRun] = []
    for path in paths:
        runs.extend(read_output_dir(Path(path)))
    return runs


def publish(db_url: str, paths: Iterable[Path], overrides: ModelOverrides | None = None) -> PublishReport:
    """Validate then write every run found under ``paths`` in one transaction."""
    overrides = overrides or ModelOverrides()
    runs = load_runs(paths)
    prepared = []
    for run in runs:
        samples = list(run.iter_samples())  # validates the samples files too
        prepared.append((run, model_info(run, overrides), samples))
    return write_runs(db_url, prepared)


def write_runs(db_url: str, prepared: list[tuple[EvalRun, ModelInfo, list]], attempts: int = 3) -> PublishReport:
    """Write prepared runs; a unique-key race with another publisher (PostgreSQL) is retried, then it is a no-op."""
    from sqlalchemy.exc import IntegrityError

    for attempt in range(attempts):
        try:
            return _write_runs_once(db_url, prepared)
        except IntegrityError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def _write_runs_once(db_url: str, prepared: list[tuple[EvalRun, ModelInfo, list]]) -> PublishReport:
    from sqlalchemy import select

    from nearcoder.leaderboard.store import models as orm
    from nearcoder.leaderboard.store.engine import write_session

    report = PublishReport()
    with write_session(db_url) as session:
        hashes = [run.content_hash for run, _, _ in prepared]
        existing = set(session.scalars(select(orm.Run.content_hash).where(orm.Run.content_hash.in_(hashes))))
        names = {info.name for _, info, _ in prepared}
        by_name = {m.name: m for m in session.scalars(select(orm.Model).where(orm.Model.name.in_(names)))}
        score_rows, sample_rows = [], []
        for run, info, samples in prepared:
            if run.content_hash in existing:
                report.unchanged.append(str(run.path))
                continue
            existing.add(run.content_hash)
            model = by_name.get(info.name)
            if model is None:
                model = orm.Model(name=info.name)
                session.add(model)
                by_name[info.name] = model
            _update_model(model, info)
            row = orm.Run(
                model=model, content_hash=run.content_hash, source=str(run.path),
                lm_eval_version=run.lm_eval_version, git_hash=run.git_hash, date=run.date, limit=run.limit,
                partial=run.partial, config=_jsonable(run.config), task_versions=_jsonable(run.task_versions),
                task_hashes=_jsonable(run.task_hashes), n_samples=_jsonable(run.n_samples),
            )
            session.add(row)
            session.flush()
            score_rows += [dict(run_id=row.id, task=s.task, metric=s.metric, filter=s.filter, value=s.value,
                                stderr=s.stderr) for s in run.scores]
            sample_rows += [dict(run_id=row.id, task=s.task, doc_id=s.doc_id, prompt=s.prompt,
                                 generation=s.generation, target=s.target, metrics=s.numeric_metrics(),
                                 verdict=s.verdict, reason=s.reason) for s in samples]
            report.added.append(str(run.path))
            report.models.append(info.name)
        if score_rows:
            session.execute(orm.Score.__table__.insert(), score_rows)
        if sample_rows:
            session.execute(orm.Sample.__table__.insert(), sample_rows)
        report.samples = len(sample_rows)
    return report


def _update_model(model, info: ModelInfo) -> None:
    """Fill a model's fields from the newest information, never blanking what an earlier run recorded."""
    for attr in ("base_model", "model_type", "stage", "parent", "parameters", "manifest"):
        value = getattr(info, attr)
        if value is not None:
            setattr(model, attr, value)
    if info.contamination != "unknown" or not model.contamination:
        model.contamination = info.contamination
    if model.model_type is None:
        model.model_type = "base"


def _jsonable(obj: Any) -> Any:
    import json

    return json.loads(json.dumps(obj, default=str))
