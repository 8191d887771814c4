"""Time the trainers' data builders on the shared data mirror; prints a Markdown table for docs/training.md.

Run: ``NEARCODER_DATA_DIR=../shared/data nice .venv/bin/python bench/trainers_data.py``
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

from nearcoder.trainers.data.ast_segments import build_segments
from nearcoder.trainers.data.corpus import build_corpus
from nearcoder.trainers.data.decontamination import default_eval_sets
from nearcoder.trainers.data.repo_trees import TreeOptions, build_trees
from nearcoder.trainers.data.user_prompts import build_prompts

DATA = Path(os.environ.get("NEARCODER_DATA_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "trainers" / "fixtures"


def timed(label: str, fn, rows: list):
    start = time.perf_counter()
    _, report = fn()
    rows.append((label, time.perf_counter() - start, report))
    return report


def main() -> None:
    rows: list = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sets = default_eval_sets(DATA)
        timed("corpus: near-docs (all folders)",
              lambda: build_corpus([DATA / "near-docs"], tmp / "c", eval_sets=sets), rows)
        timed("trees: near-examples (eval repos included)",
              lambda: build_trees([DATA / "near-examples"], tmp / "t", TreeOptions(include_eval_repos=True)), rows)
        timed("prompts: extractive, near-examples trees", lambda: build_prompts(tmp / "t", tmp / "p"), rows)
        timed("ast: test fixtures (4 files)", lambda: build_segments([FIXTURES / "repos"], tmp / "a"), rows)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores; date {time.strftime('%Y-%m-%d')}\n")
    print("| builder | seconds | records | notes |\n|---|---:|---:|---|")
    for label, seconds, report in rows:
        keys = ("files", "too_short", "near_duplicates", "decontaminated_docs", "repos", "leaks")
        notes = {k: v for k, v in report.items() if k in keys}
        print(f"| {label} | {seconds:.1f} | {report.get('records')} | {notes} |")


if __name__ == "__main__":
    main()
