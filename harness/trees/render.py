"""Renderers: a :class:`~nearcoder.harness.trees.model.Tree` as text, in every format the parser reads.

Styles (``STYLES``):

- ``ascii``: the ``tree`` command's drawing (``├── ``, ``│   ``, ``└── ``), directories end with ``/``.
- ``indent2`` / ``indent4`` / ``tabs``: an indented list, two or four spaces or one tab per level.
- ``markdown``: nested ``-`` bullets, names in backticks, comments after `` — ``.
- ``paths``: one path per line (files, plus directories that are empty or carry a comment).
- ``seed``: the seed's ``nearDappsTrees`` format: four spaces per level, no ``/``, no comments. It is lossy:
  an empty directory reads back as a file.

Comments follow the name as ``  # comment`` (``comment_marker`` changes ``#``, e.g. to ``//``).
"""

from __future__ import annotations

from nearcoder.harness.trees.model import Node, Tree

STYLES = ("ascii", "indent2", "indent4", "tabs", "markdown", "paths", "seed")


def _label(node: Node, slash: bool = True) -> str:
    return node.name + ("/" if node.is_dir and slash else "")


def _with_comment(text: str, node: Node, marker: str) -> str:
    return f"{text}  {marker} {node.comment}" if node.comment else text


def _ascii(nodes: tuple[Node, ...], prefix: str, marker: str, out: list[str]) -> None:
    for i, node in enumerate(nodes):
        last = i == len(nodes) - 1
        out.append(_with_comment(f"{prefix}{'└── ' if last else '├── '}{_label(node)}", node, marker))
        _ascii(node.children, prefix + ("    " if last else "│   "), marker, out)


def _indented(nodes: tuple[Node, ...], level: int, unit: str, marker: str, slash: bool, comments: bool,
              out: list[str]) -> None:
    for node in nodes:
        line = unit * level + _label(node, slash)
        out.append(_with_comment(line, node, marker) if comments else line)
        _indented(node.children, level + 1, unit, marker, slash, comments, out)


def _markdown(nodes: tuple[Node, ...], level: int, out: list[str]) -> None:
    for node in nodes:
        line = f"{'  ' * level}- `{_label(node)}`"
        out.append(f"{line} — {node.comment}" if node.comment else line)
        _markdown(node.children, level + 1, out)


def _paths(tree: Tree, marker: str) -> list[str]:
    out = []
    for path, node in tree.walk():
        if not node.is_dir or not node.children or node.comment:
            out.append(_with_comment(path, node, marker))
    return out


def render(tree: Tree, style: str = "ascii", root: str | None = None, comment_marker: str = "#") -> str:
    """``tree`` as text in ``style`` (see ``STYLES``); ``root`` wraps it in a named top folder."""
    if style not in STYLES:
        raise ValueError(f"unknown tree style {style!r}; choose one of {', '.join(STYLES)}")
    nodes = tree.children
    if root is not None:
        nodes = (Node(root, True, "", tree.children),)
    out: list[str] = []
    if style == "ascii":
        if root is not None:  # `tree` prints the root bare, its children drawn below it
            out.append(f"{root}/")
            _ascii(tree.children, "", comment_marker, out)
        else:
            _ascii(nodes, "", comment_marker, out)
    elif style in ("indent2", "indent4", "tabs", "seed"):
        unit = {"indent2": "  ", "indent4": "    ", "tabs": "\t", "seed": "    "}[style]
        seed = style == "seed"
        _indented(nodes, 0, unit, comment_marker, slash=not seed, comments=not seed, out=out)
    elif style == "markdown":
        _markdown(nodes, 0, out)
    else:
        out = _paths(Tree(nodes), comment_marker)
    return "\n".join(out)
