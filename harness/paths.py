"""Where the installed package keeps its task folders and shipped data."""

from __future__ import annotations

import importlib.util
from pathlib import Path


def tasks_dir() -> Path:
    """The directory that holds every ``near_*`` task folder (the ``--include_path`` for lm-eval)."""
    # Located, not imported: the core never imports tasks (tests/test_architecture.py).
    spec = importlib.util.find_spec("nearcoder.tasks")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def task_folders() -> list[Path]:
    """Every task folder: a direct child of :func:`tasks_dir` that holds at least one task YAML."""
    return sorted(p for p in tasks_dir().iterdir() if p.is_dir() and any(p.glob("*.yaml")))
