"""Validity controls for near_questions key-fact recall, written apart from the key facts
(``tests/tasks/data/near_questions_controls.jsonl``): for each of 44 items a correct paraphrase, a wrong answer
in the same words, and a keyword-stuffed answer that lists the right facts among many candidates; plus another
item's reference. CI fails when a control's mean crosses its threshold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nearcoder.tasks.near_questions import utils
from nearcoder.tasks.near_questions.dataset_checks import load_split

CONTROLS_FILE = Path(__file__).parent / "data" / "near_questions_controls.jsonl"
# (kind, bound, direction): the mean recall over the controls must stay on the right side of the bound.
THRESHOLDS = {"paraphrase": (0.9, "min"), "wrong": (0.2, "max"), "stuffed": (0.1, "max"), "other_reference": (0.05, "max")}
MIN_CONTROL_ITEMS = 40


@pytest.fixture(scope="module")
def controls() -> list[dict]:
    rows = [json.loads(line) for line in CONTROLS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    docs = {d["id"]: d for d in load_split("test")}
    # Another item's reference: the next control item's (a different question, often the same category).
    for row, other in zip(rows, rows[1:] + rows[:1]):
        row["doc"] = docs[row["id"]]
        row["other_reference"] = docs[other["id"]]["answer"]
    return rows


def test_controls_cover_enough_distinct_items_and_categories(controls):
    ids = [c["id"] for c in controls]
    assert len(set(ids)) == len(ids) >= MIN_CONTROL_ITEMS
    assert len({c["doc"]["category"] for c in controls}) == 9
    for c in controls:
        assert len({c["paraphrase"], c["wrong"], c["stuffed"], c["doc"]["answer"]}) == 4, c["id"]


@pytest.mark.parametrize("kind", sorted(THRESHOLDS))
def test_control_mean_stays_within_its_threshold(controls, kind):
    bound, direction = THRESHOLDS[kind]
    scores = {c["id"]: utils.recall(c["doc"], c[kind]) for c in controls}
    mean = sum(scores.values()) / len(scores)
    worst = sorted(scores.items(), key=lambda kv: kv[1], reverse=direction == "max")[:5]
    if direction == "min":
        assert mean >= bound, f"{kind}: mean recall {mean:.3f} < {bound}; lowest {worst}"
    else:
        assert mean <= bound, f"{kind}: mean recall {mean:.3f} > {bound}; highest {worst}"


def test_reference_scores_one_and_echo_zero_on_the_control_items(controls):
    for c in controls:
        assert utils.recall(c["doc"], c["doc"]["answer"]) == 1.0, c["id"]
        assert utils.recall(c["doc"], c["doc"]["question"]) == 0.0, c["id"]


def test_stuffing_past_the_word_limit_earns_nothing(controls):
    for c in controls:
        padded = "I am not sure. " * 40 + c["doc"]["answer"]
        assert utils.recall(c["doc"], padded) == 0.0, c["id"]
