"""``nearcoder prepare [TARGET|all]``: the one way to fill the offline caches an evaluation needs.

Targets come from the task cards (``[prepare]`` in ``tasks/<family>/card.toml``: ``humaneval``, ``dapp-build``);
each runs its card's entry points in order (``module:function(log=...)``, idempotent: a warm cache is a no-op).
An evaluation never downloads mid-run: a task whose cache is missing fails fast and names this command.
"""

from __future__ import annotations

import shutil
import time

import typer

from nearcoder.harness import cards
from nearcoder.harness.errors import bad_input


def prepare(
    targets: list[str] = typer.Argument(None, help="What to prepare: a target from the task cards, or all "
                                        "[default: all]."),
) -> None:
    """Fetch and pre-build the offline caches of the execution tasks (needs the network once; idempotent).

    Example: ``nearcoder prepare all`` (what ``make test`` needs), ``nearcoder prepare dapp-build``
    """
    from rich.console import Console
    from rich.table import Table

    from nearcoder.card_runner import resolve

    known = cards.prepare_targets()
    wanted = list(known) if not targets or "all" in targets else targets
    unknown = [t for t in wanted if t not in known]
    if unknown:
        bad_input("prepare", f"unknown target {unknown[0]!r}; choose from {', '.join([*known, 'all'])}")
    missing = sorted({tool for t in wanted for tool in known[t].needs if shutil.which(tool) is None})
    if missing:
        bad_input("prepare", f"{', '.join(missing)} not found on PATH (install Rust via rustup, Node 20 with npm; "
                             "see scripts/setup_system.sh)")
    console = Console(stderr=True)
    table = Table(title="nearcoder prepare")
    for col in ("target", "what", "seconds", "result"):
        table.add_column(col)
    failed = False
    for target in wanted:
        spec = known[target]
        start = time.monotonic()
        result = "ready"
        with console.status(f"preparing {target}: {spec.description}"):
            for entry in spec.entries:
                try:
                    resolve(entry)(log=lambda msg, _t=target: console.print(f"[dim]{_t}:[/] {msg}", highlight=False))
                except Exception as exc:  # noqa: BLE001 - report which target failed, then go on with the next
                    result, failed = f"[red]failed[/]: {type(exc).__name__}: {str(exc)[:300]}", True
                    break
        table.add_row(target, spec.description, f"{time.monotonic() - start:.1f}", result)
    console.print(table)
    raise typer.Exit(1 if failed else 0)
