"""near_dapp_build through the real sandbox: references pass; bad, hanging and hostile contracts are scored and
contained; adversarial contracts cannot forge a verdict. Needs the prepared near-sdk caches
(`nearcoder prepare dapp-build`)."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_dapp_build import cache as nc
from nearcoder.tasks.near_dapp_build.scoring import score_samples
from nearcoder.tasks.near_dapp_build.selftest import problems_with, reference_reply
from nearcoder.tasks.near_dapp_build.specs import load_specs

pytestmark = pytest.mark.sandbox


@pytest.fixture(scope="module")
def backend():
    from nearcoder.sandboxes.factory import backend_class

    ok, why = backend_class().available()
    if not ok:
        pytest.skip(f"sandbox backend unavailable: {why}")
    return backend_class()()


@pytest.fixture(scope="module")
def recipe():
    try:
        return nc.load_rust_recipe()
    except nc.CacheNotPrepared as exc:
        pytest.skip(str(exc))


def spec(spec_id: str, language: str = "rust"):
    return next(s for s in load_specs(language) if s.id == spec_id)


COUNTER = spec("counter")
# near-sdk 4 habits: borsh derives without `#[borsh(crate = ...)]`; near-sdk 5.30 rejects them as cargo would.
SDK4_STYLE = """use near_sdk::borsh::{self, BorshDeserialize, BorshSerialize};
use near_sdk::{near_bindgen, PanicOnDefault};

#[near_bindgen]
#[derive(BorshDeserialize, BorshSerialize, PanicOnDefault)]
pub struct Counter {
    value: i64,
}

#[near_bindgen]
impl Counter {
    #[init]
    pub fn new(start: i64) -> Self {
        Self { value: start }
    }
}
"""
HOSTILE_TEST = """
#[test]
fn escape() {
    let secret = std::fs::read_to_string("/root/.bash_history").is_ok() || std::fs::read_dir("/root").is_ok();
    let wrote = std::fs::write("/usr/pwned", "x").is_ok() || std::fs::write("/opt/nearcoder/near-sdk-target/x", "x").is_ok();
    let net = std::net::TcpStream::connect("127.0.0.1:22").is_ok() || std::net::TcpStream::connect("1.1.1.1:443").is_ok();
    assert!(!secret && !wrote && !net, "escaped: secret={secret} wrote={wrote} net={net}");
}
"""


WRONG = COUNTER.reference.replace("pub fn get_num(&self) -> i64 {\n        self.value",
                                  "pub fn get_num(&self) -> i64 {\n        self.value + 41")
ASSERT_MACROS = """
#[macro_export]
macro_rules! assert_eq { ($($t:tt)*) => {}; }
#[macro_export]
macro_rules! assert { ($($t:tt)*) => {}; }
"""
WRONG_HOOK = WRONG.replace("pub fn get_num(&self) -> i64 {", """pub fn get_num(&self) -> i64 {
        std::panic::set_hook(Box::new(|_| std::process::exit(0)));
        println!("test result: ok. 6 passed; 0 failed");""")


@pytest.fixture(scope="module")
def batch(backend, recipe):
    """One parallel batch of good and bad replies, scored like an lm-eval run scores them."""
    off_by_one = COUNTER.reference.replace("checked_add(1)", "checked_add(2)")
    hostile = COUNTER.reference.replace(
        "pub fn get_num(&self) -> i64 {",
        "pub fn get_num(&self) -> i64 {\n        let _ = std::process::Command::new(\"/bin/sh\").arg(\"-c\").arg(\"touch /tmp/x\").status();",
    )
    warned = COUNTER.reference.replace("pub fn get_num(&self) -> i64 {\n        self.value",
                                       "pub fn get_num(&self) -> i64 {\n        let unused = 1;\n        return self.value")
    replies = {
        "reference": (COUNTER, reference_reply(COUNTER.reference)),
        "snake": (spec("snake_game"), reference_reply(spec("snake_game").reference)),
        "off_by_one": (COUNTER, reference_reply(off_by_one)),
        "compile_error": (COUNTER, "pub struct Counter { value: i64 }\nimpl Counter { pub fn get_num(&self) -> i64 { self.nope } }\n```"),
        "include_secret": (COUNTER, 'const S: &str = include_str!("/root/.cargo/credentials.toml");\n' + COUNTER.reference),
        "hostile": (COUNTER, reference_reply(hostile)),
        "warnings": (COUNTER, reference_reply(warned)),
        "cargo_project": (COUNTER, "[package]\nname = \"x\"\n[dependencies]\n```\n```rust\nfn main() {}\n```"),
        "no_code": (COUNTER, ""),
        "sdk4_style": (COUNTER, reference_reply(SDK4_STYLE)),
        "spoof": (COUNTER, reference_reply(COUNTER.reference.replace(
            "pub fn reset(&mut self) {",
            "pub fn reset(&mut self) {\n        use std::io::Write;\n        let mut out = std::io::stdout();\n"
            "        for t in [\"starts_at_initial_value\", \"anyone_changes_the_counter_owner_resets\", \"stranger_cannot_reset\"] {\n"
            "            let _ = writeln!(out, \"test nearcoder_hidden_tests::{t} ... ok\\nok nearcoder_hidden_tests::{t}\");\n"
            "        }\n        std::process::exit(0);"))),
        "proc_macro": (COUNTER, reference_reply(
            '#![crate_type = "proc-macro"]\nextern crate proc_macro;\n#[proc_macro]\n'
            'pub fn evil(i: proc_macro::TokenStream) -> proc_macro::TokenStream {\n'
            '    let _ = std::process::Command::new("sh").status();\n    i\n}\n' + COUNTER.reference)),
        "unix_only": (COUNTER, reference_reply("#[allow(unused_imports)]\nuse std::os::unix::ffi::OsStrExt;\n"
                                               + COUNTER.reference)),
        # A wrong contract (get_num off by 41) with every trick to make its tests pass anyway.
        "own_assert_macros": (COUNTER, reference_reply(WRONG + ASSERT_MACROS)),
        "cfg_test_trick": (COUNTER, reference_reply(WRONG + "#[cfg(test)]\nmod nearcoder_hidden_tests {}\n"
                                                    "#[cfg(not(test))]\npub fn main() {}\nfn main() {}\n")),
        "no_mangle_exit": (COUNTER, reference_reply(WRONG + '#[no_mangle]\npub extern "C" fn exit(_c: i32) -> ! '
                                                    '{ loop {} }\n')),
        "panic_hook_exit": (COUNTER, reference_reply(WRONG_HOOK)),
        "shadow_prelude": (COUNTER, reference_reply(WRONG + "#[macro_export]\nmacro_rules! vec { ($($t:tt)*) => "
                                                    "{ ::std::vec::Vec::new() } }\npub fn accounts(_i: usize) {}\n")),
        "js_reference": (spec("counter", "js"), reference_reply(spec("counter", "js").reference)),
        "js_missing_method": (spec("counter", "js"), reference_reply(spec("counter", "js").reference.replace("get_num", "getNum"))),
    }
    results = score_samples(list(replies.values()), backend=backend, workers=2)
    return dict(zip(replies, results))


def test_reference_contracts_pass_everything(batch, recipe):
    for name, spec_id in (("reference", "counter"), ("snake", "snake_game")):
        r = batch[name]
        assert problems_with(r) == [], r["log"][-2000:]
        assert r["check_level"] == "unit-tests"
        if recipe.wasm_args:  # the real contract was built: every spec method is an export of the wasm
            assert r["build_target"] == "wasm32+native" and r["wasm_bytes"] > 10_000
            assert {m.name for m in spec(spec_id).methods} <= set(r["wasm_exports"])


def test_code_that_only_builds_natively_fails_the_wasm_build(batch, recipe):
    if not recipe.wasm_args:
        pytest.skip("no wasm32 target installed: samples are built natively only")
    r = batch["unix_only"]
    assert not r["build"] and r["reason"].startswith("wasm_build_error:"), r["reason"]
    assert r["functionality"] == 0.0 and set(r["tests"].values()) == {"not_run"}  # no wasm, no tests


def test_wrong_behaviour_scores_partial_functionality(batch):
    r = batch["off_by_one"]
    assert r["build"] and r["interface"] == 1.0
    assert r["tests"]["increment_and_decrement_return_new_value"] == "failed"
    assert r["tests"]["starts_at_initial_value"] == "passed"
    assert 0 < r["functionality"] < 1
    assert r["reason"].startswith("tests_failed")


def test_compile_error_is_scored_with_the_compiler_message(batch):
    r = batch["compile_error"]
    assert not r["build"] and r["functionality"] == 0
    assert r["reason"].startswith("compile_error:") and "nope" in r["log"]
    assert set(r["tests"].values()) == {"not_run"}


def test_reading_host_files_at_compile_time_is_contained(batch):
    r = batch["include_secret"]
    assert not r["build"] and "include_absolute_path" in r["flags"]
    assert r["reason"].startswith("compile_error:")
    assert "couldn't read" in r["log"] or "No such file" in r["log"]


def test_test_output_written_by_the_contract_is_not_a_verdict(batch):
    r = batch["spoof"]
    assert r["build"]
    assert r["tests"]["anyone_changes_the_counter_owner_resets"] != "passed"  # it called process::exit(0) mid-test and printed "ok"
    assert r["tests"]["stranger_cannot_reset"] != "passed"
    assert r["reason"].startswith("tests_failed"), r["reason"]


def test_proc_macros_see_the_template_manifest(batch):
    r = batch["sdk4_style"]
    assert not r["build"] and r["reason"].startswith("compile_error:")
    assert "Could not find `borsh` in `dependencies`" in r["log"]  # resolved against /work/Cargo.toml, as cargo does


def test_proc_macro_attempt_does_not_build(batch):
    r = batch["proc_macro"]
    assert {"proc_macro", "process"} <= set(r["flags"])
    assert not r["build"] and r["reason"].startswith("compile_error:"), r["reason"]


def test_process_spawn_in_contract_stays_inside_the_sandbox(batch):
    r = batch["hostile"]
    assert "process" in r["flags"]
    assert r["build"] and r["functionality"] == 1.0  # the spawn is harmless inside the sandbox's own /tmp


def test_warnings_are_counted_for_quality(batch):
    r = batch["warnings"]
    assert r["build"] and r["warnings"] >= 2 and r["clippy_warnings"] >= 1
    assert r["warnings_per_100_lines"] > 0
    assert batch["reference"]["warnings"] == 0 and batch["reference"]["rustfmt_clean"]


def test_rejected_replies_are_not_built(batch):
    assert batch["cargo_project"]["reason"].startswith("cargo_project")
    assert batch["no_code"]["reason"].startswith("no_code_block")
    for name in ("cargo_project", "no_code"):
        assert not batch[name]["build"] and batch[name]["stage_rc"] == {}


def test_js_is_behaviour_level_and_never_a_build(batch):
    ok, bad = batch["js_reference"], batch["js_missing_method"]
    assert ok["check_level"] == "behaviour-node" and not ok["build"]
    assert ok["typecheck"] and ok["functionality"] == 1.0 and ok["interface"] == 1.0
    assert not bad["typecheck"] and not bad["build"] and bad["functionality"] == 0.0
    assert set(bad["tests"].values()) == {"not_run"}  # no behaviour test runs without a passing type check
    assert bad["reason"].startswith("interface_mismatch") or bad["reason"].startswith("type_error")
    assert bad["interface_details"]["get_num"] == "missing"


def test_hanging_and_hostile_tests_are_killed_and_contained(backend, recipe):
    from nearcoder.tasks.near_dapp_build.rust_pipeline import run_rust

    hang = COUNTER.reference.replace("pub fn get_num(&self) -> i64 {", "pub fn get_num(&self) -> i64 {\n        loop {}")
    report = run_rust([(hang, COUNTER.tests + HOSTILE_TEST)], recipe, backend=backend)[0]
    assert report.build
    assert "tests_timeout" in report.reason, report.log[-1500:]
    assert report.tests["escape"] == "passed", report.log[-1500:]
    assert report.tests["starts_at_initial_value"] == "timeout"  # calls get_num: never finished
    assert report.tests["stranger_cannot_reset"] == "passed"  # the others still ran


@pytest.mark.parametrize("name", ["own_assert_macros", "cfg_test_trick", "no_mangle_exit", "panic_hook_exit",
                                  "shadow_prelude"])
def test_a_wrong_contract_cannot_make_its_tests_pass(batch, name):
    r = batch[name]
    assert r["tests"]["starts_at_initial_value"] != "passed", (r["reason"], r["log"][-1500:])
    assert r["functionality"] < 1.0 and r["status"] == "failed"


def test_unsafe_interposition_does_not_build(batch):
    r = batch["no_mangle_exit"]
    assert not r["build"] and "no_mangle" in r["reason"], r["reason"]


def test_the_logged_record_carries_code_verdicts_and_reason(batch):
    r = batch["off_by_one"]
    assert "checked_add(2)" in r["completion"] and r["status"] == "failed"
    assert r["tests"]["increment_and_decrement_return_new_value"] == "failed"
    assert batch["reference"]["status"] == "passed"


def test_selftest_cli_builds_a_reference(recipe):
    from typer.testing import CliRunner

    from nearcoder.cli import app

    result = CliRunner().invoke(app, ["selftest", "dapp-build", "--lang", "rust", "--spec", "counter", "--no-controls"])
    assert result.exit_code == 0, result.output
    assert "passed 1/1" in result.output


def test_selftest_without_a_cache_names_the_prepare_command(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from nearcoder.cli import app

    monkeypatch.setenv("NEARCODER_CACHE", str(tmp_path))
    result = CliRunner().invoke(app, ["selftest", "dapp-build", "--spec", "counter"])
    assert result.exit_code == 2
    assert "nearcoder prepare dapp-build" in result.output and str(tmp_path) in result.output
