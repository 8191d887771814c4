import numpy as np
import pytest

from nearcoder.leaderboard.statistics import is_regression, paired_bootstrap_ci


def test_same_seed_same_interval_and_identical_inputs_give_zero():
    rng = np.random.default_rng(0)
    a, b = rng.random(50), rng.random(50)
    assert paired_bootstrap_ci(a, b, seed=3) == paired_bootstrap_ci(a, b, seed=3)
    ci = paired_bootstrap_ci(a, a)
    assert ci.low == ci.high == ci.mean_diff == 0.0


def test_noise_is_not_a_regression_but_a_real_drop_is():
    rng = np.random.default_rng(1)
    base = rng.binomial(1, 0.6, 200).astype(float)
    flips = rng.random(200) < 0.05  # 5% of items flip either way: noise
    noisy = np.where(flips, 1 - base, base)
    ci = paired_bootstrap_ci(noisy, base)
    assert ci.low < 0 < ci.high or abs(ci.mean_diff) < 0.03
    assert not is_regression(ci, 0.0)
    dropped = base.copy()
    dropped[np.flatnonzero(base)[:40]] = 0.0  # 40 of ~120 solved items now fail
    ci_drop = paired_bootstrap_ci(dropped, base)
    assert ci_drop.high < 0 and is_regression(ci_drop, 0.0)
    assert not is_regression(ci_drop, 0.5)  # a large allowed drop tolerates it
    assert is_regression(paired_bootstrap_ci(1 - dropped, 1 - base), 0.0, higher_is_better=False)


def test_rejects_unpaired_input():
    with pytest.raises(ValueError, match="equal-length"):
        paired_bootstrap_ci([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="no paired items"):
        paired_bootstrap_ci([], [])
