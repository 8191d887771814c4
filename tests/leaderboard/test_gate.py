import shutil

import numpy as np
import pytest
from typer.testing import CliRunner

from nearcoder.cli import app
from nearcoder.leaderboard.gate import GateInputError, parse_threshold, run_gate
from nearcoder.leaderboard.synthetic import write_output_dir

runner = CliRunner()


def _dirs(tmp_path, cand_items, base_items, metric="pass@1", task="near_humaneval_js"):
    write_output_dir(tmp_path / "cand", "cand", {task: {metric: list(cand_items)}})
    write_output_dir(tmp_path / "base", "base", {task: {metric: list(base_items)}})
    return tmp_path / "cand", tmp_path / "base"


def _base(n=150, p=0.5, seed=0):
    return np.random.default_rng(seed).binomial(1, p, n).astype(float)


def test_noise_passes_real_drop_fails_via_cli(tmp_path):
    base = _base()
    noisy = base.copy()
    noisy[[3, 17, 40, 77]] = 1 - noisy[[3, 17, 40, 77]]  # a few items flip: noise
    cand, base_dir = _dirs(tmp_path / "noise", noisy, base)
    result = runner.invoke(app, ["gate", str(cand), "--baseline", str(base_dir), "--report", str(tmp_path / "r.md")])
    assert result.exit_code == 0, result.output
    assert "PASS" in (tmp_path / "r.md").read_text()

    dropped = base.copy()
    dropped[np.flatnonzero(base)[:25]] = 0.0  # 25 passing problems now fail
    cand, base_dir = _dirs(tmp_path / "drop", dropped, base)
    result = runner.invoke(app, ["gate", str(cand), "--baseline", str(base_dir)])
    assert result.exit_code == 1, result.output
    assert "REGRESSION" in result.output and "near_humaneval_js:pass@1" in result.output
    # the same drop is within an explicit allowance of 0.3
    ok = runner.invoke(app, ["gate", str(cand), "--baseline", str(base_dir),
                             "--max-drop", "near_humaneval_js:pass@1=0.3"])
    assert ok.exit_code == 0, ok.output


def _answers(n=60, seed=0):
    rng = np.random.default_rng(seed)
    words = ["near", "shard", "account", "gas", "storage", "validator", "contract", "epoch", "token", "wallet"]
    return [" ".join(rng.choice(words, 12)) for _ in range(n)]


def test_corpus_bleu_is_bootstrapped_over_items(tmp_path):
    refs = _answers()
    base = [(r, r.rsplit(" ", 2)[0]) for r in refs]  # good answers: the reference minus two words
    noisy = list(base)
    noisy[5] = (refs[5], refs[5].rsplit(" ", 4)[0])
    noisy[9] = (refs[9], refs[9])
    cand, base_dir = _dirs(tmp_path / "noise", noisy, base, metric="bleu", task="near_questions")
    bleu = ["near_questions:bleu=0"]  # not the task's primary metric: named explicitly
    report = run_gate(cand, base_dir, max_drops=bleu)
    (check,) = report.checks
    assert check.metric == "bleu" and check.ci is not None and report.exit_code == 0, report.markdown()
    dropped = [(r, "gas gas wallet") if i % 2 else (r, p) for i, (r, p) in enumerate(base)]  # half now wrong
    cand, base_dir = _dirs(tmp_path / "drop", dropped, base, metric="bleu", task="near_questions")
    report = run_gate(cand, base_dir, max_drops=bleu)
    assert report.exit_code == 1 and report.checks[0].ci.high < 0, report.markdown()
    # the full-corpus difference equals the difference of the aggregates lm-eval-style files report
    import json

    def agg(d):
        return json.loads(next(d.rglob("results_*.json")).read_text())["results"]["near_questions"]["bleu,none"]

    assert report.checks[0].ci.mean_diff == pytest.approx(agg(cand) - agg(base_dir), abs=1e-9)


def test_min_thresholds(tmp_path):
    write_output_dir(tmp_path / "c", "c", {"near_questions": {"rouge1": [0.2, 0.4]}})
    assert run_gate(tmp_path / "c", mins=["near_questions:rouge1=0.25"]).exit_code == 0
    report = run_gate(tmp_path / "c", mins=["near_questions:rouge1=0.35"])
    assert report.exit_code == 1 and "**FAIL**" in report.markdown()


def test_same_seed_same_report(tmp_path):
    base = _base(seed=5)
    cand = np.roll(base, 1)
    c, b = _dirs(tmp_path, cand, base)
    assert run_gate(c, b).markdown() == run_gate(c, b).markdown()


@pytest.mark.parametrize("args, message", [
    (["--min", "near_questions-rouge1"], "TASK:METRIC=NUMBER"),
    (["--min", "near_questions:missing=0.1"], "no near_questions:missing"),
    (["--max-drop", "near_questions:rouge1=0.1"], "needs --baseline"),
    ([], "nothing to check"),
])
def test_unusable_input_exits_2(tmp_path, args, message):
    write_output_dir(tmp_path / "c", "c", {"near_questions": {"rouge1": [0.2, 0.4]}})
    result = runner.invoke(app, ["gate", str(tmp_path / "c"), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_missing_or_broken_dirs_exit_2(tmp_path):
    result = runner.invoke(app, ["gate", str(tmp_path / "nope"), "--min", "t:m=1"])
    assert result.exit_code == 2 and "no such directory" in result.output
    path = write_output_dir(tmp_path / "c", "c", {"t": {"m": [1.0]}})
    path.write_text("{\"results\": {")
    result = runner.invoke(app, ["gate", str(tmp_path / "c"), "--min", "t:m=1"])
    assert result.exit_code == 2 and "not valid JSON" in result.output


def test_parse_threshold():
    t = parse_threshold("near_humaneval_rust_pass10:pass@10=0.25")
    assert (t.task, t.metric, t.value) == ("near_humaneval_rust_pass10", "pass@10", 0.25)
    with pytest.raises(GateInputError):
        parse_threshold("a:b=high")


@pytest.mark.slow
def test_gate_on_real_lm_eval_output(real_output, tmp_path):
    same = runner.invoke(app, ["gate", str(real_output), "--baseline", str(real_output),
                               "--min", "near_questions:rouge1=0"])
    assert same.exit_code == 0, same.output
    assert "near_questions:rouge1" in same.output and "n=4" in same.output
    # a baseline that answered every item much better: the real candidate is a regression
    better = tmp_path / "better"
    shutil.copytree(real_output, better)
    import json

    for samples in better.rglob("samples_near_questions_*.jsonl"):
        rows = [json.loads(line) for line in samples.read_text().splitlines()]
        for row in rows:
            row["rouge1"] = row["rouge1"] + 0.5
        samples.write_text("".join(json.dumps(r) + "\n" for r in rows))
    # corpus BLEU from per-item statistics reproduces the aggregate lm-eval reported
    from nearcoder.leaderboard.corpus_metrics import item_statistics
    from nearcoder.leaderboard.gate import load

    ev = load(real_output, "real")
    pairs = ev.pairs[("near_questions", "bleu")]
    stats, score = item_statistics("bleu", [pairs[i] for i in sorted(pairs)])
    assert score(stats.sum(axis=0)) == pytest.approx(ev.values[("near_questions", "bleu")], abs=1e-9)
    worse = runner.invoke(app, ["gate", str(real_output), "--baseline", str(better),
                                "--max-drop", "near_questions:rouge1=0"])
    assert worse.exit_code == 1, worse.output
    assert "near_questions:rouge1" in worse.output and "**FAIL**" in worse.output


def test_default_checks_one_primary_metric_per_task_and_states_detectable_drop(tmp_path):
    base = _base(n=164, seed=7)
    cand = base.copy()
    cand[np.flatnonzero(base)[:3]] = 0.0
    write_output_dir(tmp_path / "c", "c", {"near_humaneval_js": {"pass@1": list(cand), "bleu": list(cand)},
                                           "my_task": {"score": list(cand)}})
    write_output_dir(tmp_path / "b", "b", {"near_humaneval_js": {"pass@1": list(base), "bleu": list(base)},
                                           "my_task": {"score": list(base)}})
    report = run_gate(tmp_path / "c", tmp_path / "b")
    assert [(c.task, c.metric) for c in report.checks] == [("near_humaneval_js", "pass@1")]
    (check,) = report.checks
    assert 0 < check.p_value <= check.p_adjusted <= 1 and check.passed == (check.p_adjusted > 0.05)
    # paired normal approximation from the observed discordance: 3 discordant items of 164
    sd = np.std(cand - base, ddof=0) / np.sqrt(164)
    assert check.detectable_drop == pytest.approx((1.645 + 0.8416) * sd, rel=0.1)
    text = report.markdown()
    assert "no primary metric declared" in text and "my_task" in text
    assert "allowed drop 0 is below what 164 items resolve" in text
    assert "Holm p" in text and "detectable drop (80%)" in text
    # any metric can still be chosen; a generous allowance raises no resolution warning
    wide = run_gate(tmp_path / "c", tmp_path / "b", max_drops=["my_task:score=0.5"])
    assert [(c.task, c.metric) for c in wide.checks] == [("my_task", "score")]
    assert not any("resolve" in w for w in wide.warnings)


def test_holm_fails_a_real_drop_among_many_checks(tmp_path):
    base = _base(n=164, seed=3)
    dropped = base.copy()
    dropped[np.flatnonzero(base)[:30]] = 0.0
    items_c = {f"t{i}": {"m": list(base)} for i in range(9)} | {"t9": {"m": list(dropped)}}
    items_b = {f"t{i}": {"m": list(base)} for i in range(10)}
    write_output_dir(tmp_path / "c", "c", items_c)
    write_output_dir(tmp_path / "b", "b", items_b)
    report = run_gate(tmp_path / "c", tmp_path / "b", max_drops=[f"t{i}:m=0" for i in range(10)])
    assert report.exit_code == 1
    assert [c.task for c in report.checks if not c.passed] == ["t9"]
    assert run_gate(tmp_path / "c", tmp_path / "b", max_drops=["t9:m=0"], alpha=1e-9).exit_code == 0
    with pytest.raises(GateInputError, match="--alpha"):
        run_gate(tmp_path / "c", tmp_path / "b", alpha=1.5)
