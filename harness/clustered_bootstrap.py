"""A cluster bootstrap interval for a mean score: items that share a cluster are resampled together.

Benchmark items are not independent when several come from one source (``near_dapp_trees`` takes up to three
pairs from one repository). Resampling items would then understate the uncertainty; this resamples whole
clusters with replacement and recomputes the item-weighted mean each time (percentile interval). Pure,
seeded and deterministic: the same inputs and seed give the same interval. Used by the task READMEs and
available to the leaderboard (harness core: it imports only numpy).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_ITERS = 10_000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 20261203


@dataclass(frozen=True)
class ClusteredInterval:
    mean: float  # the item-weighted mean of the data itself
    low: float
    high: float
    n_items: int
    n_clusters: int
    iters: int
    confidence: float


def clustered_bootstrap_ci(values: Sequence[float], clusters: Sequence[Hashable], *, iters: int = DEFAULT_ITERS,
                           confidence: float = DEFAULT_CONFIDENCE, seed: int = DEFAULT_SEED) -> ClusteredInterval:
    """Percentile interval of the mean of ``values``, resampling the clusters named by ``clusters[i]``."""
    scores = np.asarray(values, dtype=float)
    if scores.ndim != 1 or scores.size == 0:
        raise ValueError(f"values must be a non-empty vector, got shape {scores.shape}")
    if len(clusters) != scores.size:
        raise ValueError(f"{len(clusters)} cluster labels for {scores.size} values")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if iters < 1:
        raise ValueError(f"iters must be >= 1, got {iters}")
    labels = {label: i for i, label in enumerate(dict.fromkeys(clusters))}
    index = np.fromiter((labels[c] for c in clusters), dtype=np.int64, count=scores.size)
    sums = np.bincount(index, weights=scores, minlength=len(labels))
    counts = np.bincount(index, minlength=len(labels)).astype(float)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(labels), size=(iters, len(labels)))
    means = sums[draws].sum(axis=1) / counts[draws].sum(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return ClusteredInterval(float(scores.mean()), float(low), float(high), int(scores.size), len(labels), iters,
                             confidence)
