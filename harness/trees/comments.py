"""``comment_quality``: do the predicted tree's comments exist, and do they describe their entries?

Definition (per predicted tree, 0–1)::

    comment_quality = (1 / N) * sum over the N predicted entries of relevance(entry)

    relevance(entry) = 0                                  if the entry has no comment
                     = 0                                  if the comment only repeats the entry's name
                     = min(1, |words(comment) ∩ describe(entry)| / 2)   otherwise

``describe(entry)`` is the entry's own name split into words (``nearConfig.ts`` → near, config, ts) plus a
fixed vocabulary for its extension, its well-known file name and the folder names that conventionally
hold it (``KEYWORDS_BY_EXT``, ``KEYWORDS_BY_NAME``): ``Cargo.toml`` → rust, cargo, crate, manifest,
dependencies, …; ``tests/`` → test, integration, unit, …; ``.rs`` → rust, contract, source, …. Words are
lower-cased and lightly stemmed (``contracts`` → ``contract``). Two matching words give full credit for an
entry, one gives half. ``comment_coverage`` (the share of entries with any comment) is reported beside it;
comment_quality ≤ comment_coverage always. An empty prediction scores 0.

The seed's ``dAppTrees_comment`` only checked whether ``#`` comment lines existed; this measures both
coverage and whether each comment is about the thing it annotates.
"""

from __future__ import annotations

import re

from nearcoder.harness.trees.model import Node, Tree

_WORD = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|\d+")
STOPWORDS = frozenset(
    "a an the of for to and or in on at by with this that these those is are be it its as from into file files "
    "folder folders directory directories here all any contains containing holds used use using".split()
)

_SOURCE = "source code src implementation logic module"
KEYWORDS_BY_EXT: dict[str, str] = {
    ".rs": f"rust contract {_SOURCE} smart",
    ".ts": f"typescript ts {_SOURCE} contract script",
    ".tsx": "typescript react component ui page frontend view",
    ".js": f"javascript js {_SOURCE} script",
    ".jsx": "javascript react component ui page frontend view",
    ".mjs": "javascript module script config",
    ".cjs": "javascript module script config",
    ".py": f"python {_SOURCE} script contract",
    ".sol": "solidity contract smart",
    ".as": "assemblyscript contract",
    ".go": "go golang source",
    ".json": "json config configuration settings data",
    ".toml": "toml config configuration settings manifest",
    ".yaml": "yaml config configuration settings workflow",
    ".yml": "yaml config configuration settings workflow ci",
    ".md": "markdown documentation docs readme guide instructions",
    ".html": "html page template markup entry index frontend",
    ".css": "css style styles styling stylesheet",
    ".scss": "scss sass style styles styling stylesheet",
    ".sh": "shell bash script build deploy",
    ".env": "environment variables env config secrets",
    ".lock": "lock dependencies versions",
    ".txt": "text notes",
}
KEYWORDS_BY_NAME: dict[str, str] = {
    "cargo.toml": "rust cargo crate manifest dependencies package config build",
    "package.json": "npm node dependencies scripts package manifest config",
    "tsconfig.json": "typescript compiler config configuration options",
    "readme.md": "readme documentation docs overview instructions project guide",
    "license": "license licence legal terms copyright mit apache",
    ".gitignore": "git ignore ignored untracked",
    "rust-toolchain.toml": "rust toolchain version compiler channel",
    "rust-toolchain": "rust toolchain version compiler channel",
    "lib.rs": "rust library crate entry contract main",
    "main.rs": "rust main entry binary",
    "build.sh": "build compile script wasm",
    "deploy.sh": "deploy deployment script testnet mainnet",
    "index.html": "html entry page frontend main",
    "index.js": "entry main javascript",
    "index.ts": "entry main typescript",
    "contract.ts": "contract smart typescript near logic",
    "contract.rs": "contract smart rust near logic",
    "near.config.js": "near config network testnet",
    "next.config.js": "next nextjs config frontend",
    "vite.config.js": "vite bundler build config",
    "vite.config.ts": "vite bundler build config",
    "jest.config.js": "jest test testing config",
    "ava.config.cjs": "ava test testing config",
    "pyproject.toml": "python project dependencies config package",
    "src": "source code main implementation",
    "contract": "contract smart near rust typescript code",
    "contracts": "contract smart near rust typescript code",
    "frontend": "frontend ui web interface client react app",
    "client": "frontend ui web interface client app",
    "web": "frontend ui web interface app",
    "public": "static assets public html images",
    "assets": "static assets images media",
    "components": "component ui react reusable",
    "pages": "page route ui view",
    "app": "app application frontend page route",
    "hooks": "hook react state",
    "styles": "style css styling",
    "utils": "utility utilities helper helpers",
    "lib": "library utility helper shared",
    "scripts": "script build deploy automation",
    "tests": "test testing unit integration sandbox spec",
    "test": "test testing unit integration sandbox spec",
    "__tests__": "test testing unit jest",
    "sandbox-ts": "sandbox test testing integration workspaces",
    "sandbox-rs": "sandbox test testing integration workspaces",
    "integration-tests": "integration test testing sandbox",
    "docs": "documentation docs guide",
    "config": "config configuration settings",
    "migrations": "migration migrate state upgrade",
    "res": "wasm compiled build output",
}
_ABBREVIATIONS = {"src": "source", "config": "configuration", "cfg": "config", "util": "utility",
                  "utils": "utility", "lib": "library", "env": "environment", "ts": "typescript",
                  "js": "javascript", "rs": "rust", "py": "python", "md": "markdown", "ui": "interface",
                  "docs": "documentation", "doc": "documentation", "nft": "token", "ft": "token"}


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> set[str]:
    """Lower-cased, stemmed content words (camelCase and snake_case split)."""
    found = {_stem(w.lower()) for w in _WORD.findall(text or "")}
    return {w for w in found if w not in STOPWORDS and len(w) > 1}


def describe(node: Node) -> set[str]:
    """The words that may describe ``node``: its name's words plus the vocabulary for its kind."""
    name = node.name.lower()
    vocab = words(node.name)
    vocab |= {_stem(_ABBREVIATIONS[w]) for w in list(vocab) if w in _ABBREVIATIONS}
    vocab |= words(KEYWORDS_BY_NAME.get(name, ""))
    if not node.is_dir:
        dot = name.rfind(".")
        if dot > 0:
            vocab |= words(KEYWORDS_BY_EXT.get(name[dot:], ""))
        elif name.startswith("."):
            vocab |= words(KEYWORDS_BY_EXT.get(name, "")) | {"config", "configuration", "setting"}
    return vocab


def relevance(node: Node) -> float:
    """How well the entry's comment describes it: 0, 0.5 or 1 (see the module doc)."""
    said = words(node.comment)
    if not said or said <= words(node.name):
        return 0.0
    return min(1.0, len(said & describe(node)) / 2)


def _entries(tree: Tree) -> list[Node]:
    return [node for _, node in tree.walk()]


def comment_coverage(tree: Tree) -> float:
    """Share of the tree's entries that carry a comment."""
    entries = _entries(tree)
    return sum(bool(n.comment) for n in entries) / len(entries) if entries else 0.0


def comment_quality(tree: Tree) -> float:
    """Mean relevance over all entries (0 for an uncommented entry); 0 for an empty tree."""
    entries = _entries(tree)
    return sum(relevance(n) for n in entries) / len(entries) if entries else 0.0
