"""``nearcoder publish``, ``nearcoder leaderboard`` and ``nearcoder gate``.

Registered as single commands in ``nearcoder/cli.py``; gradio and sqlalchemy are imported inside the commands.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from nearcoder.leaderboard.envs import DEFAULT_HOST, DEFAULT_PORT, TOKEN_ENV

_DB_HELP = "SQLAlchemy URL or SQLite file (default: $NEARCODER_DB or ~/.local/share/nearcoder/leaderboard.db)."


def publish(
    output_dirs: list[Path] = typer.Argument(..., help="lm-eval --output_path directories (or results files)."),
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    server: Optional[str] = typer.Option(None, "--server", help=f"Publish to a running leaderboard over HTTP "
                                         f"(token from ${TOKEN_ENV}) instead of a database."),
    name: Optional[str] = typer.Option(None, "--name", help="Model name (default: manifest name, else lm-eval's)."),
    model_type: Optional[str] = typer.Option(None, "--type", help="base, fine-tuned or adapter."),
    stage: Optional[str] = typer.Option(None, "--stage", help="Training stage, e.g. base, stage1, stage2."),
    params: Optional[int] = typer.Option(None, "--params", help="Parameter count."),
    base_model: Optional[str] = typer.Option(None, "--base-model", help="Base model it was trained from."),
    parent: Optional[str] = typer.Option(None, "--parent", help="Parent checkpoint (for the lineage plot)."),
    contamination: Optional[str] = typer.Option(None, "--contamination", help="clean, flagged or unknown."),
    kind: Optional[str] = typer.Option(None, "--kind", help="model, or baseline for a floor reference row "
                                       "(default: the results file's nearcoder_provenance, else model)."),
) -> None:
    """Publish lm-eval results (and logged samples) to the leaderboard store, in one transaction.

    Idempotent: a results file already published (same content) is skipped. Malformed or foreign files
    stop the whole publish before anything is written (exit 2).

    Example: ``nearcoder publish out/ --db sqlite:///board.db --stage stage1``
    """
    from nearcoder.leaderboard.publish import ModelOverrides
    from nearcoder.leaderboard.read_results import ResultsError

    try:
        overrides = ModelOverrides(name=name, model_type=model_type, stage=stage, parameters=params,
                                   base_model=base_model, parent=parent, contamination=contamination,
                                   kind=kind)
        if server:
            typer.echo(_publish_http(server, output_dirs, overrides))
            return
        from rich.console import Console

        from nearcoder.leaderboard.envs import db_url
        from nearcoder.leaderboard.publish import publish as do_publish

        url = db_url(db)
        with Console(stderr=True).status(f"validating and publishing to {url}"):
            report = do_publish(url, output_dirs, overrides)
    except (ResultsError, ValueError) as exc:
        typer.secho(f"nearcoder publish: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    typer.echo(report.summary())


def _publish_http(server: str, dirs: list[Path], overrides) -> str:
    import urllib.error
    import urllib.request
    from dataclasses import asdict

    from nearcoder.leaderboard.read_results import find_results_files

    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise ValueError(f"--server needs the publish token in ${TOKEN_ENV}")
    messages = []
    for d in dirs:
        for results in find_results_files(d):
            stamp = results.stem.rsplit("_", 1)[-1]
            files = {results.name: results.read_text(encoding="utf-8")}
            for s in results.parent.glob(f"samples_*_{stamp}.jsonl"):
                files[s.name] = s.read_text(encoding="utf-8")
            body = json.dumps({"files": files, "overrides": {k: v for k, v in asdict(overrides).items()
                                                             if v is not None}}).encode()
            req = urllib.request.Request(server.rstrip("/") + "/api/publish", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
            try:
                with urllib.request.urlopen(req, timeout=300) as resp:
                    messages.append(f"{results}: {resp.read().decode()}")
            except urllib.error.HTTPError as exc:
                detail = exc.read().decode(errors="replace")
                raise ValueError(f"{results}: server said {exc.code}: {detail}") from exc
            except urllib.error.URLError as exc:
                raise ValueError(f"cannot reach {server}: {exc.reason}") from exc
    return "\n".join(messages)


def leaderboard(
    db: Optional[str] = typer.Option(None, "--db", help=_DB_HELP),
    host: str = typer.Option(DEFAULT_HOST, "--host", help="Interface to listen on."),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="Port to listen on."),
    submit: bool = typer.Option(True, "--submit/--no-submit",
                                help="Show the Submit tab, which queues evaluation requests (the UI's only write)."),
) -> None:
    """Serve the Gradio leaderboard and, when $NEARCODER_PUBLISH_TOKEN is set, the publish API.

    The UI never writes scores; its Submit tab queues evaluation requests for ``nearcoder worker``.

    Example: ``nearcoder leaderboard --db sqlite:///board.db --port 7860`` then open http://127.0.0.1:7860
    """
    import uvicorn

    from nearcoder.leaderboard.envs import db_url, publish_token
    from nearcoder.leaderboard.server import create_server

    url = db_url(db)
    app = create_server(url, publish_token(), submissions=submit)
    typer.secho(f"leaderboard on http://{host}:{port}  (store: {url})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def gate(
    candidate: Path = typer.Argument(..., help="lm-eval output directory of the checkpoint under test."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", help="lm-eval output directory to compare with."),
    min_: list[str] = typer.Option([], "--min", help="TASK:METRIC=VALUE absolute floor (repeatable)."),
    max_drop: list[str] = typer.Option([], "--max-drop", help="TASK:METRIC=DELTA allowed drop vs the baseline "
                                       "(repeatable, any metric; default with --baseline: 0 for each task's "
                                       "primary metric)."),
    report: Optional[Path] = typer.Option(None, "--out", "--report", help="Also write the Markdown report here."),
    iters: int = typer.Option(10_000, "--iters", help="Bootstrap resamples."),
    confidence: float = typer.Option(0.95, "--confidence", help="Confidence level of the interval."),
    seed: int = typer.Option(20240607, "--seed", help="Bootstrap seed (same seed, same verdict)."),
    alpha: float = typer.Option(0.05, "--alpha", help="Family-wise false-alarm rate over all the run's checks "
                                "(Holm-Bonferroni)."),
    power: float = typer.Option(0.8, "--power", help="Power at which the report states each check's "
                                "detectable drop."),
) -> None:
    """Fail CI when a checkpoint regresses: exit 0 pass, 1 regression, 2 unusable input.

    Example: ``nearcoder gate out/candidate --baseline out/base --max-drop near_questions:rouge1=0.02
    --min near_humaneval_js:pass@1=0.1 --out gate.md``
    """
    from nearcoder.leaderboard.gate import UNUSABLE, GateInputError, run_gate

    try:
        result = run_gate(candidate, baseline, min_, max_drop, iters=iters, confidence=confidence, seed=seed,
                          alpha=alpha, power=power)
    except (GateInputError, ValueError) as exc:
        typer.secho(f"nearcoder gate: unusable input: {exc}", fg="red", err=True)
        raise typer.Exit(UNUSABLE) from exc
    text = result.markdown()
    sys.stdout.write(text)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(text)
    raise typer.Exit(result.exit_code)
