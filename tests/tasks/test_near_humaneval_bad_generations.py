"""Bad generations through the real pipeline: lm-eval's evaluator, the task YAML, the executing filter and
the sandbox. Only the model is replaced, by one that answers each problem with a chosen text, so every kind of
bad output reaches the task exactly as a model's would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.sandbox

# problem index -> (label, completion) per language; problem i gets entry i (lm-eval --limit takes the first N)
JS_CANONICAL_0 = (
    "\n  for (let i = 0; i < numbers.length; i++) {\n    for (let j = 0; j < numbers.length; j++) {\n"
    "      if (i != j && Math.abs(numbers[i] - numbers[j]) < threshold) { return true }\n    }\n  }\n"
    "  return false\n}\n"
)
RUST_CANONICAL_0 = (
    "\n    for i in 0..numbers.len() {\n        for j in 0..numbers.len() {\n"
    "            if i != j && (numbers[i] - numbers[j]).abs() < threshold { return true; }\n        }\n    }\n"
    "    false\n}\n"
)
CASES = {
    "js": [
        ("correct", JS_CANONICAL_0 + "\nconsole.log(hasCloseElements([1, 2], 0.5))\n"),
        ("empty", ""),
        ("megabytes", "\n  let s = 0\n" + "  s += 1\n" * 250_000),
        ("nul-bytes", "\n  return '\x00'.length\x00\n}\n"),
        ("invalid-utf8", "\n  return '\ufffd\ufffd' + \udcff\n}\n"),
        ("never-ends", "\n  while (true) {}\n}\n"),
        ("syntax-error", "\n  return )(\n}\n"),
        (
            "fenced-prompt",
            "Sure:\n```js\nconst filterBySubstring = (strings, substring) => {\n"
            "  return strings.filter(s => s.indexOf(substring) != -1)\n}\n```\nIt filters.\n",
        ),
    ],
    "rust": [
        ("correct", RUST_CANONICAL_0 + "\nfn main() { println!(\"hi\"); }\n"),
        ("empty", ""),
        ("megabytes", "\n    let mut s = 0;\n" + "    s += 1;\n" * 250_000),
        ("nul-bytes", "\n    let v = \"\x00\";\x00\n    vec![]\n}\n"),
        # Rust/4's tests lack abs(): any result below the right one passes, so answer too high
        ("invalid-utf8", "\n    // \ufffd \udcff\n    100.0\n}\n"),
        ("never-ends", "\n    loop {}\n}\n"),
        ("does-not-compile", "\n    this is not rust\n}\n"),
        (
            "fenced-prompt",
            "```rust\nfn filter_by_substring(strings: Vec<String>, substring:String) -> Vec<String>{\n"
            "    strings.into_iter().filter(|s| s.contains(&substring)).collect()\n}\n```",
        ),
    ],
}


def scripted_lm(completions: dict[str, str]):
    from lm_eval.api.model import LM

    class ScriptedLM(LM):
        """Answers each request with the text chosen for its problem (by task_id)."""

        def generate_until(self, requests, disable_tqdm: bool = False):
            return [completions[req.doc["task_id"]] for req in requests]

        def loglikelihood(self, requests, disable_tqdm: bool = False):
            raise NotImplementedError

        def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
            raise NotImplementedError

    return ScriptedLM()


@pytest.mark.slow  # runs lm-eval's simple_evaluate
@pytest.mark.parametrize("lang", ["js", "rust"])
def test_bad_generations_fail_with_reasons_and_the_run_completes(shared_data, lang):
    from lm_eval import simple_evaluate
    from lm_eval.tasks import TaskManager
    from lm_eval.utils import handle_non_serializable

    prefix = "JavaScript" if lang == "js" else "Rust"
    cases = CASES[lang]
    completions = {f"{prefix}/{i}": text for i, (_, text) in enumerate(cases)}
    task = f"near_humaneval_{lang}"
    out = simple_evaluate(
        model=scripted_lm(completions),
        tasks=[task],
        task_manager=TaskManager(include_path=str(REPO / "tasks"), include_defaults=False),
        limit=len(cases),
        log_samples=True,
        confirm_run_unsafe_code=True,
    )
    samples = sorted(out["samples"][task], key=lambda s: s["doc_id"])
    assert len(samples) == len(cases)
    by_label = {}
    for (label, _), sample in zip(cases, samples):
        (record,) = sample["filtered_resps"][0]
        result = json.loads(record)
        assert result["status"] and result["reason"], label
        by_label[label] = (result, sample["pass@1"])

    assert by_label["correct"][0]["status"] == "passed"
    assert by_label["correct"][1] == 1.0
    assert by_label["fenced-prompt"][0]["status"] == "passed", by_label["fenced-prompt"][0]
    assert {"markdown-fence", "restated-signature"} <= set(by_label["fenced-prompt"][0]["cut_notes"])
    for label in [lbl for lbl, _ in cases if lbl not in ("correct", "fenced-prompt")]:
        result, score = by_label[label]
        assert result["status"] != "passed" and score == 0.0, (label, result)
    never_ends = by_label["never-ends"][0]
    # the status may be `timeout` or `failed` depending on the runner; the reason must say it timed out
    assert never_ends["status"] == "timeout" or "timed out" in never_ends["reason"], never_ends
    assert "empty" in by_label["empty"][0]["cut_notes"]
    assert "nul-removed" in by_label["nul-bytes"][0]["cut_notes"]
    assert "invalid-utf8-replaced" in by_label["invalid-utf8"][0]["cut_notes"]
    assert any(n.startswith("input-truncated") for n in by_label["megabytes"][0]["cut_notes"])
    if lang == "rust":
        assert by_label["does-not-compile"][0]["status"] == "compile_error"

    metrics = out["results"][task]
    assert metrics["pass@1,execute"] == pytest.approx(2 / len(cases))
    assert 0.0 <= metrics["bleu,execute"] <= 1.0
    # what --log_samples writes must serialise (lm-eval's own encoder), our part without lossy escapes
    for sample in samples:
        str(sample["filtered_resps"]).encode("utf-8")  # lm-eval writes them with str()
        json.dumps(sample, default=handle_non_serializable)
