"""Writing and reading the datasets the builders produce: JSONL (or Arrow) plus a dataset card.

Every builder writes one directory: ``data.jsonl`` (or a ``save_to_disk`` Arrow dataset with ``--format arrow``),
``README.md`` (a Hugging Face dataset card with YAML front matter, counts and removal tables) and
``build_info.json`` (the builder, its arguments, record count and the content hash trainers record in manifests).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nearcoder.harness.jsonl import read_jsonl

DATA_FILE = "data.jsonl"
CARD_FILE = "README.md"
INFO_FILE = "build_info.json"
FORMATS = ("jsonl", "arrow")


@dataclass
class Table:
    """A small table rendered into the card (e.g. what decontamination removed)."""

    title: str
    header: list[str]
    rows: list[list[Any]]

    def to_markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.header) + " |", "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in self.rows]
        return "\n".join(lines)


@dataclass
class DatasetCard:
    """What a dataset is, how it was built and what was dropped on the way."""

    name: str
    description: str
    builder: str
    columns: dict[str, str]
    sources: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    licence: str = "other (derived from the sources listed; check each source's licence before publishing)"

    def render(self, num_records: int, content_hash: str, arguments: dict[str, Any]) -> str:
        front = ["---", f"pretty_name: {self.name}", "license: other", "task_categories:", "- text-generation",
                 "tags:", "- near-protocol", "- code", f"- nearcoder-{self.builder}", "---", ""]
        body = [f"# {self.name}", "", self.description, "",
                f"- builder: `nearcoder data {self.builder}`",
                f"- records: {num_records}",
                f"- content hash (sha256 of the records): `{content_hash}`",
                f"- built: {datetime.now(timezone.utc).isoformat(timespec='seconds')}", ""]
        body += ["## Columns", ""] + [f"- `{k}`: {v}" for k, v in self.columns.items()] + [""]
        if self.sources:
            body += ["## Sources", ""] + [f"- {s}" for s in self.sources] + [""]
        if self.tables:
            body += ["## Build report", ""]
            for table in self.tables:
                body += [table.to_markdown(), ""]
        if self.notes:
            body += ["## Notes", ""] + [f"- {n}" for n in self.notes] + [""]
        body += ["## Arguments", "", "```json", json.dumps(arguments, indent=2, sort_keys=True, default=str), "```",
                 "", "## Licence", "", self.licence, ""]
        return "\n".join(front + body)


def records_hash(records: Iterable[dict]) -> str:
    """A stable sha256 over the records (key order independent), used as the dataset's identity."""
    digest = hashlib.sha256()
    for record in records:
        digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def write_dataset(out: str | Path, records: list[dict], card: DatasetCard, arguments: dict[str, Any],
                  fmt: str = "jsonl") -> Path:
    """Write ``records`` with ``card`` into the directory ``out``; returns ``out``.

    Refuses to write an empty dataset (a builder that produced nothing has bad input, and says so).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    if not records:
        raise ValueError(f"{card.builder}: no records to write to {out}; check the input paths and filters")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    content_hash = records_hash(records)
    if fmt == "jsonl":
        with (out / DATA_FILE).open("w", encoding="utf-8") as fh:
            for record in records:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    else:
        import datasets

        datasets.Dataset.from_list(records).save_to_disk(str(out))
    (out / CARD_FILE).write_text(card.render(len(records), content_hash, arguments), encoding="utf-8")
    info = {"builder": card.builder, "name": card.name, "records": len(records), "sha256": content_hash,
            "format": fmt, "arguments": arguments,
            "tables": [{"title": t.title, "header": t.header, "rows": t.rows} for t in card.tables]}
    (out / INFO_FILE).write_text(json.dumps(info, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return out


def read_records(path: str | Path) -> list[dict]:
    """Records of a dataset written by :func:`write_dataset`, a ``save_to_disk`` directory or a JSONL file."""
    path = Path(path)
    if path.is_dir() and (path / DATA_FILE).is_file():
        path = path / DATA_FILE
    elif path.is_dir() and (path / "dataset_info.json").is_file():
        import datasets

        return list(datasets.load_from_disk(str(path)))
    if not path.is_file():
        raise FileNotFoundError(f"no dataset at {path}: expected a directory written by `nearcoder data` "
                                f"(with {DATA_FILE}) or a .jsonl file")
    return read_jsonl(path)


def dataset_hash(path: str | Path) -> str:
    """The content hash of a built dataset (from ``build_info.json`` when present, else computed)."""
    info = Path(path) / INFO_FILE
    if info.is_file():
        return json.loads(info.read_text())["sha256"]
    return records_hash(read_records(path))
