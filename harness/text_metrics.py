"""Reference-based text metrics shared by the tasks: corpus BLEU and chrF (sacrebleu), ROUGE (rouge-score)
and key-fact recall. All scores are on a 0–1 scale. Inputs are cut to ``MAX_SCORED_CHARS`` so a runaway
generation cannot stall scoring; empty predictions score zero.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_SCORED_CHARS = 20_000

_NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "hundred": "100", "thousand": "1000",
}


def clip(text: str | None) -> str:
    """Text made safe for scoring: a str, no NUL bytes, at most ``MAX_SCORED_CHARS`` characters."""
    if text is None:
        return ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = str(text).replace("\x00", "")[:MAX_SCORED_CHARS]
    # Lone surrogates (undecodable bytes smuggled into a str) would crash every encoder downstream.
    return text.encode("utf-8", errors="replace").decode("utf-8")


def is_scorable(text: object, max_chars: int = MAX_SCORED_CHARS) -> bool:
    """Whether a model output is a well-formed answer: a non-empty ``str`` of valid UTF-8 with no NUL bytes
    and at most ``max_chars`` characters. Tasks score anything else as zero instead of repairing it."""
    if not isinstance(text, str) or not text.strip() or len(text) > max_chars or "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def corpus_bleu(predictions: list[str], references: list[str]) -> float:
    """sacrebleu corpus BLEU on a 0–1 scale."""
    import sacrebleu

    if not predictions:
        return 0.0
    preds = [clip(p) for p in predictions]
    refs = [clip(r) for r in references]
    return sacrebleu.corpus_bleu(preds, [refs]).score / 100.0


def corpus_chrf(predictions: list[str], references: list[str]) -> float:
    """sacrebleu corpus chrF on a 0–1 scale."""
    import sacrebleu

    if not predictions:
        return 0.0
    preds = [clip(p) for p in predictions]
    refs = [clip(r) for r in references]
    return sacrebleu.corpus_chrf(preds, [refs]).score / 100.0


@lru_cache(maxsize=1)
def _rouge_scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1 and ROUGE-L F-measures for one pair."""
    prediction, reference = clip(prediction), clip(reference)
    if not prediction.strip() or not reference.strip():
        return {"rouge1": 0.0, "rougeL": 0.0}
    scores = _rouge_scorer().score(reference, prediction)
    return {"rouge1": scores["rouge1"].fmeasure, "rougeL": scores["rougeL"].fmeasure}


def normalise(text: str) -> str:
    """Lower-case, NFKC, thousands separators and spelled-out small numbers unified, punctuation to spaces.

    ``"25,500 $NEAR"`` → ``"25500 near"``, ``"4.5 percent"`` → ``"4.5 %"``, ``"Eight-Core"`` → ``"8 core"``,
    ``"16GB"`` → ``"16 gb"`` (a number is split from a unit written against it), ``"_validating_"`` →
    ``"validating"`` (underscores count as punctuation, so markdown emphasis and snake_case match spaced words).
    Decimal points and ``%`` survive because they carry meaning in facts.
    """
    text = unicodedata.normalize("NFKC", clip(text)).lower()
    text = re.sub(r"(?<=\d)[,_](?=\d{3}(?:[,_]\d{3})*\b)", "", text)
    text = re.sub(r"\b(\d+(?:\.\d+)?)([a-z]{1,4})\b", r"\1 \2", text)
    text = re.sub(r"\bper\s*cent\b|\bpercent\b", "%", text)
    text = re.sub(r"(?<=\d)%", " %", text)
    text = re.sub(r"[^\w%.]+|_+|(?<!\d)\.|\.(?!\d)", " ", text)
    words = [_NUMBER_WORDS.get(w, w) for w in text.split()]
    return " ".join(words)


def fact_present(fact: str, answer: str) -> bool:
    """Whether a key fact appears in the answer after :func:`normalise`, on word boundaries."""
    needle = normalise(fact)
    if not needle:
        return False
    return f" {needle} " in f" {normalise(answer)} "


def key_fact_recall(facts: list[str], answer: str) -> float:
    """Share of key facts present in the answer (0 when there are no facts or no answer)."""
    if not facts:
        return 0.0
    return sum(fact_present(f, answer) for f in facts) / len(facts)
