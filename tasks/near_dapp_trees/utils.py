"""``near_dapp_trees``: ask for a NEAR dApp's directory tree from a description; score it against the real one.

Documents come from ``data/clean.jsonl`` (repositories the seed never trained on: the default split
``clean``) and ``data/contaminated.jsonl`` (``near_dapp_trees_all`` scores both, split ``all``). Each
answer is parsed in whatever tree format it uses (:func:`nearcoder.harness.trees.parse_tree`) and scored
by :func:`nearcoder.harness.trees.metrics.score_trees`: ``structure`` (tree edit distance), the seed's
``structure_difflib``, ``comment_quality``, ``comment_coverage`` and ``tree_parsed``.
"""

from __future__ import annotations

from nearcoder.harness.data_sources import load_packaged
from nearcoder.harness.text_metrics import clip
from nearcoder.harness.trees import tree_from_paths
from nearcoder.harness.trees.metrics import score_trees
from nearcoder.harness.trees.parse import parse_tree

FILES = {"clean": "data/clean.jsonl", "contaminated": "data/contaminated.jsonl"}
INSTRUCTION = ("Answer with the directory tree only, one entry per line, folders ending in /, "
               "and a short # comment after each entry saying what it is for.")


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
    return score_trees(reference, parse_tree(answer), answer)
