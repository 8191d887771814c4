"""Reading lm-eval output directories: one layer that turns ``results_*.json`` + ``samples_*.jsonl`` into
typed records, validating as it goes. Nothing here touches the store.

lm-eval 0.4.13 writes ``<output_path>/<model_name_sanitized>/results_<timestamp>.json`` and, with
``--log_samples``, ``samples_<task>_<timestamp>.jsonl`` next to it (same timestamp). The schema read here is
documented in ``leaderboard/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

MAX_TEXT = 20_000  # characters of prompt / generation kept per sample
KINDS = ("model", "baseline")  # a checkpoint's results, or a floor reference row (stub, chance, prompt-blind)
PROVENANCE_KEY = "nearcoder_provenance"  # optional top-level object: {"kind": "baseline", "description": ...}
# The parts of an lm-eval task config that decide which items are scored, and how they are turned into prompts
# and targets. ``metadata`` is left out: lm-eval copies the model arguments into it.
DATA_CONFIG_KEYS = ("dataset_path", "dataset_name", "dataset_kwargs", "custom_dataset", "process_docs",
                    "training_split", "validation_split", "test_split", "fewshot_split", "doc_to_text",
                    "doc_to_target", "doc_to_choice", "description", "target_delimiter", "fewshot_delimiter",
                    "num_fewshot", "fewshot_config", "repeats")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class ResultsError(ValueError):
    """An output directory or file that is not usable lm-eval output; the message names the file and field."""


@dataclass
class Score:
    task: str
    metric: str
    filter: str
    value: float | None
    stderr: float | None


@dataclass
class SampleRecord:
    task: str
    doc_id: int
    prompt: str
    generation: str
    target: str
    metrics: dict[str, Any]  # per-item metric values as lm-eval logged them (numbers, or e.g. [ref, pred] pairs)
    verdict: str | None  # sandbox outcome status when the task logged one
    reason: str | None

    def numeric_metrics(self) -> dict[str, float]:
        out = {}
        for key, value in self.metrics.items():
            if isinstance(value, bool):
                out[key] = float(value)
            elif isinstance(value, (int, float)) and math.isfinite(value):
                out[key] = float(value)
        return out


@dataclass
class EvalRun:
    """One ``results_*.json`` with the samples logged alongside it."""

    path: Path
    content_hash: str
    model_name: str
    pretrained: str | None
    lm_eval_version: str | None
    git_hash: str | None
    date: datetime | None
    limit: float | None
    config: dict[str, Any]
    task_versions: dict[str, Any]
    task_hashes: dict[str, str]
    n_samples: dict[str, Any]
    higher_is_better: dict[str, dict[str, bool]]
    scores: list[Score]
    sample_files: list[Path] = field(default_factory=list)
    kind: str = "model"
    data_hashes: dict[str, str] = field(default_factory=dict)  # task -> hash of its items (see task_data_hash)

    @property
    def partial(self) -> bool:
        """Runs made with ``--limit`` score a subset of each task."""
        if self.limit is not None:
            return True
        return any(
            isinstance(n, dict) and n.get("effective") is not None and n.get("effective") != n.get("original")
            for n in self.n_samples.values()
        )

    @property
    def tasks(self) -> list[str]:
        return sorted({s.task for s in self.scores})

    def score(self, task: str, metric: str) -> Score | None:
        hits = [s for s in self.scores if s.task == task and s.metric == metric]
        hits.sort(key=lambda s: s.filter != "none")
        return hits[0] if hits else None

    def iter_samples(self) -> Iterator[SampleRecord]:
        for path in self.sample_files:
            yield from read_samples_file(path)


def _num(value: Any, where: str, *, allow_na: bool) -> float | None:
    if value is None or (allow_na and value == "N/A"):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        expected = 'a number or "N/A"' if allow_na else "a number"
        raise ResultsError(f"{where}: expected {expected}, got {value!r}")
    value = float(value)
    return value if math.isfinite(value) else None


def _model_args(config: dict, where: str) -> dict[str, Any]:
    args = config.get("model_args")
    if args is None:
        return {}
    if isinstance(args, dict):
        return args
    if isinstance(args, str):  # older layout: "pretrained=x,dtype=float32"
        return dict(part.split("=", 1) for part in args.split(",") if "=" in part)
    raise ResultsError(f"{where}: config.model_args must be an object or a string, got {type(args).__name__}")


def parse_results(path: Path, raw: bytes | None = None) -> EvalRun:
    """Parse and validate one ``results_*.json``. Raises :class:`ResultsError` with the reason."""
    path = Path(path)
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise ResultsError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ResultsError(f"{path}: not valid JSON ({exc}); truncated or not an lm-eval results file") from exc
    if not isinstance(data, dict):
        raise ResultsError(f"{path}: expected a JSON object, got {type(data).__name__}")
    for key in ("results", "config"):
        if key not in data:
            raise ResultsError(f"{path}: not an lm-eval results file (no '{key}' field)")
    results, config = data["results"], data["config"]
    if not isinstance(results, dict) or not results:
        raise ResultsError(f"{path}: 'results' must be a non-empty object of task -> metrics")
    if not isinstance(config, dict):
        raise ResultsError(f"{path}: 'config' must be an object, got {type(config).__name__}")

    scores: list[Score] = []
    for task, metrics in results.items():
        where = f"{path}: results.{task}"
        if not isinstance(metrics, dict):
            raise ResultsError(f"{where}: expected an object of metrics, got {type(metrics).__name__}")
        for key, value in metrics.items():
            if "," not in key or "_stderr," in key:
                continue  # alias, name, sample_len, and stderr keys (read with their metric)
            metric, filt = key.split(",", 1)
            value_f = _num(value, f"{where}.{key}", allow_na=True)
            stderr = _num(metrics.get(f"{metric}_stderr,{filt}"), f"{where}.{metric}_stderr,{filt}", allow_na=True)
            scores.append(Score(task, metric, filt, value_f, stderr))
    if not scores:
        raise ResultsError(f"{path}: 'results' holds no 'metric,filter' entries")

    model_args = _model_args(config, str(path))
    pretrained = model_args.get("pretrained") or model_args.get("model") or model_args.get("peft")
    model_name = str(data.get("model_name") or pretrained or config.get("model") or "unknown")
    limit = config.get("limit")
    if limit is not None:
        limit = _num(limit, f"{path}: config.limit", allow_na=False)
    date = data.get("date")
    when = None
    if date is not None:
        if not isinstance(date, (int, float)) or isinstance(date, bool):
            raise ResultsError(f"{path}: 'date' must be a unix timestamp, got {date!r}")
        when = datetime.fromtimestamp(float(date), tz=timezone.utc)
    for key in ("versions", "task_hashes", "n-samples", "higher_is_better"):
        if key in data and not isinstance(data[key], dict):
            raise ResultsError(f"{path}: '{key}' must be an object, got {type(data[key]).__name__}")

    provenance = data.get(PROVENANCE_KEY) or {}
    if not isinstance(provenance, dict) or provenance.get("kind", "model") not in KINDS:
        raise ResultsError(f"{path}: '{PROVENANCE_KEY}' must be an object with 'kind' one of {KINDS}, "
                           f"got {provenance!r}")
    configs = data.get("configs") or {}
    if not isinstance(configs, dict):
        raise ResultsError(f"{path}: 'configs' must be an object, got {type(configs).__name__}")
    run = EvalRun(
        path=path,
        content_hash=hashlib.sha256(raw).hexdigest(),
        model_name=model_name,
        pretrained=str(pretrained) if pretrained else None,
        lm_eval_version=data.get("lm_eval_version"),
        git_hash=data.get("git_hash"),
        date=when,
        limit=limit,
        config=config,
        task_versions=data.get("versions") or {},
        task_hashes=data.get("task_hashes") or {},
        n_samples=data.get("n-samples") or {},
        higher_is_better=data.get("higher_is_better") or {},
        scores=scores,
        kind=provenance.get("kind", "model"),
    )
    run.data_hashes = {t: h for t in run.tasks
                       if (h := task_data_hash(configs.get(t), run.task_hashes.get(t))) is not None}
    run.sample_files = _matching_sample_files(path, run.tasks)
    return run


def task_data_hash(config: dict | None, lm_eval_task_hash: str | None) -> str | None:
    """A hash of what a task scored: the data-defining fields of its lm-eval config (loader source code,
    dataset path/revision, split, prompt and target templates) and lm-eval's own ``task_hashes`` entry (a
    hash of every logged item's document, prompt and target; present with ``--log_samples``). Computed when
    a results file is read, i.e. at publish time. None when the results carry neither."""
    parts: dict[str, Any] = {}
    if isinstance(config, dict):
        parts["config"] = {k: config[k] for k in DATA_CONFIG_KEYS if k in config}
    if lm_eval_task_hash:
        parts["items"] = lm_eval_task_hash
    if not parts:
        return None
    text = _ADDRESS.sub("", json.dumps(parts, sort_keys=True, default=str))
    return hashlib.sha256(text.encode()).hexdigest()


def _timestamp(path: Path) -> str:
    return path.stem.rsplit("_", 1)[-1]


def _matching_sample_files(results_path: Path, tasks: list[str]) -> list[Path]:
    stamp = _timestamp(results_path)
    found = []
    for task in tasks:
        candidate = results_path.with_name(f"samples_{task}_{stamp}.jsonl")
        if candidate.is_file():
            found.append(candidate)
    return found


def find_results_files(directory: Path) -> list[Path]:
    """Every ``results_*.json`` under an output directory (lm-eval nests them one level down)."""
    directory = Path(directory)
    if directory.is_file():
        return [directory]
    if not directory.is_dir():
        raise ResultsError(f"{directory}: no such directory")
    files = sorted(directory.rglob("results_*.json"))
    if not files:
        raise ResultsError(f"{directory}: no results_*.json found (was it an lm-eval --output_path?)")
    return files


def read_output_dir(directory: Path) -> list[EvalRun]:
    """Parse every results file of an output directory; the first bad file raises."""
    return [parse_results(p) for p in find_results_files(directory)]


_OUTCOME_KEYS = ("outcome", "outcomes", "sandbox", "result", "results", "execution", "verdict")


def _is_outcome(obj: object) -> bool:
    return isinstance(obj, dict) and isinstance(obj.get("status"), str) and ("reason" in obj or "exit_code" in obj)


def _find_outcome(sample: dict, metric_names: list) -> dict | None:
    """A sandbox outcome logged in a sample: a dict with a ``status`` (and ``reason``), found at the top level,
    under a key such as ``outcome``, or inside a metric's per-item value (first item of a list)."""
    if _is_outcome(sample):
        return sample
    candidates = [sample[k] for k in _OUTCOME_KEYS if k in sample]
    candidates += [v for m in metric_names if isinstance(v := sample.get(m), (dict, list))]
    for value in candidates:
        for _ in range(3):  # unwrap [[{...}]] and {"outcome": {...}}
            if _is_outcome(value):
                return value
            if isinstance(value, list) and value:
                value = value[0]
            elif isinstance(value, dict):
                value = next((value[k] for k in _OUTCOME_KEYS if k in value), None)
            else:
                break
    return None


def _prompt(sample: dict) -> str:
    args = sample.get("arguments")
    if isinstance(args, dict):
        first = next(iter(args.values()), None)
        if isinstance(first, dict) and "arg_0" in first:
            return str(first["arg_0"])
        return json.dumps(args)[:MAX_TEXT]
    if isinstance(args, list) and args:
        first = args[0]
        return str(first[0] if isinstance(first, list) and first else first)
    return ""


def _records(sample: dict) -> list:
    """The filtered responses, JSON-decoded where a task logged a JSON record per response (e.g. the
    near_humaneval execute filter writes ``{"completion", "status", "reason", ...}`` as JSON text)."""
    resps = sample.get("filtered_resps", sample.get("resps"))
    while isinstance(resps, list) and len(resps) == 1 and isinstance(resps[0], list):
        resps = resps[0]
    if not isinstance(resps, list):
        return [] if resps is None else [resps]
    out = []
    for r in resps:
        if isinstance(r, str) and r.startswith("{"):
            try:
                decoded = json.loads(r)
                out.append(decoded if isinstance(decoded, dict) else r)
                continue
            except json.JSONDecodeError:
                pass
        out.append(r)
    return out


_TEXT_KEYS = ("completion", "generation", "text", "program")


def _generation(records: list) -> str:
    texts = []
    for r in records:
        if isinstance(r, dict):
            text = next((r[k] for k in _TEXT_KEYS if isinstance(r.get(k), str)), None)
            texts.append(text if text is not None else json.dumps(r))
        else:
            texts.append(r if isinstance(r, str) else json.dumps(r))
    if len(texts) == 1:
        return texts[0]
    return "\n".join(f"--- sample {i + 1} ---\n{t}" for i, t in enumerate(texts))


def _verdict(records: list, sample: dict, names: list) -> tuple[str | None, str | None]:
    """Sandbox verdict: one outcome -> its status and reason; several (pass@k) -> counts and first failure."""
    outcomes = [r for r in records if _is_outcome(r)]
    if not outcomes:
        found = _find_outcome(sample, names)
        outcomes = [found] if found else []
    if not outcomes:
        return None, None
    if len(outcomes) == 1:
        o = outcomes[0]
        reason = str(o.get("reason") or "")
        if isinstance(o.get("tests"), dict) and o["tests"]:  # per-test verdicts (near_dapp_build's record)
            reason += "\ntests: " + ", ".join(f"{name} {verdict}" for name, verdict in o["tests"].items())
        return str(o["status"]), reason[:2000]
    statuses = [str(o["status"]) for o in outcomes]
    passed = statuses.count("passed")
    first_bad = next((o for o in outcomes if o["status"] != "passed"), None)
    reason = f"{first_bad['status']}: {first_bad.get('reason') or ''}" if first_bad else ""
    return f"{passed}/{len(statuses)} passed", reason[:2000]


def read_samples_file(path: Path) -> Iterator[SampleRecord]:
    """Samples from a ``samples_<task>_<timestamp>.jsonl``; bad lines raise :class:`ResultsError`."""
    path = Path(path)
    task = path.name[len("samples_"):].rsplit("_", 1)[0]
    with path.open("r", encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                sample = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ResultsError(f"{path}:{lineno}: not valid JSON ({exc})") from exc
            if not isinstance(sample, dict) or "doc_id" not in sample:
                raise ResultsError(f"{path}:{lineno}: not an lm-eval sample (no 'doc_id')")
            names = sample.get("metrics") or []
            if not isinstance(names, list):
                raise ResultsError(f"{path}:{lineno}: 'metrics' must be a list of names")
            metrics = {m: sample[m] for m in names if isinstance(m, str) and m in sample}
            records = _records(sample)
            verdict, reason = _verdict(records, sample, names)
            try:
                doc_id = int(sample["doc_id"])
            except (TypeError, ValueError) as exc:
                raise ResultsError(f"{path}:{lineno}: 'doc_id' must be an integer") from exc
            target = sample.get("target")
            yield SampleRecord(
                task=task,
                doc_id=doc_id,
                prompt=_prompt(sample)[:MAX_TEXT],
                generation=_generation(records)[:MAX_TEXT],
                target=(target if isinstance(target, str) else json.dumps(target))[:MAX_TEXT],
                metrics=metrics,
                verdict=verdict,
                reason=reason,
            )
