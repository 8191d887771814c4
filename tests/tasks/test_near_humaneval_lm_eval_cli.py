"""The real ``lm_eval`` CLI on the tiny checkpoint with the near_humaneval tasks: generation, the executing
filter, the sandbox, the results JSON and per-sample outcomes in ``--log_samples``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.sandbox]

TASKS = ("near_humaneval_js", "near_humaneval_rust", "near_humaneval_js_pass10")
STATUSES = {"passed", "failed", "timeout", "memory", "output_limit", "disk_limit", "compile_error", "sandbox_error"}


def test_lm_eval_cli_runs_and_logs_outcomes(tiny_model, shared_data, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "NEARCODER_DATA_DIR": str(shared_data)}
    proc = subprocess.run(
        [sys.executable, "-m", "lm_eval", "--include_path", "tasks", "--tasks", ",".join(TASKS),
         "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu",
         "--limit", "2", "--gen_kwargs", "max_gen_toks=48", "--confirm_run_unsafe_code",
         "--output_path", str(out), "--log_samples"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    (results_file,) = sorted(out.rglob("results_*.json"))[-1:]
    results = json.loads(results_file.read_text())
    for task in TASKS:
        metrics = results["results"][task]
        assert 0.0 <= metrics["pass@1,execute"] <= 1.0
        assert 0.0 <= metrics["bleu,execute"] <= 1.0
        assert results["configs"][task]["unsafe_code"] is True
    assert 0.0 <= results["results"]["near_humaneval_js_pass10"]["pass@10,execute"] <= 1.0
    assert "pass@10,execute" not in results["results"]["near_humaneval_js"]
    assert results["configs"]["near_humaneval_js_pass10"]["repeats"] == 20

    for task in TASKS:
        (samples_file,) = sorted(out.rglob(f"samples_{task}_2*.jsonl"))[-1:]  # _2<date>: not *_pass10
        samples = [json.loads(line) for line in samples_file.read_text().splitlines() if line.strip()]
        assert len(samples) == 2
        n = 20 if task.endswith("pass10") else 1
        for sample in samples:
            assert sample["filter"] == "execute"
            (executed,) = sample["filtered_resps"]
            executed = [json.loads(text) for text in executed]
            assert len(executed) == n == len(sample["resps"][0])
            for record in executed:
                assert record["status"] in STATUSES
                assert record["reason"].strip()
                assert record["status"] != "sandbox_error", record
                assert isinstance(record["cut_notes"], list)
            passes = sum(r["status"] == "passed" for r in executed)
            assert sample["pass@1"] == pytest.approx(passes / n)
