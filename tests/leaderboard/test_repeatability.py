"""Two greedy runs of the same checkpoint with the same seed give identical metrics (real lm-eval CLI)."""

from __future__ import annotations

import json

import pytest

from nearcoder.leaderboard.display.columns import COLUMNS as C
from nearcoder.leaderboard.populate import leaderboard_frame
from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.read_results import read_output_dir
from nearcoder.leaderboard.store.engine import read_session

pytestmark = pytest.mark.slow


def _samples(out) -> dict:
    rows = {}
    for path in out.rglob("samples_*.jsonl"):
        for line in path.read_text().splitlines():
            row = json.loads(line)
            rows[(path.name.split("_2")[0], row["doc_id"])] = {m: row[m] for m in row["metrics"]}
    return rows


def test_two_greedy_runs_give_identical_metrics_and_data_hashes(tiny_model, tmp_path, shared_data, db_url,
                                                                   lm_eval_cli):
    first = lm_eval_cli(tiny_model, tmp_path / "run1", limit=3)
    second = lm_eval_cli(tiny_model, tmp_path / "run2", limit=3)
    (r1,), (r2,) = read_output_dir(first), read_output_dir(second)
    assert r1.content_hash != r2.content_hash  # two real runs (dates differ) ...
    scores1 = {(s.task, s.metric, s.filter): (s.value, s.stderr) for s in r1.scores}
    scores2 = {(s.task, s.metric, s.filter): (s.value, s.stderr) for s in r2.scores}
    assert scores1 and scores1 == scores2  # ... with exactly the same numbers
    assert _samples(first) == _samples(second) and _samples(first)
    assert r1.task_versions == r2.task_versions and r1.task_versions["near_questions"] is not None
    assert r1.data_hashes == r2.data_hashes and set(r1.data_hashes) == {"near_questions"}
    # published under two names they are comparable: ranked together, same band
    publish(db_url, [first], ModelOverrides(name="run-1"))
    publish(db_url, [second], ModelOverrides(name="run-2"))
    with read_session(db_url) as s:
        df = leaderboard_frame(s, include_seed=False).set_index(C.model.name)
    assert df.loc[["run-1", "run-2"], C.apart.name].tolist() == ["", ""]
    assert df.loc["run-1", C.band.name] == df.loc["run-2", C.band.name] == 1
