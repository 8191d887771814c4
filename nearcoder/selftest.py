"""``nearcoder selftest``: prove the execution-based tasks are solvable by running their reference solutions.

Each execution task adds one command here (``humaneval``, ``dapp-build``, ``dapp-trees``); ``all`` runs what
the task cards declare (``[selftest]``). Caches come from ``nearcoder prepare``: a self-test never downloads.
"""

from __future__ import annotations

from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(
    help="Run reference solutions through the sandbox; every one must pass. Example: ``nearcoder selftest all``",
    no_args_is_help=True,
)

@app.command("humaneval")
def humaneval(
    lang: str = typer.Option(..., "--lang", help="js or rust."),
    buggy: bool = typer.Option(False, "--buggy", help="Run HumanEvalPack's buggy_solution's; every one must fail."),
    backend: str = typer.Option(None, "--sandbox", "--backend",
                                help="bwrap or docker [default: $NEARCODER_SANDBOX or bwrap]."),
    workers: int = typer.Option(None, "--workers", help="Programs run at once (default: the sandbox's)."),
    limit: int = typer.Option(None, "--limit", help="Only the first N problems."),
    out: Path = typer.Option(None, "--out", help="JSON file of outcomes [default: selftest-humaneval-LANG.json]."),
) -> None:
    """Run the 164 canonical HumanEvalPack solutions of one language through near_humaneval_*'s pipeline.

    Prints ``passed N/164``; exits 1 unless all pass (with ``--buggy``: unless all fail).
    Example: ``nearcoder selftest humaneval --lang rust --out out/humaneval-rust.json``
    """
    from nearcoder.tasks.near_humaneval.selftest import LANGS, main

    if lang not in LANGS:
        bad_input("selftest humaneval", f"--lang {lang!r}: choose one of {', '.join(LANGS)}")
    raise typer.Exit(main(lang, buggy=buggy, backend=backend, workers=workers, limit=limit, out=out))


@app.command("dapp-build")
def dapp_build(
    lang: str = typer.Option("all", "--lang", help="rust, js or all."),
    backend: str = typer.Option(None, "--sandbox", "--backend",
                                help="Sandbox backend (bwrap, docker); default $NEARCODER_SANDBOX."),
    workers: int = typer.Option(None, "--workers", help="Contracts built at once (default: CPU count, at most 4)."),
    spec: list[str] = typer.Option(None, "--spec", help="Only these spec ids (repeatable)."),
    out: Path = typer.Option(None, "--out", help="Write every result (build log included) to this JSON file."),
    controls: bool = typer.Option(True, "--controls/--no-controls",
                                  help="Also score each Rust spec's generated negative controls (table)."),
) -> None:
    """Build and unit-test every near_dapp_build reference contract in the sandbox; prints ``passed N/N``.

    Rust: compiled against the pre-built near-sdk cache, hidden unit tests run, no warnings, rustfmt-clean.
    JS: type-checked against near-sdk-js (the offline check level). Exits 1 unless all pass.
    Example: ``nearcoder prepare dapp-build`` (once, needs crates.io + npm), then ``nearcoder selftest dapp-build``
    """
    from nearcoder.tasks.near_dapp_build.selftest import main

    languages = ["rust", "js"] if lang == "all" else [lang]
    if any(x not in ("rust", "js") for x in languages):
        bad_input("selftest dapp-build", f"--lang {lang!r}: choose rust, js or all")
    raise typer.Exit(main(languages, backend=backend, workers=workers, only=spec, out=out, controls=controls,
                          echo=typer.echo))


@app.command("dapp-trees")
def dapp_trees() -> None:
    """Score every near_dapp_trees reference, written in every tree format, through the task's scorer.

    Each must get ``structure == 1.0`` (and an empty answer 0); prints ``passed N/N``, exits 1 otherwise.
    Example: ``nearcoder selftest dapp-trees``
    """
    from nearcoder.tasks.near_dapp_trees.selftest import main

    raise typer.Exit(main(echo=typer.echo))


@app.command("all")
def all_(
    backend: str = typer.Option(None, "--sandbox", "--backend",
                                help="Sandbox backend (bwrap, docker); default $NEARCODER_SANDBOX."),
    out: Path = typer.Option(None, "--out", help="Folder for each run's JSON outcomes [default: each family's own]."),
    family: list[str] = typer.Option(None, "--family", help="Only these families (repeatable) [default: all]."),
) -> None:
    """Every self-test the task cards declare (``[selftest]``), one after the other; exits 1 unless all pass.

    Example: ``nearcoder prepare all && nearcoder selftest all --out out/selftest``
    """
    from nearcoder.card_runner import run_selftests

    try:
        failed = run_selftests(family, sandbox=backend, out=out, echo=typer.echo)
    except ValueError as exc:
        bad_input("selftest all", exc)
    raise typer.Exit(1 if failed else 0)
