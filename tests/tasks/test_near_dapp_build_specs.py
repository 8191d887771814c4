"""near_dapp_build without a sandbox: specs, prompts, reply extraction, interface check, report parsing."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_dapp_build import cache as nc
from nearcoder.tasks.near_dapp_build.extract import extract_source
from nearcoder.tasks.near_dapp_build.interface import check_interface
from nearcoder.tasks.near_dapp_build.specs import load_specs, render_prompt

REQUIRED = {"event_calendar", "snake_game", "counter", "guest_book", "donation", "coin_flip", "kv_store",
            "fungible_token", "nft_mint", "voting_dao", "auction", "cross_contract"}


def spec(spec_id: str, language: str = "rust"):
    return next(s for s in load_specs(language) if s.id == spec_id)


def test_rust_specs_cover_the_required_contracts():
    specs = load_specs("rust")
    assert len(specs) >= 12
    assert REQUIRED <= {s.id for s in specs}
    assert {s.id for s in specs if s.seed} == {"event_calendar", "snake_game"}
    kinds = {m.kind for s in specs for m in s.methods}
    assert kinds == {"init", "view", "call", "payable", "private"}
    for s in specs:
        assert len(s.test_names) >= 4, s.id
        assert len(set(s.test_names)) == len(s.test_names), s.id


def test_js_specs_have_behaviour_tests_named_on_the_host():
    specs = load_specs("js")
    assert {s.id for s in specs} >= {"counter", "guest_book", "donation"}
    for s in specs:
        assert s.behaviour_tests and len(s.test_names) >= 4 and "typecheck" not in s.test_names, s.id
        assert len(set(s.test_names)) == len(s.test_names)


@pytest.mark.parametrize("language", ["rust", "js"])
def test_prompt_fixes_the_interface_and_opens_the_code_block(language):
    for s in load_specs(language):
        prompt = render_prompt(s)
        assert s.contract in prompt
        for m in s.methods:
            assert m.signature in prompt
        assert prompt.endswith("```rust\n" if language == "rust" else "```typescript\n")
        assert s.reference.strip()[:80] not in prompt  # the reference never leaks into the prompt


@pytest.mark.parametrize("language", ["rust", "js"])
def test_every_reference_matches_its_interface(language):
    for s in load_specs(language):
        score, details = check_interface(s.reference, s)
        assert score == 1.0, (s.id, details)
        assert details["(contract)"] == "ok"


@pytest.mark.parametrize(
    ("edit", "method", "expected"),
    [
        (("pub fn get_num(&self)", "pub fn get_number(&self)"), "get_num", "missing"),
        (("pub fn get_num(&self)", "fn get_num(&self)"), "get_num", "not pub"),
        (("pub fn get_num(&self) -> i64", "pub fn get_num(&self) -> u64"), "get_num", "returns u64 != i64"),
        (("pub fn increment(&mut self)", "pub fn increment(&self)"), "increment", "receiver &self != &mut self"),
        (("#[init]\n", ""), "new", "annotations none != #[init]"),
        (("pub fn new(start: i64)", "pub fn new(begin: i64)"), "new", "arguments (begin: i64) != (start: i64)"),
    ],
)
def test_interface_mismatches_are_named(edit, method, expected):
    s = spec("counter")
    code = s.reference.replace(*edit)
    assert code != s.reference
    score, details = check_interface(code, s)
    assert score == pytest.approx((len(s.methods) - 1) / len(s.methods))
    assert expected in details[method]


def test_interface_needs_a_near_impl_block_and_accepts_full_paths():
    s = spec("donation")
    score, details = check_interface(s.reference.replace("#[near]\nimpl", "impl"), s)
    assert score == 0.0 and details["(contract)"].startswith("no #[near] impl")
    qualified = s.reference.replace("-> U128", "-> near_sdk::json_types::U128")
    assert check_interface(qualified, s)[0] == 1.0


def test_interface_checks_payable_private_and_callback_result():
    s = spec("cross_contract")
    no_private = s.reference.replace("#[private]\n    pub fn query_greeting_callback", "pub fn query_greeting_callback")
    _, details = check_interface(no_private, s)
    assert "annotations none != #[private]" in details["query_greeting_callback"]
    no_attr = s.reference.replace("#[callback_result] call_result: Result<String", "call_result: Result<String")
    assert "argument attributes" in check_interface(no_attr, s)[1]["query_greeting_callback"]
    d = spec("donation")
    assert "#[payable]" in check_interface(d.reference.replace("#[payable]\n", ""), d)[1]["donate"]


def test_js_interface_checks_decorators():
    s = spec("guest_book", "js")
    code = s.reference.replace("@call({ payableFunction: true })", "@call({})")
    _, details = check_interface(code, s)
    assert details["add_message"] == "decorator for call != payable"
    assert check_interface(s.reference.replace("export class GuestBook", "class GuestBook"), s)[1]["(contract)"] != "ok"


# ------------------------------------------------------------------------------------------ extraction
def test_prefilled_code_is_taken_as_is():
    got = extract_source("use near_sdk::near;\npub struct A;\n```\nSome prose after.", "rust")
    assert got.reason == "ok" and got.code == "use near_sdk::near;\npub struct A;\n"


def test_reopened_fence_is_accepted():
    got = extract_source("```rust\nfn a() {}\n```\n", "rust")
    assert got.reason == "ok" and got.code == "fn a() {}\n"


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("", "no_code_block"),
        ("   \n\n", "no_code_block"),
        ("I cannot help with that.", "no_code_block"),
        ("fn a() {}\n```\nand tests:\n```rust\nfn b() {}\n```", "several_code_blocks"),
        ("[package]\nname = \"x\"\n\n[dependencies]\nnear-sdk = \"5\"\n", "cargo_project"),
        ("// src/lib.rs\nfn a() {}\n// build.rs\nfn main() {}\n", "cargo_project"),
    ],
)
def test_bad_replies_are_rejected_with_a_reason(reply, reason):
    got = extract_source(reply, "rust")
    assert got.code is None and got.reason.startswith(reason + ":")


def test_suspicious_code_is_flagged_not_rejected():
    got = extract_source('fn a() { std::process::Command::new("sh"); include_str!("/etc/passwd"); }', "rust")
    assert got.code is not None
    assert {"process", "include_absolute_path"} <= set(got.flags)


# ------------------------------------------------------------------------------------------ runner pieces
def test_recipe_is_captured_from_cargo_output(tmp_path):
    target = tmp_path / "t" / "debug"
    log = (
        "   Compiling near_contract v0.1.0\n"
        f"     Running `/x/rustc --crate-name near_contract --edition=2021 src/lib.rs --error-format=json "
        f"--json=diagnostic-rendered-ansi --emit=dep-info,link -C embed-bitcode=no --test --check-cfg 'cfg(docsrs,test)' "
        f"-C metadata=abc -C extra-filename=-abc --out-dir {target}/deps -C incremental={target}/incremental "
        f"-L dependency={target}/deps --extern near_sdk={target}/deps/libnear_sdk-1.rlib -L native={target}/build/z/out`\n"
    )
    recipe = nc.recipe_from_cargo_log(log, target, "k", "rustc 1")
    assert recipe.args == (
        "--edition=2021", "-C", "embed-bitcode=no",
        "-L", f"dependency={nc.SANDBOX_NEAR_TARGET}/deps",
        "--extern", f"near_sdk={nc.SANDBOX_NEAR_TARGET}/deps/libnear_sdk-1.rlib",
        "-L", f"native={nc.SANDBOX_NEAR_TARGET}/build/z/out",
    )
    with pytest.raises(RuntimeError):
        nc.recipe_from_cargo_log("nothing here", target, "k", "rustc 1")


def test_wasm_recipe_keeps_target_and_cfg_near(tmp_path):
    root = tmp_path / "target-wasm"
    log = (
        f"     Running `/x/rustc --crate-name near_contract --edition=2021 src/lib.rs --crate-type cdylib "
        f"--crate-type rlib --emit=dep-info,link -C embed-bitcode=no --out-dir {root}/wasm32-unknown-unknown/debug/deps "
        f"--target wasm32-unknown-unknown -L dependency={root}/wasm32-unknown-unknown/debug/deps "
        f"-L dependency={root}/debug/deps --extern near_sdk={root}/wasm32-unknown-unknown/debug/deps/libnear_sdk-2.rlib "
        f"--cfg near`\n"
    )
    args = nc.captured_args(log, root, nc.SANDBOX_NEAR_WASM, marker="--target wasm32-unknown-unknown")
    assert args[-2:] == ("--cfg", "near")
    assert ("--target", "wasm32-unknown-unknown") == args[args.index("--target"):args.index("--target") + 2]
    assert f"dependency={nc.SANDBOX_NEAR_WASM}/debug/deps" in args
    assert not any(str(tmp_path) in a for a in args)


def test_chat_style_reply_with_prose_before_its_block():
    reply = "Here is the contract, using a struct and an impl block:\n```rust\nuse near_sdk::near;\nfn a() {}\n```\n"
    got = extract_source(reply, "rust")
    assert got.reason == "ok" and got.code == "use near_sdk::near;\nfn a() {}\n"
    two = reply + "\nAnd the tests:\n```rust\nfn t() {}\n```\n"
    assert extract_source(two, "rust").reason.startswith("several_code_blocks")
    js = "Sure:\n```typescript\nimport { near } from \"near-sdk-js\";\nexport class A {}\n```"
    assert extract_source(js, "js").code.startswith("import")


def test_cargo_project_anywhere_in_the_reply_is_rejected_but_a_lib_rs_header_is_fine():
    reply = "[package]\nname = \"x\"\n[dependencies]\n```\n```rust\nfn main() {}\n```"
    assert extract_source(reply, "rust").reason.startswith("cargo_project")
    assert extract_source("// src/lib.rs\nuse near_sdk::near;\n", "rust").reason == "ok"
    assert extract_source("fn a() {}\n```\n// build.rs\n```rust\nfn main() {}\n", "rust").reason.startswith("cargo_project")


def test_selftest_names_every_imperfection():
    from nearcoder.tasks.near_dapp_build.selftest import problems_with

    perfect = {"reason": "ok", "tests": {"a": "passed"}, "interface": 1.0, "interface_details": {"a": "ok"},
               "language": "rust", "build": True, "warnings": 0, "rustfmt_clean": True}
    assert problems_with(perfect) == []
    flawed = {**perfect, "reason": "tests_failed: 1", "tests": {"a": "failed"}, "warnings": 2, "rustfmt_clean": False,
              "interface": 0.5, "interface_details": {"a": "missing"}}
    problems = " | ".join(problems_with(flawed))
    for needle in ("tests_failed", "tests not passed: a", "interface 0.50", "2 warnings", "rustfmt"):
        assert needle in problems


def test_methods_of_a_near_trait_impl_count():
    s = spec("counter")
    code = s.reference.replace(
        "    pub fn get_num(&self) -> i64 {\n        self.value\n    }\n", ""
    ) + "\npub trait Read {\n    fn get_num(&self) -> i64;\n}\n\n#[near]\nimpl Read for Counter {\n    fn get_num(&self) -> i64 {\n        self.value\n    }\n}\n"
    assert code.count("fn get_num") == 2  # only the trait declaration and the #[near] trait impl
    assert check_interface(code, s) == (1.0, {**{m.name: "ok" for m in s.methods}, "(contract)": "ok"})
