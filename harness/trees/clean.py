"""Cleaning rules for dApp trees: drop what a project description cannot predict, and bound the size.

Applied to every reference tree of ``near_dapp_trees`` and, when scoring, to the prediction too (so a model
is neither rewarded nor punished for listing a lock file, and a runaway answer stays cheap to score):

1. Drop version-control, dependency, build and editor folders: ``DROP_DIRS``.
2. Drop lock files and OS litter: ``DROP_FILES``.
3. Drop binary assets (images, fonts, media, archives, compiled wasm): ``DROP_EXTENSIONS``.
4. Drop a directory that became empty because of 1–3 (one that was empty already stays).
5. Cut entries deeper than ``max_depth`` levels (their folder stays, as an empty folder).
6. If more than ``max_entries`` entries remain, lower the depth limit until they fit (and, at depth 1,
   keep the first ``max_entries`` names).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nearcoder.harness.trees.model import Node, Tree, make_tree

DROP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "target", "dist", "build", "out", ".next", ".nuxt", ".turbo",
    ".cache", ".parcel-cache", "coverage", "__pycache__", ".pytest_cache", ".venv", "venv", ".near",
    "neardev", ".near-credentials", ".vscode", ".idea", ".devcontainer", ".github", ".gitpod", ".husky",
})
DROP_FILES = frozenset({
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock", "Cargo.lock", "uv.lock",
    "poetry.lock", "Pipfile.lock", "Gemfile.lock", "composer.lock", "npm-shrinkwrap.json", ".DS_Store",
    "Thumbs.db", ".gitpod.yml",
})
DROP_EXTENSIONS = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".webp", ".bmp", ".avif", ".tif", ".tiff", ".icns",
    ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".webm", ".mov", ".pdf", ".zip",
    ".tar", ".gz", ".tgz", ".wasm", ".lockb",
})


@dataclass(frozen=True)
class CleaningRules:
    """What :func:`clean` drops and how large a tree may stay."""

    drop_dirs: frozenset[str] = field(default=DROP_DIRS)
    drop_files: frozenset[str] = field(default=DROP_FILES)
    drop_extensions: frozenset[str] = field(default=DROP_EXTENSIONS)
    max_depth: int = 6
    max_entries: int = 150

    def __post_init__(self) -> None:
        if self.max_depth < 1:
            raise ValueError(f"max_depth must be >= 1, got {self.max_depth}")
        if self.max_entries < 1:
            raise ValueError(f"max_entries must be >= 1, got {self.max_entries}")

    def drops(self, node: Node) -> bool:
        if node.is_dir:
            return node.name in self.drop_dirs
        lower = node.name.lower()
        return node.name in self.drop_files or any(lower.endswith(ext) for ext in self.drop_extensions)


DEFAULT_RULES = CleaningRules()


def _filter(node: Node, rules: CleaningRules) -> Node | None:
    if rules.drops(node):
        return None
    if not node.children:
        return node
    kept = tuple(c for c in (_filter(child, rules) for child in node.children) if c is not None)
    if not kept:  # emptied by the rules: nothing of it is left to predict
        return None
    return Node(node.name, True, node.comment, kept)


def _cut(node: Node, depth: int) -> Node:
    if depth <= 1 or not node.children:
        return Node(node.name, node.is_dir, node.comment, ())
    return Node(node.name, True, node.comment, tuple(_cut(child, depth - 1) for child in node.children))


def clean(tree: Tree, rules: CleaningRules = DEFAULT_RULES) -> Tree:
    """``tree`` with the cleaning rules above applied (the result is canonical)."""
    kept = [n for n in (_filter(child, rules) for child in tree.children) if n is not None]
    depth = rules.max_depth
    cut = make_tree([_cut(n, depth) for n in kept])
    while len(cut) > rules.max_entries and depth > 1:
        depth -= 1
        cut = make_tree([_cut(n, depth) for n in kept])
    if len(cut) > rules.max_entries:
        cut = make_tree(cut.children[: rules.max_entries])
    return cut
