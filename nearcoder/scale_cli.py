"""``nearcoder sweep``, ``nearcoder submit`` and ``nearcoder worker``: evaluation beyond one machine.

Ray and the model libraries are imported inside the commands, so the CLI starts fast.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Optional

import typer

_DB_HELP = "SQLAlchemy URL or SQLite file of the leaderboard store (default: $NEARCODER_DB or the local file)."
_LM_EVAL_HELP = "More lm-eval flags, as one string (e.g. \"--limit 20 --device cpu --batch_size 16\")."


def _split(command: str, flags: str) -> tuple[str, ...]:
    import shlex

    try:
        return tuple(shlex.split(flags))
    except ValueError as exc:
        _fail(command, f"--lm-eval-args: {exc}")


from nearcoder.harness.errors import bad_input as _fail  # noqa: E402  (the CLI's one error path)


def sweep(
    checkpoints: list[str] = typer.Argument(..., help="Checkpoint dirs, globs, or training output folders."),
    tasks: str = typer.Option("near", "--tasks", help="lm-eval tasks or groups, comma-separated."),
    engine: str = typer.Option("hf", "--engine", help="lm-eval back-end: hf, vllm, local-completions, …"),
    dtype: str = typer.Option("bfloat16", "--dtype", help="Weights dtype passed in --model_args."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    out: Path = typer.Option(Path("out/sweep"), "--out", help="Where each job's lm-eval output is kept."),
    ray_address: Optional[str] = typer.Option(None, "--ray-address",
                                              help="Join this Ray cluster (default: $NEARCODER_RAY_ADDRESS, else "
                                                   "start a local instance)."),
    retries: int = typer.Option(2, "--retries", help="Retries of a failed job before it is reported."),
    lm_eval_args: str = typer.Option("", "--lm-eval-args", help=_LM_EVAL_HELP),
) -> None:
    """Evaluate many checkpoints × tasks as Ray tasks, publishing each run as it finishes.

    A job holds one GPU for hf/vLLM on a GPU device, one CPU otherwise (``--device cpu``, API back-ends).
    Example: ``nearcoder sweep 'out/a10g/stage*/merged' --tasks near --db sqlite:///board.db --lm-eval-args
    "--batch_size 16"``
    """
    from nearcoder.harness import settings
    from nearcoder.harness.ray_runtime import RayMissing
    from nearcoder.leaderboard.envs import db_url
    from nearcoder.sweep import find_checkpoints, job_for_checkpoint, render_results, run_sweep

    if retries < 0:
        _fail("sweep", "--retries must be >= 0")
    try:
        paths = find_checkpoints(checkpoints)
    except ValueError as exc:
        _fail("sweep", str(exc))
    extra = _split("sweep", lm_eval_args)
    jobs = [job_for_checkpoint(p, engine=engine, tasks=tasks, dtype=dtype, extra_args=extra) for p in paths]
    try:
        results = run_sweep(jobs, db_url=db_url(db), out_root=out, ray_address=ray_address or settings.ray_address(),
                            retries=retries)
    except RayMissing as exc:
        _fail("sweep", str(exc))
    render_results(results)
    if any(r.status != "published" for r in results):
        raise typer.Exit(1)


def submit(
    model: str = typer.Argument(..., help="Hub id or a checkpoint path the workers can read."),
    revision: str = typer.Option("main", "--revision"),
    adapter: Optional[str] = typer.Option(None, "--adapter", help="A PEFT adapter applied on top of MODEL."),
    precision: str = typer.Option("bfloat16", "--precision", help="bfloat16, float16 or float32."),
    tasks: str = typer.Option("near", "--tasks"),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
) -> None:
    """Queue a model for evaluation by the leaderboard's workers (results are marked "evaluated").

    The model must load its config; a duplicate of a queued or finished request is refused with its id.
    Example: ``nearcoder submit bigcode/starcoder2-3b --precision bfloat16 --db postgresql://…``
    """
    from nearcoder.leaderboard import eval_queue
    from nearcoder.leaderboard.envs import db_url

    try:
        request = eval_queue.submit(db_url(db), model, revision=revision, adapter=adapter, precision=precision,
                                    tasks=tasks)
    except eval_queue.QueueError as exc:
        _fail("submit", str(exc))
    typer.echo(f"queued request #{request.id}: {request.model} ({request.precision}, {request.tasks})")


def worker(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    once: bool = typer.Option(False, "--once", help="Stop when the queue is empty."),
    name: Optional[str] = typer.Option(None, "--name", help="Worker name (default host:pid)."),
    poll: float = typer.Option(10.0, "--poll", help="Seconds between looks at an empty queue."),
    stale_after: float = typer.Option(600.0, "--stale-after",
                                      help="Seconds without a heartbeat after which a running request is requeued."),
    heartbeat: float = typer.Option(30.0, "--heartbeat", help="Seconds between heartbeats."),
    lm_eval_args: str = typer.Option("", "--lm-eval-args", help=_LM_EVAL_HELP),
) -> None:
    """Take queued requests one at a time, evaluate them, publish them as "evaluated by the leaderboard".

    Several workers (on several GPU nodes) may share one PostgreSQL queue.
    Example: ``nearcoder worker --db postgresql+psycopg2://user:pw@db-host/board --lm-eval-args "--batch_size 16"``
    """
    from nearcoder.leaderboard.envs import db_url
    from nearcoder.queue_worker import work

    if heartbeat <= 0 or stale_after <= heartbeat:
        _fail("worker", "--heartbeat must be > 0 and --stale-after larger than --heartbeat")
    done = work(db_url(db), worker=name, once=once, poll_seconds=poll, extra_args=_split("worker", lm_eval_args),
                stale_after=timedelta(seconds=stale_after), heartbeat_every=heartbeat)
    typer.echo(f"processed {done} request(s)")
