"""Decontamination: remove training text that overlaps the evaluation sets by word n-grams.

The eval sets are gathered as named text collections (:func:`default_eval_sets`):

- ``near_questions``: every item's question and answer, the passage each item was written from (its
  ``source`` field, ``<near-docs path>#<section>``, resolved under ``$NEARCODER_DATA_DIR/near-docs``), and the
  whole files named by the ``sources.json`` shipped next to the items (``{"corpus_root": "near-docs",
  "files": [...]}``: "leave them out of training corpora");
- ``near_dapp_trees``: every string field of the dApp-tree references in ``tasks/near_dapp_trees/data``;
- ``humaneval``: HumanEvalPack prompts and canonical solutions (JS and Rust).

A training paragraph is contaminated when it shares one ``n``-word n-gram with an eval text (eval texts shorter
than ``n`` words contribute their whole word sequence when at least ``min_words`` long). Contaminated
paragraphs are cut; a document that loses more than ``max_removed_fraction`` of its characters is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from nearcoder.harness.data_sources import mirror_dir
from nearcoder.harness.paths import tasks_dir

WORD = re.compile(r"\w+")
PARAGRAPH_SPLIT = re.compile(r"\n\s*\n")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(\{#([^}]+)\})?\s*$")


def _hash(gram: str) -> int:
    return int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest(), "little")


def ngrams(text: str, n: int, min_words: int = 0) -> set[int]:
    words = WORD.findall(text.lower())
    if len(words) < n:
        return {_hash(" ".join(words))} if words and min_words and len(words) >= min_words else set()
    return {_hash(" ".join(words[i : i + n])) for i in range(len(words) - n + 1)}


@dataclass
class EvalSet:
    name: str
    texts: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)


def section_text(document: str, anchor: str | None) -> str:
    """The section of a Markdown document whose heading text or ``{#id}`` matches ``anchor`` (else the whole)."""
    if not anchor:
        return document
    lines = document.split("\n")
    want = anchor.strip().lower()
    for i, line in enumerate(lines):
        m = HEADING.match(line)
        if m and (m.group(2).strip().lower() == want or (m.group(4) or "").lower() == want):
            level = len(m.group(1))
            end = next((j for j in range(i + 1, len(lines))
                        if (h := HEADING.match(lines[j])) and len(h.group(1)) <= level), len(lines))
            return "\n".join(lines[i:end])
    return document


def _resolve_source(source: str, docs_root: Path | None) -> str | None:
    if not docs_root or not source:
        return None
    path, _, anchor = source.partition("#")
    for candidate in (docs_root / "near-docs" / path, docs_root / path):
        if candidate.is_file():
            return section_text(candidate.read_text(encoding="utf-8", errors="replace"), anchor or None)
    return None


def _read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def near_questions_set(tasks: Path, data_root: Path | None) -> EvalSet:
    out = EvalSet("near_questions")
    folder = tasks / "near_questions" / "data"
    for path in sorted(folder.glob("*.jsonl")):
        for item in _read_jsonl(path):
            if "question" in item:
                out.texts += [item.get("question", ""), item.get("answer", "")]
                out.origin += [f"{path.name}:{item.get('id')}:question", f"{path.name}:{item.get('id')}:answer"]
                text = _resolve_source(item.get("source", ""), data_root)
                if text:
                    out.texts.append(text)
                    out.origin.append(f"source:{item['source']}")
            else:  # a sources list: {"path"|"source": ..., "text"?: ...}
                text = item.get("text") or _resolve_source(item.get("source") or item.get("path", ""), data_root)
                if text:
                    out.texts.append(text)
                    out.origin.append(f"{path.name}:{item.get('source') or item.get('path')}")
    for path in sorted(folder.glob("sources*.json")):
        listing = json.loads(path.read_text(encoding="utf-8"))
        root = (data_root / listing.get("corpus_root", "")) if data_root else None
        for name in listing.get("files", []):
            file = root / name if root else None
            if file is not None and file.is_file():
                out.texts.append(file.read_text(encoding="utf-8", errors="replace"))
                out.origin.append(f"{path.name}:{name}")
    for path in sorted(folder.glob("sources*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            text = _resolve_source(line.strip(), data_root) if line.strip() else None
            if text:
                out.texts.append(text)
                out.origin.append(f"{path.name}:{line.strip()}")
    return out


def dapp_trees_set(tasks: Path) -> EvalSet:
    out = EvalSet("near_dapp_trees")
    for path in sorted((tasks / "near_dapp_trees" / "data").glob("*.json*")):
        rows = _read_jsonl(path) if path.suffix == ".jsonl" else json.loads(path.read_text(encoding="utf-8"))
        for i, row in enumerate(rows if isinstance(rows, list) else [rows]):
            for text in _strings(row):
                out.texts.append(text)
                out.origin.append(f"{path.name}:{i}")
    return out


def humaneval_set(data_root: Path | None) -> EvalSet:
    out = EvalSet("humaneval")
    if not data_root:
        return out
    for lang in ("js", "rust"):
        path = data_root / "humanevalpack" / f"{lang}.jsonl"
        if path.is_file():
            for row in _read_jsonl(path):
                out.texts += [row.get("prompt", ""), row.get("canonical_solution", "")]
                out.origin += [f"{lang}:{row.get('task_id')}:prompt", f"{lang}:{row.get('task_id')}:solution"]
    return out


def default_eval_sets(data_root: Path | None = None, tasks: Path | None = None) -> list[EvalSet]:
    """The project's eval sets; missing parts (no data mirror, no trees task yet) are simply empty."""
    data_root = data_root or mirror_dir()
    tasks = tasks or tasks_dir()
    return [near_questions_set(tasks, data_root), dapp_trees_set(tasks), humaneval_set(data_root)]


@dataclass
class ContaminationIndex:
    """Hashed n-grams of every eval set, and which set each came from."""

    n: int = 13
    min_words: int = 8
    grams: dict[int, str] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, sets: list[EvalSet], n: int = 13, min_words: int = 8) -> ContaminationIndex:
        index = cls(n=n, min_words=min_words)
        for s in sets:
            index.sizes[s.name] = len(s.texts)
            for text in s.texts:
                for g in ngrams(text, n, min_words):
                    index.grams.setdefault(g, s.name)
        return index

    def match(self, text: str) -> str | None:
        """The eval set ``text`` overlaps, or None."""
        for g in ngrams(text, self.n):
            if g in self.grams:
                return self.grams[g]
        # a paragraph shorter than n words can still equal a short eval text
        words = WORD.findall(text.lower())
        if self.min_words <= len(words) < self.n:
            return self.grams.get(_hash(" ".join(words)))
        return None


@dataclass
class DecontaminationResult:
    text: str | None  # None: the document is dropped
    removed: dict[str, tuple[int, int]] = field(default_factory=dict)  # eval set -> (paragraphs, characters)


def decontaminate(text: str, index: ContaminationIndex, max_removed_fraction: float = 0.5) -> DecontaminationResult:
    """Cut the paragraphs of ``text`` that overlap an eval set; drop the document when too much is cut."""
    kept, removed = [], {}
    paragraphs = PARAGRAPH_SPLIT.split(text)
    for para in paragraphs:
        hit = index.match(para)
        if hit is None:
            kept.append(para)
        else:
            count, chars = removed.get(hit, (0, 0))
            removed[hit] = (count + 1, chars + len(para))
    removed_chars = sum(c for _, c in removed.values())
    if removed and removed_chars > max_removed_fraction * max(1, len(text)):
        return DecontaminationResult(None, removed)
    return DecontaminationResult("\n\n".join(kept).strip() + "\n" if kept else None, removed)
