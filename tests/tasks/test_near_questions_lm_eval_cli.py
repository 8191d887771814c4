"""The real ``lm_eval`` CLI on the tiny checkpoint with near_questions and near_questions_fewshot: every metric in
the results JSON, the category on every logged sample, and the chat-template path for instruction models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from nearcoder.tasks.near_questions import utils

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

TASKS = ("near_questions", "near_questions_fewshot", "near_questions_heldout")
METRICS = ("bleu", "chrf", "rouge1", "rougeL", "key_fact_recall")


def _lm_eval(model: Path, out: Path, tasks: tuple[str, ...], *extra: str) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "lm_eval", "--include_path", "tasks", "--tasks", ",".join(tasks),
         "--model", "hf", "--model_args", f"pretrained={model},dtype=float32", "--device", "cpu",
         "--gen_kwargs", "max_gen_toks=32", "--output_path", str(out), "--log_samples", *extra],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    (results_file,) = sorted(out.rglob("results_*.json"))[-1:]
    return json.loads(results_file.read_text())


def _samples(out: Path, task: str) -> list[dict]:
    (path,) = sorted(out.rglob(f"samples_{task}_2*.jsonl"))[-1:]
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_cli_reports_every_metric_and_logs_categories(tiny_model, tmp_path):
    out = tmp_path / "out"
    results = _lm_eval(tiny_model, out, TASKS, "--limit", "4")
    for task in TASKS:
        metrics = results["results"][task]
        for name in METRICS:
            assert 0.0 <= metrics[f"{name},none"] <= 1.0, (task, name)
        assert results["configs"][task]["metadata"]["version"] >= 2.0
        samples = _samples(out, task)
        assert len(samples) == 4
        for sample in samples:
            assert sample["doc"]["category"] and sample["doc"]["difficulty"] and sample["doc"]["key_facts"]
            assert len(sample["doc"]["fact_alternatives"]) == len(sample["doc"]["key_facts"])
            assert sample["bleu"][0] == sample["doc"]["answer"]
            assert 0.0 <= sample["key_fact_recall"] <= 1.0
        table = utils.category_breakdown(samples)
        assert sum(row["n"] for row in table.values()) == 4
        # Task-level corpus BLEU/chrF equal the corpus scores recomputed from the logged pairs.
        assert metrics["bleu,none"] == pytest.approx(utils.agg_bleu([s["bleu"] for s in samples]))
        assert metrics["chrf,none"] == pytest.approx(utils.agg_chrf([s["chrf"] for s in samples]))
    assert results["n-shot"]["near_questions"] == 0
    assert results["n-shot"]["near_questions_fewshot"] == 3
    assert not any(s["doc"]["seed_source"] for s in _samples(out, "near_questions_heldout"))
    prompt = _samples(out, "near_questions_fewshot")[0]["arguments"]["gen_args_0"]["arg_0"]
    assert prompt.count("\nAnswer:") == 4


def test_cli_with_chat_template(tiny_model, tmp_path):
    out = tmp_path / "out"
    results = _lm_eval(tiny_model, out, ("near_questions_fewshot",), "--limit", "2",
                       "--apply_chat_template", "--fewshot_as_multiturn")
    assert 0.0 <= results["results"]["near_questions_fewshot"]["key_fact_recall,none"] <= 1.0
    prompt = _samples(out, "near_questions_fewshot")[0]["arguments"]["gen_args_0"]["arg_0"]
    # The tiny model's template renders "role: content" lines: instruction as system, shots as turns.
    assert prompt.startswith("system: Answer the question about the NEAR Protocol concisely")
    assert prompt.count("\nuser: Question:") == 4
    assert prompt.count("\nassistant: ") == 4 and prompt.endswith("assistant: ")
