"""The GPU bench scripts run on CPU with tiny settings, so they are known to work before a GPU is lent."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "trainers" / "configs" / "cpu-smoke"


@pytest.mark.slow
def test_gpu_train_memory_runs_real_trainer_steps_on_cpu(tmp_path):
    out = tmp_path / "rows.json"
    subprocess.run([sys.executable, str(ROOT / "bench" / "gpu_train_memory.py"), "--tiny", "--steps", "2",
                    "--json", str(out), str(SMOKE / "stage1.yaml"), str(SMOKE / "stage2.yaml")],
                   check=True, cwd=tmp_path, timeout=600)
    rows = json.loads(out.read_text())
    assert [r["stage"] for r in rows] == ["stage1", "stage2"]
    for row in rows:
        assert row["steps"] == 2 and row["device"] == "cpu"
        assert row["measured_tokens_per_s"] > 0 and row["estimate_gib"] > 0
        assert row["peak_allocated_gib"] is None  # nothing is claimed about GPU memory on CPU


@pytest.mark.slow
def test_vllm_vs_hf_scores_the_demo_model_with_the_engines_available(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "bench" / "vllm_vs_hf.py"), "--engines", "hf,vllm",
                             "--tasks", "near_questions", "--limit", "2"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = " ".join(result.stdout.split())
    assert "metrics by engine" in out and "key_fact_recall" in out
    try:
        import torch
        import vllm  # noqa: F401

        has_vllm = torch.cuda.is_available()
    except ImportError:
        has_vllm = False
    assert ("vllm: skipped" in out) != has_vllm
