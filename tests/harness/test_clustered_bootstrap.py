"""The repository-clustered bootstrap interval: seeded, widens with within-cluster correlation, checks input."""

from __future__ import annotations

import numpy as np
import pytest

from nearcoder.harness.clustered_bootstrap import clustered_bootstrap_ci


def test_same_seed_same_interval_and_the_mean_is_the_data_mean():
    values = [0.1, 0.4, 0.5, 0.9, 0.3, 0.7]
    clusters = ["a", "a", "b", "c", "c", "d"]
    first = clustered_bootstrap_ci(values, clusters, iters=2_000, seed=7)
    assert first == clustered_bootstrap_ci(values, clusters, iters=2_000, seed=7)
    assert first.mean == pytest.approx(np.mean(values)) and first.low <= first.mean <= first.high
    assert (first.n_items, first.n_clusters) == (6, 4)


def test_correlated_clusters_give_a_wider_interval_than_independent_items():
    rng = np.random.default_rng(0)
    cluster_means = rng.uniform(0, 1, 10)
    values = np.repeat(cluster_means, 6) + rng.normal(0, 0.01, 60)
    clustered = clustered_bootstrap_ci(values, np.repeat(np.arange(10), 6), iters=4_000)
    independent = clustered_bootstrap_ci(values, np.arange(60), iters=4_000)
    assert (clustered.high - clustered.low) > 1.8 * (independent.high - independent.low)


def test_a_constant_score_has_a_zero_width_interval_and_bad_input_is_refused():
    ci = clustered_bootstrap_ci([1.0] * 5, ["r1", "r1", "r2", "r3", "r3"], iters=500)
    assert ci.low == ci.high == 1.0
    with pytest.raises(ValueError, match="cluster labels"):
        clustered_bootstrap_ci([0.5, 0.5], ["a"])
    with pytest.raises(ValueError, match="non-empty"):
        clustered_bootstrap_ci([], [])
    with pytest.raises(ValueError, match="confidence"):
        clustered_bootstrap_ci([0.5], ["a"], confidence=1.0)
