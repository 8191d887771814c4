"""Calibration of the gate: equal-quality checkpoints must rarely fail, however many metrics are checked.

Seeded simulations (``synthetic.simulated_pair``: items of spread difficulty, two checkpoints drawing their own
outcomes). Each test also shows that the same data *without* the family-wise correction exceeds the bound, so
the test can fail.
"""

from __future__ import annotations

import math
import re

import numpy as np
from typer.testing import CliRunner

from nearcoder.cli import app
from nearcoder.leaderboard.statistics import holm_adjust, paired_bootstrap_ci, regression_p_value
from nearcoder.leaderboard.synthetic import simulated_pair, write_output_dir

ALPHA = 0.05


def _upper_bound(trials: int, alpha: float = ALPHA) -> float:
    """alpha plus three binomial standard errors: the false-alarm share allowed to simulation error."""
    return alpha + 3 * math.sqrt(alpha * (1 - alpha) / trials)


def test_holm_keeps_family_wise_false_alarms_at_alpha_over_16_metrics():
    rng = np.random.default_rng(15)
    trials, metrics = 100, 16
    family_alarms = uncorrected_alarms = 0
    for trial in range(trials):
        p_values = []
        for m in range(metrics):
            cand, base = simulated_pair(rng, 164)
            ci = paired_bootstrap_ci(cand, base, iters=1000, seed=trial * metrics + m)
            p_values.append(regression_p_value(ci, 0.0))
        family_alarms += min(holm_adjust(p_values)) <= ALPHA
        uncorrected_alarms += min(p_values) <= ALPHA
    bound = _upper_bound(trials)
    assert family_alarms / trials <= bound, (family_alarms, trials)
    assert uncorrected_alarms / trials > bound  # without Holm the same simulation fails this test


def test_holm_adjusted_p_values():
    assert holm_adjust([0.01, 0.04, 0.03]) == [0.03, 0.06, 0.06]
    assert holm_adjust([0.5]) == [0.5] and holm_adjust([]) == []
    assert holm_adjust([0.9, 0.9]) == [1.0, 1.0]


_TASKS = ("near_humaneval_js", "near_humaneval_rust", "near_questions", "near_dapp_trees")
_METRICS = ("m1", "m2", "m3", "m4", "m5")  # 4 tasks x 5 metrics = 20 checks per run
_ROW = re.compile(r"^\| max-drop \| `(?P<check>[^`]+)` \|.*\| (?P<p>[0-9.]+) \| (?P<holm>[0-9.]+) \| [0-9.]+ \|")


def test_gate_cli_on_20_equal_quality_metrics_false_alarms_at_most_alpha(tmp_path):
    rng = np.random.default_rng(2026)
    runner = CliRunner()
    pairs = 40
    specs = [arg for t in _TASKS for m in _METRICS for arg in ("--max-drop", f"{t}:{m}=0")]
    gate_alarms = uncorrected_alarms = 0
    for k in range(pairs):
        cand_items, base_items = {}, {}
        for task in _TASKS:
            cand_items[task], base_items[task] = {}, {}
            for metric in _METRICS:
                cand_items[task][metric], base_items[task][metric] = simulated_pair(rng, 164)
        write_output_dir(tmp_path / f"c{k}", "cand", cand_items)
        write_output_dir(tmp_path / f"b{k}", "base", base_items)
        report = tmp_path / f"gate{k}.md"
        result = runner.invoke(app, ["gate", str(tmp_path / f"c{k}"), "--baseline", str(tmp_path / f"b{k}"),
                                     "--iters", "1000", "--seed", str(k), "--report", str(report), *specs])
        assert result.exit_code in (0, 1), result.output
        rows = [m for line in report.read_text().splitlines() if (m := _ROW.match(line))]
        assert len(rows) == 20, report.read_text()  # every check prints its raw and Holm-adjusted p
        assert (result.exit_code == 1) == any(float(r["holm"]) <= ALPHA for r in rows)
        gate_alarms += result.exit_code == 1
        uncorrected_alarms += any(float(r["p"]) <= ALPHA for r in rows)
    bound = _upper_bound(pairs)
    assert gate_alarms / pairs <= bound, (gate_alarms, pairs)
    assert uncorrected_alarms / pairs > bound  # judged check by check, the same runs fail CI far more often
