"""Scores for a predicted dApp tree against a reference tree.

- ``structure``: ``max(0, 1 - TED(ref, pred) / max(|ref|, |pred|))``. ``|T|`` counts entries, not the
  shared unnamed root (which both trees have and which is never edited); TED is the unit-cost
  Zhang–Shasha distance over names (:mod:`~nearcoder.harness.trees.ted`). 1 means the same tree; deleting
  everything and inserting the other tree costs ``|ref| + |pred|``, so the clip at 0 matters.
- ``structure_difflib``: the seed's line ratio, as the seed meant it (its ``dAppTrees_structure`` column
  compared two trees written the same way): ``difflib.SequenceMatcher(None, ref_lines, pred_lines).ratio()``
  where both are the lines of the *cleaned, parsed* trees rendered in the seed's format (four spaces a
  level, no ``/``, no comments: :func:`render` style ``seed``). An answer in any format the parser reads,
  with comments or not, gets the same value; it still punishes order and nesting line by line.
- ``structure_difflib_seedformat``: the same ratio between the reference in the seed format and the raw
  answer's non-blank lines (trailing spaces stripped), i.e. only an answer written in the seed's exact
  format can reach 1. Kept for parity checks; an answer that follows the prompt's requested format
  (folders ending in ``/``, comments) scores near 0 on it by construction.
- ``comment_quality`` and ``comment_coverage``: :mod:`~nearcoder.harness.trees.comments`.
- ``tree_parsed``: 1 when the answer contained a tree at all.

Both trees go through :func:`~nearcoder.harness.trees.clean.clean` before ``structure`` is computed.
"""

from __future__ import annotations

import difflib

from nearcoder.harness.trees.clean import DEFAULT_RULES, CleaningRules, clean
from nearcoder.harness.trees.comments import comment_coverage, comment_quality
from nearcoder.harness.trees.model import Tree
from nearcoder.harness.trees.parse import parse_tree
from nearcoder.harness.trees.render import render
from nearcoder.harness.trees.ted import ted

MAX_DIFFLIB_LINES = 2_000


def structure_score(reference: Tree, prediction: Tree) -> float:
    """``max(0, 1 - TED / max(|reference|, |prediction|))``; 1.0 when both are empty."""
    largest = max(len(reference), len(prediction))
    if largest == 0:
        return 1.0
    return max(0.0, 1.0 - ted(reference, prediction) / largest)


def _line_ratio(ref_lines: list[str], pred_lines: list[str]) -> float:
    return difflib.SequenceMatcher(None, ref_lines, pred_lines[:MAX_DIFFLIB_LINES], autojunk=False).ratio()


def structure_difflib(reference: Tree, prediction: Tree) -> float:
    """The seed's line ratio between both trees rendered in the seed's format (format-independent)."""
    return _line_ratio(render(reference, "seed").splitlines(), render(prediction, "seed").splitlines())


def structure_difflib_seedformat(reference: Tree, prediction_text: str) -> float:
    """The seed's line ratio between the reference (seed format) and the raw answer's lines."""
    pred_lines = [line.rstrip() for line in (prediction_text or "").splitlines() if line.strip()]
    return _line_ratio(render(reference, "seed").splitlines(), pred_lines)


def score_trees(reference: Tree, prediction: Tree, prediction_text: str | None = None,
                rules: CleaningRules = DEFAULT_RULES) -> dict[str, float]:
    """Every metric for one pair; ``prediction_text`` (the raw answer) feeds ``structure_difflib_seedformat``."""
    ref, pred = clean(reference, rules), clean(prediction, rules)
    text = prediction_text if prediction_text is not None else render(prediction, "seed")
    return {
        "structure": structure_score(ref, pred),
        "structure_difflib": structure_difflib(ref, pred),
        "structure_difflib_seedformat": structure_difflib_seedformat(ref, text),
        "comment_quality": comment_quality(pred),
        "comment_coverage": comment_coverage(pred),
        "tree_parsed": float(bool(prediction)),
    }


def score_texts(reference_text: str, prediction_text: str, rules: CleaningRules = DEFAULT_RULES) -> dict[str, float]:
    """Every metric for two texts, each in any tree format :func:`parse_tree` reads."""
    return score_trees(parse_tree(reference_text), parse_tree(prediction_text), prediction_text, rules)
