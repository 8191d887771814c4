"""Floor rows from ``scripts/baseline_rows.py``: scored by lm-eval and the task's own code, marked baseline,
and ranked-comparable with a checkpoint's run on the same items (same task version and data hash)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nearcoder.leaderboard.display.columns import COLUMNS as C
from nearcoder.leaderboard.populate import BASELINE, leaderboard_frame
from nearcoder.leaderboard.publish import publish
from nearcoder.leaderboard.read_results import read_output_dir
from nearcoder.leaderboard.store.engine import read_session

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]


def test_other_item_answer_is_a_floor_on_the_same_items(real_output, tmp_path, db_url, shared_data):
    out = tmp_path / "baselines"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "baseline_rows.py"), str(out),
                           "--tasks", "near_questions", "--limit", "4"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "HF_DATASETS_OFFLINE": "1"}, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (floor,) = read_output_dir(out)
    (model,) = read_output_dir(real_output)  # the tiny checkpoint, lm-eval CLI, --limit 4
    assert floor.kind == "baseline" and floor.model_name == "baseline/other-item-answer"
    # another item's reference answer: fluent NEAR text, but it rarely states this item's key facts
    recall = floor.score("near_questions", "key_fact_recall").value
    assert recall is not None and recall < 0.5
    assert floor.task_versions["near_questions"] == model.task_versions["near_questions"]
    assert floor.data_hashes["near_questions"] == model.data_hashes["near_questions"]
    publish(db_url, [real_output, out])
    with read_session(db_url) as s:
        df = leaderboard_frame(s, include_seed=False).set_index(C.model.name)
    row = df.loc["baseline/other-item-answer"]
    assert row[C.source.name] == BASELINE and row[C.apart.name] == "" and row[C.rank.name] == ""


def test_uniform_choice_is_chance_on_the_multiple_choice_task(tmp_path, shared_data):
    out = tmp_path / "baselines"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "baseline_rows.py"), str(out),
                           "--tasks", "near_questions_mc"], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    [run] = read_output_dir(out)
    acc = next(s.value for s in run.scores if s.task == "near_questions_mc" and s.metric == "acc")
    assert 0.2 < acc < 0.3  # balanced answer positions: taking the first option is chance
    assert run.kind == "baseline"
