"""Host toolchains and pre-fetched dependencies the sandboxes bind read-only, and ``prepare()`` that fetches them.

Nothing here runs untrusted code. ``prepare()`` runs trusted package managers *outside* any sandbox, once:
npm installs ``js-md5`` and cargo builds the crates HumanEval-Rust programs import (``rand`` 0.4, ``regex``,
``md5``), all under the cache dir (``$NEARCODER_CACHE``, default ``~/.cache/nearcoder``). Inside a sandbox these
appear at neutral paths (:data:`RUST_SYSROOT`, :data:`JS_MODULES`, :data:`RUST_DEPS`); the host's ``/root``
(where rustup keeps the toolchain) is never exposed, only the one toolchain directory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from nearcoder.harness import settings

# Paths as seen from inside a sandbox.
RUST_SYSROOT = "/opt/rust"
JS_MODULES = "/opt/nearcoder/js/node_modules"
RUST_DEPS = "/opt/nearcoder/rust-deps"
SANDBOX_PATH = f"{RUST_SYSROOT}/bin:/usr/local/bin:/usr/bin:/bin"

RUST_CRATES = {"rand": "0.4", "regex": "1", "md5": "0.7"}  # what HumanEval-Rust (bigcode harness) links against
JS_PACKAGES = {"js-md5": "0.8.3"}


def cache_dir() -> Path:
    return settings.cache_root() / "sandbox"


@lru_cache(maxsize=1)
def rust_sysroot() -> Path | None:
    """The host's active Rust toolchain directory (``rustc --print sysroot``), or None without rustc."""
    rustc = shutil.which("rustc")
    if not rustc:
        return None
    try:
        out = subprocess.run([rustc, "--print", "sysroot"], capture_output=True, text=True, timeout=60, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    path = Path(out.stdout.strip())
    return path if (path / "bin" / "rustc").exists() else None


@dataclass(frozen=True)
class Prepared:
    """Host paths of the prepared caches (each None when not prepared)."""

    js_modules: Path | None
    rust_deps: Path | None
    rust_externs: dict[str, str]  # crate name -> rlib file name inside rust_deps

    def binds(self) -> tuple[tuple[str, str], ...]:
        """Read-only (host, sandbox) binds for every prepared cache and the Rust toolchain."""
        out = []
        if (root := rust_sysroot()) is not None:
            out.append((str(root), RUST_SYSROOT))
        if self.js_modules:
            out.append((str(self.js_modules), JS_MODULES))
        if self.rust_deps:
            out.append((str(self.rust_deps), RUST_DEPS))
        return tuple(out)

    def rustc_dep_args(self) -> list[str]:
        args = []
        if self.rust_deps:
            args += ["-L", f"dependency={RUST_DEPS}"]
            args += [f"--extern={name}={RUST_DEPS}/{rlib}" for name, rlib in sorted(self.rust_externs.items())]
        return args


def prepared() -> Prepared:
    """What :func:`prepare` left in the cache (cheap: reads a manifest; never downloads)."""
    root = cache_dir()
    js = root / "js" / "node_modules"
    manifest = root / "rust" / "externs.json"
    externs = json.loads(manifest.read_text()) if manifest.exists() else {}
    deps = root / "rust" / "target" / "release" / "deps"
    return Prepared(
        js_modules=js if (js / "js-md5").is_dir() else None,
        rust_deps=deps if externs and deps.is_dir() else None,
        rust_externs=externs,
    )


def prepare(log=print) -> Prepared:
    """Fetch and build every dependency the language runners bind (idempotent; needs npm/cargo and the network
    the first time only)."""
    root = cache_dir()
    js_dir = root / "js"
    if not (js_dir / "node_modules" / "js-md5").is_dir():
        js_dir.mkdir(parents=True, exist_ok=True)
        (js_dir / "package.json").write_text(json.dumps({"name": "nearcoder-sandbox-js", "private": True}))
        specs = [f"{n}@{v}" for n, v in JS_PACKAGES.items()]
        log(f"npm install {' '.join(specs)} -> {js_dir}")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(js_dir), *specs],
            check=True,
            capture_output=True,
        )
    rust_dir = root / "rust"
    manifest = rust_dir / "externs.json"
    if not manifest.exists():
        if rust_sysroot() is None:
            raise RuntimeError("rustc not found: install Rust (rustup) before `nearcoder sandbox prepare`")
        (rust_dir / "src").mkdir(parents=True, exist_ok=True)
        deps = "\n".join(f'{n} = "{v}"' for n, v in RUST_CRATES.items())
        (rust_dir / "Cargo.toml").write_text(
            f'[package]\nname = "nearcoder_sandbox_deps"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n{deps}\n'
        )
        (rust_dir / "src" / "lib.rs").write_text("")
        log(f"cargo build --release ({', '.join(RUST_CRATES)}) -> {rust_dir}")
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=rust_dir, check=True)
        deps_dir = rust_dir / "target" / "release" / "deps"
        externs = {}
        for name in RUST_CRATES:
            rlibs = sorted(deps_dir.glob(f"lib{name}-*.rlib"), key=lambda p: p.stat().st_mtime)
            if not rlibs:
                raise RuntimeError(f"cargo built no rlib for {name} in {deps_dir}")
            externs[name] = rlibs[-1].name
        manifest.write_text(json.dumps(externs, indent=1))
    return prepared()
