"""lm-eval hooks for ``near_humaneval_{js,rust}[_pass10]``: data, prompt, the executing filter and scoring.

The filter ``execute`` sees every response of the task at once and runs them in the sandbox in one batch.
Its output, one JSON object per sample (cut completion, sandbox status, reason, ...), is what
``--log_samples`` records as ``filtered_resps``: JSON text, because lm-eval writes each filtered response
with ``str()``. ``process_results`` then only counts passes per document.
"""

from __future__ import annotations

import json

from nearcoder.harness.data_sources import load_hub_or_mirror
from nearcoder.harness.text_metrics import corpus_bleu
from nearcoder.tasks.near_humaneval.execution import execute_samples
from nearcoder.tasks.near_humaneval.pass_at_k import pass_at_k
from nearcoder.tasks.near_humaneval.programs import prompt_text

HUB_PATH = "bigcode/humanevalpack"
PASS_AT_K = (1, 10)


def load_js(**kwargs):
    """HumanEvalPack JavaScript: the hub config ``js`` or ``humanevalpack/js.jsonl`` in the mirror."""
    return load_hub_or_mirror(HUB_PATH, "js", "humanevalpack/js.jsonl")


def load_rust(**kwargs):
    """HumanEvalPack Rust: the hub config ``rust`` or ``humanevalpack/rust.jsonl`` in the mirror."""
    return load_hub_or_mirror(HUB_PATH, "rust", "humanevalpack/rust.jsonl")


def doc_to_text(doc: dict) -> str:
    return prompt_text(doc)


def execute(resps: list[list[str]], docs: list[dict]) -> list[list[str]]:
    """lm-eval custom filter: run every sample of every document; one JSON record per sample."""
    results = execute_samples(list(docs), [list(r) for r in resps])
    # ASCII JSON: whatever bytes a program printed, the record always writes as UTF-8
    return [[json.dumps(sample.to_dict()) for sample in row] for row in results]


def sample_records(filtered: list) -> list[dict]:
    """The per-sample records of one document, from :func:`execute`'s JSON (dicts pass through)."""
    return [json.loads(item) if isinstance(item, str) else dict(item) for item in filtered]


def process_results(doc: dict, results: list) -> dict:
    """pass@k for every k the sample count allows, and the (reference, completion) pairs for BLEU."""
    samples = sample_records(results[0])
    n = len(samples)
    c = sum(1 for s in samples if s["status"] == "passed")
    scores: dict = {f"pass@{k}": pass_at_k(n, c, k) for k in PASS_AT_K if k <= n}
    scores["bleu"] = [(doc["canonical_solution"], s["completion"]) for s in samples]
    return scores


def agg_bleu(items: list[list[tuple[str, str]]]) -> float:
    """Corpus BLEU (sacrebleu, 0-1) of every completion against its canonical solution."""
    pairs = [pair for doc_pairs in items for pair in doc_pairs]
    if not pairs:
        return 0.0
    refs, preds = zip(*pairs)
    return corpus_bleu(list(preds), list(refs))
