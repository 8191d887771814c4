"""Benchmark: all 164 HumanEvalPack JS + 164 Rust canonical solutions, sandboxed vs a MultiPL-E-style baseline.

Baseline: one ``node`` / ``rustc --test`` + run process per program, no isolation, ``cpus - 1`` workers (at
least 1), the same 10 s timeout and the same console.assert-throws preload (so both executors give the same
verdicts). Sandboxed: ``nearcoder.sandboxes.languages.run_tests`` (batched, isolated, no cache).

Usage: ``nice python bench/sandbox_humaneval.py [--backend bwrap|docker] [--data ../shared/data]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from nearcoder.sandboxes.languages import PRELOAD_JS, TestProgram, run_tests
from nearcoder.sandboxes.toolchain import prepare

TIMEOUT = 10


def load(data: Path) -> list[tuple[str, TestProgram]]:
    out = []
    for lang, fname in (("js", "js.jsonl"), ("rust", "rust.jsonl")):
        with open(data / "humanevalpack" / fname) as fh:
            for row in map(json.loads, fh):
                out.append((row["task_id"], TestProgram(lang, row["prompt"] + row["canonical_solution"] + row["test"])))
    return out


def baseline_one(program: TestProgram, rust_args: list[str], js_path: str) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            if program.lang == "js":
                Path(tmp, "p.js").write_text(program.source)
                Path(tmp, "pre.js").write_bytes(PRELOAD_JS)
                r = subprocess.run(["node", "-r", "./pre.js", "p.js"], cwd=tmp, capture_output=True, timeout=TIMEOUT,
                                   env={**os.environ, "NODE_PATH": js_path})
                return r.returncode == 0
            Path(tmp, "m.rs").write_text(program.source)
            c = subprocess.run(["rustc", "--edition", "2021", "--test", "-A", "warnings", *rust_args, "m.rs", "-o", "t"],
                               cwd=tmp, capture_output=True, timeout=60)
            if c.returncode != 0:
                return False
            return subprocess.run(["./t"], cwd=tmp, capture_output=True, timeout=TIMEOUT).returncode == 0
        except subprocess.TimeoutExpired:
            return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="bwrap")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEARCODER_DATA_DIR", "../shared/data")))
    args = ap.parse_args()
    prep = prepare()
    items = load(args.data)
    programs = [p for _, p in items]
    workers = max(1, (os.cpu_count() or 2) - 1)
    rust_args = ["-L", f"dependency={prep.rust_deps}"] + [f"--extern={n}={prep.rust_deps}/{f}" for n, f in prep.rust_externs.items()]

    rows = []
    for lang in ("js", "rust", None):
        subset = [p for p in programs if lang is None or p.lang == lang]
        if lang is None:
            break
        t = time.monotonic()
        with ThreadPoolExecutor(workers) as pool:
            base = list(pool.map(lambda p: baseline_one(p, rust_args, str(prep.js_modules)), subset))
        t_base = time.monotonic() - t
        t = time.monotonic()
        outs = run_tests(subset, backend=args.backend, progress=False)
        t_box = time.monotonic() - t
        rows.append((lang, len(subset), t_base, sum(base), t_box, sum(o.passed for o in outs)))
    total = ("all", sum(r[1] for r in rows), sum(r[2] for r in rows), sum(r[3] for r in rows),
             sum(r[4] for r in rows), sum(r[5] for r in rows))
    rows.append(total)
    print(f"machine: 2-core x86_64 VM, 24 GiB ({platform.node()}, {os.cpu_count()} CPUs); "
          f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; backend: {args.backend}; "
          f"baseline workers: {workers}")
    print("| programs | n | baseline s | baseline passed | sandbox s | sandbox passed | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for lang, n, tb, pb, ts, ps in rows:
        print(f"| {lang} | {n} | {tb:.1f} | {pb} | {ts:.1f} | {ps} | {tb / ts:.1f}x |")


if __name__ == "__main__":
    main()
