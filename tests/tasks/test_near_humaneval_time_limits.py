"""Per-problem time limits derived from the reference run (``execution.time_limit``): the formula, and the same
verdicts, program by program, as with the full 10 s limit on canonical + buggy solutions of 40 problems."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_humaneval.execution import (
    TIME_LIMIT_FACTOR,
    TIME_LIMIT_FLOOR,
    Reference,
    execute_samples,
    explain_limit,
    time_limit,
)

# Problems whose buggy solutions time out or run out of memory (JS 10, 25, 155, 156; Rust 156), Rust/32's
# seeded Newton's method, and every fourth problem below 144 besides: 40 problems.
SAMPLE = sorted({10, 25, 155, 156, *range(0, 144, 4)})


def ref(seconds: float) -> Reference:
    return Reference(source="", records=[], outcome={"duration": seconds})


def test_time_limit_follows_the_reference_cpu_time_where_measured():
    """A batch measures the reference's CPU time, which load hardly changes; wall time is the fallback."""
    measured = Reference(source="", records=[], outcome={"duration": 0.4, "cpu_seconds": 0.07})
    assert time_limit(measured, 10) == pytest.approx(TIME_LIMIT_FACTOR * 0.07)
    assert "0.070s of CPU" in explain_limit(measured, time_limit(measured, 10))
    assert time_limit(ref(0.25), 10) == pytest.approx(TIME_LIMIT_FACTOR * 0.25)


def test_time_limit_is_factor_times_reference_between_floor_and_ceiling():
    assert time_limit(ref(0.001), 10) == TIME_LIMIT_FLOOR
    assert time_limit(ref(0.25), 10) == pytest.approx(TIME_LIMIT_FACTOR * 0.25)
    assert time_limit(ref(3.0), 10) == 10  # never above the run's limit
    assert time_limit(ref(0.25), 1.5) == 1.5


@pytest.mark.sandbox
@pytest.mark.slow
@pytest.mark.parametrize("lang", ["js", "rust"])
def test_derived_limits_keep_every_verdict(shared_data, lang):
    from nearcoder.tasks.near_humaneval.programs import reference_completion
    from nearcoder.tasks.near_humaneval.selftest import load_records

    records = load_records(lang)
    docs = [records[i] for i in SAMPLE]
    assert len(docs) == 40
    completions = [[reference_completion(d, "canonical_solution"), reference_completion(d, "buggy_solution")]
                   for d in docs]
    derived = execute_samples(docs, completions, progress=False)
    full = execute_samples(docs, completions, progress=False, derived_limits=False)
    for doc, d_row, f_row in zip(docs, derived, full):
        canonical, buggy = d_row
        assert canonical.passed and f_row[0].passed, (doc["task_id"], canonical.reason, f_row[0].reason)
        assert not buggy.passed and not f_row[1].passed, (doc["task_id"], buggy.reason, f_row[1].reason)
        for d, f in zip(d_row, f_row):
            # Same status, except a program that ran into a limit may hit the shorter clock first.
            assert d.status == f.status or (d.status == "timeout" and f.status in ("timeout", "memory")), \
                (doc["task_id"], d.status, d.reason, f.status, f.reason)
            if d.status == "timeout":
                assert "this problem's CPU-time limit" in d.reason and d.duration < 10, (doc["task_id"], d.reason)
    assert any(s.status == "timeout" for row in derived for s in row)  # the sample holds looping programs
