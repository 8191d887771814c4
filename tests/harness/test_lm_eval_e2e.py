"""End to end: the real ``lm_eval`` CLI on the tiny checkpoint, on CPU, offline, with our tasks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def _results(output_path: Path) -> tuple[dict, list[dict]]:
    results = sorted(output_path.rglob("results_*.json"))
    assert results, f"lm_eval wrote no results under {output_path}"
    samples = sorted(output_path.rglob("samples_near_questions_*.jsonl"))
    assert samples, "lm_eval wrote no samples (--log_samples)"
    lines = [json.loads(line) for line in samples[-1].read_text().splitlines() if line.strip()]
    return json.loads(results[-1].read_text()), lines


def test_lm_eval_cli_from_repository_root(tiny_model, tmp_path):
    out = tmp_path / "out"
    proc = _run(
        [sys.executable, "-m", "lm_eval", "--include_path", "tasks", "--tasks", "near_questions",
         "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu",
         "--limit", "3", "--output_path", str(out), "--log_samples"],
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results, samples = _results(out)
    metrics = results["results"]["near_questions"]
    for name in ("bleu,none", "chrf,none", "rouge1,none", "rougeL,none", "key_fact_recall,none"):
        assert name in metrics and 0.0 <= metrics[name] <= 1.0
    assert results["config"]["limit"] == 3
    assert len(samples) == 3
    assert all("key_fact_recall" in s and s["doc"]["category"] for s in samples)


def test_nearcoder_eval_from_anywhere(tiny_model, tmp_path):
    """`nearcoder eval` passes every flag through and finds the tasks without --include_path."""
    out = tmp_path / "out"
    proc = _run(
        [sys.executable, "-m", "nearcoder", "eval", "--tasks", "near_questions", "--model", "hf",
         "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu", "--limit", "2",
         "--gen_kwargs", "max_gen_toks=16", "--output_path", str(out), "--log_samples"],
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    results, samples = _results(out)
    assert "near_questions" in results["results"]
    assert len(samples) == 2
