"""Writes lm-eval-layout output directories with chosen scores and per-item values.

Used by the benchmark, the tests and demos to produce many runs quickly; the layout and keys are those of
lm-eval 0.4.13 (``<out>/<model_sanitized>/results_<ts>.json`` + ``samples_<task>_<ts>.jsonl``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Mapping, Sequence


def write_output_dir(
    out: Path,
    model: str,
    item_scores: Mapping[str, Mapping[str, Sequence[float]]],
    *,
    timestamp: str = "2026-01-01T00-00-00.000000",
    limit: float | None = None,
    parameters: int | None = None,
    outcomes: Mapping[str, Sequence[dict]] | None = None,
    date: float = 1767225600.0,
    task_versions: Mapping[str, object] | None = None,
    data_tag: str = "",
    kind: str | None = None,
) -> Path:
    """``item_scores[task][metric]`` lists per-item values; the aggregate is their mean, or the corpus BLEU/chrF
    when the values are ``(reference, prediction)`` pairs. ``task_versions`` overrides a task's version (default
    0.1), ``data_tag`` changes every task's item hash (other data), ``kind="baseline"`` marks a floor row.
    Returns the results file."""
    sanitized = model.replace("/", "__")
    directory = Path(out) / sanitized
    directory.mkdir(parents=True, exist_ok=True)
    results, n_samples, hib, versions, hashes = {}, {}, {}, {}, {}
    for task, metrics in item_scores.items():
        entry = {"name": task, "alias": task}
        n = 0
        for metric, values in metrics.items():
            n = len(values)
            if values and isinstance(values[0], (list, tuple)):  # [reference, prediction] pairs: corpus metric
                from nearcoder.harness.text_metrics import corpus_bleu, corpus_chrf

                scorer = corpus_bleu if metric == "bleu" else corpus_chrf
                entry[f"{metric},none"] = scorer([p for _, p in values], [r for r, _ in values])
                entry[f"{metric}_stderr,none"] = "N/A"
                continue
            mean = sum(values) / n
            var = sum((v - mean) ** 2 for v in values) / (n - 1) if n > 1 else 0.0
            entry[f"{metric},none"] = mean
            entry[f"{metric}_stderr,none"] = (var / n) ** 0.5 if n > 1 else "N/A"
        results[task] = entry
        n_samples[task] = {"original": n if limit is None else n * 2, "effective": n}
        hib[task] = {m: True for m in metrics}
        versions[task] = (task_versions or {}).get(task, 0.1)
        hashes[task] = hashlib.sha256((task + data_tag).encode()).hexdigest()
        with (directory / f"samples_{task}_{timestamp}.jsonl").open("w") as fh:
            for i in range(n):
                row = {"doc_id": i, "doc": {"id": f"{task}-{i}"}, "target": f"reference {i}",
                       "arguments": {"gen_args_0": {"arg_0": f"Prompt {i} for {task}", "arg_1": {}}},
                       "resps": [[f"generation {i}"]], "filtered_resps": [f"generation {i}"], "filter": "none",
                       "metrics": list(metrics)}
                for metric, values in metrics.items():
                    row[metric] = list(values[i]) if isinstance(values[i], (list, tuple)) else values[i]
                if outcomes and task in outcomes:
                    row["outcome"] = outcomes[task][i]
                fh.write(json.dumps(row) + "\n")
    data = {
        "results": results, "group_subtasks": {}, "configs": {}, "versions": versions,
        "n-shot": {t: 0 for t in item_scores}, "higher_is_better": hib, "n-samples": n_samples,
        "config": {"model": "hf", "model_args": {"pretrained": model, "dtype": "float32"},
                   "model_num_parameters": parameters, "batch_size": 1, "device": "cpu", "limit": limit,
                   "bootstrap_iters": 100000, "gen_kwargs": {}, "random_seed": 0},
        "git_hash": "0000000", "date": date, "lm_eval_version": "0.4.13", "task_hashes": hashes,
        "model_source": "hf", "model_name": model, "model_name_sanitized": sanitized,
    }
    if kind is not None:
        data["nearcoder_provenance"] = {"kind": kind}
    path = directory / f"results_{timestamp}.json"
    path.write_text(json.dumps(data, indent=2))
    return path


def simulated_pair(rng, n_items: int, drop: float = 0.0) -> tuple[list[float], list[float]]:
    """Per-item 0/1 outcomes of a (candidate, baseline) pair of checkpoints on ``n_items`` items.

    Items differ in difficulty (pass probabilities uniform on [0, 1], shared by both sides, as real items are
    easy or hard for every checkpoint); each side draws its own outcomes. ``drop`` > 0 scales the candidate's
    probabilities so its expected score is ``drop`` lower: drop=0 is two checkpoints of equal quality.
    """
    import numpy as np

    p = rng.uniform(0.0, 1.0, n_items)
    p_cand = np.clip(p * (1.0 - drop / p.mean()), 0.0, 1.0) if drop else p
    return ((rng.random(n_items) < p_cand).astype(float).tolist(), (rng.random(n_items) < p).astype(float).tolist())
