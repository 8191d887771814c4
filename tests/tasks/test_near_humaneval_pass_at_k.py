"""The unbiased pass@k estimator against the exact binomial formula, and BLEU aggregation."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nearcoder.tasks.near_humaneval.pass_at_k import mean_pass_at_k, pass_at_k


def exact(n: int, c: int, k: int) -> Fraction:
    return 1 - Fraction(comb(n - c, k), comb(n, k))


@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.just(n), st.integers(0, n), st.integers(1, n))))
def test_matches_exact_binomial_formula(nck):
    n, c, k = nck
    assert pass_at_k(n, c, k) == pytest.approx(float(exact(n, c, k)), abs=1e-12)


def test_known_values():
    assert pass_at_k(20, 0, 1) == 0.0
    assert pass_at_k(20, 20, 10) == 1.0
    assert pass_at_k(20, 5, 1) == pytest.approx(0.25)
    assert pass_at_k(1, 1, 1) == 1.0
    assert pass_at_k(20, 1, 10) == pytest.approx(0.5)
    assert pass_at_k(20, 11, 10) == 1.0  # fewer than k failures: some passing sample is always drawn


def test_mean_over_problems():
    assert mean_pass_at_k([(20, 5), (20, 0)], 1) == pytest.approx(0.125)


@pytest.mark.parametrize("n,c,k", [(0, 0, 1), (5, 6, 1), (5, -1, 1), (5, 1, 0), (5, 1, 6)])
def test_rejects_impossible_arguments(n, c, k):
    with pytest.raises(ValueError):
        pass_at_k(n, c, k)


def test_mean_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        mean_pass_at_k([], 1)


def test_bleu_aggregation_flattens_samples():
    from nearcoder.tasks.near_humaneval import utils

    ref = "\n  return a + b\n}\n"
    assert utils.agg_bleu([[(ref, ref)], [(ref, ref), (ref, ref)]]) == pytest.approx(1.0)
    assert utils.agg_bleu([[(ref, "")]]) == 0.0
    assert 0.0 < utils.agg_bleu([[(ref, "\n  return a - b\n}\n")]]) < 1.0
    assert utils.agg_bleu([]) == 0.0


def test_process_results_counts_passes_per_document():
    from nearcoder.tasks.near_humaneval import utils

    doc = {"canonical_solution": "x"}
    samples = [{"status": "passed", "completion": "x"}] * 5 + [{"status": "compile_error", "completion": "y"}] * 15
    scores = utils.process_results(doc, [samples])
    assert scores["pass@1"] == pytest.approx(0.25)
    assert scores["pass@10"] == pytest.approx(float(exact(20, 5, 10)))
    assert len(scores["bleu"]) == 20
    greedy = utils.process_results(doc, [[{"status": "timeout", "completion": "y"}]])
    assert greedy["pass@1"] == 0.0 and "pass@10" not in greedy


def test_process_results_reads_the_filters_json_records():
    import json

    from nearcoder.tasks.near_humaneval import utils

    records = [json.dumps({"status": s, "completion": "x"}) for s in ["passed", "failed", "timeout", "passed"]]
    assert utils.process_results({"canonical_solution": "x"}, [records])["pass@1"] == pytest.approx(0.5)
