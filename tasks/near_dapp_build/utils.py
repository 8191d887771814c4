"""lm-eval hooks for ``near_dapp_build_rust`` and ``near_dapp_build_js``.

The dataset is the project's own specs (``specs/``). A ``custom`` filter sees every reply at once, builds and
tests them in parallel in the sandbox (``scoring.score_samples``) and replaces each reply by its result as
JSON, so ``--log_samples`` keeps the build output next to the reply, in the shape the leaderboard's sample
view reads (``completion``, ``status``, ``reason``, ``tests``). ``process_results`` reads the metrics back.
"""

from __future__ import annotations

import json
import math

from nearcoder.tasks.near_dapp_build.specs import DIFFICULTIES, load_specs, render_prompt


def _docs(language: str):
    """The dataset; first, the cache check, so a run without ``nearcoder prepare dapp-build`` fails before it
    generates anything (an evaluation never downloads or builds the near-sdk cache)."""
    import datasets

    from nearcoder.tasks.near_dapp_build import cache

    cache.load_rust_recipe() if language == "rust" else cache.load_js_modules()

    rows = [
        {
            "id": s.id,
            "language": s.language,
            "title": s.title,
            "contract": s.contract,
            "seed": s.seed,
            "difficulty": s.difficulty,
            "methods": [m.name for m in s.methods],
            "test_names": s.test_names,
            "prompt": render_prompt(s),
        }
        for s in load_specs(language)
    ]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(rows)})


def load_rust_specs(**kwargs):
    return _docs("rust")


def load_js_specs(**kwargs):
    return _docs("js")


def build_and_test(resps: list[list[str]], docs: list[dict]) -> list[list[str]]:
    """The filter: every reply of every doc becomes its build/test result (a JSON string), built in parallel."""
    from nearcoder.tasks.near_dapp_build.scoring import score_samples

    specs = {(s.language, s.id): s for lang in ("rust", "js") for s in load_specs(lang)}
    pairs = [(specs[(doc["language"], doc["id"])], reply) for doc, replies in zip(docs, resps) for reply in replies]
    results = score_samples(pairs, progress=True)
    out, i = [], 0
    for replies in resps:
        out.append([json.dumps(r) for r in results[i : i + len(replies)]])
        i += len(replies)
    return out


def _result(results) -> dict:
    first = results[0] if results else "{}"
    if isinstance(first, list):
        first = first[0] if first else "{}"
    return json.loads(first) if isinstance(first, str) else dict(first)


def process_results(doc: dict, results) -> dict:
    r = _result(results)
    metrics = {
        "functionality": float(r.get("functionality", 0.0)),
        "interface": float(r.get("interface", 0.0)),
    }
    if doc["language"] == "rust":
        for level in DIFFICULTIES:  # the doc's own level; None elsewhere, so each mean covers its level only
            metrics[f"functionality_{level}"] = metrics["functionality"] if doc["difficulty"] == level else None
        metrics["build"] = float(bool(r.get("build")))
        metrics["rustfmt_clean"] = float(bool(r.get("rustfmt_clean")))
        metrics["warnings_per_100_lines"] = r.get("warnings_per_100_lines")
    else:  # JS: the type check alone, and the behaviour tests (0 unless the type check passed)
        metrics["typecheck"] = float(bool(r.get("typecheck")))
    return metrics


def mean_of_present(values: list) -> float:
    """Mean over the samples that carry a value (warnings: those that compiled; functionality_<level>: the specs
    of that difficulty); NaN when none does."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else math.nan
