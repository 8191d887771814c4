"""How long near_humaneval's execution takes: the cut, and sandbox batches the size of real runs.

For each language: the canonical self-test (164 programs, as the greedy tasks run them) and a pass@10-sized
batch (164 x ``--samples`` distinct programs: each canonical solution with a distinct comment in front, so
nothing is deduplicated or cached). Prints a Markdown table for docs/humaneval.md.

    NEARCODER_DATA_DIR=../shared/data nice python bench/humaneval_bench.py --samples 20
"""

from __future__ import annotations

import argparse
import platform
import time
from datetime import date


def bench_cut(records: list[dict], rounds: int = 20) -> float:
    """Microseconds per cut of a completion followed by test code (prompt-sized text)."""
    from nearcoder.tasks.near_humaneval.programs import build_program, reference_completion

    texts = [(doc, reference_completion(doc) + "\n" + doc["test"]) for doc in records]
    start = time.perf_counter()
    for _ in range(rounds):
        for doc, text in texts:
            build_program(doc, text)
    return (time.perf_counter() - start) / (rounds * len(texts)) * 1e6


def bench_batch(lang: str, records: list[dict], samples: int, workers: int | None) -> tuple[int, float, int]:
    from nearcoder.tasks.near_humaneval.execution import execute_samples
    from nearcoder.tasks.near_humaneval.programs import reference_completion

    completions = [[f"\n// sample {j}" + reference_completion(doc) for j in range(samples)] for doc in records]
    start = time.monotonic()
    results = execute_samples(records, completions, workers=workers, progress=False)
    seconds = time.monotonic() - start
    passed = sum(r.passed for row in results for r in row)
    for doc, row in zip(records, results):
        for r in row:
            if not r.passed:
                print(f"  {doc['task_id']}: {r.status}: {r.reason}", flush=True)
    return len(records) * samples, seconds, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--langs", default="js,rust")
    parser.add_argument("--samples", type=int, default=20, help="samples per problem in the pass@k-sized batch")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    from nearcoder.sandboxes.factory import backend_name
    from nearcoder.tasks.near_humaneval.selftest import load_records

    rows = []
    for lang in args.langs.split(","):
        records = load_records(lang)
        cut_us = bench_cut(records)
        for label, n in (("canonical (greedy-sized)", 1), (f"{args.samples} samples/problem", args.samples)):
            programs, seconds, passed = bench_batch(lang, records, n, args.workers)
            rows.append((lang, label, programs, passed, seconds, programs / seconds, cut_us))
            print(f"{lang} {label}: {programs} programs, {passed} passed, {seconds:.1f}s", flush=True)

    print(f"\nmachine: 2-core {platform.machine()} VM, 24 GiB; backend {backend_name()}; date {date.today()}\n")
    print("| language | batch | programs | passed | wall s | programs/s | cut µs/completion |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for lang, label, programs, passed, seconds, rate, cut_us in rows:
        print(f"| {lang} | {label} | {programs} | {passed} | {seconds:.1f} | {rate:.1f} | {cut_us:.0f} |")


if __name__ == "__main__":
    main()
