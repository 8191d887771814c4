"""Scoring for ``near_questions``: corpus BLEU and chrF, ROUGE-1/L and key-fact recall.

lm-eval calls ``process_results`` once per document. BLEU and chrF are corpus-level, so each document passes
its (reference, prediction) pair on to an aggregation function that scores the whole corpus. Every logged
sample keeps its ``doc`` (with ``category`` and ``difficulty``) next to these per-document values, which is
what :func:`category_breakdown` (and the leaderboard) group by.
"""

from __future__ import annotations

import json
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from nearcoder.harness.data_sources import load_packaged
from nearcoder.harness.jsonl import read_jsonl
from nearcoder.harness.text_metrics import (
    clip,
    corpus_bleu,
    corpus_chrf,
    answer_word_limit,
    is_scorable,
    key_fact_recall,
    rouge,
)

SPLITS = {"test": "data/test.jsonl", "dev": "data/dev.jsonl"}
# An answer of one to three sentences fits easily; anything longer is a runaway generation and scores zero.
MAX_ANSWER_CHARS = 4_000
MEAN_METRICS = ("rouge1", "rougeL", "key_fact_recall")
CORPUS_METRICS = {"bleu": corpus_bleu, "chrf": corpus_chrf}


MC_OPTIONS_FILE = Path(__file__).resolve().parent / "data" / "mc_options.jsonl"
MC_SEED = 13  # fixes where the correct option goes; positions are balanced over the test split
CANDIDATE_SETS_FILE = Path(__file__).resolve().parent / "data" / "candidate_sets.json"
SET_PREFIX = "set:"  # an ``exclusive`` member "set:NAME" stands for the named set NAME


def load_near_questions(**kwargs):
    """The Q/A items shipped with the package: ``test`` (scored) and ``dev`` (few-shot examples)."""
    return load_packaged("near_questions", SPLITS)


def load_near_questions_heldout(**kwargs):
    """The items not written from the seed's own training export (``seed_source`` false): the subset on which
    a model trained on the seed's data is compared fairly with others."""
    dataset = load_near_questions()
    return type(dataset)({split: part.filter(lambda doc: not doc["seed_source"]) for split, part in dataset.items()})


def mc_options() -> dict[str, dict]:
    """``data/mc_options.jsonl`` by item id: the correct option and three wrong ones."""
    return {row["id"]: row for row in read_jsonl(MC_OPTIONS_FILE)}


def mc_doc(doc: dict, options: dict, gold: int) -> dict:
    """A multiple-choice document: the distractors in file order around the correct option at ``gold``."""
    choices = list(options["distractors"])
    choices.insert(gold, options["correct"])
    return {"id": doc["id"], "question": doc["question"], "choices": choices, "gold": gold,
            "category": doc["category"], "difficulty": doc["difficulty"], "seed_source": doc["seed_source"]}


def gold_positions(n: int, seed: int = MC_SEED) -> list[int]:
    """Balanced answer positions: each of 0-3 used ``n // 4`` or ``n // 4 + 1`` times, in a seeded order."""
    import random

    positions = [i % 4 for i in range(n)]
    random.Random(seed).shuffle(positions)
    return positions


def load_near_questions_mc(**kwargs):
    """The ``test`` questions as four-option multiple choice (``choices``, ``gold``)."""
    import datasets

    test = load_near_questions()["test"]
    options = mc_options()
    missing = [doc["id"] for doc in test if doc["id"] not in options]
    if missing:
        raise ValueError(f"no multiple-choice options for {missing[:5]} in {MC_OPTIONS_FILE.name}")
    docs = [mc_doc(doc, options[doc["id"]], gold) for doc, gold in zip(test, gold_positions(len(test)))]
    return datasets.DatasetDict({"test": datasets.Dataset.from_list(docs)})


@lru_cache(maxsize=1)
def candidate_sets() -> dict[str, list[str]]:
    """Named candidate sets (``"set:collections_rs"`` in an item's ``exclusive``): the rivals for one slot."""
    return json.loads(CANDIDATE_SETS_FILE.read_text(encoding="utf-8"))["sets"]


def exclusive_sets(doc: dict) -> list[list[str]]:
    """The item's candidate sets with named sets expanded."""
    named = candidate_sets()
    out = []
    for group in doc.get("exclusive") or []:
        members = []
        for member in group:
            members += named[member[len(SET_PREFIX):]] if member.startswith(SET_PREFIX) else [member]
        out.append(members)
    return out


def recall(doc: dict, prediction: str) -> float:
    """Key-fact recall of one prediction with the item's accepted alternatives, candidate sets and word limit."""
    facts = list(doc["key_facts"])
    alternatives = {fact: list(alts or []) for fact, alts in zip(facts, doc.get("fact_alternatives") or [])}
    return key_fact_recall(facts, prediction, alternatives=alternatives, exclusive=exclusive_sets(doc),
                           max_words=answer_word_limit(doc["answer"]))


def prediction_text(results: list) -> str:
    """The model's answer, or ``""`` when it is not a well-formed answer (empty, huge, NUL bytes, bad UTF-8)."""
    raw = results[0] if results else ""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return ""
    if not is_scorable(raw, MAX_ANSWER_CHARS):
        return ""
    return clip(raw).strip()


def process_results(doc: dict, results: list) -> dict:
    prediction = prediction_text(results)
    pair = (doc["answer"], prediction)
    if not prediction:
        return {"bleu": pair, "chrf": pair, "rouge1": 0.0, "rougeL": 0.0, "key_fact_recall": 0.0}
    scores = rouge(prediction, doc["answer"])
    return {
        "bleu": pair,
        "chrf": pair,
        "rouge1": scores["rouge1"],
        "rougeL": scores["rougeL"],
        "key_fact_recall": recall(doc, prediction),
    }


def _corpus(metric: str, pairs) -> float:
    pairs = [tuple(p) for p in pairs]
    refs = [r for r, _ in pairs]
    preds = [p for _, p in pairs]
    return CORPUS_METRICS[metric](preds, refs)


def agg_bleu(pairs: list[tuple[str, str]]) -> float:
    return _corpus("bleu", pairs)


def agg_chrf(pairs: list[tuple[str, str]]) -> float:
    return _corpus("chrf", pairs)


def category_breakdown(samples: list[dict], key: str = "category") -> dict[str, dict[str, float]]:
    """Every metric per ``doc[key]`` from lm-eval's logged samples (``samples_<task>_*.jsonl`` records).

    ROUGE and key-fact recall are averaged; BLEU and chrF are recomputed at corpus level over the group's
    (reference, prediction) pairs, exactly as the task-level aggregation does. Each group also has ``n``.
    """
    groups: dict[str, list[dict]] = defaultdict(list)
    for sample in samples:
        groups[str(sample["doc"][key])].append(sample)
    table = {}
    for name, group in sorted(groups.items()):
        row = {"n": float(len(group))}
        for metric in MEAN_METRICS:
            row[metric] = sum(float(s[metric]) for s in group) / len(group)
        for metric in CORPUS_METRICS:
            row[metric] = _corpus(metric, [s[metric] for s in group])
        table[name] = row
    return table
