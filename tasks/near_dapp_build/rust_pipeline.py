"""One generated Rust contract through the sandbox, each stage its own sandbox step, judged from exit statuses.

Only the sample's ``src/lib.rs`` comes from the model; cargo is never run on it (no ``Cargo.toml``,
``build.rs`` or proc-macro crate of its own). Each step replays cargo's captured ``rustc`` command
(:class:`~nearcoder.tasks.near_dapp_build.cache.RustRecipe`) against the read-only near-sdk cache:

phase 1, independent steps, none of which runs the model's code:
  ``rustfmt``  ``rustfmt --check`` on the model's file (refused when it names ``rustfmt``, e.g. ``#[rustfmt::skip]``);
  ``clippy``   ``clippy-driver`` with ``--force-warn`` on every default lint group, so ``#![allow(warnings)]``,
               ``#![allow(clippy::all)]`` and friends silence nothing; deny-level lints count as well;
  ``build``    the contract as an rlib (``-F unsafe_code``: no ``#[no_mangle]``, ``#[link_section]`` or
               ``#[export_name]`` interposition, no ``.init_array`` constructor); stdout carries the rlib;
  ``wasm``     the contract as a wasm32 cdylib (``--cfg near``, as cargo-near builds it); stdout carries the wasm,
               whose exports are read here, on the host, by a linear parser (``wasm_exports``);
phase 2, ``test_build``: the hidden tests (``hidden_tests.hidden_crate``) compiled as their own binary crate
  against the rlib. The test source never enters a step that runs or compiles the contract's own code;
phase 3, ``test_run``: one step per hidden test, ``./tests <index>``, with only the binary. A test passed when
  its step exited 0 *and* printed the test's proof line, which only the harness's ``main`` can compute.

A sample whose native or wasm build fails runs no test: ``functionality`` is 0. Artifacts travel between steps
as gzip+base64 on stdout of compile steps (rustc's diagnostics go to stderr, and no model code runs there).
"""

from __future__ import annotations

import base64
import gzip
import json
import shlex
from dataclasses import dataclass

from nearcoder.sandboxes.api import Limits, Outcome, Program, Status
from nearcoder.sandboxes.batch import run_programs
from nearcoder.sandboxes.outcome_rules import first_error_line
from nearcoder.tasks.near_dapp_build.cache import SANDBOX_RUST_BIN, RustRecipe, template_dir
from nearcoder.tasks.near_dapp_build.hidden_tests import HiddenCrate, hidden_crate
from nearcoder.tasks.near_dapp_build.report import DIAGNOSTIC_CAP, ContractReport, step_verdict
from nearcoder.tasks.near_dapp_build.wasm_exports import exported_functions

COMPILE_LIMITS = Limits(wall_seconds=240, cpu_seconds=240, memory_mb=6144, processes=256,
                        output_bytes=24 * 1024 * 1024, disk_mb=512, open_files=1024)
TEST_LIMITS = Limits(wall_seconds=10, cpu_seconds=10, memory_mb=4096, processes=32,
                     output_bytes=256 * 1024, disk_mb=64, open_files=256)
# Default-warn lint groups forced to "warn" whatever the model's file allows (rustc refuses `warnings` here).
FORCE_WARN = ("clippy::all", "unused", "nonstandard_style", "while_true", "unused_comparisons",
              "unconditional_recursion", "deprecated", "unreachable_patterns", "non_shorthand_field_patterns")
LINT_SILENCING = ("rustfmt",)  # a file naming rustfmt (#[rustfmt::skip], rustfmt_skip) is not rustfmt-judged
_ENV = ("CARGO_PKG_NAME=near_contract CARGO_CRATE_NAME=near_contract CARGO_PKG_VERSION=0.1.0 "
        "CARGO_PKG_VERSION_MAJOR=0 CARGO_PKG_VERSION_MINOR=1 CARGO_PKG_VERSION_PATCH=0 "
        "CARGO_PKG_VERSION_PRE= CARGO_PKG_AUTHORS= CARGO_PKG_DESCRIPTION= CARGO_MANIFEST_DIR=/work")
PHASE1 = ("rustfmt", "clippy", "build", "wasm")


def _q(args) -> str:
    return " ".join(shlex.quote(a) for a in args)


def _compile_step(rustc_args: list[str], artifact: str | None, files: dict[str, bytes], recipe: RustRecipe) -> Program:
    """A compile step: diagnostics on stderr; on success the artifact, gzip+base64, on stdout."""
    script = f"export {_ENV}\nmkdir -p out\n{_q(rustc_args)} >&2 || exit $?\n"
    if artifact:
        script += f"gzip -c {shlex.quote(artifact)} | base64 -w0\n"
    manifest = {"Cargo.toml": (template_dir() / "Cargo.toml").read_bytes(),
                "Cargo.lock": (template_dir() / "Cargo.lock").read_bytes()}
    return Program(files={**manifest, **files, "step.sh": script.encode()}, command=("/bin/sh", "step.sh"),
                   limits=COMPILE_LIMITS, ro_binds=recipe.binds())


def phase1_programs(lib_rs: str, recipe: RustRecipe) -> dict[str, Program]:
    """The steps that only compile or format the model's file, keyed by stage name."""
    src = {"src/lib.rs": lib_rs.encode()}
    common = ["--crate-name", "near_contract", *recipe.args, "src/lib.rs", "--error-format=json"]
    steps = {
        "clippy": _compile_step([f"{SANDBOX_RUST_BIN}/clippy-driver", *common, "--crate-type", "rlib",
                                 "--emit=metadata", "--out-dir", "out",
                                 *[a for lint in FORCE_WARN for a in ("--force-warn", lint)]], None, src, recipe),
        "build": _compile_step([f"{SANDBOX_RUST_BIN}/rustc", *common, "--crate-type", "rlib", "--emit=link",
                                "-F", "unsafe_code", "-o", "out/libnear_contract.rlib"],
                               "out/libnear_contract.rlib", src, recipe),
    }
    if not any(word in lib_rs for word in LINT_SILENCING):
        steps["rustfmt"] = Program(files={"model.rs": lib_rs.encode()},
                                   command=(f"{SANDBOX_RUST_BIN}/rustfmt", "--check", "--edition", "2021", "model.rs"),
                                   limits=COMPILE_LIMITS)
    if recipe.wasm_args:
        steps["wasm"] = _compile_step([f"{SANDBOX_RUST_BIN}/rustc", "--crate-name", "near_contract",
                                       *recipe.wasm_args, "src/lib.rs", "--error-format=json",
                                       "--crate-type", "cdylib", "-o", "out/contract.wasm"], "out/contract.wasm", src, recipe)
    return {name: steps[name] for name in PHASE1 if name in steps}


def test_build_program(rlib: bytes, crate: HiddenCrate, recipe: RustRecipe) -> Program:
    args = [f"{SANDBOX_RUST_BIN}/rustc", "--crate-name", "hidden", *recipe.args, "hidden.rs", "--crate-type", "bin",
            "--extern", "near_contract=libnear_contract.rlib", "-C", "strip=symbols", "--color", "never",
            "-o", "out/tests"]
    return _compile_step(args, "out/tests", {"hidden.rs": crate.source.encode(), "libnear_contract.rlib": rlib},
                         recipe)


def test_run_program(binary: bytes, index: int) -> Program:
    return Program(files={"tests": binary}, command=("/bin/sh", "-c", f"chmod 700 tests && exec ./tests {index}"),
                   limits=TEST_LIMITS)


def artifact(outcome: Outcome) -> bytes | None:
    """The gzip+base64 artifact a successful compile step printed, or None."""
    if outcome.status is not Status.PASSED or not outcome.stdout.strip():
        return None
    try:
        return gzip.decompress(base64.b64decode(outcome.stdout.strip(), validate=True))
    except (ValueError, OSError, EOFError):
        return None


def _diagnostics(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(d, dict) and d.get("$message_type", "diagnostic") == "diagnostic" and d.get("spans"):
                out.append(d)
    return out


def _rendered(text: str) -> str:
    parts = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                parts.append(json.loads(line).get("rendered") or "")
                continue
            except (json.JSONDecodeError, AttributeError):
                pass
        parts.append(line + "\n")
    return "".join(parts)


@dataclass
class _Sample:
    lib_rs: str
    tests_rs: str
    report: ContractReport
    outcomes: dict[str, Outcome]
    crate: HiddenCrate | None = None
    binary: bytes | None = None


def _sandbox_problem(outcome: Outcome) -> str | None:
    if outcome.status in (Status.PASSED, Status.FAILED):
        return None
    return f"sandbox_{outcome.status.value}: {outcome.reason}"


def _judge_phase1(s: _Sample) -> bytes | None:
    """Fill the report from the phase-1 steps; the rlib when the contract built (native and wasm)."""
    r, o = s.report, s.outcomes
    r.stage_rc = {name: (out.exit_code if out.exit_code is not None else -1) for name, out in o.items()}
    r.stage_seconds = {name: round(out.duration, 3) for name, out in o.items()}
    if "rustfmt" in o:
        r.rustfmt_clean = o["rustfmt"].status is Status.PASSED
    else:
        r.quality_refused = "rustfmt_refused: the file names rustfmt (e.g. #[rustfmt::skip]); rustfmt_clean = 0"
    diags = _diagnostics(o["clippy"].stderr)
    lints = [d for d in diags if d.get("level") in ("warning", "error") and (d.get("code") or {}).get("code")]
    lints += [d for d in diags if d.get("level") == "warning" and not (d.get("code") or {}).get("code")]
    r.warnings = len(lints)
    r.clippy_warnings = sum(((d.get("code") or {}).get("code") or "").startswith("clippy::") for d in lints)
    build = o["build"]
    r.errors = sum(d.get("level") == "error" for d in _diagnostics(build.stderr))
    rlib = artifact(build)
    r.build = rlib is not None
    r.build_target = "native"
    if rlib is None:
        r.reason = _sandbox_problem(build) or "compile_error: " + first_error_line(_rendered(build.stderr))
    if "wasm" in o:
        r.build_target = "wasm32+native"
        wasm = artifact(o["wasm"])
        if wasm is None:
            r.build = False
            if rlib is not None:
                r.reason = _sandbox_problem(o["wasm"]) or "wasm_build_error: " + first_error_line(
                    _rendered(o["wasm"].stderr))
        else:
            r.wasm_bytes = len(wasm)
            try:
                r.wasm_exports = exported_functions(wasm)
            except ValueError:
                r.wasm_exports = None
    return rlib if r.build else None


def _log(s: _Sample) -> str:
    """Human-readable output of every step (compiler diagnostics rendered, a test's stderr); never parsed."""
    parts = []
    for name, out in s.outcomes.items():
        text = out.stdout if name == "rustfmt" else _rendered(out.stderr) if not name.startswith("test ") else out.stderr
        parts.append(f"== {name} (exit {out.exit_code}, {out.status.value})\n{text.strip()[:20_000]}\n")
    return "\n".join(parts)[:DIAGNOSTIC_CAP]


def run_rust(samples: list[tuple[str, str]], recipe: RustRecipe, *, backend=None, workers: int = 2,
             progress: bool = False) -> list[ContractReport]:
    """One report per (lib_rs, tests_rs), in order; phases run in parallel over all samples."""
    state = []
    for lib_rs, tests_rs in samples:
        report = ContractReport(check_level="unit-tests")
        report.lines = sum(1 for ln in lib_rs.splitlines() if ln.strip())
        state.append(_Sample(lib_rs, tests_rs, report, {}))

    def run(jobs: list[tuple[_Sample, str, Program]]) -> None:
        outcomes = run_programs([p for _, _, p in jobs], backend=backend, workers=workers, progress=progress)
        for (s, name, _), out in zip(jobs, outcomes):
            s.outcomes[name] = out
            s.report.duration_s = round(s.report.duration_s + out.duration, 3)

    run([(s, name, p) for s in state for name, p in phase1_programs(s.lib_rs, recipe).items()])
    jobs = []
    for s in state:
        s.crate = hidden_crate(s.tests_rs)
        s.report.tests = {t.name: "not_run" for t in s.crate.tests}
        if (rlib := _judge_phase1(s)) is not None:
            jobs.append((s, "test_build", test_build_program(rlib, s.crate, recipe)))
    run(jobs)
    jobs = []
    for s in state:
        if "test_build" not in s.outcomes:
            continue
        s.binary = artifact(s.outcomes["test_build"])
        if s.binary is None:
            s.report.reason = _sandbox_problem(s.outcomes["test_build"]) or "tests_do_not_compile: " + \
                first_error_line(_rendered(s.outcomes["test_build"].stderr))
            continue
        jobs += [(s, f"test {t.name}", test_run_program(s.binary, i)) for i, t in enumerate(s.crate.tests)]
    run(jobs)
    for s in state:
        if s.binary is not None:
            for i, t in enumerate(s.crate.tests):
                s.report.tests[t.name] = step_verdict(s.outcomes[f"test {t.name}"], s.crate.proof(i))
            _test_reason(s.report)
        s.report.stage_rc = {name: (out.exit_code if out.exit_code is not None else -1)
                             for name, out in s.outcomes.items()}
        s.report.stage_seconds = {name: round(out.duration, 3) for name, out in s.outcomes.items()}
        s.report.log = _log(s)
    return [s.report for s in state]


def _test_reason(r: ContractReport) -> None:
    verdicts = r.tests
    if len(verdicts) and all(v == "passed" for v in verdicts.values()):
        r.reason = "ok"
        return
    timeouts = [n for n, v in verdicts.items() if v == "timeout"]
    failed = [n for n, v in verdicts.items() if v != "passed" and v != "timeout"]
    parts = []
    if failed:
        parts.append(f"tests_failed: {len(failed)}/{len(verdicts)} ({', '.join(failed)})")
    if timeouts:
        parts.append(f"tests_timeout: {', '.join(timeouts)} did not finish in time and were killed")
    r.reason = "; ".join(parts)
