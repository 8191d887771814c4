"""Pure, typed statistics for the regression gate: a seeded paired bootstrap over items."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

DEFAULT_ITERS = 10_000
DEFAULT_CONFIDENCE = 0.95
DEFAULT_SEED = 20240607


@dataclass(frozen=True)
class BootstrapCI:
    mean_diff: float  # candidate - baseline, averaged over items
    low: float
    high: float
    n_items: int
    iters: int
    confidence: float


def paired_bootstrap_ci(
    candidate: Sequence[float],
    baseline: Sequence[float],
    *,
    iters: int = DEFAULT_ITERS,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> BootstrapCI:
    """Percentile CI of mean(candidate - baseline) resampling items with replacement, both sides together.

    ``candidate[i]`` and ``baseline[i]`` must score the same item. Same inputs and seed give the same CI.
    """
    c = np.asarray(candidate, dtype=float)
    b = np.asarray(baseline, dtype=float)
    if c.shape != b.shape or c.ndim != 1:
        raise ValueError(f"paired samples must be equal-length vectors, got {c.shape} and {b.shape}")
    if c.size == 0:
        raise ValueError("no paired items to bootstrap")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    diffs = c - b
    rng = np.random.default_rng(seed)
    means = np.empty(iters)
    chunk = max(1, 2_000_000 // diffs.size)
    for start in range(0, iters, chunk):
        stop = min(iters, start + chunk)
        idx = rng.integers(0, diffs.size, size=(stop - start, diffs.size))
        means[start:stop] = diffs[idx].mean(axis=1)
    alpha = (1 - confidence) / 2
    low, high = np.quantile(means, [alpha, 1 - alpha])
    return BootstrapCI(float(diffs.mean()), float(low), float(high), int(diffs.size), iters, confidence)


def is_regression(ci: BootstrapCI, max_drop: float, higher_is_better: bool = True) -> bool:
    """A regression only when the whole CI says the candidate lost more than ``max_drop``."""
    if higher_is_better:
        return ci.high < -max_drop
    return ci.low > max_drop
