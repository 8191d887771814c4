"""The near_questions dataset: every item well-formed, answerable from its cited source, no duplicates, balanced."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nearcoder.tasks.near_questions import dataset_checks as checks


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return checks.load_all()


@pytest.fixture(scope="module")
def docs_root(shared_data):
    root = shared_data / checks.DOCS_SUBDIR
    if not root.is_dir():
        pytest.skip(f"corpus not found at {root}")
    return root


def test_fields_types_and_vocabularies(splits):
    problems = [f"{it.get('id')}: {e}" for items in splits.values() for it in items for e in checks.item_errors(it, None)]
    assert not problems, "\n".join(problems)


def test_key_facts_and_headings_are_in_the_cited_source(splits, docs_root):
    problems = [f"{it['id']}: {e}" for items in splits.values() for it in items
                for e in checks.item_errors(it, docs_root)]
    assert not problems, "\n".join(problems)


def test_no_duplicate_ids_or_questions(splits):
    everything = [it for items in splits.values() for it in items]
    ids = Counter(it["id"] for it in everything)
    assert [i for i, n in ids.items() if n > 1] == []
    assert checks.near_duplicates(everything) == []


def test_size_and_category_balance(splits):
    test = splits["test"]
    assert len(test) >= checks.MIN_TEST_ITEMS
    counts = Counter(it["category"] for it in test)
    assert set(counts) == set(checks.CATEGORIES)
    assert min(counts.values()) >= checks.MIN_PER_CATEGORY
    assert max(counts.values()) <= 2 * min(counts.values()), counts
    assert set(Counter(it["difficulty"] for it in test)) == set(checks.DIFFICULTIES)


def test_dev_split_is_small_and_disjoint(splits):
    dev, test = splits["dev"], splits["test"]
    assert 3 <= len(dev) <= 20
    assert not {it["id"] for it in dev} & {it["id"] for it in test}
    assert not {it["question"] for it in dev} & {it["question"] for it in test}


def test_seed_topics_are_covered(splits):
    text = " ".join(f"{it['question']} {it['answer']}" for it in splits["test"]).lower()
    for topic in ("nightshade", "validator", "transaction", "proof of stake", "rainbow bridge", "aurora"):
        assert topic in text, topic


def test_decontamination_list_matches_the_items(splits):
    shipped = json.loads((checks.DATA_DIR / checks.SOURCES_FILE).read_text(encoding="utf-8"))
    assert shipped == checks.sources_document(splits), (
        "data/sources.json is stale: run `python -m nearcoder.tasks.near_questions.dataset_checks --write-sources`"
    )
    assert shipped["files"] == sorted(set(shipped["files"]))


def test_checks_catch_bad_items(docs_root):
    good = {
        "id": "nq-9999", "question": "How long is a NEAR epoch?",
        "answer": "An epoch lasts 43,200 blocks, about 12 hours.", "key_facts": ["43,200 blocks", "12 hours"],
        "fact_alternatives": [[], ["half a day"]], "exclusive": [], "seed_source": True,
        "source": "seed-nearDocs/epoch.txt#Epoch", "category": "protocol and sharding", "difficulty": "easy",
    }
    assert checks.item_errors(good, docs_root) == []
    wrong_fact = {**good, "answer": "An epoch lasts 86,400 blocks, about 12 hours.", "key_facts": ["86,400 blocks", "12 hours"]}
    assert any("not found in" in e for e in checks.item_errors(wrong_fact, docs_root))
    assert any("heading" in e for e in checks.item_errors({**good, "source": "seed-nearDocs/epoch.txt#Nope"}, docs_root))
    assert any("category" in e for e in checks.item_errors({**good, "category": "misc"}, None))
    assert any("key fact" in e for e in checks.item_errors({**good, "answer": "About half a day."}, None))
    assert any("key_facts" in e for e in checks.item_errors({**good, "key_facts": []}, None))
    assert any("fact_alternatives" in e for e in checks.item_errors({**good, "fact_alternatives": [[]]}, None))
    assert any("seed_source" in e for e in checks.item_errors({**good, "seed_source": False}, None))
    assert any("unknown candidate sets" in e for e in checks.item_errors({**good, "exclusive": [["set:nope"]]}, None))
    stemmed_leak = {**good, "question": "How long does a NEAR epoch last?", "key_facts": ["43,200 blocks", "lasts"]}
    assert any("given away" in e for e in checks.item_errors(stemmed_leak, None))
    leaky = {**good, "question": "Is a NEAR epoch 43,200 blocks long?"}
    assert any("given away by the question" in e for e in checks.item_errors(leaky, None))
    assert any("missing" in e for e in checks.item_errors({k: v for k, v in good.items() if k != "answer"}, None))
    twin = {**good, "id": "nq-9998", "question": "How long is a NEAR epoch ?"}
    assert checks.near_duplicates([good, twin]) == [("nq-9999", "nq-9998")]


def test_review_log_gives_every_item_a_verdict(splits):
    assert checks.review_log_errors(splits) == []
    log = [json.loads(x) for x in (checks.DATA_DIR / checks.REVIEW_LOG_FILE).read_text(encoding="utf-8").splitlines()]
    assert {e["verdict"] for e in log} == {"kept", "edited", "dropped"}
    unreviewed = {**splits, "test": splits["test"] + [{**splits["test"][0], "id": "nq-9999"}]}
    assert checks.review_log_errors(unreviewed) == ["nq-9999: review log verdict is None, not kept/edited"]


def test_excluded_source_paths_exist(shared_data, docs_root):
    paths = checks.excluded_source_paths(shared_data)
    assert len(paths) == len(checks.source_files(checks.load_all()))
    missing = [p for p in paths if not p.is_file()]
    assert not missing, missing
