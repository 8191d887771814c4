"""Scoring for ``near_questions``: corpus BLEU and chrF, ROUGE-1/L and key-fact recall.

lm-eval calls ``process_results`` once per document; BLEU and chrF are corpus-level, so each document
passes its (reference, prediction) pair to an aggregation function that scores the whole corpus.
"""

from __future__ import annotations

from nearcoder.harness.data_sources import load_packaged
from nearcoder.harness.text_metrics import clip, corpus_bleu, corpus_chrf, key_fact_recall, rouge


def load_near_questions(**kwargs):
    """The Q/A items shipped with the package (``data/*.jsonl``), one split per file."""
    return load_packaged("near_questions", {"test": "data/test.jsonl"})


def process_results(doc: dict, results: list[str]) -> dict:
    prediction = clip(results[0] if results else "").strip()
    scores = rouge(prediction, doc["answer"])
    pair = (doc["answer"], prediction)
    return {
        "bleu": pair,
        "chrf": pair,
        "rouge1": scores["rouge1"],
        "rougeL": scores["rougeL"],
        "key_fact_recall": key_fact_recall(list(doc["key_facts"]), prediction),
    }


def agg_bleu(pairs: list[tuple[str, str]]) -> float:
    refs, preds = zip(*pairs) if pairs else ((), ())
    return corpus_bleu(list(preds), list(refs))


def agg_chrf(pairs: list[tuple[str, str]]) -> float:
    refs, preds = zip(*pairs) if pairs else ((), ())
    return corpus_chrf(list(preds), list(refs))
