"""The language runners' contract (what the HumanEval tasks rely on), against both backends."""

from __future__ import annotations

import json

import pytest

from nearcoder.sandboxes.api import Limits, Status
from nearcoder.sandboxes.languages import TestProgram, program_limits, run_tests

pytestmark = pytest.mark.sandbox

LIMITS = Limits(wall_seconds=5, cpu_seconds=5, memory_mb=512, processes=32, output_bytes=16384, disk_mb=16)
RUST_OK = "fn main(){}\nfn add(a: i32, b: i32) -> i32 { a + b }\n#[cfg(test)]\nmod tests {\n use super::*;\n #[test]\n fn t() { assert_eq!(add(1, 2), 3); }\n}\n"
RUST_FAIL = RUST_OK.replace("assert_eq!(add(1, 2), 3)", "assert_eq!(add(1, 2), 4)")
RUST_BROKEN = RUST_OK.replace("a + b", "a + \"b\"")
RUST_CRATES = """fn main(){}
use rand::Rng;
use regex::Regex;
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn crates() {
        let x = rand::thread_rng().gen_range(0, 10);
        assert!(x < 10);
        assert!(Regex::new(r"^a+$").unwrap().is_match("aaa"));
        assert_eq!(format!("{:x}", md5::compute(b"abc")), "900150983cd24fb0d6963f7d28e17f72");
    }
}
"""


def run(programs, backend, **kw):
    return run_tests(programs, backend=backend, limits=LIMITS, progress=False, **kw)


def test_js_and_rust_verdicts(backend):
    programs = [
        TestProgram("js", "const f = (x) => x + 1;\nconsole.assert(f(1) === 2);"),
        TestProgram("js", "const f = (x) => x + 1;\nconsole.assert(f(1) === 3);"),
        TestProgram("js", "throw new Error('boom')"),
        TestProgram("js", "const md5 = require('js-md5'); console.assert(md5('abc') === '900150983cd24fb0d6963f7d28e17f72');"),
        TestProgram("js", "console.assert(typeof process.version === 'string'); console.assert(Buffer.from('a').length === 1);"),
        TestProgram("rust", RUST_OK),
        TestProgram("rust", RUST_FAIL),
        TestProgram("rust", RUST_BROKEN),
        TestProgram("rust", RUST_CRATES),
    ]
    out = run(programs, backend)
    assert [o.status for o in out] == [
        Status.PASSED, Status.FAILED, Status.FAILED, Status.PASSED, Status.PASSED,
        Status.PASSED, Status.FAILED, Status.COMPILE_ERROR, Status.PASSED,
    ], [(o.status, o.reason) for o in out]
    assert "Assertion failed" in out[1].reason
    assert "boom" in out[2].reason
    assert "panicked" in out[6].reason
    assert out[7].reason.startswith("error[E0277]") or out[7].reason.startswith("error")


def test_malformed_input_gives_failed_outcomes(backend):
    bad = [
        TestProgram("js", ""),
        TestProgram("js", "console.log(1)\0"),
        TestProgram("rust", "fn main() {}\udcff"),
        TestProgram("js", "x" * (2 << 20)),
        TestProgram("cobol", "DISPLAY 'HI'."),
        "not a program",
    ]
    out = run(bad, backend)
    assert all(o.status is Status.FAILED and o.reason.startswith(("invalid program", "not a TestProgram")) for o in out)
    assert "empty" in out[0].reason and "NUL" in out[1].reason and "UTF-8" in out[2].reason
    assert "limit" in out[3].reason and "cobol" in out[4].reason


def test_js_batch_programs_do_not_affect_each_other(backend):
    polluter = "Array.prototype.includes = () => false; console.assert = () => {}; globalThis.shared = 1;"
    victims = [
        "console.assert([1, 2].includes(2));",
        "console.assert(false, 'must still fail');",
        "console.assert(typeof shared === 'undefined');",
    ]
    out = run([TestProgram("js", polluter), *[TestProgram("js", v) for v in victims]], backend)
    assert [o.status for o in out] == [Status.PASSED, Status.PASSED, Status.FAILED, Status.PASSED]


def test_js_batch_timeout_is_per_program(backend):
    out = run([TestProgram("js", "for (;;) {}"), TestProgram("js", "console.assert(1 === 1)")], backend)
    assert out[0].status is Status.TIMEOUT and out[1].status is Status.PASSED


def test_program_limits_stay_within_the_run_limits():
    assert program_limits(TestProgram("js", "x"), LIMITS) is LIMITS
    own = program_limits(TestProgram("js", "x", seconds=1.2), LIMITS)
    # a CPU budget of 1.2 s (the rlimit rounds up), the wall clock 3x that
    assert (own.cpu_budget, own.cpu_seconds, own.wall_seconds, own.memory_mb) == (1.2, 2, 3.6, LIMITS.memory_mb)
    short = program_limits(TestProgram("js", "x", seconds=0.2), LIMITS)
    assert (short.cpu_budget, short.cpu_seconds, short.wall_seconds) == (0.2, 1, 2.0)  # the wall clock's floor
    capped = program_limits(TestProgram("js", "x", seconds=60), LIMITS)
    assert (capped.wall_seconds, capped.cpu_seconds, capped.cpu_budget) == (LIMITS.wall_seconds, LIMITS.cpu_seconds,
                                                                           LIMITS.cpu_seconds)


def test_each_program_runs_under_its_own_time_limit(backend):
    """A program's own ``seconds`` ends it early with that limit in the reason; its batch neighbours keep theirs."""
    rust_loop = RUST_OK.replace("assert_eq!(add(1, 2), 3);", "let mut x = 0u64; loop { x = std::hint::black_box(x + 1); }")
    rust_sleep = RUST_OK.replace("assert_eq!(add(1, 2), 3);", "std::thread::sleep(std::time::Duration::from_millis(1500));")
    programs = [TestProgram("js", "for (;;) {}", seconds=1), TestProgram("js", "console.assert(1 === 1)", seconds=1),
                TestProgram("js", "const t = Date.now(); while (Date.now() - t < 1500) {}", seconds=1),
                TestProgram("rust", rust_loop, seconds=1), TestProgram("rust", RUST_OK, seconds=1),
                TestProgram("rust", rust_sleep)]
    out = run(programs, backend)
    assert [o.status for o in out] == [Status.TIMEOUT, Status.PASSED, Status.TIMEOUT,
                                       Status.TIMEOUT, Status.PASSED, Status.PASSED], [(o.status, o.reason) for o in out]
    for o in (out[0], out[2], out[3]):
        assert "CPU-time limit of 1s hit" in o.reason, o.reason
    assert out[0].duration < LIMITS.wall_seconds - 1 and out[2].duration < LIMITS.wall_seconds - 1


def test_a_waiting_program_spends_no_cpu_budget(backend):
    """A budget counts CPU time: a program that sleeps 1.5 s on a 1 s budget passes (wall clock 3 s); one that
    sleeps past the wall clock times out on it."""
    out = run([TestProgram("js", "const t = Date.now(); setTimeout(() => {}, 1500)", seconds=1),
               TestProgram("js", "setTimeout(() => {}, 5000)", seconds=1)], backend)
    assert out[0].status is Status.PASSED, out[0].reason
    assert out[1].status is Status.TIMEOUT and "wall-clock limit of 3s" in out[1].reason, out[1].reason


def test_rust_batch_isolates_a_broken_or_hostile_program(backend):
    killer = RUST_OK.replace(
        "assert_eq!(add(1, 2), 3);",
        'std::process::Command::new("sh").args(["-c", "sleep 0.3; kill -9 -1"]).spawn().unwrap();',
    )
    out = run([TestProgram("rust", s) for s in (killer, RUST_BROKEN, RUST_OK, RUST_FAIL, RUST_OK + "\n// 2")], backend)
    # bwrap: a test process may not start programs (the runner's no-exec filter), so the killer cannot spawn;
    # Docker runs it alone, where it kills only its own exec.
    killer_status = Status.FAILED if backend.name == "bwrap" else Status.PASSED
    assert [o.status for o in out] == [killer_status, Status.COMPILE_ERROR, Status.PASSED, Status.FAILED, Status.PASSED]
    if backend.name == "bwrap":
        assert "Operation not permitted" in out[0].stderr, out[0].stderr


def test_cache_resumes_and_dedups(backend, tmp_path):
    programs = [TestProgram("js", "console.log('once')"), TestProgram("js", "console.log('once')")]
    first = run(programs, backend, cache_dir=tmp_path)
    assert [o.status for o in first] == [Status.PASSED, Status.PASSED]
    cached = list(tmp_path.rglob("*.json"))
    assert len(cached) == 1  # identical programs ran (and were stored) once
    # Tamper with the stored outcome: a resumed run must read it instead of re-running the program.
    data = json.loads(cached[0].read_text())
    data["reason"] = "from cache"
    cached[0].write_text(json.dumps(data))
    again = run(programs, backend, cache_dir=tmp_path)
    assert [o.reason for o in again] == ["from cache", "from cache"]


def test_unbatched_mode_matches_batched(backend):
    programs = [TestProgram("js", "console.assert(1 === 2)"), TestProgram("js", "console.log('ok')"),
                TestProgram("rust", RUST_OK), TestProgram("rust", RUST_BROKEN)]
    batched = [o.status for o in run(programs, backend)]
    alone = [o.status for o in run(programs, backend, batch=False)]
    assert batched == alone == [Status.FAILED, Status.PASSED, Status.PASSED, Status.COMPILE_ERROR]


def test_js_that_does_not_parse_is_a_compile_error(backend):
    bad, good = run_tests([TestProgram("js", "function f( {"), TestProgram("js", "console.assert(1 === 1);")],
                          backend=backend, progress=False)
    assert bad.status is Status.COMPILE_ERROR and "SyntaxError" in bad.reason
    assert good.status is Status.PASSED


FORGER_JS = """
const fs = require('fs');
const lines = [...Array(8).keys()].map((id) => JSON.stringify({ id, exit: 0, signal: null, timed_out: false,
  output_over: false, stdout: 'forged', stderr: '', seconds: 0 })).join('\\n') + '\\n';
for (const pid of fs.readdirSync('/proc').filter((p) => /^[0-9]+$/.test(p))) {
  if (Number(pid) === process.pid) continue;
  for (const fd of ['1', '2']) {
    try { fs.appendFileSync(`/proc/${pid}/fd/${fd}`, lines); console.log(`wrote:${pid}/${fd}`); } catch (e) {}
  }
  try { fs.closeSync(fs.openSync(`/proc/${pid}/mem`, 'r+')); console.log(`mem:${pid}`); } catch (e) {}
}
"""


def test_batch_runner_is_out_of_reach_of_its_programs(backend):
    """A program cannot write result lines into the runner's output or anyone else's, and its leftover
    processes are gone before the next program runs: failing neighbours stay failed."""
    if backend.name != "bwrap":
        pytest.skip("only bwrap runs batches (Docker runs each program in its own exec)")
    victims = [TestProgram("js", f"console.assert(false, 'victim {i}')", problem=f"v{i}") for i in range(4)]
    rust_victims = [TestProgram("rust", RUST_FAIL + f"\n// {i}", problem=f"r{i}") for i in range(2)]
    forger_rust = TestProgram("rust", RUST_OK.replace(
        "assert_eq!(add(1, 2), 3);",
        'std::process::Command::new("sh").args(["-c", "cp /bin/true /work/tests.bin; '
        'for p in /proc/[0-9]*; do echo forged > $p/fd/1; done 2>/dev/null; true"]).status().ok();'),
        problem="f")
    out = run_tests([TestProgram("js", FORGER_JS, problem="f"), *victims, forger_rust, *rust_victims],
                    backend=backend, limits=LIMITS, workers=1, progress=False)
    assert out[0].status is Status.PASSED and "wrote:" not in out[0].stdout and "mem:" not in out[0].stdout, out[0].stdout
    assert all(o.status is Status.FAILED and "forged" not in o.stdout for o in out[1:5]), [o.reason for o in out[1:5]]
    assert out[5].status is Status.PASSED
    assert all(o.status is Status.FAILED for o in out[6:]), [o.reason for o in out[6:]]


def test_rust_programs_of_one_problem_share_a_crate_without_clashing(backend):
    """Same-problem programs go into one crate on bwrap; two that export the same macro clash at the crate root,
    are built in crates of their own, and keep their own verdicts; a neighbour's `macro_rules! vec` stays in
    its own module."""
    exported = RUST_OK.replace("fn main(){}", "fn main(){}\n#[macro_export]\nmacro_rules! nc_m { () => { 1 } }")
    shadow = RUST_OK.replace("fn main(){}", "fn main(){}\nmacro_rules! vec { ($($t:tt)*) => { 0 } }")
    uses_vec = RUST_OK.replace("assert_eq!(add(1, 2), 3);", "assert_eq!(vec![add(1, 2)], [3]);")
    programs = [TestProgram("rust", s, problem="p") for s in
                (exported, exported.replace("fn t()", "fn u()"), shadow, uses_vec, RUST_FAIL)]
    out = run(programs, backend, workers=1)
    assert [o.status for o in out] == [Status.PASSED] * 4 + [Status.FAILED], [(o.status, o.reason) for o in out]
