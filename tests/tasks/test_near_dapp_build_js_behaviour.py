"""JS behaviour tests in the real sandbox: the test host matches near-sdk-rs's unit-test semantics, a stub with
the right signatures fails, and a contract cannot forge its verdict. Needs the prepared near-sdk-js cache."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_dapp_build import cache
from nearcoder.tasks.near_dapp_build.js_pipeline import run_js
from nearcoder.tasks.near_dapp_build.rust_pipeline import run_rust
from nearcoder.tasks.near_dapp_build.scoring import score_samples
from nearcoder.tasks.near_dapp_build.selftest import reference_reply
from nearcoder.tasks.near_dapp_build.specs import load_specs

pytestmark = pytest.mark.sandbox
COUNTER = next(s for s in load_specs("js") if s.id == "counter")

# What near-sdk-rs's VMContextBuilder::new() gives, and what one call observes (the table both probes assert).
SEMANTICS = {"current": "alice.near", "signer": "bob.near", "predecessor": "bob.near", "deposit": "0", "timestamp": "0",
             "balance": str(10**26), "after_write": "v", "missing": "none", "log": "hello"}

RUST_PROBE = """use near_sdk::{env, log, near, PanicOnDefault};
#[near(contract_state)]
#[derive(PanicOnDefault)]
pub struct Probe {}
#[near]
impl Probe {
    #[init]
    pub fn new() -> Self { Self {} }
    pub fn observe(&mut self) -> Vec<String> {
        env::storage_write(b"k", b"v");
        log!("hello");
        let read = |k: &[u8]| env::storage_read(k).map(|v| String::from_utf8(v).unwrap()).unwrap_or("none".into());
        vec![env::current_account_id().to_string(), env::signer_account_id().to_string(),
             env::predecessor_account_id().to_string(), env::attached_deposit().as_yoctonear().to_string(),
             env::block_timestamp().to_string(), env::account_balance().as_yoctonear().to_string(),
             read(b"k"), read(b"missing")]
    }
}
"""
RUST_PROBE_TESTS = """#[test]
fn observes_the_table() {
    testing_env!(VMContextBuilder::new().build());
    let mut p = Probe::new();
    let got = p.observe();
    ::core::assert_eq!(got, vec![%s]);
    ::core::assert_eq!(get_logs(), vec!["%s".to_string()]);
}
""" % (", ".join(f'"{SEMANTICS[k]}".to_string()' for k in ("current", "signer", "predecessor", "deposit",
                                                                "timestamp", "balance", "after_write", "missing")),
       SEMANTICS["log"])
JS_PROBE = """import { NearBindgen, call, near } from "near-sdk-js";
@NearBindgen({})
export class Probe {
  @call({})
  observe(): string[] {
    near.storageWrite("k", "v");
    near.log("hello");
    return [near.currentAccountId(), near.signerAccountId(), near.predecessorAccountId(),
            near.attachedDeposit().toString(), near.blockTimestamp().toString(), near.accountBalance().toString(),
            near.storageRead("k") ?? "none", near.storageRead("missing") ?? "none"];
  }
}
"""
JS_PROBE_TESTS = """export const tests = {
  observes_the_table(t) {
    t.eq(t.call("observe", {}), %s, "observed context");
    t.eq(t.logs(), ["%s"], "logs");
  },
};
""" % ("[" + ", ".join(f'"{SEMANTICS[k]}"' for k in ("current", "signer", "predecessor", "deposit", "timestamp",
                                                      "balance", "after_write", "missing")) + "]", SEMANTICS["log"])
JS_PROBE_CHECK = "export const probe = 1;\n"


@pytest.fixture(scope="module")
def backend():
    from nearcoder.sandboxes.factory import backend_class

    ok, why = backend_class().available()
    if not ok:
        pytest.skip(f"sandbox backend unavailable: {why}")
    try:
        cache.load_js_modules()
        cache.load_rust_recipe()
    except cache.CacheNotPrepared as exc:
        pytest.skip(str(exc))
    return backend_class()()


def test_the_test_host_matches_near_sdk_rs_unit_test_semantics(backend):
    rust = run_rust([(RUST_PROBE, RUST_PROBE_TESTS)], cache.load_rust_recipe(), backend=backend)[0]
    assert rust.tests == {"observes_the_table": "passed"}, rust.log[-2000:]
    js = run_js([(JS_PROBE, JS_PROBE_CHECK, JS_PROBE_TESTS, "Probe", ["observes_the_table"])],
                cache.load_js_modules(), backend=backend)[0]
    assert js.typecheck and js.tests == {"observes_the_table": "passed"}, js.log[-2000:]


STUB = """import { NearBindgen, call, initialize, view } from "near-sdk-js";

@NearBindgen({})
export class Counter {
  @initialize({})
  init({ start }: { start: number }): void {}

  @view({})
  get_num(): number { return 0; }

  @call({})
  increment(): number { return 0; }

  @call({})
  decrement(): number { return 0; }

  @call({})
  reset(): void {}
}
"""
# A wrong counter (get_num off by 41) with each trick that would make its tests pass under a naive runner.
WRONG = COUNTER.reference.replace("return this.value;\n  }\n\n  @call", "return this.value + 41;\n  }\n\n  @call", 1)
GET_NUM = "get_num(): number {"
FORGERIES = {
    "exit_early": WRONG.replace(GET_NUM, GET_NUM + " (globalThis as any).process?.exit(0);"),
    "replace_json": WRONG.replace(GET_NUM, GET_NUM + ' (JSON as any).stringify = () => "same";'),
    "patch_prototype": WRONG.replace(GET_NUM, GET_NUM + " (Object as any).keys = () => [];"),
    "read_files": 'import { readFileSync } from "node:fs";\n' + WRONG.replace(
        GET_NUM, GET_NUM + " readFileSync('/in/secret');"),
    "ts_nocheck": "// @ts-nocheck\n" + WRONG,
}


@pytest.fixture(scope="module")
def scored(backend):
    replies = {"reference": COUNTER.reference, "stub": STUB, **FORGERIES}
    results = score_samples([(COUNTER, reference_reply(code)) for code in replies.values()], backend=backend)
    return dict(zip(replies, results))


def test_reference_passes_every_behaviour_test(scored):
    r = scored["reference"]
    assert r["check_level"] == "behaviour-node" and r["typecheck"] and r["functionality"] == 1.0, r["log"][-2000:]
    assert set(r["tests"]) == set(COUNTER.test_names) and len(r["tests"]) >= 5


def test_a_stub_with_the_right_signatures_type_checks_and_fails(scored):
    r = scored["stub"]
    assert r["typecheck"] and r["interface"] == 1.0
    assert r["functionality"] == 0.0, r["tests"]


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_contract_cannot_forge_its_behaviour_verdict(scored, name):
    assert "this.value + 41" in WRONG
    r = scored[name]
    assert r["tests"]["starts_at_initial_value"] != "passed", (r["tests"], r["log"][-1500:])
    assert r["functionality"] < 1.0
