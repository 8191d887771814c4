"""near_questions_mc: four options per test question, the correct one at a balanced position; scorers that use
the answer key get 1.0 and scorers that only look at option length stay near chance. The real ``lm_eval`` CLI
runs the task on the tiny checkpoint (``slow``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from nearcoder.harness.paths import tasks_dir
from nearcoder.tasks.near_questions import dataset_checks, utils

REPO = Path(__file__).resolve().parents[2]
CHANCE = 0.25
pytestmark = pytest.mark.slow  # the task is loaded through lm-eval's own TaskManager


@pytest.fixture(scope="module")
def task():
    from lm_eval.tasks import TaskManager

    return TaskManager(include_path=str(tasks_dir())).load(["near_questions_mc"])["tasks"]["near_questions_mc"]


@pytest.fixture(scope="module")
def docs(task):
    return list(task.test_docs())


def _accuracy(task, docs, pick) -> float:
    """Share of documents where ``pick(choices)`` returns the task's target index."""
    return sum(pick(task.doc_to_choice(d)) == task.doc_to_target(d) for d in docs) / len(docs)


def _longest(choices):
    return max(range(len(choices)), key=lambda i: (len(choices[i]), -i))


def _shortest(choices):
    return min(range(len(choices)), key=lambda i: (len(choices[i]), i))


def test_every_test_question_has_four_distinct_options(task, docs):
    test = dataset_checks.load_split("test")
    assert [d["id"] for d in docs] == [d["id"] for d in test]
    assert dataset_checks.mc_errors(dataset_checks.load_all()) == []
    for doc, item in zip(docs, test):
        choices = task.doc_to_choice(doc)
        assert len(choices) == len(set(choices)) == 4
        assert doc["question"] == item["question"]
    assert task.config.output_type == "multiple_choice"
    assert {m["metric"] for m in task.config.metric_list} == {"acc", "acc_norm"}


def test_answer_positions_are_balanced(task, docs):
    counts = Counter(task.doc_to_target(d) for d in docs)
    assert set(counts) == {0, 1, 2, 3}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert utils.gold_positions(len(docs)) == [task.doc_to_target(d) for d in docs]


def test_a_scorer_that_prefers_the_correct_option_gets_one(task, docs):
    options = utils.mc_options()
    assert _accuracy(task, docs, lambda ch: next(i for i, c in enumerate(ch) if c in {
        o["correct"] for o in options.values()})) == 1.0


def test_length_only_scorers_stay_near_chance(task, docs):
    longest, shortest = _accuracy(task, docs, _longest), _accuracy(task, docs, _shortest)
    assert abs(longest - CHANCE) <= 0.15, longest
    assert abs(shortest - CHANCE) <= 0.2, shortest
    first = _accuracy(task, docs, lambda ch: 0)
    assert abs(first - CHANCE) <= 0.02


def test_bad_options_file_is_reported(tmp_path):
    rows = [{"id": "nq-9999", "correct": "All of the above", "distractors": ["a", "a"]}]
    (tmp_path / dataset_checks.MC_OPTIONS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    errors = dataset_checks.mc_errors({"test": [{"id": "nq-0001"}]}, tmp_path)
    assert "nq-0001: no multiple-choice options" in errors
    assert any("not in the test split" in e for e in errors)
    assert any("three distractors" in e for e in errors)


@pytest.mark.slow
def test_lm_eval_cli_runs_the_mc_task_on_the_tiny_model(tiny_model, tmp_path):
    out = tmp_path / "out"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "lm_eval", "--include_path", "tasks", "--tasks", "near_questions_mc",
         "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32", "--device", "cpu",
         "--limit", "8", "--output_path", str(out), "--log_samples"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-6000:]
    (results_file,) = sorted(out.rglob("results_*.json"))[-1:]
    results = json.loads(results_file.read_text())
    metrics = results["results"]["near_questions_mc"]
    for name in ("acc", "acc_norm"):
        assert 0.0 <= metrics[f"{name},none"] <= 1.0
    (samples_file,) = sorted(out.rglob("samples_near_questions_mc_*.jsonl"))[-1:]
    samples = [json.loads(line) for line in samples_file.read_text().splitlines() if line.strip()]
    assert len(samples) == 8
    for sample in samples:
        assert len(sample["resps"]) == 4  # one log-likelihood per option
        # logged values are strings: compare the log-likelihoods as numbers, the target as an index
        best = max(range(4), key=lambda i: float(sample["resps"][i][0][0]))
        assert sample["acc"] == float(int(sample["target"]) == best)
