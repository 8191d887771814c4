"""Benchmark: all 164 HumanEvalPack JS + 164 Rust canonical solutions, sandboxed vs a MultiPL-E-style baseline.

Baseline: one ``node`` / ``rustc --test`` + run process per program, no isolation, ``cpus - 1`` workers (at
least 1), the same 10 s timeout and the same console.assert-throws preload (so both executors give the same
verdicts). Sandboxed: ``nearcoder.sandboxes.languages.run_tests`` (batched, isolated, no cache).

Usage: ``nice python bench/sandbox_humaneval.py [--backend bwrap|docker] [--data ../shared/data]``

``--selftest-against OTHER_NEARCODER [--rounds N]`` instead times ``nearcoder selftest humaneval --lang js|rust``
of this checkout against another install (e.g. the previous release's venv), alternating the two in every
round so both see the same machine load, and prints the per-round table (canonical solutions, warm caches).

``--time-limits [--rounds N]`` times the self-tests (canonical and buggy, JS and Rust) with every program under
the full 10 s limit and under its problem's derived limit (``execution.time_limit``), alternated in every round,
and prints the table with both runs' pass counts and timeouts (warm reference cache).
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


def time_selftest(nearcoder: str, lang: str, out_dir: str) -> tuple[float, int]:
    """Seconds of ``nearcoder selftest humaneval --lang LANG`` (its own timer) and how many passed."""
    out = Path(out_dir, f"{Path(nearcoder).parent.parent.parent.name}-{lang}.json")
    subprocess.run([nearcoder, "selftest", "humaneval", "--lang", lang, "--out", str(out)], capture_output=True,
                   cwd=out_dir)
    report = json.loads(out.read_text())
    return report["seconds"], report["passed"]


def compare_selftests(other: str, rounds: int) -> None:
    this = str(Path(__file__).resolve().parent.parent / ".venv" / "bin" / "nearcoder")
    print(f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; load average at start: {os.getloadavg()[0]:.1f}")
    print("| round | lang | other s | other passed | this s | this passed | this / other |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(rounds):
            for lang in ("js", "rust"):
                (t_o, p_o), (t_t, p_t) = time_selftest(other, lang, tmp), time_selftest(this, lang, tmp)
                print(f"| {k + 1} | {lang} | {t_o:.1f} | {p_o} | {t_t:.1f} | {p_t} | {t_t / t_o:.2f}x |", flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def compare_time_limits(rounds: int) -> None:
    from nearcoder.tasks.near_humaneval.selftest import run_selftest

    print(f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; load average at start: {os.getloadavg()[0]:.1f}")
    print("| round | lang | solutions | 10 s limit: s | passed | timeouts | derived limits: s | passed | timeouts | "
          "same verdicts | load |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for k in range(rounds):
        for buggy in (True, False):
            for lang in ("js", "rust"):
                full, derived = (run_selftest(lang, buggy=buggy, progress=False, derived_limits=d) for d in (False, True))
                same = sum((a["status"] == "passed") == (b["status"] == "passed")
                           for a, b in zip(full.outcomes, derived.outcomes))
                cols = [f"{r.seconds:.1f} | {r.passed} | {sum(o['status'] == 'timeout' for o in r.outcomes)}"
                        for r in (full, derived)]
                print(f"| {k + 1} | {lang} | {'buggy' if buggy else 'canonical'} | {cols[0]} | {cols[1]} | "
                      f"{same}/{full.total} | {os.getloadavg()[0]:.1f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="bwrap")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEARCODER_DATA_DIR", "../shared/data")))
    ap.add_argument("--selftest-against", metavar="NEARCODER", help="another install's nearcoder executable")
    ap.add_argument("--time-limits", action="store_true", help="self-tests with 10 s vs derived time limits")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if args.time_limits:
        compare_time_limits(args.rounds)
        return
    if args.selftest_against:
        compare_selftests(args.selftest_against, args.rounds)
        return
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
