"""``nearcoder sandbox``: run one program, check which backends work, prepare the dependency caches."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

app = typer.Typer(help="Run untrusted programs in a sandbox (bwrap or docker).", no_args_is_help=True)


@app.command("run")
def run(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="The program (solution + tests)."),
    lang: str = typer.Option(..., "--lang", help="js or rust"),
    backend: str = typer.Option(None, "--backend", help="bwrap or docker (default: $NEARCODER_SANDBOX or bwrap)"),
    timeout: float = typer.Option(10.0, "--timeout", help="Wall-clock seconds per program."),
) -> None:
    """Run one test program and print its outcome as one JSON object (exit 0 whatever the program did).

    Example: ``nearcoder sandbox run --lang js solution_and_tests.js --timeout 5``
    """
    from dataclasses import replace

    from nearcoder.sandboxes.api import Status
    from nearcoder.sandboxes.languages import DEFAULT_LIMITS, TestProgram, run_tests

    if lang not in ("js", "rust"):
        raise typer.BadParameter(f"{lang!r}: choose js or rust", param_hint="--lang")
    source = file.read_bytes().decode("utf-8", errors="surrogateescape")
    limits = replace(DEFAULT_LIMITS, wall_seconds=timeout, cpu_seconds=max(1, int(timeout)))
    try:
        [outcome] = run_tests([TestProgram(lang, source)], backend=backend, limits=limits, progress=False)
    except Exception as exc:  # the sandbox itself could not run
        typer.secho(f"nearcoder sandbox run: {exc}", fg="red", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(outcome.to_dict()))
    if outcome.status is Status.SANDBOX_ERROR:
        raise typer.Exit(2)


@app.command("check")
def check() -> None:
    """Report which sandbox backends work on this machine, and why not.

    Example: ``nearcoder sandbox check`` (exit 1 when no backend works)
    """
    from nearcoder.sandboxes.factory import BACKENDS, backend_class
    from nearcoder.sandboxes.toolchain import prepared

    any_ok = False
    for name in BACKENDS:
        try:
            ok, why = backend_class(name).available()
        except Exception as exc:  # noqa: BLE001 - report, never crash
            ok, why = False, f"{type(exc).__name__}: {exc}"
        any_ok |= ok
        typer.echo(f"{name:7s} {'ok ' if ok else 'NO '} {why}")
    prep = prepared()
    typer.echo(f"caches  {'ok ' if prep.js_modules and prep.rust_deps else 'NO '} "
               f"js-md5={'yes' if prep.js_modules else 'no'} rust crates={'yes' if prep.rust_deps else 'no'}"
               + ("" if prep.js_modules and prep.rust_deps else " (run `nearcoder sandbox prepare`)"))
    raise typer.Exit(0 if any_ok else 1)


@app.command("prepare")
def prepare() -> None:
    """Fetch js-md5 (npm) and build rand/regex/md5 (cargo) into the cache the sandboxes bind (idempotent).

    Example: ``NEARCODER_CACHE=/var/cache/nearcoder nearcoder sandbox prepare``
    """
    from nearcoder.sandboxes.toolchain import cache_dir
    from nearcoder.sandboxes.toolchain import prepare as do_prepare

    try:
        prep = do_prepare(log=lambda msg: typer.echo(msg, err=True))
    except Exception as exc:  # noqa: BLE001
        typer.secho(f"nearcoder sandbox prepare: {exc}", fg="red", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"ready in {cache_dir()}: js={prep.js_modules} rust={prep.rust_deps}")


def main() -> None:  # python -m nearcoder.sandboxes.cli
    app()


if __name__ == "__main__":
    sys.exit(main())
