"""Checks for the ``near_questions`` items, and the decontamination list of their source files.

Every item must be answerable from the file it cites: its key facts must appear in that file after
:func:`nearcoder.harness.text_metrics.normalise`, and the cited heading must be a heading (or the front-matter
title) of that file. The test ``tests/tasks/test_near_questions_data.py`` runs these checks; while writing items,
run them directly::

    NEARCODER_DATA_DIR=../shared/data python -m nearcoder.tasks.near_questions.dataset_checks --write-sources
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from nearcoder.harness.jsonl import read_jsonl
from nearcoder.harness.text_metrics import MAX_SCORED_CHARS, key_fact_recall, normalise
from nearcoder.harness import settings

DATA_DIR = Path(__file__).resolve().parent / "data"
SPLIT_FILES = {"test": "test.jsonl", "dev": "dev.jsonl"}
SOURCES_FILE = "sources.json"
REVIEW_LOG_FILE = "review_log.jsonl"
CANDIDATE_SETS_FILE = "candidate_sets.json"
# Folders of the seed's own training export: items written from them are not held out from a seed-trained model.
SEED_SOURCE_FOLDERS = ("seed-nearDocs/", "seed-nearBlog/")
REVIEW_VERDICTS = ("kept", "edited", "dropped")
MC_OPTIONS_FILE = "mc_options.jsonl"
MC_BANNED = re.compile(r"\b(all|none|both|neither) of (the )?(above|these|them)\b", re.IGNORECASE)
MC_MAX_LENGTH_RATIO = 3.5  # longest / shortest option of one item (characters), unless all are short
MC_SHORT_OPTION = 24  # options this short may differ more (numbers, method names)
DOCS_SUBDIR = "near-docs"  # the corpus inside NEARCODER_DATA_DIR

CATEGORIES = (
    "protocol and sharding",
    "accounts and keys",
    "gas and storage staking",
    "Rust contracts",
    "JS contracts",
    "tooling and CLI",
    "validators and staking",
    "tokens and NEPs",
    "bridges and ecosystem",
)
DIFFICULTIES = ("easy", "medium", "hard")
FIELDS = {
    "id": str,
    "question": str,
    "answer": str,
    "key_facts": list,
    "fact_alternatives": list,
    "exclusive": list,
    "seed_source": bool,
    "source": str,
    "category": str,
    "difficulty": str,
}
MIN_TEST_ITEMS = 200
MIN_PER_CATEGORY = 18  # in the test split
NEAR_DUPLICATE_RATIO = 0.9  # questions at least this similar (difflib, normalised) count as duplicates
ID_PATTERN = re.compile(r"^nq-\d{4}$")
MAX_ANSWER_SENTENCES = 3


def load_split(split: str, data_dir: Path = DATA_DIR) -> list[dict]:
    """The items of one split, in file order."""
    path = data_dir / SPLIT_FILES[split]
    return read_jsonl(path)


def load_all(data_dir: Path = DATA_DIR) -> dict[str, list[dict]]:
    return {split: load_split(split, data_dir) for split in SPLIT_FILES}


def split_source(source: str) -> tuple[str, str]:
    """``"wiki/a.md#Heading"`` → ``("wiki/a.md", "Heading")``."""
    path, _, heading = source.partition("#")
    return path.strip(), heading.strip()


def _clean_heading(text: str) -> str:
    """A heading as a reader sees it: no ``{#anchor}``, markdown links/emphasis, emoji or trailing ``#``."""
    text = re.sub(r"\{#[^}]*\}", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"[*_`]", "", text)
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace() or ch in "-.,:;?!'()/&+<>\"=@$%")
    return " ".join(text.strip().strip("#").split()).lower()


@lru_cache(maxsize=None)
def headings(path: Path) -> frozenset[str]:
    """Every markdown heading of a file plus its front-matter ``title``/``sidebar_label``, cleaned."""
    found = set()
    in_code = False
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for line in lines:
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            continue
        m = re.match(r"^\s{0,3}#{1,6}\s+(.+)$", line) or re.match(r"^(?:title|sidebar_label):\s*(.+)$", line, re.IGNORECASE)
        if m:
            found.add(_clean_heading(m.group(1).strip().strip("'\"")))
    if not found:
        # Plain-text exports (the blog) have no markup: the first line is the title and short lines that do
        # not end a sentence are sub-headings.
        plain = [ln.strip() for ln in lines if ln.strip()]
        found.update(_clean_heading(ln) for ln in plain[:1])
        found.update(_clean_heading(ln) for ln in plain if len(ln.split()) <= 12 and not ln.endswith((".", ",", ";")))
    return frozenset(found)


@lru_cache(maxsize=None)
def normalised_source(path: Path) -> str:
    """The whole file, normalised; :func:`normalise` clips long text, so it is applied to line-aligned blocks."""
    blocks, block, size = [], [], 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if size + len(line) > MAX_SCORED_CHARS // 2 and block:
            blocks.append("\n".join(block))
            block, size = [], 0
        block.append(line)
        size += len(line) + 1
    blocks.append("\n".join(block))
    return " " + " ".join(normalise(b) for b in blocks) + " "


def fact_in_source(fact: str, path: Path) -> bool:
    needle = normalise(fact)
    return bool(needle) and f" {needle} " in normalised_source(path)


def item_errors(item: dict, docs_root: Path | None) -> list[str]:
    """Problems with one item; with ``docs_root`` (the ``near-docs`` folder) its source is checked too."""
    errors = []
    for field, kind in FIELDS.items():
        if not isinstance(item.get(field), kind):
            errors.append(f"field {field!r} missing or not {kind.__name__}")
    extra = set(item) - set(FIELDS)
    if extra:
        errors.append(f"unknown fields {sorted(extra)}")
    if errors:
        return errors
    if not ID_PATTERN.match(item["id"]):
        errors.append(f"id {item['id']!r} does not match nq-NNNN")
    if not item["question"].strip().endswith("?"):
        errors.append("question does not end with '?'")
    answer = item["answer"].strip()
    sentences = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z`])", answer) if s]
    if not answer or len(sentences) > MAX_ANSWER_SENTENCES:
        errors.append(f"answer has {len(sentences)} sentences (1-{MAX_ANSWER_SENTENCES} allowed)")
    facts = item["key_facts"]
    if not 1 <= len(facts) <= 5 or not all(isinstance(f, str) and f.strip() for f in facts):
        errors.append("key_facts must be 1-5 non-empty strings")
    alternatives = item["fact_alternatives"]
    if len(alternatives) != len(facts) or not all(
        isinstance(a, list) and all(isinstance(x, str) and x.strip() for x in a) for a in alternatives
    ):
        errors.append("fact_alternatives must hold one list of non-empty strings per key fact")
    named = candidate_set_names()
    for group in item["exclusive"]:
        if not isinstance(group, list) or not group or not all(isinstance(m, str) and m.strip() for m in group):
            errors.append("exclusive must be a list of non-empty candidate lists")
        elif unknown := [m for m in group if m.startswith("set:") and m[4:] not in named]:
            errors.append(f"exclusive names unknown candidate sets {unknown}")
    if item["seed_source"] != item["source"].startswith(SEED_SOURCE_FOLDERS):
        errors.append(f"seed_source must be {not item['seed_source']} for source {item['source']!r}")
    else:
        for fact in facts:
            if f" {normalise(fact)} " not in f" {normalise(answer)} ":
                errors.append(f"key fact {fact!r} is not stated in the item's own answer")
            if f" {normalise(fact)} " in f" {normalise(item['question'])} ":
                errors.append(f"key fact {fact!r} is given away by the question")
        for fact, alts in zip(facts, item["fact_alternatives"] if isinstance(item["fact_alternatives"], list) else []):
            for form in [fact, *alts] if isinstance(alts, list) else []:
                if key_fact_recall([form], item["question"]) > 0:
                    errors.append(f"key fact {fact!r} (form {form!r}) is given away by the question")
    if item["category"] not in CATEGORIES:
        errors.append(f"category {item['category']!r} not in {CATEGORIES}")
    if item["difficulty"] not in DIFFICULTIES:
        errors.append(f"difficulty {item['difficulty']!r} not in {DIFFICULTIES}")
    rel, heading = split_source(item["source"])
    if not rel or not heading:
        errors.append(f"source {item['source']!r} is not 'path#heading'")
        return errors
    if docs_root is None:
        return errors
    path = docs_root / rel
    if not path.is_file():
        return errors + [f"source file {rel} not found under {docs_root}"]
    if _clean_heading(heading) not in headings(path):
        errors.append(f"heading {heading!r} not found in {rel}")
    for fact in facts if isinstance(facts, list) else []:
        if isinstance(fact, str) and not fact_in_source(fact, path):
            errors.append(f"key fact {fact!r} not found in {rel}")
    return errors


@lru_cache(maxsize=1)
def candidate_set_names(data_dir: Path = DATA_DIR) -> frozenset[str]:
    return frozenset(json.loads((data_dir / CANDIDATE_SETS_FILE).read_text(encoding="utf-8"))["sets"])


def review_log_errors(splits: dict[str, list[dict]], data_dir: Path = DATA_DIR) -> list[str]:
    """The review log must give one verdict per item: every shipped item kept or edited, none dropped."""
    entries = read_jsonl(data_dir / REVIEW_LOG_FILE)
    verdicts = {e["id"]: e["verdict"] for e in entries}
    errors = [f"{i}: {n} review-log entries" for i, n in Counter(e["id"] for e in entries).items() if n > 1]
    errors += [f"{e['id']}: review verdict {e['verdict']!r} not in {REVIEW_VERDICTS}" for e in entries
               if e["verdict"] not in REVIEW_VERDICTS or not str(e.get("change", "")).strip()]
    for item in (it for items in splits.values() for it in items):
        if verdicts.get(item["id"]) not in ("kept", "edited"):
            errors.append(f"{item['id']}: review log verdict is {verdicts.get(item['id'])!r}, not kept/edited")
    return errors


def mc_errors(splits: dict[str, list[dict]], data_dir: Path = DATA_DIR) -> list[str]:
    """The multiple-choice options: one entry per test item, a correct option and three distinct wrong ones,
    no "all of the above", options of comparable length."""
    rows = read_jsonl(data_dir / MC_OPTIONS_FILE)
    errors = [f"{i}: {n} multiple-choice entries" for i, n in Counter(r["id"] for r in rows).items() if n > 1]
    by_id = {r["id"]: r for r in rows}
    test_ids = {it["id"] for it in splits.get("test", [])}
    errors += [f"{i}: no multiple-choice options" for i in sorted(test_ids - set(by_id))]
    errors += [f"{i}: multiple-choice options for an item not in the test split" for i in sorted(set(by_id) - test_ids)]
    for row in rows:
        options = [row.get("correct"), *(row.get("distractors") or [])]
        if len(options) != 4 or not all(isinstance(o, str) and o.strip() for o in options):
            errors.append(f"{row['id']}: needs a correct option and exactly three distractors")
            continue
        if len({normalise(o) for o in options}) != 4:
            errors.append(f"{row['id']}: options are not distinct")
        errors += [f"{row['id']}: option {o!r} is a catch-all" for o in options if MC_BANNED.search(o)]
        lengths = sorted(len(o) for o in options)
        if lengths[-1] > MC_SHORT_OPTION and lengths[-1] > MC_MAX_LENGTH_RATIO * lengths[0]:
            errors.append(f"{row['id']}: option lengths {lengths} differ more than {MC_MAX_LENGTH_RATIO}x")
    return errors


def near_duplicates(items: list[dict], ratio: float = NEAR_DUPLICATE_RATIO) -> list[tuple[str, str]]:
    """Pairs of ids whose normalised questions are identical or at least ``ratio`` similar."""
    normed = [(it["id"], normalise(it["question"])) for it in items]
    pairs = []
    for i, (id_a, qa) in enumerate(normed):
        for id_b, qb in normed[i + 1 :]:
            matcher = SequenceMatcher(None, qa, qb, autojunk=False)
            if qa == qb or (matcher.real_quick_ratio() >= ratio and matcher.quick_ratio() >= ratio
                            and matcher.ratio() >= ratio):
                pairs.append((id_a, id_b))
    return pairs


def dataset_errors(splits: dict[str, list[dict]], docs_root: Path | None) -> list[str]:
    """Every problem in the dataset as ``"<id>: <problem>"`` lines (empty when it is clean)."""
    errors = []
    everything = [it for items in splits.values() for it in items]
    for item in everything:
        errors += [f"{item.get('id', '?')}: {e}" for e in item_errors(item, docs_root)]
    ids = Counter(it.get("id") for it in everything)
    errors += [f"{i}: duplicate id ({n} items)" for i, n in ids.items() if n > 1]
    errors += [f"{a}: near-duplicate question of {b}" for a, b in near_duplicates(everything)]
    errors += review_log_errors(splits)
    errors += mc_errors(splits)
    test = splits.get("test", [])
    if len(test) < MIN_TEST_ITEMS:
        errors.append(f"test split has {len(test)} items, at least {MIN_TEST_ITEMS} required")
    per_category = Counter(it.get("category") for it in test)
    for category in CATEGORIES:
        if per_category[category] < MIN_PER_CATEGORY:
            errors.append(f"category {category!r} has {per_category[category]} test items (min {MIN_PER_CATEGORY})")
    return errors


def source_files(splits: dict[str, list[dict]]) -> list[str]:
    """The corpus files (relative to ``near-docs/``) that any item cites, sorted."""
    return sorted({split_source(it["source"])[0] for items in splits.values() for it in items})


def sources_document(splits: dict[str, list[dict]]) -> dict:
    """The decontamination list written to ``data/sources.json``."""
    return {
        "description": "near-docs files that near_questions items are written from; leave them out of training corpora",
        "corpus_root": DOCS_SUBDIR,
        "files": source_files(splits),
    }


def excluded_source_paths(data_dir: Path) -> list[Path]:
    """The files a training-corpus builder must leave out: ``data/sources.json`` resolved under ``data_dir``
    (a folder laid out like ``../shared/data``)."""
    listing = json.loads((DATA_DIR / SOURCES_FILE).read_text(encoding="utf-8"))
    return [Path(data_dir) / listing["corpus_root"] / rel for rel in listing["files"]]


def main(argv: list[str] | None = None) -> int:

    parser = argparse.ArgumentParser(
        description="Check the near_questions items against the corpus. Example: "
        "NEARCODER_DATA_DIR=../shared/data python -m nearcoder.tasks.near_questions.dataset_checks --write-sources"
    )
    parser.add_argument("--write-sources", action="store_true", help=f"rewrite data/{SOURCES_FILE}")
    args = parser.parse_args(argv)
    data_dir = settings.data_dir()
    docs_root = Path(data_dir) / DOCS_SUBDIR if data_dir else None
    if docs_root is None:
        print("NEARCODER_DATA_DIR unset: source files are not checked", file=sys.stderr)
    splits = load_all()
    errors = dataset_errors(splits, docs_root)
    for line in errors:
        print(line)
    counts = Counter(it["category"] for it in splits["test"])
    print(f"{sum(map(len, splits.values()))} items ({', '.join(f'{k}={len(v)}' for k, v in splits.items())}); "
          f"test per category: {dict(sorted(counts.items()))}; {len(errors)} problems", file=sys.stderr)
    if args.write_sources:
        (DATA_DIR / SOURCES_FILE).write_text(json.dumps(sources_document(splits), indent=1) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
