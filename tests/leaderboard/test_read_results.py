import json

import pytest

from nearcoder.leaderboard.read_results import ResultsError, parse_results, read_output_dir
from nearcoder.leaderboard.synthetic import write_output_dir


def test_reads_scores_stderr_na_and_samples(tmp_path):
    path = write_output_dir(tmp_path, "org/model-a", {"near_questions": {"rouge1": [0.2, 0.4], "bleu": [0.1, 0.3]}},
                            limit=2,
                            outcomes={"near_questions": [{"status": "failed", "reason": "assert", "exit_code": 1},
                                                                  {"status": "passed", "reason": "", "exit_code": 0}]})
    run = parse_results(path)
    assert run.model_name == "org/model-a" and run.partial and run.limit == 2
    rouge = run.score("near_questions", "rouge1")
    assert rouge.value == pytest.approx(0.3) and rouge.stderr == pytest.approx(0.1)
    assert run.score("near_questions", "bleu").value == pytest.approx(0.2)
    samples = list(run.iter_samples())
    assert [s.doc_id for s in samples] == [0, 1]
    assert samples[0].verdict == "failed" and samples[0].reason == "assert"
    assert samples[0].prompt.startswith("Prompt 0") and samples[0].generation == "generation 0"


def test_stderr_na_is_none(tmp_path):
    path = write_output_dir(tmp_path, "m", {"t": {"acc": [1.0]}})  # one item: lm-eval writes "N/A"
    assert json.loads(path.read_text())["results"]["t"]["acc_stderr,none"] == "N/A"
    assert parse_results(path).score("t", "acc").stderr is None


def _good(tmp_path):
    return json.loads(write_output_dir(tmp_path / "g", "m", {"t": {"acc": [1.0, 0.0]}}).read_text())


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: {"hello": "world"}, "no 'results' field"),
        (lambda d: [1, 2], "expected a JSON object"),
        (lambda d: {**d, "results": {}}, "non-empty"),
        (lambda d: {**d, "results": {"t": 5}}, "expected an object of metrics"),
        (lambda d: {**d, "results": {"t": {"acc,none": "high"}}}, "expected a number"),
        (lambda d: {**d, "results": {"t": {"acc,none": 0.5, "acc_stderr,none": [1]}}}, "acc_stderr"),
        (lambda d: {k: v for k, v in d.items() if k != "config"}, "no 'config' field"),
        (lambda d: {**d, "config": {"model_args": 3}}, "model_args"),
        (lambda d: {**d, "date": "yesterday"}, "unix timestamp"),
        (lambda d: {**d, "config": {**d["config"], "limit": "ten"}}, "config.limit"),
    ],
)
def test_malformed_results_name_the_problem(tmp_path, mutate, message):
    path = tmp_path / "results_2026-01-01T00-00-00.json"
    path.write_text(json.dumps(mutate(_good(tmp_path))))
    with pytest.raises(ResultsError, match=message):
        parse_results(path)


def test_truncated_json_and_empty_dir(tmp_path):
    good = write_output_dir(tmp_path, "m", {"t": {"acc": [1.0]}})
    good.write_text(good.read_text()[:200])
    with pytest.raises(ResultsError, match="not valid JSON"):
        read_output_dir(tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ResultsError, match="no results_"):
        read_output_dir(tmp_path / "empty")


def test_bad_sample_line_is_reported(tmp_path):
    path = write_output_dir(tmp_path, "m", {"t": {"acc": [1.0, 0.0]}})
    samples = next(path.parent.glob("samples_*.jsonl"))
    samples.write_text(samples.read_text() + "{broken\n")
    with pytest.raises(ResultsError, match=r":3: not valid JSON"):
        list(parse_results(path).iter_samples())


def test_execution_task_samples_with_json_records(tmp_path):
    """The near_humaneval layout: filter ``execute``, one JSON record per response in ``filtered_resps``
    (completion, sandbox status, reason) and BLEU logged as a list of (reference, completion) pairs."""
    from nearcoder.leaderboard.gate import load

    out = tmp_path / "m"
    out.mkdir()
    stamp = "2026-01-01T00-00-00.000001"
    results = {"results": {"near_humaneval_js_pass10": {
        "alias": "near_humaneval_js_pass10", "pass@1,execute": 0.5, "pass@1_stderr,execute": 0.5,
        "pass@10,execute": 1.0, "pass@10_stderr,execute": 0.0, "bleu,execute": 0.3, "bleu_stderr,execute": "N/A"}},
        "config": {"model": "hf", "model_args": "pretrained=some/model,dtype=float32", "limit": None},
        "n-samples": {"near_humaneval_js_pass10": {"original": 2, "effective": 2}}, "date": 1767225600.0}
    (out / f"results_{stamp}.json").write_text(json.dumps(results))
    rows = []
    for doc_id, statuses in enumerate([["failed", "passed"], ["timeout", "timeout"]]):
        records = [json.dumps({"completion": f"return {doc_id}; // {i}", "status": s, "reason": f"{s} reason",
                               "exit_code": 0 if s == "passed" else 1}) for i, s in enumerate(statuses)]
        rows.append({"doc_id": doc_id, "target": "return x;", "filter": "execute", "metrics": ["pass@1", "bleu"],
                     "arguments": {"gen_args_0": {"arg_0": f"function f{doc_id}() {{", "arg_1": {}}},
                     "resps": [["a", "b"]], "filtered_resps": [records], "pass@1": statuses.count("passed") / 2,
                     "bleu": [["return x;", f"return {doc_id}; // {i}"] for i in range(2)]})
    (out / f"samples_near_humaneval_js_pass10_{stamp}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    run = parse_results(out / f"results_{stamp}.json")
    assert run.pretrained == "some/model" and not run.partial
    assert run.score("near_humaneval_js_pass10", "pass@10").filter == "execute"
    first, second = run.iter_samples()
    assert first.verdict == "1/2 passed" and first.reason == "failed: failed reason"
    assert "--- sample 2 ---\nreturn 0; // 1" in first.generation
    assert second.verdict == "0/2 passed" and first.numeric_metrics() == {"pass@1": 0.5}
    ev = load(tmp_path, "candidate")
    assert ev.pairs[("near_humaneval_js_pass10", "bleu")][1] == [("return x;", "return 1; // 0"),
                                                                 ("return x;", "return 1; // 1")]
