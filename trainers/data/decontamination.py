"""Decontamination: remove training text that overlaps the evaluation sets by word n-grams.

The eval sets come from the task cards (``tasks/<family>/card.toml``, ``[decontamination]``; read through
:mod:`nearcoder.harness.cards`), one named text collection per family (:func:`default_eval_sets`). A card names
JSONL files in its family folder or in the data mirror (``$NEARCODER_DATA_DIR``) and the fields to take (default:
every string field); a ``source_field`` adds the passage an item was written from (``<path>#<section>``,
resolved under the mirror's ``sources_root``), and a ``listing`` (``{"corpus_root": ..., "files": [...]}``) adds
whole mirror files: "leave them out of training corpora". Today: near_questions' questions, answers and
their near-docs sources; every field of the near_dapp_trees references; HumanEvalPack prompts and solutions.

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

from nearcoder.harness.cards import Card, TextSource, load_cards
from nearcoder.harness.data_sources import mirror_dir
from nearcoder.harness.jsonl import read_jsonl

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


def _resolve_source(source: str, docs_root: Path | None, sources_root: str = "") -> str | None:
    if not docs_root or not source:
        return None
    path, _, anchor = source.partition("#")
    for candidate in (docs_root / sources_root / path, docs_root / path):
        if candidate.is_file():
            return section_text(candidate.read_text(encoding="utf-8", errors="replace"), anchor or None)
    return None


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _add_records(out: EvalSet, src: TextSource, files: list[Path], data_root: Path | None) -> None:
    for path in files:
        for i, row in enumerate(read_jsonl(path)):
            rid = row.get(src.id_field, i)
            if src.fields:
                for name in src.fields:
                    out.texts.append(row.get(name, ""))
                    out.origin.append(f"{path.name}:{rid}:{name}")
            else:
                for text in _strings(row):
                    out.texts.append(text)
                    out.origin.append(f"{path.name}:{rid}")
            if src.source_field and (text := _resolve_source(row.get(src.source_field, ""), data_root,
                                                             src.sources_root)):
                out.texts.append(text)
                out.origin.append(f"source:{row[src.source_field]}")


def _add_listing(out: EvalSet, path: Path, data_root: Path | None) -> None:
    if not path.is_file():
        return
    listing = json.loads(path.read_text(encoding="utf-8"))
    root = (data_root / listing.get("corpus_root", "")) if data_root else None
    for name in listing.get("files", []):
        file = root / name if root else None
        if file is not None and file.is_file():
            out.texts.append(file.read_text(encoding="utf-8", errors="replace"))
            out.origin.append(f"{path.name}:{name}")


def eval_set(card: Card, data_root: Path | None, folder: Path | None = None) -> EvalSet:
    """The texts one card's ``[decontamination]`` names; files the mirror lacks are skipped (empty set)."""
    decon = card.decontamination
    out = EvalSet(decon.set_name if decon else card.family)
    folder = folder or card.folder
    for src in decon.texts if decon else ():
        if src.listing:
            _add_listing(out, folder / src.listing, data_root)
        elif src.files:
            _add_records(out, src, sorted({p for g in src.files for p in folder.glob(g)}), data_root)
        elif data_root:
            _add_records(out, src, [data_root / f for f in src.mirror_files if (data_root / f).is_file()], data_root)
    return out


def default_eval_sets(data_root: Path | None = None, tasks: Path | None = None) -> list[EvalSet]:
    """One eval set per card with a ``[decontamination]`` table; parts the mirror lacks are simply empty."""
    data_root = data_root or mirror_dir()
    return [eval_set(card, data_root) for card in load_cards(tasks) if card.decontamination]


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
