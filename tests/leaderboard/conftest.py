"""Fixtures for the leaderboard tests: a fresh SQLite file per test, and real lm-eval output (slow)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'board.db'}"


def run_lm_eval(model_dir: Path, out: Path, limit: int = 3) -> Path:
    """The real lm-eval CLI on near_questions with logged samples; returns the output directory."""
    cmd = [sys.executable, "-m", "lm_eval", "--include_path", str(REPO / "tasks"), "--tasks", "near_questions",
           "--model", "hf", "--model_args", f"pretrained={model_dir},dtype=float32", "--device", "cpu",
           "--limit", str(limit), "--output_path", str(out), "--log_samples"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def real_output(tiny_model, tmp_path_factory, shared_data) -> Path:
    """lm-eval output of the tiny checkpoint on near_questions (--limit 4, samples logged)."""
    return run_lm_eval(tiny_model, tmp_path_factory.mktemp("lm-eval-out"), limit=4)
