"""Host-side verdict pieces, without a sandbox: test instrumentation, record comparison, the completion policy,
and the cut's running time on adversarial replies (hypothesis)."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearcoder.tasks.near_humaneval.completion import cut_completion, find_body_end
from nearcoder.tasks.near_humaneval.instrument import instrument_tests, record_calls, rejection
from nearcoder.tasks.near_humaneval.programs import function_name, problem_number
from nearcoder.tasks.near_humaneval.verdict import check_find_zero, compare_records, parse_records, values_equal


def records(shared_data, lang):
    path = shared_data / "humanevalpack" / f"{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("lang", ["js", "rust"])
def test_every_problem_records_its_entry_point_and_seeds_its_randomness(shared_data, lang):
    for doc in records(shared_data, lang):
        tests = instrument_tests(doc["test"], lang, function_name(doc), problem_number(doc))
        assert f"__nc_record({function_name(doc)}" in tests, doc["task_id"]
        assert "Math.random()" not in tests and "thread_rng()" not in tests and "rand::random" not in tests
        if lang == "rust":
            assert "assert" not in tests.replace("::core::assert", "").replace("debug_", ""), doc["task_id"]


def test_record_calls_skips_strings_comments_and_definitions():
    test = 'f(1); g(f(2)); "f(3)"; // f(4)\nfunction f(x) {}; obj.f(5); ff(6); f( (1), ")" )'
    assert record_calls(test, "js", "f") == (
        '__nc_record(f(1)); g(__nc_record(f(2))); "f(3)"; // f(4)\nfunction f(x) {}; obj.f(5); ff(6); '
        '__nc_record(f( (1), ")" ))'
    )
    assert record_calls("find_zero(&c)", "rust", "find_zero", record_args=True) == "__nc_record(find_zero(__nc_record(&c)))"


def test_nested_rust_block_comment_does_not_end_the_body_early():
    body = "\n    /* outer /* inner */ still comment } */\n    x + 1\n}\n"
    assert find_body_end(body, "rust") == len(body) - 1
    cut = cut_completion(body, lang="rust", entry_point="f")
    assert cut.closed and cut.body == body.rstrip()


@pytest.mark.parametrize(
    "body, rule",
    [
        ("unsafe { libc::exit(0) } }", "unsafe"),
        ("0 }\n#[no_mangle]\npub extern \"C\" fn exit(_c: i32) {}", "extern"),
        ("0 }\n#[link_section = \".init_array\"]\nstatic X: fn() = f;", "linker-level"),
        ("0 }\nstd::arch::global_asm!(\"\");", "assembly"),
        ("include_str!(\"/proc/self/cmdline\").len() }", "include"),
        ("0 }\n#[path = \"/in/crate.rs\"]\nmod other;", "#[path]"),
        ("__nc_record(1) }", "harness-reserved"),
    ],
)
def test_rust_completion_policy(body, rule):
    assert rule in (rejection(body, "rust") or "")


def test_policy_ignores_comments_and_strings():
    assert rejection('// unsafe extern\nlet s = "unsafe { }"; 0 }', "rust") is None
    assert rejection("process.exit(0) }", "js") is None  # allowed: the host verdict makes it fail
    assert "reserved" in rejection("globalThis.__nc_record = (v) => v }", "js")


def test_record_comparison():
    assert values_equal("[1.0, 0.30000000000000004]", "[1.0, 0.3]")
    assert not values_equal("[1.0, 0.31]", "[1.0, 0.3]")
    assert not values_equal('"1.0000001"', '"1.0"')  # strings compare exactly
    assert not values_equal("9007199254740993", "9007199254740992")  # integers compare exactly
    assert values_equal("NaN", "NaN") and not values_equal("NaN", "0") and not values_equal("-0", "0")
    assert not values_equal("undefined", "null")
    assert values_equal("{'b': 2, 'a': [1, 2]}", "{'a': [1, 2], 'b': 2}", "rust")  # HashMap order is random
    assert not values_equal("{'b': 2, 'a': [2, 1]}", "{'a': [1, 2], 'b': 2}", "rust")  # Vec order is not
    assert not values_equal('{"b":2,"a":2}', '{"a":2,"b":2}', "js")  # JS insertion order is observable
    assert compare_records(["1", "2"], ["1", "2"]) is None
    assert "recorded 1" in compare_records(["1"], ["1", "2"])
    assert "recorded 3" in compare_records(["1", "2", "3"], ["1", "2"])
    assert "call 2" in compare_records(["1", "3"], ["1", "2"])
    assert parse_records("x\x1eNC:1\n\n\x1eNC:[2]\nnoise") == ["[2]"]  # a record starts a line


def test_find_zero_is_checked_on_the_host():
    expected = ["[-6.0, 11.0, -6.0, 1.0]", "1.0"]
    assert check_find_zero(["[-6.0, 11.0, -6.0, 1.0]", "3.0"], expected, "rust") is None  # another root
    assert "not ~0" in check_find_zero(["[-6.0, 11.0, -6.0, 1.0]", "0.0"], expected, "rust")
    assert "received" in check_find_zero(["[1.0, 2.0]", "-0.5"], expected, "rust")  # its own easy polynomial


ADVERSARIAL_PIECES = ["\t" * 1000, "\n" * 100, " ", "{", "}", "(", ")", "[", "]", "/*", "*/", "//", "'", '"',
                      "`", "r#\"", "```", "fn f() {", "const x =", "#[test]", "function g(", "=>", "\\", "x"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ADVERSARIAL_PIECES), min_size=1, max_size=60), st.sampled_from(["js", "rust"]))
def test_cut_time_is_linear_in_adversarial_replies(pieces, lang):
    text = "".join(pieces)
    reps = max(1, 32_000 // len(text))
    reply = (text * reps)[:32_000]
    start = time.perf_counter()
    cut_completion(reply, lang=lang, entry_point="f", reserved={"g"})
    rejection(reply, lang)
    assert time.perf_counter() - start < 2.0, (lang, pieces)


@pytest.mark.parametrize("lang", ["js", "rust"])
@pytest.mark.parametrize("reply", ["\t" * 100_000 + "}", "\n" * 800 + "x }", "{" * 20_000 + "}" * 20_000,
                                   "/*" * 10_000, "const y = 1\n" + "\n" * 30_000 + "}"])
def test_cut_known_worst_cases_are_fast(lang, reply):
    start = time.perf_counter()
    cut_completion("0 }\n" + reply if reply.startswith("const") else reply, lang=lang, entry_point="f")
    assert time.perf_counter() - start < 2.0
