"""NEAR contract builds: a pre-built near-sdk dependency cache, and one sandboxed build + unit-test run per contract.

Trusted, outside any sandbox, once (:func:`prepare_rust`, :func:`prepare_js`): cargo fetches and builds the pinned
cargo template (``tasks/near_dapp_build/cargo_template``) with ``cargo test --no-run -v``; the exact ``rustc``
command cargo used for the template's own test binary is captured into ``recipe.json``. npm installs the pinned
``near-sdk-js`` with ``--ignore-scripts`` (its post-install downloads QuickJS and wasi-sdk, impossible offline).

Untrusted, inside the sandbox, per sample (:func:`rust_program`): only the sample's ``src/lib.rs`` (plus the
hidden tests the harness appends) enters the work dir; cargo is not run there, so a sample has no
``Cargo.toml``, ``build.rs`` or proc-macro crate to smuggle in. A small shell driver replays cargo's captured
command against the read-only dependency cache (network off, ``--offline`` by construction):

1. ``build``: ``rustc`` checks the library (as ``cargo build`` would, against near-sdk with ``unit-testing``);
2. ``clippy``: ``clippy-driver`` with the same arguments, JSON diagnostics;
3. ``rustfmt``: ``rustfmt --check`` on the model's code alone;
4. ``test_build``: ``rustc --test`` links the unit-test binary (cargo test's command);
5. ``test_run``: the hidden tests run under ``timeout``.

Each stage prints its output between ``@@nearcoder`` markers; :func:`parse_rust_report` turns them into a
:class:`ContractReport`. Only the dependency crates are shared and they are read-only, so each sample compiles
its own crate only: seconds, not minutes (``bench/dapp_build.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nearcoder.sandboxes.api import Limits, Outcome, Program, Status

# Paths as seen from inside the sandbox. The toolchain is bound at /opt/rust by the backend (toolchain.py).
SANDBOX_RUST_BIN = "/opt/rust/bin"
SANDBOX_NEAR_TARGET = "/opt/nearcoder/near-sdk-target"
SANDBOX_NEAR_WASM = "/opt/nearcoder/near-sdk-wasm"
SANDBOX_NEAR_JS = "/opt/nearcoder/near-sdk-js"
HIDDEN_TESTS_MODULE = "nearcoder_hidden_tests"
MARK = "@@nearcoder"

RUST_LIMITS = Limits(wall_seconds=240, cpu_seconds=240, memory_mb=6144, processes=256,
                     output_bytes=2 * 1024 * 1024, disk_mb=512, open_files=1024)
JS_LIMITS = Limits(wall_seconds=120, cpu_seconds=120, memory_mb=4096, processes=64,
                   output_bytes=512 * 1024, disk_mb=64, open_files=512)
TEST_TIMEOUT_S = 30  # the hidden tests of one sample, all together, two threads
PER_TEST_TIMEOUT_S = 10  # after a hang: each unfinished test again, alone
DIAGNOSTIC_CAP = 200_000  # bytes of compiler output kept per stage


def template_dir() -> Path:
    from nearcoder.harness.paths import tasks_dir

    return tasks_dir() / "near_dapp_build" / "cargo_template"


def js_template_dir() -> Path:
    from nearcoder.harness.paths import tasks_dir

    return tasks_dir() / "near_dapp_build" / "js_template"


def cache_root() -> Path:
    """``$NEARCODER_CACHE/near_dapp_build`` (default ``~/.cache/nearcoder/near_dapp_build``)."""
    return Path(os.environ.get("NEARCODER_CACHE") or Path.home() / ".cache" / "nearcoder") / "near_dapp_build"


class CacheNotPrepared(RuntimeError):
    """The dependency cache is missing or stale; run the prepare command."""


PREPARE_HINT = "run `nearcoder selftest dapp-build --prepare` (or `python -m nearcoder.sandboxes.near_contracts prepare`)"


# ----------------------------------------------------------------------------------------------- Rust: prepare
WASM_TARGET = "wasm32-unknown-unknown"


@dataclass(frozen=True)
class RustRecipe:
    """The captured rustc arguments for the sample crate, with host paths rewritten to sandbox paths."""

    key: str
    target_dir: str  # host path of target/debug, bound read-only at SANDBOX_NEAR_TARGET
    args: tuple[str, ...]  # native unit-test build: edition, codegen flags, -L/--extern against SANDBOX_NEAR_TARGET
    rustc_version: str
    wasm_target_dir: str | None = None  # host path of the wasm target dir, bound at SANDBOX_NEAR_WASM
    wasm_args: tuple[str, ...] | None = None  # the contract's wasm32 build (`--cfg near`, as cargo-near builds it)

    def binds(self) -> tuple[tuple[str, str], ...]:
        binds = [(self.target_dir, SANDBOX_NEAR_TARGET)]
        if self.wasm_target_dir:
            binds.append((self.wasm_target_dir, SANDBOX_NEAR_WASM))
        return tuple(binds)


def _rustc_version() -> str:
    out = subprocess.run(["rustc", "-vV"], capture_output=True, text=True, check=True, timeout=60)
    return out.stdout.strip()


def wasm_target_installed() -> bool:
    out = subprocess.run(["rustc", "--print", "target-libdir", "--target", WASM_TARGET],
                         capture_output=True, text=True, timeout=60)
    return out.returncode == 0 and Path(out.stdout.strip()).is_dir() and any(Path(out.stdout.strip()).glob("libcore-*"))


def _template_key(rustc_version: str, wasm: bool) -> str:
    h = hashlib.sha256(rustc_version.encode() + (b"+wasm" if wasm else b""))
    for name in ("Cargo.toml", "Cargo.lock"):
        h.update((template_dir() / name).read_bytes())
    return h.hexdigest()[:16]


# Arguments of cargo's captured command that describe one particular invocation, not the dependency set.
_DROP_WITH_VALUE = {"--crate-type", "--emit", "--out-dir", "--error-format", "--json", "--check-cfg", "-o"}
_DROP_C_PREFIXES = ("metadata=", "extra-filename=", "incremental=")


def captured_args(log: str, target_root: Path, sandbox_root: str, *, marker: str) -> tuple[str, ...]:
    """The sample crate's rustc arguments from cargo's ``-v`` output (the last command holding ``marker``)."""
    command = None
    for line in log.splitlines():
        line = line.strip()
        if line.startswith("Running `") and "--crate-name near_contract" in line and marker in line:
            command = line[len("Running `"):].rstrip("`")
    if command is None:
        raise RuntimeError(f"cargo's output has no `rustc --crate-name near_contract ...{marker}` command")
    argv = shlex.split(command)[1:]  # drop the rustc path
    prefix = str(target_root)
    kept: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _DROP_WITH_VALUE:
            i += 2
            continue
        if arg in ("--test", "src/lib.rs", "--crate-name", "near_contract"):
            i += 1
            continue
        if arg.startswith(("--error-format=", "--emit=", "--crate-type=", "--out-dir=", "--check-cfg=", "--json=")):
            i += 1
            continue
        if arg == "-C" and argv[i + 1].startswith(_DROP_C_PREFIXES):
            i += 2
            continue
        kept.append(arg.replace(prefix, sandbox_root))
        i += 1
    if not any(a.startswith("near_sdk=") for a in kept):
        raise RuntimeError(f"captured command has no --extern near_sdk: {command[:300]}")
    return tuple(kept)


def recipe_from_cargo_log(log: str, target_debug: Path, key: str, rustc_version: str) -> RustRecipe:
    """A recipe from ``cargo test --no-run -v`` output (the sample crate's ``--test`` command)."""
    args = captured_args(log, target_debug, SANDBOX_NEAR_TARGET, marker=" --test ")
    return RustRecipe(key=key, target_dir=str(target_debug), args=args, rustc_version=rustc_version)


def load_rust_recipe() -> RustRecipe:
    """The prepared recipe; raises :class:`CacheNotPrepared` when missing or built for another template/rustc."""
    path = cache_root() / "recipe.json"
    if not path.is_file():
        raise CacheNotPrepared(f"no near-sdk dependency cache at {cache_root()}: {PREPARE_HINT}")
    data = json.loads(path.read_text())
    recipe = RustRecipe(**{**data, "args": tuple(data["args"]),
                           "wasm_args": tuple(data["wasm_args"]) if data.get("wasm_args") else None})
    if recipe.key != _template_key(_rustc_version(), wasm_target_installed()):
        raise CacheNotPrepared(f"the near-sdk cache at {cache_root()} is stale (template, rustc or targets changed): "
                               f"{PREPARE_HINT}")
    for d in (recipe.target_dir, recipe.wasm_target_dir):
        if d and not Path(d).is_dir():
            raise CacheNotPrepared(f"{d} is gone: {PREPARE_HINT}")
    return recipe


def _cargo(args: list[str], project: Path, log_file: Path, env: dict | None = None) -> str:
    proc = subprocess.run(["cargo", *args], cwd=project, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    log_file.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(f"cargo {' '.join(args[:3])} failed; see {log_file}:\n{proc.stderr[-2000:]}")
    return proc.stderr


def prepare_rust(log=print) -> RustRecipe:
    """Fetch and pre-build near-sdk's dependency set into the cache (idempotent; the network is needed once).

    Native build with ``unit-testing`` for the unit tests; when the wasm32 target is installed (or
    ``rustup target add`` can install it) also the contract's wasm build with ``--cfg near``."""
    try:
        recipe = load_rust_recipe()
        log(f"near-sdk cache ready: {cache_root()}")
        return recipe
    except CacheNotPrepared:
        pass
    if not shutil.which("cargo"):
        raise RuntimeError("cargo not found: install Rust (rustup) first")
    if not wasm_target_installed() and shutil.which("rustup"):
        log(f"rustup target add {WASM_TARGET} (optional: the contract's wasm build)")
        try:
            subprocess.run(["rustup", "target", "add", WASM_TARGET], capture_output=True, timeout=300)
        except subprocess.TimeoutExpired:
            log("rustup target add timed out; continuing without the wasm build")
    wasm = wasm_target_installed()
    root = cache_root()
    project = root / "project"
    (project / "src").mkdir(parents=True, exist_ok=True)
    for rel in ("Cargo.toml", "Cargo.lock", "src/lib.rs"):
        shutil.copyfile(template_dir() / rel, project / rel)
    target = (root / "target").resolve()
    log("cargo fetch --locked (near-sdk and its dependencies)")
    subprocess.run(["cargo", "fetch", "--locked"], cwd=project, check=True)
    (project / "src" / "lib.rs").touch()
    log(f"cargo test --no-run (pre-building the dependency set into {target}; minutes the first time)")
    test_log = _cargo(["test", "--no-run", "-v", "--locked", "--offline", "--target-dir", str(target)],
                      project, root / "prepare.log")
    version = _rustc_version()
    recipe = recipe_from_cargo_log(test_log, target / "debug", _template_key(version, wasm), version)
    if wasm:
        wasm_target = (root / "target-wasm").resolve()
        (project / "src" / "lib.rs").touch()  # so cargo prints the sample crate's command, not "Fresh"
        log(f"cargo build --target {WASM_TARGET} (the contract build; minutes the first time)")
        wasm_log = _cargo(["build", "--lib", "--target", WASM_TARGET, "-v", "--locked", "--offline",
                           "--target-dir", str(wasm_target)], project, root / "prepare-wasm.log",
                          env={"RUSTFLAGS": "--cfg near"})
        wasm_args = captured_args(wasm_log, wasm_target, SANDBOX_NEAR_WASM, marker=f"--target {WASM_TARGET}")
        recipe = RustRecipe(**{**asdict(recipe), "args": recipe.args, "wasm_target_dir": str(wasm_target),
                               "wasm_args": wasm_args})
    else:
        log(f"no {WASM_TARGET} target: samples are built natively only (no wasm stage)")
    (root / "recipe.json").write_text(json.dumps(asdict(recipe), indent=1))
    log(f"near-sdk cache ready: {root}")
    return recipe


# ----------------------------------------------------------------------------------------------- Rust: run
def with_hidden_tests(lib_rs: str, tests_rs: str) -> str:
    """The sample's lib.rs with the hidden unit tests appended as one ``#[cfg(test)]`` module."""
    body = "\n".join(("    " + ln) if ln.strip() else "" for ln in tests_rs.splitlines())
    return f"{lib_rs.rstrip()}\n\n#[cfg(test)]\nmod {HIDDEN_TESTS_MODULE} {{\n    use super::*;\n{body}\n}}\n"


def _driver_script(recipe: RustRecipe, test_timeout: int, per_test_timeout: int) -> str:
    common = " ".join(shlex.quote(a) for a in ("--crate-name", "near_contract", *recipe.args, "src/lib.rs"))
    wasm_stage = ""
    if recipe.wasm_args:
        wasm = " ".join(shlex.quote(a) for a in ("--crate-name", "near_contract", *recipe.wasm_args, "src/lib.rs"))
        wasm_stage = (f"stage wasm $R/rustc {wasm.replace(chr(39), '')} --crate-type cdylib -o out/contract.wasm "
                      f"--error-format=json && echo \"{MARK} wasm_bytes $(wc -c < out/contract.wasm)\" "
                      f"&& stage wasm_exports python3 wasm_exports.py out/contract.wasm")
    env = ("CARGO_PKG_NAME=near_contract CARGO_CRATE_NAME=near_contract CARGO_PKG_VERSION=0.1.0 "
           "CARGO_PKG_VERSION_MAJOR=0 CARGO_PKG_VERSION_MINOR=1 CARGO_PKG_VERSION_PATCH=0 "
           "CARGO_PKG_VERSION_PRE= CARGO_PKG_AUTHORS= CARGO_PKG_DESCRIPTION= CARGO_MANIFEST_DIR=/work")
    cap = DIAGNOSTIC_CAP
    return f"""#!/bin/sh
# Generated by nearcoder.sandboxes.near_contracts: replays cargo's rustc commands against the read-only cache.
export {env}
R={SANDBOX_RUST_BIN}
COMMON="{common.replace('"', '')}"
stage() {{ name=$1; shift; echo "{MARK} begin $name"; t0=$(date +%s.%N); "$@" > "$name.log" 2>&1; rc=$?; t1=$(date +%s.%N)
  head -c {cap} "$name.log"; echo; echo "{MARK} end $name rc=$rc t=$t0,$t1"; return $rc; }}
mkdir -p out
stage rustfmt $R/rustfmt --check --edition 2021 model.rs
stage build $R/rustc $COMMON --crate-type rlib --emit=metadata --out-dir out/lib --error-format=json || exit 0
{wasm_stage}
stage clippy $R/clippy-driver $COMMON --crate-type rlib --emit=metadata --out-dir out/clippy --error-format=json
stage test_build $R/rustc $COMMON --test --color never -o out/tests || exit 0
# Verdicts come from libtest's --logfile, not from stdout, which the contract's own code can also write to.
V=$(mktemp /tmp/v.XXXXXXXXXX)
stage test_run timeout -k 5 {test_timeout} ./out/tests {HIDDEN_TESTS_MODULE}:: --test-threads 2 --logfile "$V"
rc=$?
echo "{MARK} begin verdicts"; cat "$V"; echo; echo "{MARK} end verdicts rc=0"
[ $rc -eq 124 ] || [ $rc -eq 137 ] || exit 0
# A hang blocked the run: every test that did not finish runs again alone, each under its own timeout.
echo "{MARK} begin test_isolated"
for t in $(./out/tests --list 2>/dev/null | sed -n 's/: test$//p' | grep '^{HIDDEN_TESTS_MODULE}::'); do
  grep -q " $t$" "$V" && continue
  W=$(mktemp /tmp/v.XXXXXXXXXX)
  timeout -k 2 {per_test_timeout} ./out/tests --exact "$t" --test-threads 1 --logfile "$W" > one.log 2>&1; st=$?
  grep "^test $t " one.log | sed 's/^/# /'
  grep -E "^(ok|failed|ignored) $t$" "$W"
  if [ $st -eq 124 ] || [ $st -eq 137 ]; then echo "timeout $t"; fi
done
echo
echo "{MARK} end test_isolated rc=0"
exit 0
"""


def rust_program(lib_rs: str, tests_rs: str, recipe: RustRecipe, *, test_timeout: int = TEST_TIMEOUT_S,
                 per_test_timeout: int = PER_TEST_TIMEOUT_S) -> Program:
    """One sandboxed build of a generated contract: only ``src/lib.rs`` (+ hidden tests) comes from the sample."""
    files = {
        # The template's manifest (trusted, never the sample's): proc macros such as borsh's derive read
        # $CARGO_MANIFEST_DIR/Cargo.toml to resolve crate paths, exactly as under cargo.
        "Cargo.toml": (template_dir() / "Cargo.toml").read_bytes(),
        "Cargo.lock": (template_dir() / "Cargo.lock").read_bytes(),
        "src/lib.rs": with_hidden_tests(lib_rs, tests_rs).encode(),
        "model.rs": lib_rs.encode(),  # what rustfmt judges: the model's code alone
        "build.sh": _driver_script(recipe, test_timeout, per_test_timeout).encode(),
        "wasm_exports.py": (Path(__file__).parent / "runners" / "near_wasm_exports.py").read_bytes(),
    }
    return Program(files=files, command=("/bin/sh", "build.sh"), limits=RUST_LIMITS, ro_binds=recipe.binds())


@dataclass
class ContractReport:
    """What one generated contract achieved; every field is JSON-serialisable."""

    check_level: str  # "unit-tests" (Rust: compiled + hidden unit tests run) or "typecheck" (JS offline)
    build: bool = False  # the library compiled (natively, and to wasm32 when the wasm toolchain is there)
    build_target: str = ""  # "wasm32+native" or "native"
    wasm_bytes: int | None = None  # size of the debug contract wasm
    wasm_exports: list[str] | None = None  # functions the contract wasm exports (None: not known)
    reason: str = ""  # one line: why it stopped, or "ok"
    tests: dict[str, str] = field(default_factory=dict)  # hidden test -> passed/failed/ignored/timeout/not_run
    warnings: int = 0  # compiler + clippy warnings on the model's code
    clippy_warnings: int = 0
    errors: int = 0
    rustfmt_clean: bool = False
    lines: int = 0  # non-blank lines of the model's code
    stage_rc: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    log: str = ""  # the human-readable build/test output (capped)
    duration_s: float = 0.0

    @property
    def functionality(self) -> float:
        return sum(v == "passed" for v in self.tests.values()) / len(self.tests) if self.tests else 0.0

    @property
    def warnings_per_100_lines(self) -> float | None:
        return round(100.0 * self.warnings / self.lines, 3) if self.build and self.lines else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["functionality"] = self.functionality
        d["warnings_per_100_lines"] = self.warnings_per_100_lines
        return d


_STAGE_RE = re.compile(rf"^{MARK} begin (\w+)\n(.*?)\n{MARK} end \1 rc=(-?\d+)(?: t=([\d.]+),([\d.]+))?$", re.M | re.S)
_VERDICT_RE = re.compile(rf"^(ok|failed|ignored|timeout) {HIDDEN_TESTS_MODULE}::(\w+)$", re.M)
_VERDICT = {"ok": "passed", "failed": "failed", "ignored": "ignored", "timeout": "timeout"}


def split_stages(stdout: str) -> dict[str, tuple[int, str]]:
    return {m.group(1): (int(m.group(3)), m.group(2)) for m in _STAGE_RE.finditer(stdout)}


def stage_seconds(stdout: str) -> dict[str, float]:
    """Wall seconds each stage took inside the sandbox."""
    return {m.group(1): round(float(m.group(5)) - float(m.group(4)), 3)
            for m in _STAGE_RE.finditer(stdout) if m.group(4)}


def _diagnostics(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                d = json.loads(line)
            except json.JSONDecodeError:
                continue
            if d.get("$message_type", "diagnostic") == "diagnostic" and d.get("spans"):
                out.append(d)
    return out


def _rendered(text: str) -> str:
    parts = []
    for line in text.splitlines():
        if line.startswith("{"):
            try:
                parts.append(json.loads(line).get("rendered") or "")
                continue
            except json.JSONDecodeError:
                pass
        parts.append(line + "\n")
    return "".join(parts)


def _first_error(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("error"):
            return line.strip()[:200]
    return (text.strip().splitlines() or ["(no output)"])[-1][:200]


def parse_rust_report(outcome: Outcome, lib_rs: str, test_names: list[str]) -> ContractReport:
    """Turn the driver's staged output into a report; sandbox limits (timeout, memory) become the reason."""
    report = ContractReport(check_level="unit-tests", duration_s=round(outcome.duration, 3))
    report.lines = sum(1 for ln in lib_rs.splitlines() if ln.strip())
    report.tests = {name: "not_run" for name in test_names}
    stages = split_stages(outcome.stdout)
    report.stage_rc = {name: rc for name, (rc, _) in stages.items()}
    report.stage_seconds = stage_seconds(outcome.stdout)
    log_parts = []
    for name, (rc, text) in stages.items():
        shown = _rendered(text) if name in ("build", "wasm", "clippy") else text
        log_parts.append(f"== {name} (exit {rc})\n{shown.strip()}\n")
    report.log = "\n".join(log_parts)[:DIAGNOSTIC_CAP]

    if "rustfmt" in stages:
        report.rustfmt_clean = stages["rustfmt"][0] == 0
    if "build" in stages:
        rc, text = stages["build"]
        diags = _diagnostics(text)
        report.errors = sum(d.get("level") == "error" for d in diags)
        report.build = rc == 0
        if not report.build:
            report.reason = "compile_error: " + _first_error(_rendered(text))
    if "wasm" in stages:
        rc, text = stages["wasm"]
        report.build_target = "wasm32+native"
        if m := re.search(rf"^{MARK} wasm_bytes (\d+)$", outcome.stdout, re.M):
            report.wasm_bytes = int(m.group(1))
        if rc != 0:
            report.build = False
            report.reason = "wasm_build_error: " + _first_error(_rendered(text))
        if stages.get("wasm_exports", (1, ""))[0] == 0:
            report.wasm_exports = [ln.strip() for ln in stages["wasm_exports"][1].splitlines() if ln.strip()]
    elif "build" in stages:
        report.build_target = "native"
    if "clippy" in stages:
        diags = _diagnostics(stages["clippy"][1])
        warns = [d for d in diags if d.get("level") == "warning"]
        report.warnings = len(warns)
        report.clippy_warnings = sum(((d.get("code") or {}).get("code") or "").startswith("clippy::") for d in warns)
    if "test_build" in stages and stages["test_build"][0] != 0:
        report.reason = "tests_do_not_compile: " + _first_error(stages["test_build"][1])
    if "test_run" in stages:
        rc, text = stages["test_run"]
        for stage in ("verdicts", "test_isolated"):
            for verdict, name in _VERDICT_RE.findall(stages.get(stage, (0, ""))[1]):
                if name in report.tests:
                    report.tests[name] = _VERDICT[verdict]
        if rc in (124, 137):
            hung = [n for n, v in report.tests.items() if v in ("timeout", "not_run")]
            report.reason = f"tests_timeout: {', '.join(hung) or 'the test run'} did not finish in time and was killed"
        elif rc != 0 and not any(v == "failed" for v in report.tests.values()):
            report.reason = "test_binary_crashed: " + _first_error(text)
        elif unfinished := [n for n, v in report.tests.items() if v == "not_run"]:
            report.reason = f"tests_incomplete: the test binary exited (code {rc}) before {', '.join(unfinished)} finished"
        elif not report.reason:
            report.reason = "ok" if rc == 0 else f"tests_failed: {sum(v == 'failed' for v in report.tests.values())}"
        elif report.reason.startswith("wasm_build_error") and rc != 0:
            report.reason += f"; tests_failed: {sum(v == 'failed' for v in report.tests.values())}"
    if outcome.status not in (Status.PASSED, Status.FAILED):
        report.reason = f"sandbox_{outcome.status.value}: {outcome.reason}"
    elif not stages:
        report.reason = f"sandbox_error: the build driver printed nothing ({outcome.reason}) {outcome.stderr[-300:]}"
    return report


# ----------------------------------------------------------------------------------------------- JS: typecheck
NEAR_SDK_JS = "near-sdk-js"


def js_modules_dir() -> Path:
    return cache_root() / "js" / "node_modules"


def prepare_js(log=print) -> Path:
    """``npm install --ignore-scripts`` of the pinned near-sdk-js (and the TypeScript it depends on); idempotent."""
    modules = js_modules_dir()
    lock = js_template_dir() / "package-lock.json"
    stamp = cache_root() / "js" / "installed.sha256"
    want = hashlib.sha256((js_template_dir() / "package.json").read_bytes()
                          + (lock.read_bytes() if lock.exists() else b"")).hexdigest()
    if (modules / NEAR_SDK_JS / "package.json").is_file() and stamp.is_file() and stamp.read_text() == want:
        log(f"near-sdk-js cache ready: {modules}")
        return modules
    if not shutil.which("npm"):
        raise RuntimeError("npm not found: install node.js first")
    js_dir = cache_root() / "js"
    js_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(js_template_dir() / "package.json", js_dir / "package.json")
    cmd = ["npm", "install", "--ignore-scripts", "--no-audit", "--no-fund"]
    if lock.exists():
        shutil.copyfile(lock, js_dir / "package-lock.json")
        cmd[1] = "ci"
    log(f"{' '.join(cmd)} (near-sdk-js without its QuickJS/wasi-sdk download) -> {js_dir}")
    subprocess.run(cmd, cwd=js_dir, check=True, capture_output=True)
    stamp.write_text(want)
    return modules


def load_js_modules() -> Path:
    modules = js_modules_dir()
    if not (modules / NEAR_SDK_JS / "package.json").is_file() or not (modules / "typescript" / "bin" / "tsc").is_file():
        raise CacheNotPrepared(f"no near-sdk-js cache at {modules}: {PREPARE_HINT}")
    return modules


TSCONFIG = {
    "compilerOptions": {
        "target": "es2020", "module": "es2020", "moduleResolution": "node", "strict": True,
        "experimentalDecorators": True, "noEmit": True, "skipLibCheck": True, "types": [],
    },
    "files": ["src/contract.ts", "check.ts"],
}


def js_program(contract_ts: str, check_ts: str, modules: Path) -> Program:
    """A TypeScript type check of the contract and the spec's interface probe (``check.ts``) against near-sdk-js."""
    # node_modules is a link to the read-only cache, so the usual module resolution finds near-sdk-js's types.
    script = (f"ln -s {SANDBOX_NEAR_JS} node_modules; echo '{MARK} begin typecheck'; "
              f"node node_modules/typescript/bin/tsc -p tsconfig.json --pretty false"
              f" > typecheck.log 2>&1; rc=$?; head -c {DIAGNOSTIC_CAP} typecheck.log; echo; "
              f"echo '{MARK} end typecheck rc='$rc; exit 0")
    files = {
        "src/contract.ts": contract_ts.encode(),
        "check.ts": check_ts.encode(),
        "tsconfig.json": json.dumps(TSCONFIG, indent=1).encode(),
        "check.sh": script.encode(),
    }
    return Program(files=files, command=("/bin/sh", "check.sh"), limits=JS_LIMITS,
                   ro_binds=((str(modules), SANDBOX_NEAR_JS),))


_TS_ERR = re.compile(r"^(src/contract\.ts|check\.ts)\(\d+,\d+\): error (TS\d+): (.*)$", re.M)


def parse_js_report(outcome: Outcome, contract_ts: str) -> ContractReport:
    """Typecheck only: ``build`` stays False (never report a type check as a build); ``tests`` holds one entry."""
    report = ContractReport(check_level="typecheck", duration_s=round(outcome.duration, 3))
    report.lines = sum(1 for ln in contract_ts.splitlines() if ln.strip())
    stages = split_stages(outcome.stdout)
    report.stage_rc = {name: rc for name, (rc, _) in stages.items()}
    if "typecheck" not in stages:
        report.reason = f"sandbox_{outcome.status.value}: {outcome.reason} {outcome.stderr[-300:]}"
        report.tests = {"typecheck": "not_run"}
        return report
    rc, text = stages["typecheck"]
    errors = _TS_ERR.findall(text)
    report.errors = len(errors)
    report.log = f"== typecheck (exit {rc})\n{text.strip()}"
    report.tests = {"typecheck": "passed" if rc == 0 else "failed"}
    interface_errors = [e for e in errors if e[0] == "check.ts"]
    if rc == 0:
        report.reason = "ok (typecheck only: the contract was not built or run)"
    elif errors:
        where = "interface_mismatch" if interface_errors and len(interface_errors) == len(errors) else "type_error"
        report.reason = f"{where}: {errors[0][0]} {errors[0][1]} {errors[0][2][:160]}"
    else:
        report.reason = "type_error: " + _first_error(text)
    return report


def main(argv: list[str] | None = None) -> int:
    """``python -m nearcoder.sandboxes.near_contracts prepare [rust|js]``: fetch and pre-build the caches."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "prepare":
        print("usage: python -m nearcoder.sandboxes.near_contracts prepare [rust|js]", file=sys.stderr)
        return 2
    which = args[1:] or ["rust", "js"]
    if "rust" in which:
        prepare_rust()
    if "js" in which:
        prepare_js()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
