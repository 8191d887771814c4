"""JSON Lines, read and written one way across the project.

Blank lines are skipped; a line that is not JSON raises ``ValueError`` naming the file and line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path


def iter_jsonl(path: str | Path) -> Iterator:
    """The values of a JSONL file, one per non-blank line."""
    path = Path(path)
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{lineno}: not valid JSON ({exc})") from exc


def read_jsonl(path: str | Path) -> list:
    """Every value of a JSONL file, in order."""
    return list(iter_jsonl(path))


def write_jsonl(rows: Iterable, path: str | Path) -> Path:
    """Write ``rows`` one JSON value per line (UTF-8, non-ASCII kept); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
