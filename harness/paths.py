"""Where the installed package keeps its task folders and shipped data."""

from __future__ import annotations

from pathlib import Path


def tasks_dir() -> Path:
    """The directory that holds every ``near_*`` task folder (the ``--include_path`` for lm-eval)."""
    import nearcoder.tasks

    return Path(nearcoder.tasks.__file__).resolve().parent


def task_folders() -> list[Path]:
    """Every task folder: a direct child of :func:`tasks_dir` that holds at least one task YAML."""
    return sorted(p for p in tasks_dir().iterdir() if p.is_dir() and any(p.glob("*.yaml")))
