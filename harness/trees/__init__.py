"""Directory trees of dApps: parse any textual tree, render it, clean it, and compare two trees.

The reusable core of ``near_dapp_trees`` (and of the trainers' structure datasets)::

    from nearcoder.harness.trees import parse_tree, render, clean, ted, structure_score, comment_quality

    ref = clean(tree_from_paths(["README.md", "contract/src/lib.rs", "contract/Cargo.toml"]))
    pred = parse_tree(model_output)          # ASCII / indented / markdown / paths, fenced or not
    structure_score(ref, pred)               # 1 - TED / max(|ref|, |pred|), clipped at 0
    comment_quality(pred)                    # coverage x descriptiveness of the comments
    render(ref, "ascii")                     # back to text, in any of STYLES

See ``docs/trees.md`` for the definitions and the speed table.
"""

from nearcoder.harness.trees.clean import CleaningRules, clean
from nearcoder.harness.trees.comments import comment_quality, describe
from nearcoder.harness.trees.metrics import (
    score_texts, structure_difflib, structure_difflib_seedformat, structure_score,
)
from nearcoder.harness.trees.model import Node, Tree, make_tree, tree_from_paths
from nearcoder.harness.trees.parse import parse_tree
from nearcoder.harness.trees.render import STYLES, render
from nearcoder.harness.trees.ted import ted, ted_zss

__all__ = [
    "STYLES", "CleaningRules", "Node", "Tree", "clean", "comment_quality", "describe", "make_tree", "parse_tree",
    "render", "score_texts", "structure_difflib", "structure_difflib_seedformat", "structure_score", "ted",
    "ted_zss", "tree_from_paths",
]
