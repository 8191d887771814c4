"""The Rust dApp specs' hidden tests follow the agreed format (no sandbox needed).

Hidden tests are compiled as their own crate that uses the contract crate; the harness adds the import of the
contract's public items. So a tests.rs never imports the contract itself, uses only fully qualified std macros
(a model's `macro_rules! assert_eq` cannot shadow them), and every expected panic names its message, which the
spec's error contract states (a bare `#[should_panic]` passes on any panic, e.g. a `todo!()`).
"""

from __future__ import annotations

import re
import tomllib

import pytest

from nearcoder.tasks.near_dapp_build.specs import SPECS_DIR, load_specs, render_prompt

RUST_SPECS = load_specs("rust")
DIFFICULTIES = {"easy", "medium", "hard"}
_SHOULD_PANIC = re.compile(r"#\[should_panic(?P<args>[^\]]*)\]")
_EXPECTED = re.compile(r'^\(\s*expected\s*=\s*"(?P<msg>(?:[^"\\]|\\.)+)"\s*\)$')
# std macros a test may use only fully qualified (a glob import of the contract could shadow the short name)
_UNQUALIFIED_MACRO = re.compile(
    r"(?<![\w:])(assert|assert_eq|assert_ne|panic|vec|format|matches|debug_assert|unreachable|todo)!")


def _meta(spec_id: str) -> dict:
    return tomllib.loads((SPECS_DIR / "rust" / spec_id / "spec.toml").read_text())


def _code(tests: str) -> str:
    """tests.rs without comments and string literals (so prose cannot trip the checks)."""
    tests = re.sub(r"//[^\n]*", "", tests)
    return re.sub(r'"(?:[^"\\]|\\.)*"', '""', tests)


def test_at_least_24_rust_specs_with_a_difficulty():
    assert len(RUST_SPECS) >= 24
    for spec in RUST_SPECS:
        assert _meta(spec.id).get("difficulty") in DIFFICULTIES, spec.id
    counts = {d: sum(_meta(s.id)["difficulty"] == d for s in RUST_SPECS) for d in DIFFICULTIES}
    assert all(counts.values()), counts


@pytest.mark.parametrize("spec", RUST_SPECS, ids=lambda s: s.id)
def test_hidden_tests_follow_the_format(spec):
    code = _code(spec.tests)
    assert len(spec.test_names) >= 6, f"{spec.id}: {len(spec.test_names)} tests"
    assert "use super::" not in code and "near_contract" not in code, f"{spec.id} imports the contract itself"
    assert not re.search(r"macro_rules!|#!?\[cfg|\bmod\s+\w+", code), spec.id
    bad = sorted(set(_UNQUALIFIED_MACRO.findall(code)))
    assert not bad, f"{spec.id}: unqualified std macros {bad} (write ::core::assert_eq!, ::std::vec!, ...)"


@pytest.mark.parametrize("spec", RUST_SPECS, ids=lambda s: s.id)
def test_every_expected_panic_names_a_message_of_the_error_contract(spec):
    found = _SHOULD_PANIC.findall(spec.tests)
    assert found, f"{spec.id} has no negative test"
    prompt = render_prompt(spec)
    assert "Errors" in spec.behaviour, f"{spec.id}: the prompt states no error contract"
    for args in found:
        m = _EXPECTED.match(args.strip())
        assert m, f"{spec.id}: #[should_panic{args}] must name its message: #[should_panic(expected = \"...\")]"
        assert f"`{m.group('msg')}`" in prompt, f"{spec.id}: {m.group('msg')!r} is not in the prompt's error contract"


def test_the_bare_should_panic_check_catches_one():
    code = "#[test]\n#[should_panic]\nfn f() {}\n"
    assert not _EXPECTED.match(_SHOULD_PANIC.findall(code)[0].strip())
    assert _EXPECTED.match(_SHOULD_PANIC.findall('#[should_panic(expected = "only members")]')[0].strip())
    assert _UNQUALIFIED_MACRO.findall("assert_eq!(a, b); ::core::assert!(c); ::std::vec![1]") == ["assert_eq"]


@pytest.mark.parametrize("spec", RUST_SPECS, ids=lambda s: s.id)
def test_every_spec_lists_plausible_wrong_implementations(spec):
    """bench/dapp_mutation.py check builds each one and requires a failing hidden test."""
    wrong = tomllib.loads((SPECS_DIR / "rust" / spec.id / "wrong.toml").read_text())["wrong"]
    assert len(wrong) >= 2, spec.id
    for w in wrong:
        assert spec.reference.count(w["find"]) == 1, (spec.id, w["description"])
        assert w["find"] != w["replace"], (spec.id, w["description"])
