"""Per-item sufficient statistics of the corpus-level text metrics the tasks report (sacrebleu BLEU and chrF
on a 0-1 scale, as ``harness/text_metrics.py`` computes them), so the gate can bootstrap them over items."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

CORPUS_METRICS = ("bleu", "chrf")


def item_statistics(
    metric: str, items: Sequence[Sequence[tuple[str, str]]]
) -> tuple[np.ndarray, Callable[[np.ndarray], float]]:
    """(statistics per item, score of summed statistics); an item holds one or more (reference, prediction)."""
    from sacrebleu.metrics import BLEU, CHRF

    from nearcoder.harness.text_metrics import clip

    if metric not in CORPUS_METRICS:
        raise ValueError(f"no corpus statistics for {metric!r}; known: {CORPUS_METRICS}")
    scorer = BLEU() if metric == "bleu" else CHRF()
    pairs = [pair for item in items for pair in item]
    refs = [clip(r) for r, _ in pairs]
    preds = [clip(p) for _, p in pairs]
    per_pair = np.asarray(scorer._extract_corpus_statistics(preds, [refs]), dtype=float)
    owner = np.repeat(np.arange(len(items)), [len(item) for item in items])
    stats = np.zeros((len(items), per_pair.shape[1]))
    np.add.at(stats, owner, per_pair)  # statistics are additive: an item's pairs sum

    def score(summed: np.ndarray) -> float:
        return scorer._compute_score_from_stats([int(x) for x in summed]).score / 100.0

    return stats, score


def _is_pair(value: object) -> bool:
    return isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value)


def as_pairs(value: object) -> list[tuple[str, str]] | None:
    """An item's logged ``[reference, prediction]`` pair, or list of pairs (one per sample, pass@k tasks)."""
    if _is_pair(value):
        return [(value[0], value[1])]
    if isinstance(value, (list, tuple)) and value and all(_is_pair(v) for v in value):
        return [(v[0], v[1]) for v in value]
    return None
