"""The fixed-template floor: what an answer that ignores the prompt scores.

``TEMPLATES`` are prompt-blind answers that follow near-examples' own conventions (the layout
``create-near-app`` and the current examples use): a Rust contract, a TypeScript contract, and a contract with
a Next.js frontend. :func:`template_floor` is the best ``structure`` any of them reaches on a reference,
computed by the task's own scorer (:func:`~nearcoder.harness.trees.metrics.score_trees`: cleaning, parsing,
tree edit distance), so a model's ``structure`` means something only above it. Taking the best template per
reference is generous to the baseline: a model that only picks a template from the prompt's language line
already reaches it.
"""

from __future__ import annotations

from functools import lru_cache

from nearcoder.harness.trees.metrics import score_trees
from nearcoder.harness.trees.model import Tree, tree_from_paths
from nearcoder.harness.trees.render import render

RUST_CONTRACT = ("README.md", ".gitignore", "Cargo.toml", "rust-toolchain.toml", "src/lib.rs", "tests/test_basics.rs")
TS_CONTRACT = ("README.md", ".gitignore", "package.json", "tsconfig.json", "src/contract.ts",
               "sandbox-test/main.ava.js")
FRONTEND = ("package.json", "next.config.js", "jsconfig.json", "README.md", "src/config.js", "src/wallets/near.js",
            "src/pages/_app.js", "src/pages/index.js", "src/components/navigation.js", "src/styles/globals.css",
            "src/styles/app.module.css")
TEMPLATES: dict[str, tuple[str, ...]] = {
    "rust-contract": RUST_CONTRACT,
    "ts-contract": TS_CONTRACT,
    "contract+frontend": ("README.md", ".gitignore", *(f"contract/{p}" for p in RUST_CONTRACT if p != ".gitignore"),
                          *(f"frontend/{p}" for p in FRONTEND)),
}


@lru_cache(maxsize=None)
def _template_texts() -> dict[str, str]:
    return {name: render(tree_from_paths(paths), "indent2") for name, paths in TEMPLATES.items()}


def template_scores(reference: Tree) -> dict[str, float]:
    """``structure`` of every template answer against ``reference`` (through the task's scorer)."""
    from nearcoder.harness.trees.parse import parse_tree

    return {name: score_trees(reference, parse_tree(text), text)["structure"]
            for name, text in _template_texts().items()}


def template_floor(reference: Tree) -> float:
    """The best ``structure`` any fixed template reaches on ``reference``."""
    return max(template_scores(reference).values())
