"""Runs what the task cards declare: resolves their ``module:function`` entry points and calls them.

This is the top (it may import any layer); the cards themselves are read by :mod:`nearcoder.harness.cards`.
"""

from __future__ import annotations

import importlib
import inspect
import time
from collections.abc import Callable
from pathlib import Path


def resolve(entry: str) -> Callable:
    """The function an entry point names; ``ValueError`` naming the entry when it does not resolve."""
    module_name, _, attr = entry.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"entry point {entry!r} does not resolve: {exc}") from exc
    if not callable(func):
        raise ValueError(f"entry point {entry!r} is not a function")
    return func


def call(func: Callable, args: dict, **optional):
    """``func(**args)`` plus each keyword of ``optional`` that is not None and that ``func`` accepts."""
    params = inspect.signature(func).parameters
    extra = {k: v for k, v in optional.items() if v is not None and k in params and k not in args}
    return func(**args, **extra)


def run_selftests(families: list[str] | None, *, sandbox: str | None, out: Path | None, echo) -> int:
    """Every ``[selftest]`` run of the cards (of ``families`` when given), then a table; returns how many failed.

    ``ValueError`` names an unknown family or an entry point that does not resolve."""
    from rich.console import Console
    from rich.table import Table

    from nearcoder.harness import cards

    known = [card.family for card in cards.load_cards() if card.selftest]
    if unknown := sorted(set(families or ()) - set(known)):
        raise ValueError(f"--family {unknown[0]!r}: choose from {', '.join(known)}")
    console = Console(stderr=True)
    table = Table(title="nearcoder selftest all")
    for col in ("family", "run", "seconds", "result"):
        table.add_column(col)
    failed = 0
    for card in cards.load_cards():
        if not card.selftest or (families and card.family not in families):
            continue
        for run in card.selftest.runs:
            console.rule(f"{card.family}: {run.name}")
            start = time.monotonic()
            target = out / f"selftest-{card.family}-{run.name.replace('+', '-')}.json" if out else None
            code = call(resolve(run.entry), run.args, backend=sandbox, out=target, echo=echo)
            failed += code != 0
            table.add_row(card.family, run.name, f"{time.monotonic() - start:.1f}",
                          "passed" if code == 0 else f"[red]failed (exit {code})[/]")
    console.print(table)
    return failed
