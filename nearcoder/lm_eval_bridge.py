"""Runs lm-eval's own CLI with the installed ``near_*`` tasks on its include path.

lm-eval 0.4.13 has no task plug-in entry point and its CLI honours a single ``--include_path``. When the
user passes one of their own, both directories are joined under a temporary folder of symlinks (lm-eval
scans include paths with ``Path.glob('**/*.yaml')``, which follows directory links).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from nearcoder.harness.paths import tasks_dir

SUBCOMMANDS = {"run", "ls", "validate"}


def split_include_path(args: list[str]) -> tuple[list[str], list[str]]:
    """Remove every ``--include_path X`` / ``--include_path=X`` from ``args``; return (rest, paths)."""
    rest: list[str] = []
    paths: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--include_path":
            if i + 1 >= len(args):
                raise ValueError("--include_path needs a directory")
            paths.append(args[i + 1])
            i += 2
            continue
        if arg.startswith("--include_path="):
            paths.append(arg.split("=", 1)[1])
        else:
            rest.append(arg)
        i += 1
    return rest, paths


def joined_include_dir(extra: list[str]) -> Path:
    """A temporary directory linking the project's tasks and each extra include path."""
    root = Path(tempfile.mkdtemp(prefix="nearcoder-include-"))
    (root / "nearcoder").symlink_to(tasks_dir())
    for n, path in enumerate(extra):
        target = Path(path).expanduser().resolve()
        if not target.is_dir():
            raise ValueError(f"--include_path {path}: not a directory")
        (root / f"extra{n}").symlink_to(target)
    return root


def build_argv(args: list[str]) -> list[str]:
    """The lm-eval argv for ``nearcoder eval ARGS``: a subcommand (default ``run``) and our include path."""
    args = list(args)
    sub = "run"
    if args and args[0] in SUBCOMMANDS:
        sub = args.pop(0)
    rest, extra = split_include_path(args)
    include = joined_include_dir(extra) if extra else tasks_dir()
    return [sub, "--include_path", str(include), *rest]


def run_lm_eval(args: list[str]) -> int:
    """Run ``python -m lm_eval`` in a child process and return its exit code."""
    argv = [sys.executable, "-m", "lm_eval", *build_argv(args)]
    return subprocess.call(argv, env=os.environ.copy())
