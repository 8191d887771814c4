"""Pure, typed statistics for the regression gate: a seeded paired bootstrap over items, one-sided bootstrap
p-values, Holm's family-wise correction and the minimum detectable drop."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Callable, Sequence

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
    resampled: np.ndarray | None = field(default=None, compare=False, repr=False)  # the bootstrap means

    @property
    def standard_error(self) -> float:
        """Bootstrap standard error of the paired difference (0 when the resamples were not kept)."""
        return float(np.std(self.resampled, ddof=1)) if self.resampled is not None and self.resampled.size > 1 \
            else 0.0


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
    return BootstrapCI(float(diffs.mean()), float(low), float(high), int(diffs.size), iters, confidence, means)


def is_regression(ci: BootstrapCI, max_drop: float, higher_is_better: bool = True) -> bool:
    """A regression only when the whole CI says the candidate lost more than ``max_drop``."""
    if higher_is_better:
        return ci.high < -max_drop
    return ci.low > max_drop


def paired_bootstrap_corpus_ci(
    candidate_stats: np.ndarray,
    baseline_stats: np.ndarray,
    score: Callable[[np.ndarray], float],
    *,
    iters: int = DEFAULT_ITERS,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = DEFAULT_SEED,
) -> BootstrapCI:
    """Paired bootstrap for corpus-level metrics (BLEU, chrF) from additive per-item sufficient statistics.

    ``*_stats[i]`` are item i's statistics (n-gram matches, lengths); ``score`` maps summed statistics to the
    corpus score. Each resample draws the same items for both sides, as sacrebleu's paired bootstrap does.
    """
    c = np.asarray(candidate_stats, dtype=float)
    b = np.asarray(baseline_stats, dtype=float)
    if c.shape != b.shape or c.ndim != 2:
        raise ValueError(f"paired statistics must be equal-shape (items, stats) arrays, got {c.shape} and {b.shape}")
    if c.shape[0] == 0:
        raise ValueError("no paired items to bootstrap")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    rng = np.random.default_rng(seed)
    diffs = np.empty(iters)
    for k in range(iters):
        idx = rng.integers(0, c.shape[0], size=c.shape[0])
        diffs[k] = score(c[idx].sum(axis=0)) - score(b[idx].sum(axis=0))
    alpha = (1 - confidence) / 2
    low, high = np.quantile(diffs, [alpha, 1 - alpha])
    full = score(c.sum(axis=0)) - score(b.sum(axis=0))
    return BootstrapCI(float(full), float(low), float(high), int(c.shape[0]), iters, confidence, diffs)


def regression_p_value(ci: BootstrapCI, max_drop: float, higher_is_better: bool = True) -> float:
    """One-sided bootstrap p-value of "the candidate lost more than ``max_drop``".

    H0: true difference >= -max_drop (higher is better). p = (1 + #resamples >= -max_drop) / (iters + 1): the
    dual of the percentile interval, so ``p < a`` exactly when the one-sided (1 - a) upper percentile bound
    lies below -max_drop; the +1 keeps p > 0 with finitely many resamples.
    """
    if ci.resampled is None:
        raise ValueError("the bootstrap resamples were not kept; cannot compute a p-value")
    if higher_is_better:
        beyond = int(np.count_nonzero(ci.resampled >= -max_drop))
    else:
        beyond = int(np.count_nonzero(ci.resampled <= max_drop))
    return (1 + beyond) / (ci.resampled.size + 1)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given): reject check i at family-wise level alpha
    exactly when its adjusted p <= alpha. Controls the family-wise error rate under any dependence."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def minimum_detectable_drop(standard_error: float, alpha: float, power: float = 0.8) -> float:
    """The smallest true drop (beyond the allowance) that a one-sided level-``alpha`` test detects with
    probability ``power``, in the paired normal approximation: (z[1-alpha] + z[power]) x SE, where SE is the
    standard error of mean(candidate - baseline) (the bootstrap's, i.e. about sd(per-item differences)/sqrt(n))."""
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError(f"alpha and power must be in (0, 1), got {alpha}, {power}")
    z = NormalDist().inv_cdf
    return (z(1 - alpha) + z(power)) * standard_error
