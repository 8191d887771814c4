"""``near_dapp_trees``: ask for a NEAR dApp's directory tree from a description; score it against the real one.

Documents come from ``data/clean.jsonl`` (repositories the seed never trained on: the default split
``clean``) and ``data/contaminated.jsonl`` (``near_dapp_trees_all`` scores both, split ``all``). Each
answer is parsed in whatever tree format it uses (:func:`nearcoder.harness.trees.parse_tree`) and scored
by :func:`nearcoder.harness.trees.metrics.score_trees`: ``structure`` (tree edit distance),
``structure_difflib`` (the seed's line ratio, both trees in the seed's format), ``structure_difflib_seedformat``
(the same against the raw answer), ``comment_quality``, ``comment_coverage`` and ``tree_parsed``; plus the
document's ``template_floor`` (the best prompt-blind template's ``structure``,
:mod:`~nearcoder.tasks.near_dapp_trees.floors`) and ``structure_over_floor`` (``structure`` minus it).
"""

from __future__ import annotations

from nearcoder.harness.data_sources import load_packaged
from nearcoder.harness.text_metrics import clip
from nearcoder.harness.trees import tree_from_paths
from nearcoder.harness.trees.metrics import score_trees
from nearcoder.harness.trees.parse import parse_tree
from nearcoder.tasks.near_dapp_trees.floors import template_floor

FILES = {"clean": "data/clean.jsonl", "contaminated": "data/contaminated.jsonl"}
INSTRUCTION = ("Answer with the directory tree only: one entry per line, indented two spaces per level, "
               "folders ending in /, and a short # comment after each entry saying what it is for.")


def load_pairs(**kwargs):
    """Splits ``clean``, ``contaminated`` and ``all`` (both) of the shipped pairs."""
    import datasets

    splits = load_packaged("near_dapp_trees", FILES)
    splits["all"] = datasets.concatenate_datasets([splits["clean"], splits["contaminated"]])
    return splits


def doc_to_text(doc: dict) -> str:
    return f"{doc['prompt']}\n\n{INSTRUCTION}\n\n```\n"


def process_results(doc: dict, results: list[str]) -> dict[str, float]:
    answer = clip(results[0] if results else "")
    reference = tree_from_paths(doc["paths"])
    scores = score_trees(reference, parse_tree(answer), answer)
    floor = template_floor(reference)
    return {**scores, "template_floor": floor, "structure_over_floor": scores["structure"] - floor}
