"""Per-item sufficient statistics of the corpus-level text metrics the tasks report (sacrebleu BLEU and chrF
on a 0-1 scale, as ``harness/text_metrics.py`` computes them), so the gate can bootstrap them over items."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

CORPUS_METRICS = ("bleu", "chrf")


def item_statistics(metric: str, pairs: Sequence[tuple[str, str]]) -> tuple[np.ndarray, Callable[[np.ndarray], float]]:
    """(statistics per item, score of summed statistics) for ``[reference, prediction]`` pairs."""
    from sacrebleu.metrics import BLEU, CHRF

    from nearcoder.harness.text_metrics import clip

    if metric not in CORPUS_METRICS:
        raise ValueError(f"no corpus statistics for {metric!r}; known: {CORPUS_METRICS}")
    scorer = BLEU() if metric == "bleu" else CHRF()
    refs = [clip(r) for r, _ in pairs]
    preds = [clip(p) for _, p in pairs]
    stats = np.asarray(scorer._extract_corpus_statistics(preds, [refs]), dtype=float)

    def score(summed: np.ndarray) -> float:
        return scorer._compute_score_from_stats([int(x) for x in summed]).score / 100.0

    return stats, score


def as_pair(value: object) -> tuple[str, str] | None:
    """A logged ``[reference, prediction]`` pair, or None."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0], value[1]
    return None
