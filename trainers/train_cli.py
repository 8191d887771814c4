"""``nearcoder train …``: the three TRL/PEFT stages and adapter merging (torch/trl import inside commands)."""

from __future__ import annotations

from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(help="Train the seed's three stages (LoRA/QLoRA) and merge adapters.", no_args_is_help=True)

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


def _run_stage(stage: str, ctx: typer.Context, config: Path, dry_run: bool) -> None:
    import importlib

    from nearcoder.trainers.stage_runner import cli_entry

    if not config.is_file():
        bad_input("train", f"config {config} not found")
    module = importlib.import_module(f"nearcoder.trainers.{stage}")
    argv = ["--config", str(config), *ctx.args] + (["--dry-run"] if dry_run else [])
    try:
        paths = cli_entry(stage, module.make_parser, module.main, argv)
    except ValueError as exc:
        bad_input("train", exc)
    for kind, path in (paths or {}).items():
        typer.echo(f"{kind}: {path}")


def _stage_command(stage: str, summary: str, example: str):
    def command(
        ctx: typer.Context,
        config: Path = typer.Option(..., "--config", "-c", help="YAML config (TrlParser); flags after it override."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Print memory estimate and token budget; no training."),
    ) -> None:
        _run_stage(stage, ctx, config, dry_run)

    command.__doc__ = f"{summary}\n\nExample: ``{example}``. Any TRL/transformers flag (e.g. ``--max_steps 10``) " \
                      "overrides the YAML."
    app.command(stage, context_settings=PASS_THROUGH)(command)


_stage_command("stage1", "Stage 1: continued pre-training on the docs corpus (SFTTrainer, packing, LoRA).",
               "nearcoder train stage1 --config trainers/configs/a10g/stage1.yaml --dry-run")
_stage_command("stage2", "Stage 2: structure-aware DPO on tree preference pairs (DPOTrainer, LoRA).",
               "nearcoder train stage2 --config trainers/configs/a10g/stage2.yaml")
_stage_command("stage3", "Stage 3: SFT on AST segments (SFTTrainer, LoRA).",
               "nearcoder train stage3 --config trainers/configs/cpu-smoke/stage3.yaml --output_dir out/s3")


@app.command("plan")
def plan(
    configs: list[Path] = typer.Argument(None, help="Stage configs (YAML); default: every YAML of --config-dir."),
    config_dir: Path = typer.Option(None, "--config-dir", help="A folder of stage configs, e.g. trainers/configs/a10g."),
    gpu: str = typer.Option("A10G", "--gpu", help="GPU whose throughput prices the wall time (see trainers/plan.py)."),
) -> None:
    """Plan the whole pipeline before any GPU time: memory, tokens, steps and wall time of every stage.

    Stages whose parent is not trained yet take its architecture from the config that writes it, so this works
    on a fresh clone. Example: ``nearcoder train plan --config-dir trainers/configs/a10g``
    """
    from nearcoder.trainers.plan import GPUS, chains, plan_config, render_plan

    if gpu not in GPUS:
        typer.secho(f"error: unknown --gpu {gpu!r}; one of {', '.join(GPUS)}", fg="red", err=True)
        raise typer.Exit(2)
    paths = list(configs or [])
    if config_dir is not None:
        if not config_dir.is_dir():
            typer.secho(f"error: --config-dir {config_dir} is not a folder", fg="red", err=True)
            raise typer.Exit(2)
        paths += sorted(config_dir.glob("*.yaml"))
    if not paths:
        typer.secho("error: name stage configs or --config-dir", fg="red", err=True)
        raise typer.Exit(2)
    missing = [p for p in paths if not p.is_file()]
    if missing:
        typer.secho(f"error: config {missing[0]} not found", fg="red", err=True)
        raise typer.Exit(2)
    try:
        for chain in chains(paths):
            plans = [plan_config(p, GPUS[gpu]) for p in chain]
            render_plan(plans, GPUS[gpu], f"{' → '.join(p.stage for p in plans)} from {plans[0].model} "
                                          f"on one {gpu}")
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc


@app.command("merge")
def merge(
    adapter: Path = typer.Argument(..., help="A LoRA adapter directory written by a stage."),
    out: Path = typer.Option(None, "--out", "-o", help="Where to write the merged model (default <adapter>/merged)."),
    dtype: str = typer.Option("auto", help="auto | float32 | bfloat16 | float16."),
) -> None:
    """Merge an adapter into its parent model, keeping the manifest (model_type fine-tuned).

    Example: ``nearcoder train merge out/stage1 && nearcoder eval --model hf --model_args
    pretrained=out/stage1/merged --tasks near_questions``
    """
    from nearcoder.trainers.checkpoints import merge_adapter

    try:
        path = merge_adapter(adapter, out, dtype)
    except (ValueError, OSError) as exc:
        bad_input("train merge", exc)
    typer.echo(f"merged: {path}")
