"""Publishing the real lm-eval output of the tiny checkpoint (slow: runs the lm-eval CLI once per session)."""

import sqlite3

import pytest
from typer.testing import CliRunner

from nearcoder.cli import app
from nearcoder.leaderboard.populate import leaderboard_frame, model_samples, sample_detail
from nearcoder.leaderboard.store.engine import read_session

pytestmark = pytest.mark.slow


def test_publish_real_lm_eval_output(real_output, db_url):
    runner = CliRunner()
    first = runner.invoke(app, ["publish", str(real_output), "--db", db_url])
    assert first.exit_code == 0, first.output
    assert "1 run(s) published" in first.output and "4 sample(s)" in first.output
    again = runner.invoke(app, ["publish", str(real_output), "--db", db_url])
    assert "0 run(s) published, 1 already present" in again.output
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    # the manifest next to the checkpoint names the model; --limit made the run partial
    assert con.execute("select name, model_type, stage, contamination from models").fetchall() == [
        ("nearcoder-demo-tiny", "base", "base", "clean")]
    assert con.execute("select partial, \"limit\", lm_eval_version from runs").fetchall() == [(1, 4.0, "0.4.13")]
    metrics = {m for (m,) in con.execute("select metric from scores where task = 'near_questions'")}
    assert {"bleu", "chrf", "rouge1", "rougeL", "key_fact_recall"} <= metrics
    # bleu's stderr is "N/A" in lm-eval's output: stored as NULL, value kept
    assert con.execute("select value is not null, stderr is null from scores where metric='bleu'").fetchone() == (1, 1)
    con.close()
    with read_session(db_url) as s:
        row = leaderboard_frame(s).set_index("model").loc["nearcoder-demo-tiny"]
        assert 0 <= row["nearQuestions_rouge1"] <= 1 and bool(row["partial"])
        samples = model_samples(s, "nearcoder-demo-tiny")
        assert len(samples) == 4
        detail = sample_detail(s, int(samples.iloc[0]["sample"]))
        assert "Question:" in detail["prompt"] and detail["target"]
