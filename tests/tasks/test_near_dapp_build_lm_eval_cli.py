"""The real lm_eval CLI runs near_dapp_build_rust and near_dapp_build_js end to end on the tiny checkpoint."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nearcoder.tasks.near_dapp_build import cache as nc

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.sandbox
def test_lm_eval_cli_builds_generated_contracts(tiny_model, tmp_path):
    try:
        nc.load_rust_recipe()
        nc.load_js_modules()
    except nc.CacheNotPrepared as exc:
        pytest.skip(str(exc))
    out = tmp_path / "out"
    cmd = [
        str(Path(sys.executable).with_name("lm_eval")), "--include_path", str(REPO / "tasks"),
        "--tasks", "near_dapp_build_rust,near_dapp_build_js", "--model", "hf",
        "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu", "--limit", "1",
        "--gen_kwargs", "max_gen_toks=48", "--output_path", str(out), "--log_samples", "--confirm_run_unsafe_code",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    results = json.loads(next(out.rglob("results_*.json")).read_text())["results"]
    rust = results["near_dapp_build_rust"]
    for metric in ("build", "functionality", "interface", "rustfmt_clean"):
        assert 0.0 <= rust[f"{metric},build"] <= 1.0
    for metric in ("typecheck", "functionality", "interface"):
        assert 0.0 <= results["near_dapp_build_js"][f"{metric},typecheck"] <= 1.0
    for task, level in (("near_dapp_build_rust", "unit-tests"), ("near_dapp_build_js", "behaviour-node")):
        sample = json.loads(next(out.rglob(f"samples_{task}_*.jsonl")).read_text().splitlines()[0])
        logged = json.loads(sample["filtered_resps"][0][0])
        assert logged["check_level"] == level
        assert logged["reason"]  # every sample says why it scored what it scored
        assert logged["spec"] == sample["doc"]["id"]
        assert logged["status"] in ("passed", "failed") and "completion" in logged  # the leaderboard's sample view
