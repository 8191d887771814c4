"""``nearcoder selftest``: prove the execution-based tasks are solvable by running their reference solutions.

``nearcoder selftest all`` runs every run that a task card declares (``[selftest]`` in
``tasks/<family>/card.toml``) and prints one table; the per-family commands below expose each family's own
options. Caches come from ``nearcoder prepare``; a self-test never downloads.
"""

from __future__ import annotations

from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(
    help="Run reference solutions through the sandbox; every one must pass. Example: ``nearcoder selftest all``",
    no_args_is_help=True,
)

SANDBOX_HELP = "Sandbox backend: bwrap or docker [default: $NEARCODER_SANDBOX or bwrap]."


def _sandbox_option():
    return typer.Option(None, "--sandbox", "--backend", help=SANDBOX_HELP)


@app.command("all")
def all_(
    sandbox: str = _sandbox_option(),
    out: Path = typer.Option(None, "--out", help="Folder for each run's JSON outcomes [default: each family's own]."),
    family: list[str] = typer.Option(None, "--family", help="Only these families (repeatable) [default: all]."),
) -> None:
    """Every self-test the task cards declare, one after the other; exits 1 unless every one passes.

    Example: ``nearcoder prepare all && nearcoder selftest all --out out/selftest``
    """
    import time

    from rich.console import Console
    from rich.table import Table

    from nearcoder.entry_points import call, resolve
    from nearcoder.harness import cards

    console = Console(stderr=True)
    table = Table(title="nearcoder selftest all")
    for col in ("family", "run", "seconds", "result"):
        table.add_column(col)
    known = [card.family for card in cards.load_cards() if card.selftest]
    if unknown := sorted(set(family or ()) - set(known)):
        bad_input("selftest all", f"--family {unknown[0]!r}: choose from {', '.join(known)}")
    failed = 0
    for card in cards.load_cards():
        if family and card.family not in family:
            continue
        for run in card.selftest.runs if card.selftest else ():
            console.rule(f"{card.family}: {run.name}")
            start = time.monotonic()
            try:
                target = out / f"selftest-{card.family}-{run.name.replace('+', '-')}.json" if out else None
                code = call(resolve(run.entry), run.args, backend=sandbox, out=target, echo=typer.echo)
            except ValueError as exc:
                bad_input("selftest", exc)
            failed += code != 0
            table.add_row(card.family, run.name, f"{time.monotonic() - start:.1f}",
                          "passed" if code == 0 else f"[red]failed (exit {code})[/]")
    console.print(table)
    raise typer.Exit(1 if failed else 0)


@app.command("humaneval")
def humaneval(
    lang: str = typer.Option(..., "--lang", help="js or rust."),
    buggy: bool = typer.Option(False, "--buggy", help="Run HumanEvalPack's buggy_solution's; every one must fail."),
    sandbox: str = _sandbox_option(),
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
    raise typer.Exit(main(lang, buggy=buggy, backend=sandbox, workers=workers, limit=limit, out=out))


@app.command("dapp-build")
def dapp_build(
    lang: str = typer.Option("all", "--lang", help="rust, js or all."),
    sandbox: str = _sandbox_option(),
    workers: int = typer.Option(None, "--workers", help="Contracts built at once (default: CPU count, at most 4)."),
    spec: list[str] = typer.Option(None, "--spec", help="Only these spec ids (repeatable)."),
    out: Path = typer.Option(None, "--out", help="Write every result (build log included) to this JSON file."),
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
    raise typer.Exit(main(languages, backend=sandbox, workers=workers, only=spec, out=out, echo=typer.echo))


@app.command("dapp-trees")
def dapp_trees() -> None:
    """Score every near_dapp_trees reference, written in every tree format, through the task's scorer.

    Each must get ``structure == 1.0`` (and an empty answer 0); prints ``passed N/N``, exits 1 otherwise.
    Example: ``nearcoder selftest dapp-trees``
    """
    from nearcoder.tasks.near_dapp_trees.selftest import main

    raise typer.Exit(main(echo=typer.echo))
