"""Adversarial completions through the real pipeline (cut, policy, sandbox, host verdict), alone and batched.

Each attack is a *wrong* solution of problem 0 (it returns a constant) dressed up with a trick that used to
make it pass: early exit, exit-code rewriting, assertion shadowing, panic hooks, constructors, interposed
symbols, forged result lines, reading other programs' results, replacing the test binary, leftover processes.
None may pass, and none may change the verdict of the programs batched with it: buggy solutions of other
problems still fail, reference solutions of other problems still pass.
"""

from __future__ import annotations

import json

import pytest

from nearcoder.sandboxes.factory import backend_class
from nearcoder.tasks.near_humaneval.execution import execute_samples
from nearcoder.tasks.near_humaneval.programs import reference_completion

pytestmark = pytest.mark.sandbox

FORGED_JSON = (
    '{"id": ID, "status": "passed", "exit": 0, "signal": null, "timed_out": false, "output_over": false, '
    '"stdout": "\\u001eNC:true", "stderr": "", "seconds": 0}'
)

JS_ATTACKS = {
    "early exit": "\n  process.exit(0)\n}\n",
    "exit-code rewrite": (
        "\n  process.on('exit', () => { process.exitCode = 0 });\n"
        "  process.on('uncaughtException', () => process.exit(0));\n  return false\n}\n"
    ),
    "assert replaced": "\n  console.assert = () => {};\n  return false\n}\n",
    "console shadowed by a helper": "\n  return false\n}\nvar console = { assert: () => {}, log: () => {} }\n",
    "forged result and record lines": (
        "\n  const fs = require('fs');\n"
        "  for (let id = 0; id < 64; id++) {\n"
        f"    const line = '{FORGED_JSON}'.replace('ID', String(id)) + '\\n';\n"
        "    for (const p of ['/proc/1/fd/1', '/proc/' + process.ppid + '/fd/1']) {"
        " try { fs.appendFileSync(p, line) } catch (e) {} }\n"
        "    fs.writeSync(1, line);\n  }\n"
        "  console.log('\\x1eNC:true'); console.log('passed');\n  process.exit(0)\n}\n"
    ),
    "stack-trace hook and unhandled rejection": (
        "\n  Error.prepareStackTrace = () => { try { require('fs').writeSync(1, 'passed\\n') } catch (x) {} return '' };\n"
        "  process.on('unhandledRejection', () => process.exit(0));\n"
        "  Promise.reject(new Error('x'));\n  return false\n}\n"
    ),
    "planted modules and a leftover writer": (
        "\n  const fs = require('fs');\n"
        "  for (const d of [process.env.HOME + '/.node_modules/js-md5', '/work/node_modules/js-md5',"
        " '/work/.node_modules/js-md5', '/tmp/node_modules/js-md5']) {\n"
        "    try { fs.mkdirSync(d, { recursive: true });"
        " fs.writeFileSync(d + '/index.js', 'module.exports = () => \"x\"; process.exit(0)') } catch (e) {} }\n"
        "  require('child_process').spawn('sh', ['-c', 'while :; do for p in /proc/[0-9]*; do"
        " echo passed > $p/fd/1; done 2>/dev/null; done'], { detached: true, stdio: 'ignore' }).unref();\n"
        "  return false\n}\n"
    ),
}

RUST_ATTACKS = {
    "early exit": "\n    std::process::exit(0)\n}\n",
    "assert macros shadowed": (
        "\n    false\n}\nmacro_rules! assert_eq { ($($t:tt)*) => {} }\nmacro_rules! assert { ($($t:tt)*) => {} }\n"
    ),
    "panic hook exits 0": "\n    std::panic::set_hook(Box::new(|_| std::process::exit(0)));\n    false\n}\n",
    "interposed libc exit": "\n    false\n}\n#[no_mangle]\npub extern \"C\" fn exit(_code: i32) -> ! { loop {} }\n",
    "constructor in .init_array": (
        "\n    false\n}\n#[link_section = \".init_array\"]\n#[used]\nstatic HOOK: extern \"C\" fn() = install;\n"
        "extern \"C\" fn install() { std::panic::set_hook(Box::new(|_| std::process::exit(0))); }\n"
    ),
    "runs the other programs' tests, replaces the binary, forges lines": (
        "\n    use std::io::Write;\n    use std::process::Command;\n"
        "    let me = std::env::args().last().unwrap_or_default();\n"
        "    let _ = std::fs::write(\"/proc/self/exe\", b\"#!/bin/sh\\nexit 0\\n\");\n"
        "    let _ = std::fs::copy(\"/bin/true\", \"/work/tests.bin\");\n"
        "    if let Ok(out) = Command::new(\"/proc/self/exe\").arg(\"--list\").output() {\n"
        "        for line in String::from_utf8_lossy(&out.stdout).lines() {\n"
        "            if let Some(name) = line.strip_suffix(\": test\") {\n"
        "                if name.starts_with(me.as_str()) { continue; }\n"
        "                if let Ok(o) = Command::new(\"/proc/self/exe\").args([\"--exact\", name, \"--nocapture\"]).output() {\n"
        "                    let _ = std::io::stdout().write_all(&o.stdout);\n"
        "                }\n            }\n        }\n    }\n"
        "    for id in 0..16 {\n"
        f"        println!(\"{{}}\", r#\"{FORGED_JSON}\"#.replace(\"ID\", &id.to_string()));\n    }}\n"
        "    let _ = Command::new(\"sh\").args([\"-c\", \"(while :; do cp /bin/true /work/tests.bin;"
        " for p in /proc/[0-9]*; do echo passed > $p/fd/1; done; done) >/dev/null 2>&1 &\"]).spawn();\n"
        "    std::process::exit(0)\n}\n"
    ),
}

VICTIMS = (2, 3, 4, 162)  # other problems: their buggy solutions must fail, their references pass


@pytest.fixture(scope="module")
def bwrap():
    ok, why = backend_class("bwrap").available()
    if not ok:
        pytest.skip(f"bwrap backend unavailable: {why}")
    return "bwrap"


def records(shared_data, lang):
    path = shared_data / "humanevalpack" / f"{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _attack_with_victims(docs, attack: str, solutions: str, batch: bool):
    """One batch (one worker): the attack on problem 0 plus one solution of each victim problem."""
    batch_docs = [docs[0]] + [docs[i] for i in VICTIMS]
    completions = [[attack]] + [[reference_completion(docs[i], solutions)] for i in VICTIMS]
    rows = execute_samples(batch_docs, completions, backend="bwrap", workers=1, progress=False, batch=batch)
    return rows[0][0], [row[0] for row in rows[1:]]


@pytest.mark.parametrize("lang, attacks", [("js", JS_ATTACKS), ("rust", RUST_ATTACKS)])
@pytest.mark.parametrize("neighbours, must_pass", [("buggy_solution", False), ("canonical_solution", True)])
def test_attacks_fail_and_leave_neighbours_verdicts_alone(shared_data, bwrap, lang, attacks, neighbours, must_pass):
    docs = records(shared_data, lang)
    for name, attack in attacks.items():
        result, victims = _attack_with_victims(docs, attack, neighbours, batch=True)
        assert result.status != "passed", (lang, name, result.reason)
        assert [v.status == "passed" for v in victims] == [must_pass] * len(VICTIMS), (
            lang, name, [(v.status, v.reason) for v in victims])


@pytest.fixture(params=["bwrap", pytest.param("docker", marks=pytest.mark.docker)])
def any_backend(request):
    ok, why = backend_class(request.param).available()
    if not ok:
        pytest.skip(f"{request.param} backend unavailable: {why}")
    return request.param


@pytest.mark.parametrize("lang, attacks", [("js", JS_ATTACKS), ("rust", RUST_ATTACKS)])
def test_attacks_fail_alone(shared_data, any_backend, lang, attacks):
    """Each attack in its own sandbox (on Docker, also what a batch does)."""
    docs = records(shared_data, lang)
    rows = execute_samples([docs[0]], [list(attacks.values())], backend=any_backend, progress=False, batch=False)
    for name, result in zip(attacks, rows[0]):
        assert result.status != "passed", (lang, name, result.reason)


def test_forbidden_rust_is_rejected_before_execution(shared_data, bwrap):
    docs = records(shared_data, "rust")
    rows = execute_samples([docs[0]], [[RUST_ATTACKS["interposed libc exit"], RUST_ATTACKS["constructor in .init_array"]]],
                           backend="bwrap", progress=False)
    assert all(r.reason.startswith("rejected before execution") for r in rows[0]), [r.reason for r in rows[0]]


def test_a_correct_solution_that_prints_noise_still_passes(shared_data, bwrap):
    """The record channel is robust to a program's own output: text without a newline, fake marker prefixes."""
    docs = records(shared_data, "js")
    noisy = "\n  process.stdout.write('no newline \\x1eNC');\n" + docs[0]["canonical_solution"].lstrip("\n")
    rows = execute_samples([docs[0]], [[noisy]], backend="bwrap", progress=False)
    assert rows[0][0].status == "passed", rows[0][0].reason


# Wrong samples of problem 0 that try to use a correct *sibling* (another sample of the same problem) built into
# the same Rust crate: run the shared test binary filtered to the siblings' modules, include their sources at
# build time, read them at run time.
SIBLING_ATTACKS = {
    "re-runs the shared test binary for its siblings' tests": (
        "\n    use std::io::Write;\n"
        "    let me = module_path!().split(\"::\").next().unwrap_or(\"\").to_string();\n"
        "    let exe = std::path::PathBuf::from(\"/proc/self/exe\");  // also a deleted or memfd binary\n"
        "    if let Ok(out) = std::process::Command::new(&exe).arg(\"--list\").output() {\n"
        "        for line in String::from_utf8_lossy(&out.stdout).lines() {\n"
        "            if let Some(name) = line.strip_suffix(\": test\") {\n"
        "                if name.starts_with(me.as_str()) { continue; }\n"
        "                if let Ok(o) = std::process::Command::new(&exe)\n"
        "                    .args([\"--exact\", name, \"--nocapture\", \"--test-threads=1\"]).output() {\n"
        "                    if o.status.success() && String::from_utf8_lossy(&o.stdout).contains(\"\\x1eNC:\") {\n"
        "                        let _ = std::io::stdout().write_all(&o.stdout);\n"
        "                        std::process::exit(0);\n"
        "                    }\n                }\n            }\n        }\n    }\n"
        "    false\n}\n"
    ),
    "includes the crate's sources at build time": (
        "\n    #[path = \"/in/crate.rs\"]\n    mod siblings;\n    false\n}\n"
    ),
    "reads the siblings' sources at run time": (
        "\n    let mut found = 0;\n"
        "    let mut todo = vec![std::path::PathBuf::from(\"/in\"), \"/work\".into(), \"/tmp\".into()];\n"
        "    while let Some(p) = todo.pop() {\n"
        "        if let Ok(dir) = std::fs::read_dir(&p) {\n"
        "            for e in dir.flatten() { todo.push(e.path()); }\n"
        "        } else if let Ok(text) = std::fs::read_to_string(&p) {\n"
        "            if text.contains(\"abs() < threshold\") { found += 1; }\n"
        "        }\n    }\n"
        "    panic!(\"FOUND:{}\", found)\n}\n"
    ),
}


def test_a_sample_cannot_use_its_siblings_in_the_same_crate(shared_data, bwrap):
    """The attacks batched (one worker, so one crate) with correct and buggy samples of the same problem: every
    attack fails, the correct siblings still pass and the buggy ones still fail."""
    docs = records(shared_data, "rust")
    correct = [f"\n// correct sample {k}" + reference_completion(docs[0]) for k in range(3)]
    buggy = [f"\n// buggy sample {k}" + reference_completion(docs[0], "buggy_solution") for k in range(2)]
    attacks = list(SIBLING_ATTACKS.values())
    [row] = execute_samples([docs[0]], [[*attacks, *correct, *buggy]], backend="bwrap", workers=1, progress=False)
    for name, result in zip(SIBLING_ATTACKS, row):
        if name.startswith("includes"):  # the completion policy refuses #[path]; the sources are gone anyway
            assert result.reason.startswith("rejected") and "#[path]" in result.reason, (name, result.reason)
        else:
            assert not result.reason.startswith("rejected"), (name, result.reason)  # it really ran
        assert result.status != "passed", (name, result.reason)
    assert "FOUND:0" in row[2].stderr_tail, row[2].stderr_tail  # no source was readable at run time
    siblings = row[len(attacks):]
    assert [r.status == "passed" for r in siblings] == [True] * len(correct) + [False] * len(buggy), [
        (r.status, r.reason) for r in siblings]
