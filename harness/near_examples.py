"""Repositories in the data mirror's file-list layout (``near-examples/<repo>/``), read one way.

A repository there is ``files.txt`` (one path per line, ``git ls-tree`` style), ``meta.json``
(``repository``, ``commit``) and its README files under ``readmes/`` at the same relative paths. Both the
near_dapp_trees dataset builder and the stage-2 tree dataset read repositories through this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

FILE_LIST = "files.txt"
README_NAMES = ("readme.md", "readme.txt", "readme")  # lower-cased, in order of preference


def is_file_list_repo(repo_dir: Path) -> bool:
    return (Path(repo_dir) / FILE_LIST).is_file()


def listed_files(repo_dir: Path) -> list[str]:
    """The paths ``files.txt`` lists, stripped, blank lines dropped."""
    text = (Path(repo_dir) / FILE_LIST).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


def meta(repo_dir: Path) -> dict:
    return json.loads((Path(repo_dir) / "meta.json").read_text(encoding="utf-8"))


def readmes(repo_dir: Path) -> Iterator[tuple[str, Path]]:
    """(sub-folder, README path) of every README under ``readmes/``; the top level is ``""``."""
    base = Path(repo_dir) / "readmes"
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.name.lower() in README_NAMES:
            yield path.parent.relative_to(base).as_posix().strip("."), path


def top_readme(repo_dir: Path) -> str:
    """The top-level README text (from ``readmes/`` first, else the folder itself); "" when there is none."""
    for base in (Path(repo_dir) / "readmes", Path(repo_dir)):
        if not base.is_dir():
            continue
        found = {p.name.lower(): p for p in sorted(base.iterdir(), reverse=True) if p.is_file()}
        for name in README_NAMES:
            if name in found:
                return found[name].read_text(encoding="utf-8", errors="replace")
    return ""
