"""near_dapp_build's pipeline pieces without a sandbox: the hidden-test crate, verdicts from exit statuses and
proof lines, the host-side wasm parser, the JS check switches, and a linear reply extractor."""

from __future__ import annotations

import base64
import gzip
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcoder.sandboxes.api import Outcome, Status
from nearcoder.tasks.near_dapp_build import rust_pipeline as rp
from nearcoder.tasks.near_dapp_build.extract import extract_source
from nearcoder.tasks.near_dapp_build.hidden_tests import hidden_crate, parse_tests
from nearcoder.tasks.near_dapp_build.js_pipeline import refused
from nearcoder.tasks.near_dapp_build.report import ContractReport, step_verdict
from nearcoder.tasks.near_dapp_build.specs import load_specs, render_prompt
from nearcoder.tasks.near_dapp_build.wasm_exports import exported_functions

TESTS_RS = '''use near_sdk::testing_env;

fn helper() -> u8 { 1 }

#[test]
fn plain() { ::core::assert_eq!(helper(), 1); }

#[test]
#[should_panic(expected = "Bid must be [higher] than \\"x\\"")]
fn rejects() { panic!("no"); }

#[should_panic]
#[test]
fn bare() {}

#[ignore]
fn not_a_test() {}
'''


def test_hidden_tests_are_parsed_on_the_host_with_their_panic_expectations():
    tests = parse_tests(TESTS_RS)
    assert [(t.name, t.should_panic, t.expected) for t in tests] == [
        ("plain", False, None), ("rejects", True, 'Bid must be [higher] than "x"'), ("bare", True, None)]


def test_hidden_crate_imports_the_contract_and_strips_test_attributes():
    crate = hidden_crate(TESTS_RS)
    assert "use ::near_contract::*;" in crate.source and "use super::*" not in crate.source
    assert "#[test]" not in crate.source and "#[should_panic" not in crate.source
    assert '("rejects", rejects as fn(), true, Some("Bid must be [higher] than \\"x\\""))' in crate.source
    assert f"{crate.secret:032x}" not in crate.source  # only its two halves are in the binary, black-boxed
    assert crate.proof(2) == f"{crate.secret ^ 2:032x}" and crate.proof(1) != crate.proof(2)
    assert hidden_crate(TESTS_RS).secret != crate.secret  # fresh per build


def test_every_spec_test_file_has_no_use_super_and_parses():
    for spec in load_specs("rust"):
        assert "use super::*" not in spec.tests, spec.id
        assert [t.name for t in hidden_crate(spec.tests).tests] == spec.test_names


def _out(status: Status, stdout: str = "", code: int | None = 0) -> Outcome:
    return Outcome(status, code, stdout, "", 0.1, "")


def test_a_test_passes_only_with_exit_0_and_its_proof_line():
    crate = hidden_crate(TESTS_RS)
    good = crate.proof(1)
    assert step_verdict(_out(Status.PASSED, f"noise\n{good}\n"), good) == "passed"
    assert step_verdict(_out(Status.PASSED, "test rejects ... ok\n"), good) == "failed"  # early exit(0)
    assert step_verdict(_out(Status.PASSED, crate.proof(0)), good) == "failed"  # another test's proof
    assert step_verdict(_out(Status.FAILED, good, 1), good) == "failed"  # proof, then the exit code rewritten
    assert step_verdict(_out(Status.TIMEOUT, "", None), good) == "timeout"


def _artifact(data: bytes) -> Outcome:
    return _out(Status.PASSED, base64.b64encode(gzip.compress(data)).decode())


def _wasm(*exports: str) -> bytes:
    body = bytes([len(exports)]) + b"".join(bytes([len(e)]) + e.encode() + b"\x00\x00" for e in exports)
    return b"\0asm\x01\0\0\0" + bytes([7, len(body)]) + body


def test_phase1_verdicts_come_from_exit_statuses_and_the_wasm_file():
    lint = '{"$message_type":"diagnostic","level":"warning","code":{"code":"clippy::needless_return"},"spans":[{}]}'
    deny = '{"$message_type":"diagnostic","level":"error","code":{"code":"clippy::absurd_extreme_comparisons"},"spans":[{}]}'
    s = rp._Sample("fn x() {}\n", TESTS_RS, ContractReport(check_level="unit-tests", lines=1), {
        "rustfmt": _out(Status.PASSED),
        "clippy": Outcome(Status.FAILED, 1, "", lint + "\n" + deny, 0.1, ""),
        "build": _artifact(b"rlib"),
        "wasm": _artifact(_wasm("get_num", "increment")),
    })
    assert rp._judge_phase1(s) == b"rlib"
    assert s.report.build and s.report.rustfmt_clean and s.report.build_target == "wasm32+native"
    assert s.report.wasm_exports == ["get_num", "increment"]
    assert (s.report.warnings, s.report.clippy_warnings) == (2, 2)  # deny-level lints are counted


def test_a_wasm_build_failure_means_no_tests_and_functionality_0():
    err = '{"$message_type":"diagnostic","level":"error","code":null,"spans":[{}],"rendered":"error: no wasm"}'
    s = rp._Sample("fn x() {}\n", TESTS_RS, ContractReport(check_level="unit-tests"), {
        "clippy": _out(Status.PASSED), "build": _artifact(b"rlib"),
        "wasm": Outcome(Status.FAILED, 1, "@@nearcoder wasm_bytes 10\n", err, 0.1, ""),
    })
    assert rp._judge_phase1(s) is None
    assert not s.report.build and s.report.reason == "wasm_build_error: error: no wasm"
    assert s.report.quality_refused.startswith("rustfmt_refused")  # no rustfmt step ran
    s.report.tests = {"plain": "passed"}
    assert s.report.functionality == 0.0


def test_rustfmt_is_refused_for_a_file_that_names_it():
    recipe = type("R", (), {"args": (), "wasm_args": None, "binds": lambda self: ()})()
    assert "rustfmt" not in rp.phase1_programs("#[rustfmt::skip]\nfn x() {}\n", recipe)
    assert "rustfmt" in rp.phase1_programs("fn x() {}\n", recipe)
    clippy = rp.phase1_programs("fn x() {}\n", recipe)["clippy"].files["step.sh"].decode()
    assert "--force-warn clippy::all" in clippy and "--force-warn unused" in clippy
    build = rp.phase1_programs("fn x() {}\n", recipe)["build"].files["step.sh"].decode()
    assert "-F unsafe_code" in build


@pytest.mark.parametrize("data", [b"", b"\0asm", b"\0asm\x01\0\0\0\x07\xff", b"\0asm\x01\0\0\0\x07\x05\x09\x05ab",
                                  b"\0asm\x01\0\0\0" + b"\x00\xff\xff\xff\xff\xff"])
def test_malformed_wasm_is_refused_not_misread(data):
    with pytest.raises(ValueError):
        exported_functions(data)


@pytest.mark.parametrize("code", ["// @ts-nocheck\nexport class A {}", "export class A { x: number = 'a' // @ts-ignore\n}",
                                  "/// <reference types=\"x\" />\n", "declare module \"near-sdk-js\" { }",
                                  "/* @ts-expect-error */"])
def test_js_type_check_switches_are_refused(code):
    assert refused(code).startswith("typecheck_disabled")


def test_js_prompt_says_methods_without_parameters_take_none():
    prompt = render_prompt(next(s for s in load_specs("js") if s.id == "counter"))
    assert "each takes one object argument" not in prompt and "without parameters takes none" in prompt


ADVERSARIAL = st.lists(st.sampled_from(["\n", " ", "\t", "\r\n", "```", "```rust", "//", "/*", "*/", "#", "[", "]",
                                         "{", "}", "(", ")", "<!--", "-->", "File:", "src/", "a.rs", "Cargo.toml",
                                         "[package]", "`", "*", "fn x() {}", "\\", "\""]), max_size=400)


@settings(max_examples=60, deadline=None)
@given(parts=ADVERSARIAL, repeat=st.integers(1, 400))
def test_extraction_is_linear_on_adversarial_whitespace_brackets_and_comments(parts, repeat):
    reply = "".join(parts) * repeat
    start = time.perf_counter()
    for language in ("rust", "js"):
        extract_source(reply, language)
    assert time.perf_counter() - start < 2.0, f"{len(reply)} characters took too long"


@pytest.mark.parametrize("reply", ["x\n" + "\n" * 100_000 + "y", "\t" * 100_000, " \n" * 50_000,
                                   "//" + "\t" * 100_000 + "src/" + "a" * 100_000, "[" * 100_000 + "\n" * 1000])
def test_the_reported_slow_replies_are_fast(reply):
    start = time.perf_counter()
    extract_source(reply, "rust")
    extract_source(reply, "js")
    assert time.perf_counter() - start < 2.0


def test_the_leaderboard_sample_view_reads_code_verdicts_and_reason(tmp_path):
    import json

    from nearcoder.leaderboard.read_results import read_samples_file
    from nearcoder.tasks.near_dapp_build.scoring import _result

    spec = next(s for s in load_specs("rust") if s.id == "counter")
    report = ContractReport(check_level="unit-tests", build=True, reason="tests_failed: 1/2 (b)",
                            tests={"a": "passed", "b": "failed"})
    record = _result(spec, report, 1.0, {}, [], "pub struct Counter {}\n")
    sample = {"doc_id": 0, "doc": {"id": "counter"}, "target": "Counter", "arguments": {"gen_args_0": {"arg_0": "p"}},
              "resps": [["x"]], "filtered_resps": [json.dumps(record)], "functionality": 0.5}
    path = tmp_path / "samples_near_dapp_build_rust_2026-01-01T00-00-00.jsonl"
    path.write_text(json.dumps(sample) + "\n")
    shown = next(read_samples_file(path))
    assert shown.generation == "pub struct Counter {}\n"
    assert shown.verdict == "failed"
    assert shown.reason.startswith("tests_failed: 1/2 (b)") and "a passed, b failed" in shown.reason
