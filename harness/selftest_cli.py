"""``nearcoder selftest``: prove the execution-based tasks are solvable by running their reference solutions.

Each execution task adds one command here (``humaneval``, ``dapp-build``).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Run reference solutions through the sandbox; every one must pass. Example: ``nearcoder selftest humaneval --lang rust``",
    no_args_is_help=True,
)
