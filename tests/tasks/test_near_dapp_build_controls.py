"""Every spec's generated negative controls fail in the real sandbox (CI's test-strength check): the `todo!()`
stub and the "returns defaults, never panics" stub score functionality 0; the reference with its checks removed
(`no_checks`) fails negative tests (it still does the happy path right, so its positive tests pass and its
functionality stays below the reference's 1.0).

A failure names the spec whose hidden tests let a contract without the behaviour through: strengthen the
spec's tests (specs/rust/<id>/tests.rs), never this assertion. Needs the prepared near-sdk caches."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_dapp_build import cache
from nearcoder.tasks.near_dapp_build.controls import CONTROLS, control
from nearcoder.tasks.near_dapp_build.specs import load_specs

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]
SPECS = load_specs("rust")


def test_controls_are_generated_for_every_spec():
    for spec in SPECS:
        for kind in CONTROLS:
            code = control(kind, spec.reference)
            assert code != spec.reference or kind == "no_checks", (spec.id, kind)
            assert f"pub struct {spec.contract}" in code
        assert "todo!()" in control("todo", spec.reference)
        assert "require!(" not in control("no_checks", spec.reference)


@pytest.fixture(scope="module")
def scored():
    from nearcoder.sandboxes.factory import backend_class
    from nearcoder.tasks.near_dapp_build.selftest import score_controls

    ok, why = backend_class().available()
    if not ok:
        pytest.skip(f"sandbox backend unavailable: {why}")
    try:
        cache.load_rust_recipe()
    except cache.CacheNotPrepared as exc:
        pytest.skip(str(exc))
    return score_controls(SPECS, backend=backend_class()())


@pytest.mark.parametrize("kind", [k for k in CONTROLS if k != "no_checks"])
@pytest.mark.parametrize("spec_id", [s.id for s in SPECS])
def test_stub_controls_score_zero(scored, spec_id, kind):
    r = scored[(spec_id, kind)]
    passed = [name for name, verdict in r["tests"].items() if verdict == "passed"]
    assert r["functionality"] == 0.0, f"{spec_id}/{kind} passes {passed}: these tests do not need the behaviour"


@pytest.mark.parametrize("spec_id", [s.id for s in SPECS])
def test_the_reference_without_its_checks_fails_negative_tests(scored, spec_id):
    """`no_checks` deletes statement-level checks only; rejections that near-sdk makes itself or that sit inside an
    expression (`.expect(...)`) stay, so some negative tests may still pass — but never all of them."""
    from nearcoder.tasks.near_dapp_build.hidden_tests import parse_tests

    spec = next(s for s in SPECS if s.id == spec_id)
    negative = {t.name for t in parse_tests(spec.tests) if t.should_panic}
    r = scored[(spec_id, "no_checks")]
    caught = sorted(n for n in negative if r["tests"].get(n) != "passed")
    assert negative and caught, f"{spec_id}/no_checks passes every negative test: they do not test its checks"
    assert r["functionality"] < 1.0
