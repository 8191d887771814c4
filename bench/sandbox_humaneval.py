"""Benchmark: HumanEvalPack JS + Rust through the sandbox vs a MultiPL-E-style baseline and the previous release.

``--against REF [--limit N] [--samples 20] [--langs js,rust] [--baseline-programs 164]`` (issue 19) measures in ONE
run, alternating the three executors in every row so they see the same load: this checkout, the project's
executor at git ref REF (a detached worktree under /tmp, its code run in a subprocess) and the MultiPL-E-style
baseline below, on canonical solutions, buggy solutions and a ``--samples``-per-problem batch (sample j of a
problem: the canonical solution for even j, the buggy one for odd j, each with a distinct comment so nothing is
deduplicated) of each language; it compares this checkout's verdicts with REF's program by program and prints
the table for docs/humaneval.md. Both project executors run ``execution.execute_samples`` (warm reference cache,
2 workers, bwrap); the time is that call's wall clock. The baseline runs at most ``--baseline-programs``
programs of a row (a fixed random subset) and is extrapolated to the whole row when that is fewer (marked ~).

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
import random
import subprocess
import sys
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


SETS = ("canonical", "buggy", "samples")
REPO = Path(__file__).resolve().parent.parent


def batch(docs: list[dict], which: str, samples: int) -> list[list[str]]:
    """The completions of one row: canonical, buggy, or ``samples`` per problem (canonical/buggy alternating)."""
    from nearcoder.tasks.near_humaneval.programs import reference_completion

    if which != "samples":
        field = "buggy_solution" if which == "buggy" else "canonical_solution"
        return [[reference_completion(doc, field)] for doc in docs]
    return [[f"\n// sample {j}" + reference_completion(doc, "buggy_solution" if j % 2 else "canonical_solution")
             for j in range(samples)] for doc in docs]


def worker(root: str, lang: str, which: str, limit: int, samples: int, out: str) -> None:
    """Subprocess body: import ``nearcoder`` from ``root`` (this checkout or a worktree of another ref), run one
    row through its ``execute_samples`` and write the wall time and every program's status to ``out``."""
    if Path(root).resolve() != REPO:
        sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
        for name in [m for m in sys.modules if m == "nearcoder" or m.startswith("nearcoder.")]:
            del sys.modules[name]
        sys.path.insert(0, root)
        import nearcoder

        nearcoder.__path__.append(root)  # nearcoder.harness -> ROOT/harness, ... (what setup.py maps)
    from nearcoder.tasks.near_humaneval.execution import execute_samples

    data = Path(os.environ.get("NEARCODER_DATA_DIR", REPO.parent / "shared" / "data"))
    docs = [json.loads(x) for x in (data / "humanevalpack" / f"{lang}.jsonl").read_text().splitlines() if x][:limit]
    completions = batch(docs, which, samples)
    start = time.monotonic()
    rows = execute_samples(docs, completions, progress=False)
    seconds = time.monotonic() - start
    statuses = [r.status for row in rows for r in row]
    Path(out).write_text(json.dumps({"seconds": seconds, "statuses": statuses, "code": str(Path(
        sys.modules["nearcoder.tasks.near_humaneval.execution"].__file__).resolve())}))


def run_worker(root: Path, lang: str, which: str, limit: int, samples: int) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as tmp:
        subprocess.run([sys.executable, __file__, "--worker", str(root), lang, which, str(limit), str(samples),
                        tmp.name], check=True, cwd=tempfile.gettempdir())
        return json.loads(Path(tmp.name).read_text())


def release_worktree(ref: str) -> Path:
    """A detached worktree of ``ref`` under /tmp (made once, reused)."""
    sha = subprocess.run(["git", "rev-parse", "--short", ref], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout.strip()
    path = Path(tempfile.gettempdir()) / f"nearcoder-release-{sha}"
    if not (path / "nearcoder" / "__init__.py").exists():
        subprocess.run(["git", "worktree", "add", "--detach", "-f", str(path), sha], cwd=REPO, check=True,
                       capture_output=True)
    return path


def baseline_row(lang: str, which: str, limit: int, samples: int, most: int) -> tuple[float, int, int, int]:
    """Seconds (extrapolated to the whole row when only ``most`` programs ran), passed (likewise), programs
    run, programs in the row: prompt + completion + the original tests, one process each, one worker."""
    from nearcoder.tasks.near_humaneval.programs import prompt_text

    prep = prepare()
    rust_args = ["-L", f"dependency={prep.rust_deps}"] + [
        f"--extern={n}={prep.rust_deps}/{f}" for n, f in prep.rust_externs.items()]
    data = Path(os.environ.get("NEARCODER_DATA_DIR", REPO.parent / "shared" / "data"))
    docs = [json.loads(x) for x in (data / "humanevalpack" / f"{lang}.jsonl").read_text().splitlines() if x][:limit]
    programs = [TestProgram(lang, prompt_text(doc) + text + "\n" + doc["test"])
                for doc, texts in zip(docs, batch(docs, which, samples)) for text in texts]
    chosen = [programs[i] for i in sorted(random.Random(0).sample(range(len(programs)), min(most, len(programs))))]
    start = time.monotonic()
    passed = sum(baseline_one(p, rust_args, str(prep.js_modules)) for p in chosen)
    seconds = time.monotonic() - start
    scale = len(programs) / len(chosen)
    return seconds * scale, round(passed * scale), len(chosen), len(programs)


def compare_releases(ref: str, langs: list[str], limit: int, samples: int, most: int) -> None:
    previous = release_worktree(ref)
    print(f"date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC; machine: {os.cpu_count()}-core "
          f"{platform.machine()}; load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"previous release: {ref} ({previous})", flush=True)
    for lang in langs:  # untimed: fill both reference caches (a cold one would be timed in the first row)
        for root in (REPO, previous):
            run_worker(root, lang, "canonical", limit, samples)
    print("| lang | set | programs | this s | this passed | previous s | previous passed | same verdicts | "
          "baseline s | baseline passed | vs previous | vs baseline | load |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|", flush=True)
    turn = 0
    for lang in langs:
        for which in SETS:
            results: dict[str, object] = {}
            order = ["this", "previous", "baseline"]
            for name in order[turn % 3:] + order[: turn % 3]:  # rotate who goes first
                if name == "baseline":
                    results[name] = baseline_row(lang, which, limit, samples, most)
                else:
                    results[name] = run_worker(REPO if name == "this" else previous, lang, which, limit, samples)
            turn += 1
            this, prev, (b_s, b_p, b_ran, n) = results["this"], results["previous"], results["baseline"]
            assert "/tmp/" in prev["code"] and "/tmp/" not in this["code"], (this["code"], prev["code"])
            same = sum(a == b for a, b in zip(this["statuses"], prev["statuses"]))
            passes = [sum(s == "passed" for s in r["statuses"]) for r in (this, prev)]
            mark = "~" if b_ran < n else ""
            print(f"| {lang} | {which} | {n} | {this['seconds']:.1f} | {passes[0]} | {prev['seconds']:.1f} | "
                  f"{passes[1]} | {same}/{n} | {mark}{b_s:.1f} | {mark}{b_p} | "
                  f"{prev['seconds'] / this['seconds']:.1f}x | {mark}{b_s / this['seconds']:.1f}x | "
                  f"{os.getloadavg()[0]:.1f} |", flush=True)
            diff = [(k, a, b) for k, (a, b) in enumerate(zip(this["statuses"], prev["statuses"])) if a != b]
            for k, a, b in diff[:10]:
                print(f"    program {k}: this {a}, previous {b}", flush=True)
    print(f"load average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="bwrap")
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("NEARCODER_DATA_DIR", "../shared/data")))
    ap.add_argument("--selftest-against", metavar="NEARCODER", help="another install's nearcoder executable")
    ap.add_argument("--time-limits", action="store_true", help="self-tests with 10 s vs derived time limits")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--against", metavar="REF", help="compare with the project's executor at this git ref")
    ap.add_argument("--limit", type=int, default=164, help="--against: the first N problems of each language")
    ap.add_argument("--samples", type=int, default=20, help="--against: samples per problem in the batch row")
    ap.add_argument("--langs", default="js,rust")
    ap.add_argument("--baseline-programs", type=int, default=164, help="--against: most baseline programs per row")
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        root, lang, which, limit, samples, out = sys.argv[2:8]
        worker(root, lang, which, int(limit), int(samples), out)
        return
    args = ap.parse_args()
    if args.against:
        compare_releases(args.against, args.langs.split(","), args.limit, args.samples, args.baseline_programs)
        return
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
