"""Leaderboard performance: 1,000 models x 10 tasks.

Measures (1) publishing 1,000 lm-eval results files (with logged samples) into a fresh SQLite store, both as
one ``publish`` call over the directory and as 1,000 separate calls (one transaction each), and (2) rendering
the main table server-side: store -> DataFrame -> filters/sort -> Gradio Dataframe payload.

Run: ``nice .venv/bin/python bench/leaderboard_bench.py [--models 1000] [--items 3]``
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

TASKS = {  # the near_* tasks and the metrics they report
    "near_humaneval_js": ("pass@1", "bleu"),
    "near_humaneval_rust": ("pass@1", "bleu"),
    "near_humaneval_js_pass10": ("pass@1", "pass@10", "bleu"),
    "near_humaneval_rust_pass10": ("pass@1", "pass@10", "bleu"),
    "near_questions": ("bleu", "chrf", "rouge1", "rougeL", "key_fact_recall"),
    "near_questions_fewshot": ("bleu", "chrf", "rouge1", "rougeL", "key_fact_recall"),
    "near_dapp_trees": ("structure", "structure_difflib", "comment_quality", "comment_coverage", "tree_parsed"),
    "near_dapp_trees_all": ("structure", "structure_difflib", "comment_quality", "comment_coverage", "tree_parsed"),
    "near_dapp_build_rust": ("build", "functionality", "interface", "rustfmt_clean", "warnings_per_100_lines"),
    "near_dapp_build_js": ("typecheck", "interface"),
}


def make_outputs(root: Path, models: int, items: int) -> list[Path]:
    import random

    from nearcoder.leaderboard.synthetic import write_output_dir

    rng = random.Random(0)
    dirs = []
    for i in range(models):
        scores = {t: {m: [rng.random() for _ in range(items)] for m in ms} for t, ms in TASKS.items()}
        d = root / f"m{i:04d}"
        write_output_dir(d, f"org/model-{i:04d}", scores, parameters=rng.choice([1e8, 1e9, 3e9, 7e9, 15e9]),
                         limit=None if i % 3 else items, timestamp=f"2026-01-01T00-00-00.{i:06d}")
        dirs.append(d)
    return dirs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--items", type=int, default=3, help="logged samples per task per model")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()

    import gradio as gr

    from nearcoder.leaderboard.display.columns import DEFAULT_COLS
    from nearcoder.leaderboard.populate import Filters, apply_filters, leaderboard_frame
    from nearcoder.leaderboard.publish import publish
    from nearcoder.leaderboard.store.engine import read_session

    def as_shown(df):  # what the app sends: value ± half-width text, reference rows styled
        from nearcoder.leaderboard.display.columns import COLUMNS, SCORE_COLS, halfwidth_col
        from nearcoder.leaderboard.display.formatting import styled_table, with_intervals

        return styled_table(with_intervals(df, SCORE_COLS, halfwidth_col), COLUMNS.source.name)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        dirs = make_outputs(root / "out", args.models, args.items)
        print(f"wrote {len(dirs)} results files in {time.perf_counter() - t0:.1f} s")

        url_one = f"sqlite:///{root / 'one.db'}"
        t0 = time.perf_counter()
        report = publish(url_one, [root / "out"])
        one_call = time.perf_counter() - t0
        print(f"publish, one call over {len(report.added)} files ({report.samples} samples): {one_call:.2f} s")

        import subprocess
        import sys

        url_cli = f"sqlite:///{root / 'cli.db'}"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nearcoder.cli", "publish", str(root / "out"), "--db", url_cli],
                       check=True, capture_output=True)
        print(f"`nearcoder publish OUT` as a fresh process (imports included): {time.perf_counter() - t0:.2f} s")

        url_many = f"sqlite:///{root / 'many.db'}"
        t0 = time.perf_counter()
        for d in dirs:
            publish(url_many, [d])
        many_calls = time.perf_counter() - t0
        print(f"publish, {len(dirs)} separate calls (one transaction each): {many_calls:.2f} s")

        t0 = time.perf_counter()
        again = publish(url_one, [root / "out"])
        print(f"re-publish (idempotent no-op, {len(again.unchanged)} unchanged): {time.perf_counter() - t0:.2f} s")

        table = gr.Dataframe(headers=DEFAULT_COLS, interactive=False)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            with read_session(url_one) as s:
                df = leaderboard_frame(s)
            shown = apply_filters(df, Filters(search="model-0", show_partial=False, columns=DEFAULT_COLS))
            shown = shown.sort_values("nearQuestions_rouge1", ascending=False)
            payload = table.postprocess(as_shown(shown))
            times.append(time.perf_counter() - t0)
        full = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            with read_session(url_one) as s:
                df = leaderboard_frame(s)
            payload = table.postprocess(as_shown(apply_filters(df, Filters(columns=DEFAULT_COLS))))
            full.append(time.perf_counter() - t0)
        print(f"main table, all {len(df)} rows x {len(df.columns)} cols: "
              f"median {statistics.median(full) * 1000:.0f} ms"
              f" (max {max(full) * 1000:.0f} ms); filtered+sorted: median {statistics.median(times) * 1000:.0f} ms")
        assert len(payload.data) == len(df)
    print(f"machine: {platform.machine()}, python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")


if __name__ == "__main__":
    main()
