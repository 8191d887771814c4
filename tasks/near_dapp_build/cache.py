"""The near-sdk dependency caches near_dapp_build builds against: filled once, trusted, outside any sandbox.

:func:`prepare` (what ``nearcoder prepare dapp-build`` and ``prepare.sh`` call): cargo fetches and builds the
pinned cargo template (``cargo_template/``) with ``cargo test --no-run -v``; the exact ``rustc`` command cargo
used for the template's own crate is captured into ``recipe.json`` (:class:`RustRecipe`), natively and, when the
wasm32 target is installed, for ``wasm32-unknown-unknown``. npm installs the pinned ``near-sdk-js`` with
``--ignore-scripts`` (its post-install downloads QuickJS and wasi-sdk, impossible offline).

An evaluation never fills a cache: :func:`load_rust_recipe` and :func:`load_js_modules` raise
:class:`CacheNotPrepared`, naming the command to run, before any reply is generated.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from nearcoder.harness import settings


# Paths as seen from inside the sandbox. The toolchain is bound at /opt/rust by the backend (toolchain.py).
SANDBOX_RUST_BIN = "/opt/rust/bin"
SANDBOX_NEAR_TARGET = "/opt/nearcoder/near-sdk-target"
SANDBOX_NEAR_WASM = "/opt/nearcoder/near-sdk-wasm"
SANDBOX_NEAR_JS = "/opt/nearcoder/near-sdk-js/node_modules"  # named node_modules: node resolves from the real path
TASK_DIR = Path(__file__).resolve().parent


def template_dir() -> Path:
    return TASK_DIR / "cargo_template"


def js_template_dir() -> Path:
    return TASK_DIR / "js_template"


def cache_root() -> Path:
    """``$NEARCODER_CACHE/near_dapp_build`` (default ``~/.cache/nearcoder/near_dapp_build``)."""
    return settings.cache_root() / "near_dapp_build"


class CacheNotPrepared(RuntimeError):
    """The dependency cache is missing or stale; run the prepare command."""


PREPARE_HINT = ("run `nearcoder prepare dapp-build` (or `tasks/near_dapp_build/prepare.sh`) once before evaluating; "
                "an evaluation never downloads or builds it")


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


def prepare(languages: tuple[str, ...] = ("rust", "js"), log=print) -> None:
    """Fill the caches an evaluation of ``languages`` needs (idempotent; the network is needed the first time)."""
    if "rust" in languages:
        prepare_rust(log=log)
    if "js" in languages:
        prepare_js(log=log)


def main(argv: list[str] | None = None) -> int:
    """``python -m nearcoder.tasks.near_dapp_build.cache prepare [rust|js]`` (what ``prepare.sh`` runs)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "prepare" or not set(args[1:]) <= {"rust", "js"}:
        print("usage: python -m nearcoder.tasks.near_dapp_build.cache prepare [rust|js]", file=sys.stderr)
        return 2
    prepare(tuple(args[1:]) or ("rust", "js"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
