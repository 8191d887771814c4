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
    """Whether a key fact appears in the answer after :func:`normalise`, on word boundaries (plain substring
    test: no stemming, negation or candidate rules; :func:`key_fact_recall` is the scored metric)."""
    needle = normalise(fact)
    if not needle:
        return False
    return f" {needle} " in f" {normalise(answer)} "


# ---- key-fact recall ---------------------------------------------------------------------------------------
# A fact counts when one of its accepted forms occurs in the first N words of the answer, on word boundaries
# after normalisation, light stemming and compound joining, and that occurrence is neither negated in its
# clause nor accompanied by a competing candidate for the same slot. See tasks/near_questions/README.md.

# Units written after a number, folded to one spelling: "12h" = "12 hrs" = "12 hours".
_UNITS = {
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "ms": "ms", "millisecond": "ms", "milliseconds": "ms",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min",
    "day": "day", "days": "day", "d": "day",
    "kb": "kb", "kilobyte": "kb", "kilobytes": "kb", "kib": "kib",
    "mb": "mb", "megabyte": "mb", "megabytes": "mb", "mib": "mib",
    "gb": "gb", "gigabyte": "gb", "gigabytes": "gb", "gib": "gib",
    "tb": "tb", "terabyte": "tb", "terabytes": "tb", "tib": "tib",
}
# Words that negate what follows them in the same clause; "t" is the tail of "isn't", "can't" after normalise.
_NEGATORS = frozenset({"not", "never", "no", "cannot", "neither", "nor", "without", "unlike", "t", "instead",
                       "rather", "nothing", "none", "false", "incorrect", "wrong"})
_LIST_BREAK = re.compile(r"[:()]")
_LIST_JOINER = re.compile(r"\s(or|and|and/or)\s", re.IGNORECASE)
MAX_LIST_ITEM_WORDS = 3  # a longer comma-separated piece is a clause; it ends a list and may start the next
MIN_STUFFED_ITEMS = 3  # non-fact items a list needs before its key facts count as hedged
_NOT_UNITS = frozenset({"a", "an", "the", "per", "every", "each", "of", "to", "in", "on", "at", "for", "or", "and",
                        "is", "are", "times", "x"})
NUMBER_RIVAL_WINDOW = 4  # words between a number fact and a hedging number of the same unit
NEGATION_WINDOW = 4  # "is not a X", "instead of the X"; farther negators belong to another phrase
# Clause boundaries: sentence and clause punctuation (not decimal points or thousands separators) and
# contrastive conjunctions, which start a new claim.
_CLAUSE_BREAK = re.compile(r"[;:!?()]|[.,](?!\d)|\s(?:but|whereas|while|although|though|however|yet|versus|vs)\s", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[;!?]|\.(?!\d)")


def stem(word: str) -> str:
    """A light suffix stripper so inflections match: fails/failing/failed → fail, stores/stored → stor,
    keys → key, proofs → proof. Numbers and words of three letters or fewer are left alone."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # stopped → stop
            break
    else:
        if word.endswith("es") and word[-3] in "sxz" and len(word) > 4:
            word = word[:-2]
        elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def _number_forms(text: str) -> str:
    """Ranges and units written in one way: "one to three" → "1 3", "between 1 and 3" → "1 3", "12 hours" → "12 h"."""
    text = re.sub(r"\bbetween (\d+(?:\.\d+)?) and (?=\d)", r"\1 ", text)
    text = re.sub(r"\b(\d+(?:\.\d+)?) to (?=\d)", r"\1 ", text)
    return re.sub(r"\b(\d+(?:\.\d+)?) ([a-z]+)\b", lambda m: f"{m.group(1)} {_UNITS.get(m.group(2), m.group(2))}", text)


def _tokens(text: str) -> list[str]:
    return _number_forms(normalise(re.sub(r"(?<=\w)['’]s\b", "", text))).split()


class ScoredAnswer:
    """An answer cut to its first ``max_words`` words and indexed for fact matching: stemmed tokens, the
    unstemmed tokens (for negators), and each token's clause and sentence number."""

    def __init__(self, answer: str, max_words: int | None = None):
        words = clip(answer).split()
        text = " ".join(words[:max_words] if max_words else words)
        text = re.sub(r"\bbetween\s+(\S+)\s+and\s+", r"\1 to ", text, flags=re.IGNORECASE)  # a range, not a list
        self.raw: list[str] = []
        self.clause: list[int] = []
        self.sentence: list[int] = []
        self.lists: list[list[range]] = []  # per run of short list items, each item's token range
        clause_no = 0
        for sentence_no, sentence in enumerate(_SENTENCE_BREAK.split(text)):
            for segment in _LIST_BREAK.split(sentence):  # a list never runs across ":" or parentheses
                run: list[range] = []
                for part in _CLAUSE_BREAK.split(segment):
                    for n, item in enumerate(_LIST_JOINER.split(part)):
                        toks = _tokens(item)
                        if not toks:
                            continue
                        start = len(self.raw)
                        self.raw += toks
                        self.clause += [clause_no] * len(toks)
                        self.sentence += [sentence_no] * len(toks)
                        if n % 2:  # the joiner itself ("or", "and") belongs to no item
                            continue
                        if len(toks) > MAX_LIST_ITEM_WORDS:  # a clause; it may lead into a list ("It takes A, B, C")
                            self.lists.append(run)
                            run = []
                        run.append(range(start, len(self.raw)))
                    clause_no += 1
                self.lists.append(run)
        self.lists = [r for r in self.lists if len(r) >= 2]
        self.stems = [stem(t) for t in self.raw]

    def candidate_lists(self, fact_tokens: frozenset[int]) -> set[int]:
        """Tokens of key facts written inside a list of candidates: a run of short items (commas, "or", "and")
        with at least ``MIN_STUFFED_ITEMS`` items that state no key fact and more than twice as many such items as
        items that do ("jailed, fined, slashed, frozen, burned, rewarded or ignored")."""
        stuffed = set()
        for run in self.lists:
            with_fact = [item for item in run if fact_tokens.intersection(item)]
            others = len(run) - len(with_fact)
            if others >= MIN_STUFFED_ITEMS and others > 2 * len(with_fact):
                stuffed.update(i for item in with_fact for i in item)
        return stuffed

    def find(self, phrase: str) -> list[tuple[int, int]]:
        """Spans ``(start, end)`` where the phrase occurs; compounds match across spaces and hyphens
        ("App-Chain" = "app chain" = "appchain") because tokens are compared joined."""
        target = "".join(stem(t) for t in _tokens(phrase))
        if not target:
            return []
        spans = []
        for start in range(len(self.stems)):
            if not target.startswith(self.stems[start]):
                continue
            joined, end = "", start
            while end < len(self.stems) and len(joined) < len(target):
                joined += self.stems[end]
                end += 1
            if joined == target:
                spans.append((start, end))
        return spans

    def negated(self, span: tuple[int, int], phrase: str) -> bool:
        """A negator up to ``NEGATION_WINDOW`` words earlier in the span's clause: "not X", "never X", "instead of X", "rather than X",
        "isn't X". Negators inside the phrase itself ("can't pay extra") are part of the fact. A negator after
        the fact negates its predicate, not the fact ("LookupMap is not iterable" states LookupMap)."""
        start = span[0]
        own = set(_tokens(phrase))
        i = start - 1
        while i >= max(0, start - NEGATION_WINDOW) and self.clause[i] == self.clause[start]:
            if self.raw[i] in _NEGATORS and self.raw[i] not in own:
                return True
            i -= 1
        return False

    def affirmed(self, phrase: str) -> list[tuple[int, int]]:
        """Spans of the phrase that are not negated."""
        return [s for s in self.find(phrase) if not self.negated(s, phrase)]


_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e\d+)?")


def _numeric_slot(phrase: str) -> tuple[str, str] | None:
    """``("12", "h")`` for a fact that starts with a number followed by a unit or noun ("12 hours",
    "3 TB SSD" → ``("3", "tb ssd")``, "5%" → ``("5", "%")``): the number and the stemmed words after it."""
    toks = _tokens(phrase)
    if (len(toks) >= 2 and _NUMBER.fullmatch(toks[0]) and (toks[1].isalpha() or toks[1] == "%")
            and toks[1] not in _NOT_UNITS):
        return toks[0], " ".join(stem(t) for t in toks[1:])
    return None


def fact_credited(
    forms: list[str],
    answer: ScoredAnswer,
    rivals: list[list[str]] = (),
    correct_numbers: frozenset[tuple[str, str]] = frozenset(),
    fact_tokens: frozenset[int] = frozenset(),
    stuffed: frozenset[int] = frozenset(),
) -> bool:
    """Whether a fact, given as its accepted ``forms``, is stated in the answer.

    It is not when every occurrence is negated or sits in a list of candidates (``stuffed`` tokens), when a rival (another candidate for the same slot, each given
    as its forms) is affirmed in the scored answer outside the tokens of stated key facts (``fact_tokens``), or,
    for a number-with-unit fact, when a different number with the same unit that is not itself a key fact
    (``correct_numbers``: (number, unit) pairs) is affirmed within ``NUMBER_RIVAL_WINDOW`` words of it
    ("12 hours, 24 hours or 48 hours").
    """
    spans = [s for form in forms for s in answer.affirmed(form) if not set(range(*s)) <= stuffed]
    if not spans:
        return False
    for rival in rivals:
        for form in rival:
            if any(not set(range(a, b)) <= fact_tokens for a, b in answer.affirmed(form)):
                return False
    slots = {slot for form in forms if (slot := _numeric_slot(form))}
    for _, unit in slots:
        words = unit.split()
        near = {i for a, b in spans for i in range(a - NUMBER_RIVAL_WINDOW - len(words), b + NUMBER_RIVAL_WINDOW + 1)}
        for i in range(len(answer.stems) - len(words)):
            if (i in near and _NUMBER.fullmatch(answer.raw[i])
                    and answer.stems[i + 1 : i + 1 + len(words)] == words
                    and not any(n == answer.raw[i] and (u.startswith(unit) or unit.startswith(u))
                                for n, u in correct_numbers)
                    and not answer.negated((i, i + 1), "")):
                return False
    return True


def answer_word_limit(reference: str) -> int:
    """Words of an answer that are scored: twice the reference's words plus 10, at least 25."""
    return max(25, 2 * len(reference.split()) + 10)


def key_fact_recall(
    facts: list[str],
    answer: str,
    *,
    alternatives: dict[str, list[str]] | None = None,
    exclusive: list[list[str]] | None = None,
    max_words: int | None = None,
) -> float:
    """Share of key facts the answer states (0 when there are no facts or no answer).

    ``alternatives`` maps a fact to its other accepted forms (aliases, synonyms); ``exclusive`` lists candidate
    sets, each the mutually exclusive candidates for one slot: a fact in a set loses its credit when the answer
    also affirms a member of the set that is neither a key fact nor one of their alternatives. Only the first
    ``max_words`` words are scored. Linear in the answer length for each fact form.
    """
    if not facts or not isinstance(answer, str) or not answer.strip():
        return 0.0
    alternatives = alternatives or {}
    scored = ScoredAnswer(answer, max_words)
    forms = {f: [f, *alternatives.get(f, [])] for f in facts}
    accepted = {"".join(stem(t) for t in _tokens(x)) for fs in forms.values() for x in fs}
    numbers = frozenset(slot for fs in forms.values() for x in fs if (slot := _numeric_slot(x)))
    fact_tokens = frozenset(i for fs in forms.values() for x in fs for a, b in scored.affirmed(x) for i in range(a, b))
    stuffed = frozenset(scored.candidate_lists(fact_tokens))
    credited = 0
    for fact in facts:
        own = {"".join(stem(t) for t in _tokens(x)) for x in forms[fact]}
        rivals = []
        for group in exclusive or []:
            members = {"".join(stem(t) for t in _tokens(m)): m for m in group}
            if own & set(members):
                rivals += [[m] for key, m in members.items() if key not in accepted]
        credited += fact_credited(forms[fact], scored, rivals, numbers, fact_tokens, stuffed)
    return credited / len(facts)
