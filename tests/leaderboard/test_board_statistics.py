"""Intervals, rank bands, baseline rows, comparability (task version / data hash) and the store upgrade."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from nearcoder.leaderboard.about import TASK_COLUMNS
from nearcoder.leaderboard.display.columns import COLUMNS as C, halfwidth_col
from nearcoder.leaderboard.populate import BASELINE, MEASURED, leaderboard_frame, rank_bands
from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.read_results import parse_results, task_data_hash
from nearcoder.leaderboard.store.engine import get_engine, read_session
from nearcoder.leaderboard.synthetic import write_output_dir

TASKS_DIR = Path(__file__).resolve().parents[2] / "tasks"


def _binary(n: int, share: float) -> list[float]:
    k = round(n * share)
    return [1.0] * k + [0.0] * (n - k)


def _frame(db_url) -> pd.DataFrame:
    with read_session(db_url) as s:
        return leaderboard_frame(s, include_seed=False).set_index(C.model.name)


def test_rank_ranges_and_bands_follow_interval_overlap():
    score = pd.Series([0.80, 0.76, 0.50, 0.48, np.nan])
    half = pd.Series([0.05, 0.05, 0.05, 0.05, 0.05])
    ranks, bands = rank_bands(score, half)
    assert list(ranks) == ["1–2", "1–2", "3–4", "3–4", ""]
    assert list(bands[:4]) == [1, 1, 2, 2] and np.isnan(bands[4])
    # without intervals every model is its own band
    ranks, bands = rank_bands(score[:4], pd.Series([np.nan] * 4))
    assert list(ranks) == ["1", "2", "3", "4"] and list(bands) == [1, 2, 3, 4]
    # a chain: b overlaps the leader, c overlaps b but not the leader -> c starts band 2
    ranks, bands = rank_bands(pd.Series([0.9, 0.8, 0.7]), pd.Series([0.06, 0.06, 0.06]))
    assert list(bands) == [1, 1, 2] and list(ranks) == ["1–2", "1–3", "2–3"]


def test_intervals_bands_and_baseline_rows_on_the_board(tmp_path, db_url):
    n = 164
    for name, share in (("leader", 0.60), ("close", 0.56), ("far", 0.20)):
        write_output_dir(tmp_path / name, name, {"near_humaneval_js": {"pass@1": _binary(n, share)}})
        publish(db_url, [tmp_path / name])
    # a floor row: published like any result, marked baseline in the results file
    write_output_dir(tmp_path / "empty", "baseline: empty program", {"near_humaneval_js": {"pass@1": [0.0] * n}},
                     kind="baseline")
    publish(db_url, [tmp_path / "empty"])
    df = _frame(db_url)
    col, half = "humanEval_js_pass@1", halfwidth_col("humanEval_js_pass@1")
    se = np.std(_binary(n, 0.6), ddof=1) / np.sqrt(n)
    assert df.loc["leader", col] == pytest.approx(0.6, abs=0.005)
    assert df.loc["leader", half] == pytest.approx(1.96 * se, rel=1e-6)  # 1.96 x lm-eval's stderr
    assert df.loc["leader", halfwidth_col(C.average.name)] == pytest.approx(1.96 * se, rel=1e-6)
    assert (df.loc["leader", C.band.name], df.loc["close", C.band.name], df.loc["far", C.band.name]) == (1, 1, 2)
    assert df.loc["leader", C.rank.name] == "1–2" and df.loc["far", C.rank.name] == "3"
    floor = df.loc["baseline: empty program"]
    assert floor[C.source.name] == BASELINE and floor[col] == 0.0
    assert floor[C.rank.name] == "" and np.isnan(floor[C.band.name])  # a reference, never ranked
    assert list(df.index)[-1] == "baseline: empty program"  # below the measured models
    # --kind on the command line marks a row too, and bad kinds are refused
    with pytest.raises(ValueError, match="--kind"):
        ModelOverrides(kind="oracle")


def test_other_task_version_or_data_is_shown_apart_with_the_reason(tmp_path, db_url):
    items = {"near_questions": {"key_fact_recall": [0.5, 0.7, 0.2]}}
    for name in ("a", "b", "c"):
        write_output_dir(tmp_path / name, name, items)
        publish(db_url, [tmp_path / name])
    write_output_dir(tmp_path / "v2", "new-version", items, task_versions={"near_questions": 2.0})
    write_output_dir(tmp_path / "d2", "other-data", items, data_tag="-v2-items")
    publish(db_url, [tmp_path / "v2", tmp_path / "d2"])
    df = _frame(db_url)
    assert df.loc[["a", "b", "c"], C.apart.name].tolist() == ["", "", ""]
    assert "near_questions: task version 2.0 (board: 0.1)" in df.loc["new-version", C.apart.name]
    assert "near_questions: data hash" in df.loc["other-data", C.apart.name]
    assert df.loc["new-version", C.rank.name] == "" and df.loc["other-data", C.rank.name] == ""
    assert df.loc["a", C.rank.name] == "1–3"  # the three comparable ones tie


def test_data_hash_covers_items_and_data_config_but_not_model_arguments():
    config = {"task": "near_questions", "test_split": "test", "custom_dataset": "def load(**kw): ...",
              "metadata": {"version": 1.0, "pretrained": "/ckpt/a"}}
    h = task_data_hash(config, "abc")
    assert h == task_data_hash({**config, "metadata": {"version": 1.0, "pretrained": "/ckpt/b"}}, "abc")
    assert h != task_data_hash({**config, "test_split": "dev"}, "abc")
    assert h != task_data_hash(config, "abd")
    assert task_data_hash(None, None) is None
    # function reprs with memory addresses do not make runs differ
    assert task_data_hash({"process_docs": "<function f at 0x7f00aa>"}, None) == \
        task_data_hash({"process_docs": "<function f at 0x7f11bb>"}, None)


def test_published_runs_carry_task_versions_and_data_hashes(tmp_path, db_url):
    path = write_output_dir(tmp_path / "a", "a", {"near_questions": {"rouge1": [0.1, 0.2]}})
    run = parse_results(path)
    assert set(run.data_hashes) == {"near_questions"}
    publish(db_url, [tmp_path / "a"])
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as conn:
        versions, hashes = conn.execute("SELECT task_versions, data_hashes FROM runs").fetchone()
    assert '"near_questions": 0.1' in versions and run.data_hashes["near_questions"] in hashes


def test_an_old_store_is_upgraded_in_place(tmp_path):
    """A store written before `models.kind` / `runs.data_hashes` existed gets them (migration 0003); its runs show
    apart."""
    db = tmp_path / "old.db"
    url = f"sqlite:///{db}"
    write_output_dir(tmp_path / "a", "old-model", {"near_questions": {"key_fact_recall": [0.5, 0.7]}})
    publish(url, [tmp_path / "a"])
    get_engine.cache_clear()
    with sqlite3.connect(db) as conn:  # make it look like a store at revision 0002 (before kind / data hashes)
        conn.execute("ALTER TABLE models DROP COLUMN kind")
        conn.execute("ALTER TABLE runs DROP COLUMN data_hashes")
        conn.execute("UPDATE alembic_version SET version_num = '0002'")
    try:
        write_output_dir(tmp_path / "b", "new-model", {"near_questions": {"key_fact_recall": [0.5, 0.7]}},
                         timestamp="2026-02-01T00-00-00.000000")
        publish(url, [tmp_path / "b"])
        df = _frame(url)
    finally:
        get_engine.cache_clear()
    assert df.loc["old-model", C.source.name] == MEASURED
    assert "no data hash" in df.loc["old-model", C.apart.name]
    assert df.loc["new-model", C.apart.name] == "" and df.loc["new-model", C.rank.name] == "1"


class _Loader(yaml.SafeLoader):
    pass


_Loader.add_constructor("!function", lambda loader, node: loader.construct_scalar(node))


def _task_metrics(task: str) -> set[str]:
    """Metrics a task of the `near` group reports, from its YAML (following `include:`)."""
    path = next(TASKS_DIR.rglob(f"{task}.yaml"))
    config = yaml.load(path.read_text(), Loader=_Loader)
    while "metric_list" not in config and "include" in config:  # an overlay: its base holds the metrics
        path = path.parent / config["include"]
        config = yaml.load(path.read_text(), Loader=_Loader)
    return {m["metric"] for m in config["metric_list"]}


def test_every_task_and_metric_of_the_near_group_has_a_column():
    group = yaml.load((TASKS_DIR / "_near.yaml").read_text(), Loader=_Loader)
    assert group["group"] == "near" and len(group["task"]) >= 9
    columns = {(t, m) for col in TASK_COLUMNS for t in col.tasks for m in col.metrics}
    missing = [f"{task}:{metric}" for task in group["task"] for metric in _task_metrics(task)
               if (task, metric) not in columns]
    assert not missing, f"no leaderboard column for {missing}"
