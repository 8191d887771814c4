import pytest
import math

from nearcoder.leaderboard.about import SEED_NOTE
from nearcoder.leaderboard.display.columns import BENCHMARK_COLS, COLS, COLUMNS as C, HALFWIDTH_COLS, size_bucket
from nearcoder.leaderboard.populate import (
    Filters,
    apply_filters,
    leaderboard_frame,
    lineage_from_store,
    model_provenance,
    model_samples,
    model_scores,
    sample_detail,
)
from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.store.engine import read_session
from nearcoder.leaderboard.synthetic import write_output_dir


@pytest.fixture
def db_url(any_db_url):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db_url


def _board(tmp_path, db_url):
    write_output_dir(tmp_path / "a", "alpha", {
        "near_humaneval_js": {"pass@1": [1.0, 0.0], "bleu": [0.2, 0.4]},
        "near_humaneval_rust": {"pass@1": [0.0, 0.0], "bleu": [0.0, 0.2]},
        "near_questions": {"rouge1": [0.5, 0.5], "weird_new_metric": [3.0, 3.0]},
    }, parameters=3_000_000_000, outcomes={"near_humaneval_js": [
        {"status": "passed", "reason": "", "exit_code": 0},
        {"status": "timeout", "reason": "wall 10s", "exit_code": None}]})
    publish(db_url, [tmp_path / "a"], ModelOverrides(model_type="base", stage="base"))
    write_output_dir(tmp_path / "b", "beta", {"near_questions": {"rouge1": [0.1, 0.3]}}, limit=2,
                     parameters=7_000_000)
    publish(db_url, [tmp_path / "b"], ModelOverrides(model_type="fine-tuned", stage="stage1", parent="alpha",
                                                    contamination="flagged"))


def test_main_table_columns_blanks_and_means(tmp_path, db_url):
    _board(tmp_path, db_url)
    with read_session(db_url) as s:
        df = leaderboard_frame(s)
    assert list(df.columns) == COLS + HALFWIDTH_COLS
    alpha = df[df[C.model.name] == "alpha"].iloc[0]
    assert alpha["humanEval_bleu"] == 0.2  # mean of JS (0.3) and Rust (0.1)
    assert alpha["humanEval_js_pass@1"] == 0.5 and alpha["humanEval_rust_pass@1"] == 0.0
    assert math.isnan(alpha["dAppTrees_structure"])  # task not run: blank
    assert alpha[C.size.name] == "1-3B" and not alpha[C.partial.name]
    beta = df[df[C.model.name] == "beta"].iloc[0]
    assert beta[C.partial.name] and beta["nearQuestions_rouge1"] == 0.2 and beta[C.size.name] == "<1B"
    assert (df[C.source.name] == SEED_NOTE).sum() == 4
    assert size_bucket(None) == "unknown"


def test_filters_and_search(tmp_path, db_url):
    _board(tmp_path, db_url)
    with read_session(db_url) as s:
        df = leaderboard_frame(s)
    names = lambda f: sorted(apply_filters(df, f)[C.model.name])  # noqa: E731
    assert names(Filters(search="ALP")) == ["alpha"]
    assert names(Filters(show_seed=False)) == ["alpha", "beta"]
    assert names(Filters(show_seed=False, show_partial=False)) == ["alpha"]
    assert names(Filters(types=["fine-tuned"], show_seed=False)) == ["beta"]
    assert names(Filters(contamination=["flagged"])) == ["beta"]
    assert names(Filters(stages=["stage3"])) == ["NEARCoder-3b"]
    assert names(Filters(sizes=["<1B"])) == ["beta"]
    assert list(apply_filters(df, Filters(columns=["stage"])).columns) == ["model", "stage"]
    assert set(BENCHMARK_COLS) <= set(df.columns)


def test_model_view_samples_and_lineage(tmp_path, db_url):
    _board(tmp_path, db_url)
    with read_session(db_url) as s:
        scores = model_scores(s, "alpha")
        assert {"weird_new_metric", "pass@1", "bleu", "rouge1"} <= set(scores["metric"])  # unknown metric kept
        prov = model_provenance(s, "alpha")
        assert prov["runs"][0]["lm_eval_version"] == "0.4.13" and prov["runs"][0]["task_hashes"]
        samples = model_samples(s, "alpha", "near_humaneval_js")
        assert list(samples["verdict"]) == ["passed", "timeout"]
        detail = sample_detail(s, int(samples.iloc[1]["sample"]))
        assert detail["verdict"] == "timeout" and detail["reason"] == "wall 10s"
        assert detail["prompt"].startswith("Prompt 1") and detail["generation"] == "generation 1"
        assert lineage_from_store(s, "beta") == ["alpha", "beta"]
        assert lineage_from_store(s, "NEARCoder-3b")[0] == "StarCoder2-3b"
        assert model_scores(s, "nobody").empty


def test_rows_say_whether_the_leaderboard_evaluated_them_and_the_filter_keeps_only_those(tmp_path, db_url):
    from nearcoder.leaderboard.populate import EVALUATED, PARTLY_EVALUATED, SELF_REPORTED

    write_output_dir(tmp_path / "e", "queued-model", {"near_questions": {"rouge1": [0.4, 0.6]}})
    publish(db_url, [tmp_path / "e"], provenance="evaluated")
    write_output_dir(tmp_path / "s", "hand-published", {"near_questions": {"rouge1": [0.7, 0.9]}})
    publish(db_url, [tmp_path / "s"])
    write_output_dir(tmp_path / "m1", "mixed-model", {"near_questions": {"rouge1": [0.2, 0.2]}})
    publish(db_url, [tmp_path / "m1"], provenance="evaluated")
    write_output_dir(tmp_path / "m2", "mixed-model", {"near_humaneval_js": {"pass@1": [1.0, 0.0]}},
                     timestamp="2026-01-02T00-00-00.000000")
    publish(db_url, [tmp_path / "m2"])
    with read_session(db_url) as s:
        df = leaderboard_frame(s)
        prov = model_provenance(s, "mixed-model")
    by_name = dict(zip(df[C.model.name], df[C.provenance.name]))
    assert by_name["queued-model"] == EVALUATED and by_name["hand-published"] == SELF_REPORTED
    assert by_name["mixed-model"] == PARTLY_EVALUATED and by_name["NEARCoder-3b"] == SELF_REPORTED  # seed row
    assert sorted(r["provenance"] for r in prov["runs"]) == ["evaluated", "self-reported"]
    shown = apply_filters(df, Filters(evaluated_only=True))
    assert list(shown[C.model.name]) == ["queued-model"]
    assert len(apply_filters(df, Filters())) == len(df)
