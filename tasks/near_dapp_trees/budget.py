"""The generation budget: the longest answer that follows the prompt's instruction must fit ``max_gen_toks``.

The instruction (``utils.INSTRUCTION``) asks for one entry per line, two spaces of indentation a level,
folders ending in ``/`` and a short ``# comment`` after every entry. :func:`compliant_answer` writes the
reference that way, each comment :data:`COMMENT_WORDS` words long (drawn from the entry's own
``describe`` vocabulary, so the comments are relevant and non-trivial), and closes the code fence the prompt
opened. ``max_gen_toks`` in ``near_dapp_trees.yaml`` is sized from the longest such answer (see the README:
measured with the demo model's byte-level BPE tokenizer, whose 2,048-token vocabulary splits text into more
tokens than a production code model's tokenizer does, plus :data:`MARGIN`); ``tests/tasks`` checks that every
reference's compliant answer fits and scores ``structure`` 1.0. The closing fence is counted (the model
generates it; lm-eval stops there and scores the text before it).
"""

from __future__ import annotations

from nearcoder.harness.trees.comments import describe
from nearcoder.harness.trees.model import Node, tree_from_paths
from nearcoder.harness.trees.render import render

COMMENT_WORDS = 6
MARGIN = 1.25  # room for longer comments than the compliant answer's, a root folder line and a closing remark


def entry_comment(node: Node) -> str:
    """A short comment for ``node`` from its own vocabulary (sorted, so deterministic)."""
    kind = "folder" if node.is_dir else "file"
    words = sorted(describe(node))[: COMMENT_WORDS - 1]
    return " ".join([kind, *words])


def compliant_answer(paths: list[str]) -> str:
    """The reference tree of ``paths`` written exactly as the instruction asks (every entry commented)."""
    tree = tree_from_paths(paths)
    comments = {path: entry_comment(node) for path, node in tree.walk()}
    return render(tree_from_paths(tree.paths(), comments), "indent2")


def generated_text(paths: list[str]) -> str:
    """What a model generates for a compliant answer: the tree, then the fence that stops generation."""
    return compliant_answer(paths) + "\n```"


def byte_bound(text: str) -> int:
    """An upper bound on the tokens of ``text`` for any byte-level BPE tokenizer: its UTF-8 bytes."""
    return len(text.encode("utf-8"))
