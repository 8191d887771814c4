"""The regression gate: compare a candidate's lm-eval output with absolute thresholds and with a baseline.

With logged samples on both sides, a metric is compared item by item with a seeded paired bootstrap, which
gives each check a one-sided p-value for "it dropped by more than the allowance". All the checks of one run
form one family: Holm-Bonferroni keeps the chance that an equal-quality candidate fails anywhere at or below
``alpha``. Each check also states the smallest drop it can detect with 80 % power. Without per-item values the
point estimates are compared. Exit codes: 0 pass, 1 regression, 2 unusable input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from nearcoder.leaderboard.corpus_metrics import CORPUS_METRICS, as_pairs, item_statistics
from nearcoder.harness.cards import primary_metric_or_none as primary_metric_of
from nearcoder.leaderboard.read_results import EvalRun, ResultsError, read_output_dir
from nearcoder.leaderboard.statistics import (
    DEFAULT_CONFIDENCE,
    DEFAULT_ITERS,
    DEFAULT_SEED,
    BootstrapCI,
    holm_adjust,
    minimum_detectable_drop,
    paired_bootstrap_ci,
    paired_bootstrap_corpus_ci,
    regression_p_value,
)

PASS, REGRESSION, UNUSABLE = 0, 1, 2
DEFAULT_ALPHA = 0.05  # family-wise false-alarm rate of one gate run
DEFAULT_POWER = 0.8
CORPUS_ITERS = 2_000  # corpus scores are recomputed per resample (about 0.1 ms each)
_SPEC = re.compile(r"^(?P<task>[^:=\s]+):(?P<metric>[^=\s]+)=(?P<value>[-+0-9.eE]+)$")


class GateInputError(ValueError):
    """Input the gate cannot judge (exit 2)."""


@dataclass(frozen=True)
class Threshold:
    task: str
    metric: str
    value: float


def parse_threshold(spec: str) -> Threshold:
    """``TASK:METRIC=VALUE`` (e.g. ``near_questions:rouge1=0.2``)."""
    m = _SPEC.match(spec.strip())
    if not m:
        raise GateInputError(f"bad threshold {spec!r}: expected TASK:METRIC=NUMBER, e.g. near_questions:rouge1=0.2")
    try:
        value = float(m["value"])
    except ValueError as exc:
        raise GateInputError(f"bad threshold {spec!r}: {m['value']!r} is not a number") from exc
    return Threshold(m["task"], m["metric"], value)


@dataclass
class Evaluated:
    """A directory's scores and per-item values, merged over its results files (newest file wins per task)."""

    label: str
    runs: list[EvalRun]
    values: dict[tuple[str, str], float | None] = field(default_factory=dict)
    higher: dict[tuple[str, str], bool] = field(default_factory=dict)
    items: dict[tuple[str, str], dict[int, float]] = field(default_factory=dict)
    pairs: dict[tuple[str, str], dict[int, list[tuple[str, str]]]] = field(default_factory=dict)  # BLEU, chrF
    limits: set = field(default_factory=set)


def load(directory: Path, label: str) -> Evaluated:
    try:
        runs = read_output_dir(Path(directory))
    except ResultsError as exc:
        raise GateInputError(f"{label}: {exc}") from exc
    ev = Evaluated(label=label, runs=runs)
    for run in sorted(runs, key=lambda r: r.path.name):  # lm-eval timestamps sort chronologically
        ev.limits.add(run.limit)
        for s in run.scores:
            key = (s.task, s.metric)
            if s.filter == "none" or key not in ev.values:
                ev.values[key] = s.value
                ev.higher[key] = bool((run.higher_is_better.get(s.task) or {}).get(s.metric, True))
        try:
            for sample in run.iter_samples():
                for metric, value in sample.numeric_metrics().items():
                    ev.items.setdefault((sample.task, metric), {})[sample.doc_id] = value
                for metric in CORPUS_METRICS:
                    pairs = as_pairs(sample.metrics.get(metric))
                    if pairs:
                        ev.pairs.setdefault((sample.task, metric), {})[sample.doc_id] = pairs
        except ResultsError as exc:
            raise GateInputError(f"{label}: {exc}") from exc
    return ev


@dataclass
class CheckResult:
    kind: str  # "min" or "max-drop"
    task: str
    metric: str
    threshold: float
    candidate: float | None
    baseline: float | None = None
    ci: BootstrapCI | None = None
    passed: bool = True
    note: str = ""
    higher_is_better: bool = True
    p_value: float | None = None  # one-sided bootstrap p of "dropped by more than the threshold"
    p_adjusted: float | None = None  # Holm-adjusted over the run's tested checks
    detectable_drop: float | None = None  # true drop found with the report's power (threshold included)

    @property
    def tested(self) -> bool:
        """A statistical check (bootstrap p-value), as opposed to a deterministic point comparison."""
        return self.p_value is not None


@dataclass
class GateReport:
    candidate: str
    baseline: str | None
    checks: list[CheckResult]
    warnings: list[str]
    alpha: float = DEFAULT_ALPHA
    power: float = DEFAULT_POWER

    @property
    def exit_code(self) -> int:
        return PASS if all(c.passed for c in self.checks) else REGRESSION

    def markdown(self) -> str:
        verdict = "PASS" if self.exit_code == PASS else "REGRESSION"
        lines = [f"## nearcoder gate: **{verdict}**", "", f"- candidate: `{self.candidate}`"]
        if self.baseline:
            lines.append(f"- baseline: `{self.baseline}`")
        tested = sum(c.tested for c in self.checks)
        if tested:
            lines.append(f"- {tested} bootstrap-tested check(s), one family: Holm-adjusted p <= {self.alpha:g} fails "
                         f"(family-wise false-alarm rate {self.alpha:g}); detectable drop = the true drop found "
                         f"with {self.power:.0%} power")
        lines += [f"- warning: {w}" for w in self.warnings]
        header = ("| check | task:metric | candidate | baseline | diff [CI] | threshold | p | Holm p "
                  f"| detectable drop ({self.power:.0%}) | result |")
        lines += ["", header, "|---|---|---:|---:|---|---:|---:|---:|---:|---|"]
        for c in self.checks:
            cand = "N/A" if c.candidate is None else f"{c.candidate:.4f}"
            base = "" if c.baseline is None else f"{c.baseline:.4f}"
            if c.ci:
                diff = f"{c.ci.mean_diff:+.4f} [{c.ci.low:+.4f}, {c.ci.high:+.4f}] (n={c.ci.n_items})"
            elif c.candidate is not None and c.baseline is not None:
                diff = f"{c.candidate - c.baseline:+.4f} (point)"
            else:
                diff = ""
            thr = f">= {c.threshold:g}" if c.kind == "min" else f"drop <= {c.threshold:g}"
            if c.kind == "min" and not c.higher_is_better:
                thr = f"<= {c.threshold:g}"
            p = "" if c.p_value is None else f"{c.p_value:.4f}"
            p_adj = "" if c.p_adjusted is None else f"{c.p_adjusted:.4f}"
            mdd = "" if c.detectable_drop is None else f"{c.detectable_drop:.4f}"
            result = ("pass" if c.passed else "**FAIL**") + (f" — {c.note}" if c.note else "")
            lines.append(f"| {c.kind} | `{c.task}:{c.metric}` | {cand} | {base} | {diff} | {thr} | {p} | {p_adj} "
                         f"| {mdd} | {result} |")
        if not self.checks:
            lines.append("| - | (no checks) | | | | | | | | pass |")
        return "\n".join(lines) + "\n"


def _require(ev: Evaluated, task: str, metric: str) -> float:
    if (task, metric) not in ev.values:
        have = ", ".join(f"{t}:{m}" for t, m in sorted(ev.values)) or "nothing"
        raise GateInputError(f"{ev.label}: no {task}:{metric} in the results (it has: {have})")
    value = ev.values[(task, metric)]
    if value is None:
        raise GateInputError(f"{ev.label}: {task}:{metric} is not a number")
    return value


def compare(
    cand: Evaluated,
    base: Evaluated,
    task: str,
    metric: str,
    max_drop: float,
    *,
    iters: int,
    confidence: float,
    seed: int,
) -> CheckResult:
    c_val, b_val = _require(cand, task, metric), _require(base, task, metric)
    higher = cand.higher.get((task, metric), True)
    res = CheckResult("max-drop", task, metric, max_drop, c_val, b_val, higher_is_better=higher)
    c_items, b_items = cand.items.get((task, metric), {}), base.items.get((task, metric), {})
    shared = sorted(set(c_items) & set(b_items))
    c_pairs, b_pairs = cand.pairs.get((task, metric), {}), base.pairs.get((task, metric), {})
    shared_pairs = sorted(set(c_pairs) & set(b_pairs))
    if len(shared) < 2 and len(shared_pairs) >= 2:  # corpus BLEU/chrF: bootstrap the corpus score
        c_stats, score = item_statistics(metric, [c_pairs[i] for i in shared_pairs])
        b_stats, _ = item_statistics(metric, [b_pairs[i] for i in shared_pairs])
        res.ci = paired_bootstrap_corpus_ci(c_stats, b_stats, score, iters=min(iters, CORPUS_ITERS),
                                            confidence=confidence, seed=seed)
        res.p_value = regression_p_value(res.ci, max_drop, higher)
        res.note = "corpus score, items resampled"
    elif len(shared) >= 2:
        res.ci = paired_bootstrap_ci([c_items[i] for i in shared], [b_items[i] for i in shared],
                                     iters=iters, confidence=confidence, seed=seed)
        res.p_value = regression_p_value(res.ci, max_drop, higher)
        if len(shared) < max(len(c_items), len(b_items)):
            res.note = f"{len(shared)} shared items"
    else:
        drop = (b_val - c_val) if higher else (c_val - b_val)
        res.passed = drop <= max_drop
        res.note = "no per-item values; point estimates"
    return res


def run_gate(
    candidate: Path,
    baseline: Path | None = None,
    mins: list[str] | None = None,
    max_drops: list[str] | None = None,
    *,
    iters: int = DEFAULT_ITERS,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
    power: float = DEFAULT_POWER,
) -> GateReport:
    """Judge a candidate output directory. Raises :class:`GateInputError` for unusable input.

    Without ``max_drops``, each task's primary metric (:func:`primary_metric_of`) may not drop at all."""
    if not 0 < alpha < 1:
        raise GateInputError(f"--alpha must be in (0, 1), got {alpha}")
    if not 0 < power < 1:
        raise GateInputError(f"--power must be in (0, 1), got {power}")
    min_specs = [parse_threshold(s) for s in mins or []]
    drop_specs = [parse_threshold(s) for s in max_drops or []]
    if any(t.value < 0 for t in drop_specs):
        raise GateInputError("--max-drop deltas must be >= 0")
    if drop_specs and baseline is None:
        raise GateInputError("--max-drop needs --baseline")
    if not min_specs and baseline is None:
        raise GateInputError("nothing to check: give --min thresholds and/or --baseline")
    cand = load(candidate, "candidate")
    base = load(baseline, "baseline") if baseline is not None else None
    warnings: list[str] = []
    checks: list[CheckResult] = []
    for t in min_specs:
        value = _require(cand, t.task, t.metric)
        higher = cand.higher.get((t.task, t.metric), True)
        ok = value >= t.value if higher else value <= t.value
        checks.append(CheckResult("min", t.task, t.metric, t.value, value, passed=ok, higher_is_better=higher,
                                  note="" if higher else "lower is better: checked as a maximum"))
    if base is not None:
        if cand.limits != base.limits:
            warnings.append(f"different --limit: candidate {sorted(map(str, cand.limits))}, "
                            f"baseline {sorted(map(str, base.limits))}; items are matched by doc_id")
        if drop_specs:
            targets = [(t.task, t.metric, t.value) for t in drop_specs]
        else:
            targets = _default_targets(cand, base, warnings)
            if not targets and not min_specs:
                raise GateInputError("candidate and baseline share no primary metric with per-item values; "
                                     "log samples (--log_samples) or pass --max-drop/--min")
        drop_checks = [compare(cand, base, task, metric, delta, iters=iters, confidence=confidence, seed=seed)
                       for task, metric, delta in targets]
        _judge_family(drop_checks, alpha, power, warnings)
        checks += drop_checks
    return GateReport(str(candidate), str(baseline) if baseline else None, checks, warnings, alpha, power)


def _default_targets(cand: Evaluated, base: Evaluated, warnings: list[str]) -> list[tuple[str, str, float]]:
    """Each shared task's primary metric, when both sides logged it per item, with no drop allowed."""
    per_item = (set(cand.items) & set(base.items)) | (set(cand.pairs) & set(base.pairs))
    shared = per_item & set(cand.values) & set(base.values)
    targets, undeclared, unlogged = [], [], []
    for task in sorted({t for t, _ in set(cand.values) & set(base.values)}):
        primary = primary_metric_of(task)
        if primary is None:
            undeclared.append(task)
        elif (task, primary[0]) in shared:
            targets.append((task, primary[0], 0.0))
        else:
            unlogged.append(f"{task}:{primary[0]}")
    if undeclared:
        warnings.append("no primary metric declared, not checked by default (use --max-drop): "
                        + ", ".join(undeclared))
    if unlogged:
        warnings.append("primary metric without per-item values on both sides, not checked (use --max-drop): "
                        + ", ".join(unlogged))
    return targets


def _judge_family(checks: list[CheckResult], alpha: float, power: float, warnings: list[str]) -> None:
    """Holm over the bootstrap-tested checks (point comparisons keep their deterministic verdict).

    The detectable drop uses the Bonferroni level alpha/m, the level Holm applies to its first step, so it is
    what the gate is sure to resolve whichever other checks fail."""
    tested = [c for c in checks if c.tested]
    for c, p_adj in zip(tested, holm_adjust([c.p_value for c in tested])):
        c.p_adjusted = p_adj
        c.passed = p_adj > alpha
        c.detectable_drop = c.threshold + minimum_detectable_drop(c.ci.standard_error, alpha / len(tested), power)
        if c.threshold < c.detectable_drop - c.threshold:
            warnings.append(f"{c.task}:{c.metric}: allowed drop {c.threshold:g} is below what {c.ci.n_items} items "
                            f"resolve ({c.detectable_drop - c.threshold:.4f} beyond it at {power:.0%} power): "
                            f"real drops smaller than {c.detectable_drop:.4f} usually pass")


