"""The canonical directory tree: one immutable model every parser, renderer and metric shares.

A :class:`Tree` is a nameless root directory. Every :class:`Node` has a name (one path component), a kind
(directory or file) and an optional one-line comment. Children are kept sorted by name, and two siblings
never share a name, so equal projects give equal (``==``) trees whatever order or format they came in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_SPACES = re.compile(r"\s+")


def normalise_comment(comment: str | None) -> str:
    """A comment as stored: one line, whitespace collapsed, stripped ("" when there is none)."""
    return _SPACES.sub(" ", comment or "").strip()


@dataclass(frozen=True)
class Node:
    """One entry: a file, or a directory holding ``children`` (sorted by name, names unique)."""

    name: str
    is_dir: bool = False
    comment: str = ""
    children: tuple[Node, ...] = ()

    def __post_init__(self) -> None:
        if self.children and not self.is_dir:
            object.__setattr__(self, "is_dir", True)

    def size(self) -> int:
        """Entries in this subtree, this node included."""
        return 1 + sum(child.size() for child in self.children)

    def depth(self) -> int:
        """Levels in this subtree: 1 for a file or an empty directory."""
        return 1 + max((child.depth() for child in self.children), default=0)


@dataclass(frozen=True)
class Tree:
    """A project: the entries under an unnamed root directory."""

    children: tuple[Node, ...] = field(default=())

    def __len__(self) -> int:
        """Number of entries (files and directories), the root not counted."""
        return sum(child.size() for child in self.children)

    def __bool__(self) -> bool:
        return bool(self.children)

    def depth(self) -> int:
        return max((child.depth() for child in self.children), default=0)

    def walk(self) -> Iterator[tuple[str, Node]]:
        """(path, node) for every entry, pre-order; directory paths end with ``/``."""

        def visit(prefix: str, nodes: tuple[Node, ...]) -> Iterator[tuple[str, Node]]:
            for node in nodes:
                path = f"{prefix}{node.name}" + ("/" if node.is_dir else "")
                yield path, node
                yield from visit(path, node.children)

        yield from visit("", self.children)

    def paths(self) -> list[str]:
        """Every entry's path, pre-order (directories end with ``/``)."""
        return [path for path, _ in self.walk()]

    def file_paths(self) -> list[str]:
        """The files' paths only, what ``git ls-files`` would print."""
        return [path for path, node in self.walk() if not node.is_dir]

    def comments(self) -> dict[str, str]:
        """path -> comment for every entry that has one."""
        return {path: node.comment for path, node in self.walk() if node.comment}


class _Builder:
    """A mutable directory used while parsing: merges repeated names, then freezes into a sorted Node."""

    __slots__ = ("name", "is_dir", "comment", "children")

    def __init__(self, name: str, is_dir: bool = False, comment: str = "") -> None:
        self.name = name
        self.is_dir = is_dir
        self.comment = comment
        self.children: dict[str, _Builder] = {}

    def child(self, name: str, is_dir: bool, comment: str = "") -> _Builder:
        """The child called ``name``, created or merged (a directory wins over a file; the first comment wins)."""
        self.is_dir = True
        node = self.children.get(name)
        if node is None:
            node = self.children[name] = _Builder(name, is_dir, comment)
        else:
            node.is_dir = node.is_dir or is_dir
            node.comment = node.comment or comment
        return node

    def add_path(self, parts: list[str], is_dir: bool, comment: str = "") -> _Builder:
        node = self
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            node = node.child(part, is_dir if last else True, comment if last else "")
        return node

    def freeze(self) -> Node:
        children = tuple(self.children[name].freeze() for name in sorted(self.children))
        return Node(self.name, self.is_dir or bool(children), normalise_comment(self.comment), children)


def _unwrap(children: tuple[Node, ...]) -> tuple[Node, ...]:
    """Drop wrapping root folders: while the top level is a single directory with content, use its content."""
    while len(children) == 1 and children[0].is_dir and children[0].children:
        children = children[0].children
    return children


def make_tree(children: Iterable[Node], unwrap: bool = True) -> Tree:
    """A canonical tree from top-level nodes: siblings merged by name and sorted, wrapping root folder removed.

    ``unwrap`` drops a single top-level directory that holds everything (``my-dapp/`` in a model's answer),
    repeatedly, so an answer with a root folder and one without compare equal. It is part of the canonical
    form: :func:`parse_tree` and :func:`tree_from_paths` always apply it.
    """
    root = _Builder("", True)

    def add(parent: _Builder, node: Node) -> None:
        built = parent.child(node.name, node.is_dir, node.comment)
        for child in node.children:
            add(built, child)

    for node in children:
        add(root, node)
    frozen = root.freeze().children
    return Tree(_unwrap(frozen) if unwrap else frozen)


def split_path(path: str) -> tuple[list[str], bool]:
    """``"./src/lib.rs"`` -> (["src", "lib.rs"], False); a trailing ``/`` marks a directory."""
    path = path.strip().replace("\\", "/")
    is_dir = path.endswith("/")
    parts = [p for p in path.split("/") if p and p != "."]
    return parts, is_dir


def tree_from_paths(paths: Iterable[str], comments: dict[str, str] | None = None, unwrap: bool = True) -> Tree:
    """A tree from file paths (``git ls-files`` style); a path ending in ``/`` is an (empty) directory.

    ``comments`` maps a path (with or without the trailing ``/``) to its entry's comment.
    """
    comments = {k.rstrip("/"): v for k, v in (comments or {}).items()}
    root = _Builder("", True)
    for path in paths:
        parts, is_dir = split_path(path)
        if parts:
            root.add_path(parts, is_dir, comments.get("/".join(parts), ""))
    frozen = root.freeze().children
    return Tree(_unwrap(frozen) if unwrap else frozen)

