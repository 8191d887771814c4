"""Walking input folders: the one set of folders no dataset builder reads (VCS, dependencies, build output)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SKIP_DIRS = frozenset({".git", "node_modules", "target", "dist", "build", "out", ".next", "__pycache__", ".venv",
                       "vendor"})


def walk_files(root: Path, keep: Callable[[Path], bool] = lambda _: True) -> list[Path]:
    """Files under ``root``, sorted, outside :data:`SKIP_DIRS`, for which ``keep(path)`` holds."""
    return [p for p in sorted(root.rglob("*"))
            if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(root).parts) and keep(p)]
