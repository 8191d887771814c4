"""Score one checkpoint through lm-eval's ``vllm`` and ``hf`` back-ends on the same tasks and compare the metrics.

Both runs go through the real ``nearcoder eval`` CLI (lm-eval's own), greedy, same ``--limit`` and seed, so any
difference is the engine's: kernels, batching, numerics. Without a checkpoint the tiny demo model is built.

    python bench/vllm_vs_hf.py                                   # demo model, near_questions + near_humaneval_js
    python bench/vllm_vs_hf.py --model out/a10g/stage3/merged --tasks near_questions --limit 100

An engine that cannot run here (vLLM not installed, no GPU) is reported as skipped; the script still scores
the others, so it runs on CPU with ``--engines hf`` (the test suite does that).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ENGINE_ARGS = {
    "hf": ("hf", "pretrained={model},dtype={dtype}"),
    "vllm": ("vllm", "pretrained={model},dtype={dtype},gpu_memory_utilization=0.5,max_model_len=4096,seed=1234"),
}


def engine_unavailable(engine: str) -> str | None:
    if engine != "vllm":
        return None
    if importlib.util.find_spec("vllm") is None:
        return "vllm is not installed (pip install vllm)"
    import torch

    return None if torch.cuda.is_available() else "vllm needs a GPU"


def run_engine(engine: str, model: str, dtype: str, tasks: str, limit: int, out: Path) -> dict[str, dict]:
    """``{task: {metric: value}}`` of one lm-eval run."""
    name, template = ENGINE_ARGS[engine]
    cmd = [sys.executable, "-m", "nearcoder", "eval", "--model", name,
           "--model_args", template.format(model=model, dtype=dtype), "--tasks", tasks, "--limit", str(limit),
           "--gen_kwargs", "max_gen_toks=128", "--seed", "1234", "--confirm_run_unsafe_code",
           "--output_path", str(out)]
    if engine == "hf":
        cmd += ["--device", "cuda:0" if _cuda() else "cpu", "--batch_size", "4"]
    subprocess.run(cmd, check=True, env={**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"})
    results = sorted(out.rglob("results_*.json"))
    if not results:
        raise SystemExit(f"{engine}: lm-eval wrote no results under {out}")
    data = json.loads(results[-1].read_text())["results"]
    return {task: {k.split(",")[0]: v for k, v in metrics.items()
                   if isinstance(v, (int, float)) and "stderr" not in k and k != "alias"}
            for task, metrics in data.items()}


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="checkpoint directory (default: build the tiny demo model)")
    parser.add_argument("--tasks", default="near_questions,near_humaneval_js")
    parser.add_argument("--limit", type=int, default=20)
    parser.add_argument("--dtype", default="float32")
    parser.add_argument("--engines", default="hf,vllm", help="comma-separated: hf, vllm")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in ENGINE_ARGS]
    if unknown:
        parser.error(f"unknown engine {unknown[0]!r}; one of {', '.join(ENGINE_ARGS)}")
    from rich.console import Console
    from rich.table import Table

    console = Console()
    with tempfile.TemporaryDirectory(prefix="nearcoder-engines-") as tmp:
        model = args.model
        if model is None:
            model = str(Path(tmp) / "demo-model")
            subprocess.run([sys.executable, "-m", "nearcoder", "demo-model", model], check=True)
        scores: dict[str, dict] = {}
        for engine in engines:
            why = engine_unavailable(engine)
            if why:
                console.print(f"[yellow]{engine}: skipped — {why}[/]")
                continue
            console.print(f"== {engine}")
            scores[engine] = run_engine(engine, model, args.dtype, args.tasks, args.limit, Path(tmp) / engine)
    if not scores:
        console.print("[red]no engine could run[/]")
        return 1
    table = Table(title=f"{model}: metrics by engine (limit {args.limit}, greedy)", title_justify="left")
    table.add_column("task")
    table.add_column("metric")
    for engine in scores:
        table.add_column(engine, justify="right")
    if len(scores) == 2:
        table.add_column("|difference|", justify="right")
    first = next(iter(scores.values()))
    for task in sorted(first):
        for metric in sorted(first[task]):
            values = [scores[e].get(task, {}).get(metric) for e in scores]
            row = [task, metric, *("—" if v is None else f"{v:.4f}" for v in values)]
            if len(scores) == 2:
                row.append("—" if None in values else f"{abs(values[0] - values[1]):.4f}")
            table.add_row(*row)
    console.print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
