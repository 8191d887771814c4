"""Benchmark near_dapp_build: cold cache preparation vs warm per-sample builds in the sandbox.

Measures
- cold: ``prepare_rust`` into an empty cache (crates already downloaded by cargo; every dependency compiled);
- copy baseline: what a per-sample ``cargo test`` would cost if each sample got a copy of the warm target dir;
- warm: every Rust reference contract built, linted and unit-tested in the sandbox, one at a time (per-sample
  latency and per-stage seconds) and all together in parallel (throughput).
Results go into docs/dapp_build.md between the bench markers (``--no-write`` to only print them).

Run: ``nice python bench/dapp_build.py [--cold] [--copy-baseline] [--workers 2]``
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from nearcoder.tasks.near_dapp_build import cache as nc
from nearcoder.sandboxes.factory import get_backend
from nearcoder.tasks.near_dapp_build.scoring import score_samples
from nearcoder.tasks.near_dapp_build.selftest import reference_reply
from nearcoder.tasks.near_dapp_build.specs import load_specs

DOC = Path(__file__).resolve().parents[1] / "docs" / "dapp_build.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
MACHINE = "2-core x86_64 VM, 24 GiB"


def cold_prepare() -> float:
    with tempfile.TemporaryDirectory(prefix="nearcoder-cold-") as tmp:
        old = os.environ.get("NEARCODER_CACHE")
        os.environ["NEARCODER_CACHE"] = tmp
        try:
            start = time.monotonic()
            nc.prepare_rust(log=lambda *_: None)
            return time.monotonic() - start
        finally:
            if old is None:
                os.environ.pop("NEARCODER_CACHE")
            else:
                os.environ["NEARCODER_CACHE"] = old


def copy_baseline(recipe: nc.RustRecipe) -> tuple[float, float]:
    """(seconds to copy the warm target dir, seconds of `cargo test` on the copy) for the counter reference."""
    spec = next(s for s in load_specs("rust") if s.id == "counter")
    with tempfile.TemporaryDirectory(prefix="nearcoder-copy-") as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(nc.template_dir(), project)
        # the old in-crate layout, for the copy baseline only (the pipeline compiles hidden tests apart)
        (project / "src" / "lib.rs").write_text(f"{spec.reference}\n#[cfg(test)]\nmod t {{\n    use super::*;\n"
                                                f"{spec.tests}\n}}\n")
        start = time.monotonic()
        shutil.copytree(Path(recipe.target_dir).parent, Path(tmp) / "target", symlinks=True)
        copied = time.monotonic() - start
        start = time.monotonic()
        subprocess.run(["cargo", "test", "--offline", "--locked", "--target-dir", str(Path(tmp) / "target")],
                       cwd=project, check=True, capture_output=True)
        return copied, time.monotonic() - start


def warm(workers: int) -> tuple[list[dict], float, float]:
    backend = get_backend()
    specs = load_specs("rust")
    pairs = [(s, reference_reply(s.reference)) for s in specs]
    sequential = []
    for pair in pairs:
        sequential += score_samples([pair], backend=backend, workers=1)
    start = time.monotonic()
    score_samples(pairs, backend=backend, workers=workers)
    parallel = time.monotonic() - start
    start = time.monotonic()
    js = [(s, reference_reply(s.reference)) for s in load_specs("js")]
    score_samples(js, backend=backend, workers=1)
    js_each = (time.monotonic() - start) / len(js)
    return sequential, parallel, js_each


def render(sequential, parallel, workers, js_each, cold, copy) -> str:
    durations = [r["duration_s"] for r in sequential]
    stages = ("rustfmt", "clippy", "build", "wasm", "test_build")
    for r in sequential:  # every hidden test is its own step: report them together
        r["stage_seconds"]["tests"] = sum(v for k, v in r["stage_seconds"].items() if k.startswith("test "))
    lines = [
        START,
        f"Measured {date.today().isoformat()} on a {MACHINE} ({platform.python_implementation()} "
        f"{platform.python_version()}, bwrap backend, other jobs running), rustc "
        f"{nc.load_rust_recipe().rustc_version.splitlines()[0].split()[1]}, near-sdk 5.30.0.",
        "",
        "| measurement | seconds |",
        "|---|---:|",
    ]
    if cold is not None:
        lines.append(f"| cold: prepare the near-sdk caches, native + wasm32 (crates already downloaded) | {cold:.0f} |")
    if copy is not None:
        lines.append(f"| baseline: copy the warm target dir for one sample | {copy[0]:.1f} |")
        lines.append(f"| baseline: `cargo test` on that copy | {copy[1]:.1f} |")
    lines += [
        f"| warm: one Rust sample, median over {len(durations)} references (every step, one at a time; wasm build included) | {statistics.median(durations):.1f} |",
        f"| warm: slowest reference | {max(durations):.1f} |",
        f"| warm: all {len(durations)} references, {workers} in parallel (wall) | {parallel:.1f} |",
        f"| warm: one JS sample (type check, transpile, behaviour tests; one step at a time) | {js_each:.1f} |",
        "",
        "Per stage, median seconds inside the sandbox: "
        + ", ".join(
            f"{st} {statistics.median([r['stage_seconds'].get(st, 0.0) for r in sequential]):.2f}"
            for st in (*stages, "tests")
        )
        + ".",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="Also time a cold cache preparation (minutes).")
    parser.add_argument("--copy-baseline", action="store_true", help="Also time copy-the-target-dir + cargo test.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-write", action="store_true", help=f"Print only; do not update {DOC}.")
    args = parser.parse_args()
    recipe = nc.prepare_rust()
    nc.prepare_js()
    cold = cold_prepare() if args.cold else None
    copy = copy_baseline(recipe) if args.copy_baseline else None
    sequential, parallel, js_each = warm(args.workers)
    block = render(sequential, parallel, args.workers, js_each, cold, copy)
    print(block)
    if not args.no_write and DOC.exists() and START in DOC.read_text():
        text = DOC.read_text()
        DOC.write_text(text[: text.index(START)] + block + text[text.index(END) + len(END):])
        print(f"updated {DOC}")


if __name__ == "__main__":
    main()
