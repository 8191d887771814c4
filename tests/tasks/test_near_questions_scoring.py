"""near_questions scoring: process_results on good and bad generations, corpus aggregation, per-category
breakdown, key-fact normalisation, and the prompts lm-eval builds from the task YAMLs."""

from __future__ import annotations

import json

import pytest

from nearcoder.harness.paths import tasks_dir
from nearcoder.harness.text_metrics import fact_present, key_fact_recall, normalise
from nearcoder.tasks.near_questions import utils

METRICS = ("bleu", "chrf", "rouge1", "rougeL", "key_fact_recall")
DOC = {
    "id": "nq-0000", "question": "How long is a NEAR epoch?",
    "answer": "An epoch lasts 43,200 blocks, which is about 12 hours.", "key_facts": ["43,200 blocks", "12 hours"],
    "source": "seed-nearDocs/epoch.txt#Epoch", "category": "protocol and sharding", "difficulty": "easy",
}


def _aggregate(per_doc: list[dict]) -> dict[str, float]:
    return {
        "bleu": utils.agg_bleu([r["bleu"] for r in per_doc]),
        "chrf": utils.agg_chrf([r["chrf"] for r in per_doc]),
        **{m: sum(r[m] for r in per_doc) / len(per_doc) for m in utils.MEAN_METRICS},
    }


def test_reference_answer_scores_one_everywhere():
    result = utils.process_results(DOC, [DOC["answer"]])
    assert set(result) == set(METRICS)
    scores = _aggregate([result])
    assert scores == pytest.approx({m: 1.0 for m in METRICS})


def test_paraphrase_with_the_facts_gets_full_recall_and_partial_overlap():
    result = utils.process_results(DOC, ["Roughly twelve hours: an epoch is 43200 blocks long."])
    assert result["key_fact_recall"] == 1.0
    assert 0.0 < result["rouge1"] < 1.0
    wrong = utils.process_results(DOC, ["An epoch lasts 100 blocks, which is about 2 minutes."])
    assert wrong["key_fact_recall"] == 0.0
    assert wrong["rouge1"] > 0.0


@pytest.mark.parametrize(
    "bad",
    [[], [""], ["   \n"], [None], ["x" * (utils.MAX_ANSWER_CHARS + 1)], ["43,200 blocks\x00 12 hours"],
     ["43,200 blocks \udcff 12 hours"], [b"\xff\xfe43,200 blocks"], [12345]],
    ids=["no-result", "empty", "blank", "none", "huge", "nul", "lone-surrogate", "invalid-utf8-bytes", "not-text"],
)
def test_bad_output_scores_zero_without_crashing(bad):
    result = utils.process_results(DOC, bad)
    assert result["rouge1"] == result["rougeL"] == result["key_fact_recall"] == 0.0
    assert result["bleu"] == (DOC["answer"], "")
    assert _aggregate([result])["bleu"] == 0.0
    assert _aggregate([result])["chrf"] == 0.0
    json.dumps(result)  # logged samples must serialise


def test_huge_answer_that_contains_the_facts_still_scores_zero():
    padded = DOC["answer"] + " filler" * utils.MAX_ANSWER_CHARS
    assert utils.process_results(DOC, [padded])["key_fact_recall"] == 0.0


def test_utf8_bytes_are_decoded():
    assert utils.process_results(DOC, [DOC["answer"].encode("utf-8")])["key_fact_recall"] == 1.0


def test_corpus_bleu_is_not_the_mean_of_sentence_scores():
    good = utils.process_results(DOC, [DOC["answer"]])
    bad = utils.process_results(DOC, ["no idea"])
    corpus = utils.agg_bleu([good["bleu"], bad["bleu"]])
    assert 0.0 < corpus < 1.0
    assert utils.agg_bleu([]) == 0.0


@pytest.mark.parametrize(
    ("fact", "answer", "present"),
    [
        ("25,500 $NEAR", "the threshold is 25500 NEAR", True),
        ("4.5%", "about 4.5 percent a year", True),
        ("8-Core", "an eight core CPU", True),
        ("16GB", "16 GB of RAM", True),
        ("1_000_000", "1,000,000 tokens", True),
        ("storage_deposit", "call storage deposit first", True),
        ("Thresholded Proof of Stake", "thresholded proof-of-stake", True),
        ("4.5%", "45%", False),
        ("300Tgas", "30 Tgas", False),
        ("near", "nearby", False),
    ],
)
def test_key_fact_normalisation(fact, answer, present):
    assert fact_present(fact, answer) is present


def test_key_fact_recall_is_a_share():
    assert key_fact_recall(["a1", "b2", "c3", "d4"], "a1 and c3") == 0.5
    assert key_fact_recall([], "anything") == 0.0
    assert normalise("Ⓝ 0.0001") == "n 0.0001"


def test_category_breakdown_matches_task_level_aggregation():
    docs = [DOC, {**DOC, "category": "validators and staking"}, {**DOC, "category": "validators and staking"}]
    answers = [DOC["answer"], "no idea at all", "It is 43,200 blocks."]
    samples = [{"doc": d, **utils.process_results(d, [a])} for d, a in zip(docs, answers)]
    samples = json.loads(json.dumps(samples))  # as read back from samples_*.jsonl (tuples become lists)
    table = utils.category_breakdown(samples)
    assert set(table) == {"protocol and sharding", "validators and staking"}
    assert table["protocol and sharding"]["n"] == 1
    assert table["protocol and sharding"]["bleu"] == pytest.approx(1.0)
    validators = table["validators and staking"]
    assert validators["key_fact_recall"] == pytest.approx(0.25)
    assert validators["bleu"] == pytest.approx(utils.agg_bleu([s["bleu"] for s in samples[1:]]))
    assert set(utils.category_breakdown(samples, key="difficulty")) == {"easy"}


@pytest.fixture(scope="module")
def task_dict():
    from lm_eval.tasks import TaskManager

    manager = TaskManager(include_path=str(tasks_dir()))
    return manager.load(["near_questions", "near_questions_fewshot", "near_questions_heldout"])["tasks"]


@pytest.mark.slow  # loads lm-eval's TaskManager
def test_task_yamls_load_and_build_prompts(task_dict):
    zero, few = task_dict["near_questions"], task_dict["near_questions_fewshot"]
    docs = list(zero.test_docs())
    assert len(docs) >= 200 and all(d["category"] for d in docs)
    assert zero.config.num_fewshot in (None, 0)
    prompt = zero.fewshot_context(docs[0], num_fewshot=0)
    assert prompt.startswith("Answer the question about the NEAR Protocol concisely")
    assert prompt.endswith(f"Question: {docs[0]['question']}\nAnswer:")

    dev = list(few.fewshot_docs())
    shots = few.fewshot_context(docs[0], num_fewshot=few.config.num_fewshot)
    assert few.config.num_fewshot == 3
    for example in dev[:3]:
        assert f"Question: {example['question']}\nAnswer: {example['answer']}\n\n" in shots
    assert dev[3]["question"] not in shots
    assert shots.endswith(f"Question: {docs[0]['question']}\nAnswer:")


def _corpus_scores(docs: list[dict], predict) -> dict[str, float]:
    return _aggregate([utils.process_results(d, [predict(d)]) for d in docs])


def test_trivial_answers_score_low_on_the_shipped_set():
    from nearcoder.tasks.near_questions.dataset_checks import load_split

    test = load_split("test")
    echo = _corpus_scores(test, lambda d: d["question"])
    assert echo["key_fact_recall"] == 0.0  # no key fact is given away by its question
    by_category: dict[str, list[dict]] = {}
    for d in test:
        by_category.setdefault(d["category"], []).append(d)
    wrong = _corpus_scores(test, lambda d: next(o for o in by_category[d["category"]] if o["id"] != d["id"])["answer"])
    assert wrong["key_fact_recall"] < 0.1 and wrong["bleu"] < 0.05
    facts_only = _corpus_scores(test, lambda d: ", ".join(d["key_facts"]))
    assert facts_only["key_fact_recall"] == 1.0 and facts_only["bleu"] < 0.1


def test_heldout_task_keeps_exactly_the_items_not_written_from_the_seed_export(task_dict):
    from nearcoder.tasks.near_questions.dataset_checks import load_split

    heldout = list(task_dict["near_questions_heldout"].test_docs())
    expected = [d["id"] for d in load_split("test") if not d["source"].startswith(("seed-nearDocs/", "seed-nearBlog/"))]
    assert [d["id"] for d in heldout] == expected
    assert 80 <= len(heldout) < len(load_split("test"))
    assert not any(d["seed_source"] for d in heldout)
    assert task_dict["near_questions_heldout"].config.metadata["version"] >= 2.0
