"""Key-fact recall rewards correct answers in other words and refuses wrong ones in the same words: accepted
alternatives, number forms, units, compounds, inflection, negation, rival candidates and the word limit."""

from __future__ import annotations

import json

import pytest

from nearcoder.harness.text_metrics import answer_word_limit, key_fact_recall, stem
from nearcoder.tasks.near_questions import utils
from nearcoder.tasks.near_questions.dataset_checks import load_all

COLLECTIONS = [["LookupMap", "LookupSet", "UnorderedMap", "UnorderedSet", "Vector", "TreeMap", "IterableMap"]]


@pytest.mark.parametrize(
    ("fact", "answer"),
    [
        ("1-3 blocks", "It takes one to three blocks."),
        ("1-3 blocks", "between 1 and 3 blocks"),
        ("App-Chain", "Octopus is an appchain factory."),
        ("appchain", "an App-Chain factory"),
        ("12 hours", "roughly 12h"),
        ("12 hours", "about twelve hrs"),
        ("300ms", "300 milliseconds"),
        ("failing", "the receipt fails"),
        ("shards", "one shard"),
        ("deployed before", "a contract deploying before the lock"),
        ("can't pay extra", "gas is deterministic and you can't pay extra"),
        ("Thresholded Proof of Stake", "thresholded proof-of-stake"),
    ],
)
def test_other_forms_of_a_fact_count(fact, answer):
    assert key_fact_recall([fact], answer) == 1.0


@pytest.mark.parametrize(
    "answer",
    [
        "Use IterableMap instead of LookupMap.",
        "It is not LookupMap; it is IterableMap.",
        "IterableMap rather than LookupMap.",
        "It never uses LookupMap.",
        "It isn't LookupMap.",
    ],
)
def test_a_negated_fact_does_not_count(answer):
    assert key_fact_recall(["LookupMap"], answer) == 0.0


def test_a_negator_after_the_fact_negates_its_predicate_not_the_fact():
    assert key_fact_recall(["LookupMap"], "LookupMap is not iterable.") == 1.0


def test_a_fact_listed_among_rival_candidates_does_not_count():
    stuffed = "LookupMap, LookupSet, UnorderedMap, UnorderedSet, Vector, TreeMap"
    assert key_fact_recall(["LookupMap"], stuffed, exclusive=COLLECTIONS) == 0.0
    # Several key facts of one set may be named together; a negated rival is no rival.
    assert key_fact_recall(["LookupMap", "LookupSet"], "LookupMap and LookupSet.", exclusive=COLLECTIONS) == 1.0
    assert key_fact_recall(["LookupMap"], "LookupMap, unlike UnorderedMap.", exclusive=COLLECTIONS) == 1.0
    assert key_fact_recall(["LookupMap"], "UnorderedMap is not iterable; use LookupMap.", exclusive=COLLECTIONS) == 0.0


def test_a_number_hedged_among_other_numbers_of_the_same_unit_does_not_count():
    assert key_fact_recall(["12 hours"], "An epoch lasts 12, 24 or 48 hours.") == 0.0
    assert key_fact_recall(["12 hours"], "An epoch lasts 6 hours or 12 hours.") == 0.0
    assert key_fact_recall(["730 epochs", "12 hours"], "365 epochs of 24 hours, not 730 epochs of 12 hours.") == 0.0
    # Other key facts with the same unit are no rivals.
    assert key_fact_recall(["8 bytes", "9 bytes"], "Borsh uses 8 bytes while JSON uses 9 bytes.") == 1.0


def test_only_the_first_words_of_the_answer_are_scored():
    reference = "An epoch lasts 43,200 blocks, which is about 12 hours."
    limit = answer_word_limit(reference)
    assert limit == max(25, 2 * len(reference.split()) + 10)
    padded = "filler " * limit + "43,200 blocks and 12 hours"
    assert key_fact_recall(["43,200 blocks", "12 hours"], padded, max_words=limit) == 0.0
    assert key_fact_recall(["43,200 blocks", "12 hours"], reference, max_words=limit) == 1.0


def test_stemmer_folds_inflections_and_leaves_numbers():
    assert stem("fails") == stem("failing") == stem("failed") == "fail"
    assert stem("stores") == stem("stored") == stem("store")
    assert stem("keys") == "key" and stem("1.5") == "1.5" and stem("gas") == "gas"


def test_every_reference_scores_one_and_every_question_zero():
    for items in load_all().values():
        for doc in items:
            assert utils.recall(doc, doc["answer"]) == 1.0, doc["id"]
            assert utils.recall(doc, doc["question"]) == 0.0, doc["id"]


def test_process_results_applies_the_item_alternatives_and_candidate_sets():
    doc = next(d for d in load_all()["test"] if d["id"] == "nq-0145")
    assert utils.process_results(doc, ["LookupMap and LookupSet are lookup-only."])["key_fact_recall"] == 1.0
    stuffed = "LookupMap, LookupSet, UnorderedMap, UnorderedSet and Vector."
    assert utils.process_results(doc, [stuffed])["key_fact_recall"] == 0.0
    json.dumps(utils.exclusive_sets(doc))
