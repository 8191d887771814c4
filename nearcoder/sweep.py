"""Evaluate many checkpoints × tasks as Ray tasks, publishing each run to the leaderboard store as it finishes.

Every job runs the same lm-eval path as ``nearcoder eval`` (lm-eval's own CLI with the ``near_*`` tasks on its
include path), in a subprocess on whichever Ray node has the resources the job declares: one GPU for the
``hf``/``vllm`` back-ends on a GPU device, one CPU otherwise (``--device cpu``, API back-ends). The job sends its
lm-eval output (results and logged samples) back as bytes, so the driver can publish runs that finished on
another node. A failed job is retried by Ray up to ``retries`` times and then reported with lm-eval's last
error lines. Without ``ray_address`` a local Ray instance is started (embedded); with one, the sweep joins that
cluster (``ray start --head`` on one machine, ``ray start --address`` on the others).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GPU_ENGINES = ("hf", "vllm")
MANIFEST = "nearcoder_manifest.json"


class JobFailed(RuntimeError):
    """lm-eval exited non-zero; the message carries the end of its output."""


@dataclass(frozen=True)
class EvalJob:
    name: str
    model_args: str
    engine: str = "hf"
    tasks: str = "near"
    extra_args: tuple[str, ...] = ()

    def needs_gpu(self) -> bool:
        device = next((self.extra_args[i + 1] for i, a in enumerate(self.extra_args[:-1]) if a == "--device"), "")
        return self.engine in GPU_ENGINES and not device.startswith("cpu")

    def lm_eval_args(self, out: Path) -> list[str]:
        return ["--model", self.engine, "--model_args", self.model_args, "--tasks", self.tasks,
                "--output_path", str(out), "--log_samples", "--confirm_run_unsafe_code", *self.extra_args]


def run_job(job: EvalJob, out: Path) -> Path:
    """Run one job through ``nearcoder eval`` into ``out``; raises :class:`JobFailed` with lm-eval's last lines."""
    out.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run([sys.executable, "-m", "nearcoder", "eval", *job.lm_eval_args(out)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-8:])
        raise JobFailed(f"{job.name}: lm-eval exited {proc.returncode}:\n{tail}")
    if not any(out.rglob("results_*.json")):
        raise JobFailed(f"{job.name}: lm-eval wrote no results_*.json under {out}")
    return out


def _run_job_remote(job: EvalJob) -> dict[str, bytes]:
    """The Ray task: run the job in a scratch dir on its node and return every file lm-eval wrote."""
    with tempfile.TemporaryDirectory(prefix="nearcoder-sweep-") as tmp:
        out = run_job(job, Path(tmp))
        return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def is_checkpoint(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "adapter_config.json").is_file()


def find_checkpoints(specs: list[str]) -> list[Path]:
    """Checkpoint directories named by ``specs``: a checkpoint itself, a glob, or a training output folder (every
    checkpoint below it that carries a nearcoder manifest). Each is listed once, in order."""
    from glob import glob

    found: list[Path] = []
    for spec in specs:
        matches = [Path(p) for p in sorted(glob(spec))] or [Path(spec)]
        for path in matches:
            if is_checkpoint(path):
                found.append(path)
            elif path.is_dir():
                found += sorted(m.parent for m in path.rglob(MANIFEST) if is_checkpoint(m.parent))
            else:
                raise ValueError(f"{spec}: no checkpoint there (a folder with config.json or adapter_config.json, a "
                                 f"glob, or a training output folder with {MANIFEST} files)")
    unique = list(dict.fromkeys(p.resolve() for p in found))
    if not unique:
        raise ValueError(f"no checkpoint found in {' '.join(specs)}")
    return unique


def job_for_checkpoint(path: Path, *, engine: str, tasks: str, dtype: str, extra_args: tuple[str, ...]) -> EvalJob:
    """A full checkpoint is ``pretrained=PATH``; an adapter is ``pretrained=<its parent>,peft=PATH`` (its manifest's
    ``lm_eval_model_args`` when the trainers wrote one)."""
    import json

    model_args = f"pretrained={path}"
    if (path / "adapter_config.json").is_file():
        manifest = path / MANIFEST
        recorded = json.loads(manifest.read_text()).get("config", {}).get("lm_eval_model_args") if manifest.is_file() else None
        base = json.loads((path / "adapter_config.json").read_text()).get("base_model_name_or_path")
        model_args = recorded or f"pretrained={base},peft={path}"
    return EvalJob(name=path.name if path.name != "merged" else f"{path.parent.name}/merged",
                   model_args=f"{model_args},dtype={dtype}", engine=engine, tasks=tasks, extra_args=extra_args)


@dataclass
class JobResult:
    job: EvalJob
    status: str  # published | failed
    seconds: float
    detail: str = ""
    run_ids: list[int] = field(default_factory=list)


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "job"


def run_sweep(jobs: list[EvalJob], *, db_url: str, out_root: Path, ray_address: str | None = None,
              retries: int = 2, provenance: str = "self-reported", progress: bool = True) -> list[JobResult]:
    """Run ``jobs`` on Ray; publish each to ``db_url`` as it completes; keep each job's lm-eval output under
    ``out_root/<job>``. Returns one result per job, in completion order."""
    from nearcoder.harness.ray_runtime import connect
    from nearcoder.leaderboard.publish import publish
    from nearcoder.leaderboard.read_results import ResultsError

    ray, started_here = connect(ray_address)
    results: list[JobResult] = []
    try:
        remote = ray.remote(_run_job_remote)
        pending = {}
        for job in jobs:
            options = {"num_gpus": 1, "num_cpus": 1} if job.needs_gpu() else {"num_cpus": 1}
            ref = remote.options(max_retries=retries, retry_exceptions=True, **options).remote(job)
            pending[ref] = (job, time.perf_counter())
        bar = _Bar(progress, len(jobs))
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            job, start = pending.pop(done[0])
            try:
                files = ray.get(done[0])
                out = out_root / _slug(job.name)
                for rel, data in files.items():
                    (out / rel).parent.mkdir(parents=True, exist_ok=True)
                    (out / rel).write_bytes(data)
                report = publish(db_url, [out], provenance=provenance)
                results.append(JobResult(job, "published", time.perf_counter() - start, report.summary(),
                                         report.run_ids))
            except (ray.exceptions.RayError, ResultsError, ValueError, OSError) as exc:
                reason = str(getattr(exc, "cause", None) or exc).strip().splitlines()
                results.append(JobResult(job, "failed", time.perf_counter() - start,
                                         f"after {retries + 1} attempts: " + " ".join(reason[-6:])))
            bar.advance(job.name)
        bar.close()
    finally:
        if started_here:
            ray.shutdown()
    return results


class _Bar:
    def __init__(self, enabled: bool, total: int):
        self.progress = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     TextColumn("{task.description}"))
            self.progress.start()
            self.task = self.progress.add_task("", total=total)

    def advance(self, name: str) -> None:
        if self.progress is not None:
            self.progress.update(self.task, advance=1, description=f"last: {name}")

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def render_results(results: list[JobResult], console=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title="sweep", title_justify="left")
    for name in ("checkpoint", "tasks", "status", "seconds", "detail"):
        table.add_column(name, justify="right" if name == "seconds" else "left")
    for r in results:
        status = "[green]published[/]" if r.status == "published" else "[red]failed[/]"
        table.add_row(r.job.name, r.job.tasks, status, f"{r.seconds:.0f}", r.detail)
    console.print(table)
