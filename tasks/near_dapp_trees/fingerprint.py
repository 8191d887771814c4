"""File-list fingerprints: which paths say something about a project, and how much two projects share.

Every near-example has ``README.md``, ``Cargo.toml``, ``src/lib.rs`` or ``package.json``: sharing them says
nothing. The *distinctive* paths of a pair are its file paths minus those found in more than
``COMMON_PATH_SHARE`` of all candidate pairs; two pairs are compared by the Jaccard index of their
distinctive paths, and only when a pair has at least ``MIN_DISTINCTIVE`` of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

COMMON_PATH_SHARE = 0.05
MIN_DISTINCTIVE = 4


def file_set(paths: Iterable[str]) -> set[str]:
    """The files of a pair's canonical ``paths`` (empty folders, ending in ``/``, left out)."""
    return {p for p in paths if not p.endswith("/")}


def common_paths(path_lists: Sequence[Iterable[str]], share: float = COMMON_PATH_SHARE) -> set[str]:
    """Paths found in more than ``share`` of the lists: conventions, not fingerprints."""
    lists = [file_set(paths) for paths in path_lists]
    counts = Counter(path for paths in lists for path in paths)
    return {path for path, n in counts.items() if n > share * len(lists)}


def distinctive_paths(paths: Iterable[str], common: set[str]) -> set[str]:
    """``paths``' files minus the conventional ones."""
    return file_set(paths) - common


def jaccard(a: set[str], b: set[str]) -> float:
    """``|a ∩ b| / |a ∪ b|``; 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0
