"""The ``nearcoder`` command line: the top of the import layers (it may import every folder).

Each feature area owns a Typer app in its own module; this file only assembles them. Modules listed in
``SUBAPPS`` are imported when the CLI starts, so they must keep heavy imports (torch, gradio, docker)
inside their command functions. One vocabulary across commands: ``--out`` for what a command writes,
``--data-dir`` for the data mirror, ``--sandbox`` for the sandbox backend (``--engine`` would name a generation
engine); bad input prints ``nearcoder COMMAND: problem`` and exits 2 (:mod:`nearcoder.harness.errors`).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(
    name="nearcoder",
    help="Evaluate, train and rank code LLMs that write NEAR Protocol dApps.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)

# name -> "module:attribute" of a typer.Typer (a command group) or a plain function (a single command).
SUBAPPS: dict[str, str] = {
    "prepare": "nearcoder.prepare:prepare",
    "selftest": "nearcoder.selftest:app",
    "sandbox": "nearcoder.sandboxes.cli:app",
    "data": "nearcoder.trainers.data_cli:app",
    "train": "nearcoder.trainers.train_cli:app",
    "publish": "nearcoder.leaderboard.cli:publish",
    "leaderboard": "nearcoder.leaderboard.cli:leaderboard",
    "gate": "nearcoder.leaderboard.cli:gate",
    "trees": "nearcoder.trees_cli:app",
    "sweep": "nearcoder.scale_cli:sweep",
    "submit": "nearcoder.scale_cli:submit",
    "worker": "nearcoder.scale_cli:worker",
}


@app.command("tasks-path")
def tasks_path() -> None:
    """Print the installed tasks directory (the ``--include_path`` for lm-eval).

    Example: ``lm_eval --include_path "$(nearcoder tasks-path)" --tasks 'near_*' --model hf ...``
    """
    from nearcoder.harness.paths import tasks_dir

    typer.echo(str(tasks_dir()))


@app.command(
    "eval",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
    add_help_option=False,
)
def eval_(ctx: typer.Context) -> None:
    """Run lm-eval's own CLI with the ``near_*`` tasks on its include path; every flag passes through.

    Example: ``nearcoder eval --model hf --model_args pretrained=bigcode/starcoder2-3b --tasks near
    --confirm_run_unsafe_code --output_path out/ --log_samples``. ``nearcoder eval ls tasks`` lists tasks;
    ``nearcoder eval --help`` shows lm-eval's own flags.
    """
    from nearcoder.lm_eval_bridge import run_lm_eval

    try:
        code = run_lm_eval(list(ctx.args))
    except ValueError as exc:
        bad_input("eval", exc)
    raise typer.Exit(code)


@app.command("demo-model")
def demo_model(
    out: Path = typer.Option(None, "--out", help="Directory to write the checkpoint to."),
    out_arg: Path = typer.Argument(None, metavar="[OUT]", help="The same as --out (the older spelling)."),
    train_steps: int = typer.Option(40, help="Warm-up training steps on the shipped text (0: random weights)."),
    seed: int = typer.Option(1234, help="Seed for weights and warm-up."),
) -> None:
    """Build the tiny StarCoder2-architecture checkpoint used by tests and the demo (no hub needed).

    Example: ``nearcoder demo-model --out out/tiny && nearcoder eval --model hf --model_args pretrained=out/tiny
    --tasks near_questions --limit 5``
    """
    if (out is None) == (out_arg is None):
        bad_input("demo-model", "give the output directory once, as --out DIR")
    out = out or out_arg
    from rich.console import Console

    from nearcoder.demo_model import DemoModelSpec, build_demo_model

    console = Console(stderr=True)
    with console.status("building tiny StarCoder2 checkpoint"):
        path = build_demo_model(out, DemoModelSpec(train_steps=train_steps, seed=seed))
    console.print(f"[green]wrote[/] {path}")


def _attach_subapps() -> None:
    for name, target in SUBAPPS.items():
        module_name, attr = target.split(":")
        try:
            obj = getattr(importlib.import_module(module_name), attr)
        except ImportError as exc:  # an optional extra is missing: keep the rest of the CLI usable
            missing = str(exc)

            @app.command(name, help=f"(unavailable: {missing})", hidden=False)
            def _unavailable(_missing: str = missing) -> None:  # noqa: B023
                bad_input(name, f"unavailable: {_missing}")

            continue
        if isinstance(obj, typer.Typer):
            app.add_typer(obj, name=name)
        else:
            app.command(name)(obj)


_attach_subapps()


def main() -> None:
    app(prog_name="nearcoder")


if __name__ == "__main__":
    sys.exit(main())
