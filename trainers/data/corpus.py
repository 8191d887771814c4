"""``nearcoder data corpus``: a folder of docs → the continued-pre-training corpus of stage 1.

Steps, each reported in the dataset card: read ``*.md``, ``*.mdx``, ``*.txt`` files (sorted, recursive) →
clean (:mod:`text_cleaning`) and drop pages shorter than ``min_words`` → drop near-duplicates (MinHash,
:mod:`near_duplicates`) → cut paragraphs that overlap the eval sets (:mod:`decontamination`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from nearcoder.trainers.data.dataset_io import DatasetCard, Table, write_dataset
from nearcoder.trainers.data.decontamination import ContaminationIndex, EvalSet, decontaminate, default_eval_sets
from nearcoder.trainers.data.near_duplicates import find_near_duplicates
from nearcoder.trainers.data.text_cleaning import clean_markdown, word_count
from nearcoder.trainers.data.walk import walk_files

DOC_SUFFIXES = (".md", ".mdx", ".txt")


@dataclass
class CorpusOptions:
    min_words: int = 30
    dedup_threshold: float = 0.8
    shingle_size: int = 5
    ngram: int = 13
    max_removed_fraction: float = 0.5
    decontaminate: bool = True


def find_docs(roots: list[Path]) -> list[Path]:
    files = []
    for root in roots:
        if root.is_file():
            files.append(root)
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"corpus input {root} does not exist")
        files += walk_files(root, lambda p: p.suffix.lower() in DOC_SUFFIXES)
    return files


def build_corpus(inputs: list[str | Path], out: str | Path, options: CorpusOptions | None = None,
                 eval_sets: list[EvalSet] | None = None, fmt: str = "jsonl", progress=None) -> tuple[Path, dict]:
    """Build the corpus into ``out``; returns (directory, report) where report counts every removal."""
    options = options or CorpusOptions()
    roots = [Path(p) for p in inputs]
    files = find_docs(roots)
    if not files:
        raise ValueError(f"no {'/'.join(DOC_SUFFIXES)} files under {', '.join(map(str, roots))}")
    report = {"files": len(files), "too_short": 0, "near_duplicates": 0, "decontaminated_docs": 0,
              "removed_by_set": {}}
    docs: list[dict] = []
    for path in files:
        root = next((r for r in roots if r.is_dir() and path.is_relative_to(r)), path.parent)
        text = clean_markdown(path.read_text(encoding="utf-8", errors="replace"))
        if word_count(text) < options.min_words:
            report["too_short"] += 1
            continue
        docs.append({"source": f"{root.name}/{path.relative_to(root)}", "text": text})
        if progress:
            progress(1)

    dups = find_near_duplicates([d["text"] for d in docs], options.dedup_threshold, options.shingle_size)
    report["near_duplicates"] = len(dups)
    report["duplicate_examples"] = [[docs[j]["source"], docs[i]["source"], round(s, 3)]
                                    for j, (i, s) in sorted(dups.items())[:20]]
    docs = [d for i, d in enumerate(docs) if i not in dups]

    eval_sets = default_eval_sets() if eval_sets is None and options.decontaminate else (eval_sets or [])
    index = ContaminationIndex.build(eval_sets, n=options.ngram)
    removed = {s.name: [0, 0, 0] for s in eval_sets}  # paragraphs, characters, documents dropped
    records = []
    for doc in docs:
        result = decontaminate(doc["text"], index, options.max_removed_fraction) if eval_sets else None
        if result is not None:
            for name, (paras, chars) in result.removed.items():
                removed[name][0] += paras
                removed[name][1] += chars
            if result.text is None:
                report["decontaminated_docs"] += 1
                for name in result.removed:
                    removed[name][2] += 1
                continue
            text = result.text
        else:
            text = doc["text"]
        records.append({"source": doc["source"], "text": text, "words": word_count(text)})
    report["removed_by_set"] = removed
    report["eval_set_sizes"] = index.sizes
    report["records"] = len(records)

    card = DatasetCard(
        name="NEAR continued-pre-training corpus",
        description="Cleaned documentation pages for stage 1 (continued pre-training), near-duplicates removed and "
                    "decontaminated against the project's eval sets by word n-gram overlap.",
        builder="corpus",
        columns={"source": "input folder name / path of the page", "text": "cleaned page text",
                 "words": "word count"},
        sources=[str(r) for r in roots],
        tables=[
            Table("Pipeline", ["step", "documents"], [
                ["files read", len(files)], [f"dropped: shorter than {options.min_words} words", report["too_short"]],
                [f"dropped: near-duplicate (Jaccard >= {options.dedup_threshold})", report["near_duplicates"]],
                ["dropped: mostly eval text", report["decontaminated_docs"]], ["kept", len(records)]]),
            Table(f"Decontamination ({options.ngram}-gram overlap)",
                  ["eval set", "eval texts", "paragraphs cut", "characters cut", "documents dropped"],
                  [[name, index.sizes.get(name, 0), *vals] for name, vals in removed.items()]),
        ] + ([Table("Near-duplicates (first 20)", ["dropped", "duplicate of", "Jaccard"],
                    report["duplicate_examples"])] if report["duplicate_examples"] else []),
        notes=["Eval sets with 0 texts were not available when the corpus was built (see decontamination.py)."],
    )
    path = write_dataset(out, records, card, {"inputs": [str(r) for r in roots], **asdict(options)}, fmt)
    return path, report
