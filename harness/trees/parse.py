"""Parse a directory tree out of free text: whatever format a model answered in.

Read: ``tree``-style ASCII drawings (``├──``/``└──``/``│``, also ``|--``, ```--``, ``+--``), indented
lists (spaces or tabs, any width), markdown bullets (``-``, ``*``, ``+``, ``1.``), plain path lists
(``src/lib.rs``), with or without a root folder, inside or outside code fences, with prose around.
Comments after a name are kept: ``# …``, ``// …``, ``<- …``, `` - …``/`` — …``, ``: …`` and ``(…)``.

How (:func:`parse_tree`):

1. Cut the text into blocks: each fenced code block (an unclosed fence runs to the end, as in a cut-off
   generation) and each run of tree-like lines outside fences.
2. Keep the block with the most entries; a fenced block with entries beats unfenced runs.
3. For each entry line the column where its name starts is its indentation; its parent is the nearest
   line above with a smaller column (so irregular widths and mixed glyphs still nest sensibly).
4. ``a/b/c.rs`` creates the folders on the way; a trailing ``/``, or having children, makes a directory.
5. The result is canonical (:func:`~nearcoder.harness.trees.model.make_tree`): siblings merged by name
   and sorted, and a wrapping root folder removed.

Anything that is not a tree (prose, code, binary noise) gives an empty tree; parsing never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from nearcoder.harness.trees.model import Tree, _Builder, _unwrap, split_path

MAX_LINES = 5_000
MAX_LINE_CHARS = 400

_FENCE = re.compile(r"^\s*(```|~~~)")
# Leading drawing: vertical bars and spaces, then an optional branch (├── └─ |-- `-- +-- ──).
_LEAD = re.compile(r"[ \u00a0\u2003│┃║¦|]*")
_BRANCH = re.compile(r"(?:[├└┣┗╠╚┝┕][─━═\-]*|[`+|][─━═\-]+|[─━═]+|--+)>?[ \u00a0]*")
_BULLET = re.compile(r"(?:[-*+•◦▪‣]|\d{1,3}[.)])[ \u00a0]+")
_CHECKBOX = re.compile(r"\[[ xX]\][ \u00a0]+")
# Separators between a name and its comment. The name never contains whitespace, so the first
# whitespace ends it; these say what may come after.
_COMMENT_LEAD = re.compile(r"^(?:#+|//+|/\*|<-+|<=+|←|-->?|=>|->|[-–—:|]+)\s*")
_NAME_OK = re.compile(r"^[\w.@+~$\[\]()=,'&%^-]+$")
_ELLIPSIS = re.compile(r"^(?:\.{2,}|…+)$")
_MARKUP = re.compile(r"^\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Entry:
    """One parsed line: where its name starts, its path parts, whether it is marked a directory, its comment."""

    column: int
    parts: tuple[str, ...]
    is_dir: bool
    comment: str


def _strip_symbols(text: str) -> str:
    """Drop leading emoji and pictographs (📁 src/, 📄 main.rs) and the spaces after them."""
    i = 0
    while i < len(text) and (unicodedata.category(text[i]) in ("So", "Mn", "Cf") or text[i] == "\ufe0f"):
        i += 1
    return text[i:].lstrip() if i else text


def _clean_comment(text: str) -> str:
    text = text.strip()
    text = _COMMENT_LEAD.sub("", text, count=1).strip()
    if text.endswith("*/"):
        text = text[:-2].rstrip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text


def _split_name(rest: str, drawn: bool) -> tuple[str, str] | None:
    """(name, comment) from the text after the drawing/bullet, or None when it is not an entry.

    On a drawn line (``├── name words``) anything after the name is its comment; elsewhere words after
    the name need a separator (``#``, ``//``, ``-``, ``:``, ``(…)``), or the line is prose.
    """
    rest = _strip_symbols(rest.strip())
    if not rest:
        return None
    quoted = rest[0] == "`" or rest.startswith("**")
    if rest[0] == "`":
        end = rest.find("`", 1)
        if end <= 1:
            return None
        name, after = rest[1:end].strip(), rest[end + 1:]
    elif rest.startswith("**"):
        markup = _MARKUP.match(rest)
        if not markup:
            return None
        name, after = markup.group(1).strip().strip("`"), rest[markup.end():]
    else:
        pieces = rest.split(None, 1)
        name, after = pieces[0], (" " + pieces[1] if len(pieces) > 1 else "")
        if name.endswith(":") and len(name) > 1:  # `name: comment`, `name:`
            name, after = name[:-1], ":" + after
        for marker in ("#", "//"):  # `lib.rs# comment`: no space before the marker
            cut = name.find(marker, 1)
            if cut > 0:
                name, after = name[:cut], " " + name[cut:] + after
    if quoted and after and not after[0].isspace() and after[0] not in ":,;-–—":
        return None  # `name`s glued to more text
    after = after.strip()
    if after and not drawn and not _COMMENT_LEAD.match(after) and not after.startswith("("):
        return None  # words after the name without a separator: a sentence, not an entry
    return name, _clean_comment(after)


def parse_line(line: str) -> Entry | str | None:
    """An :class:`Entry`, ``"skip"`` for a line that belongs to a tree but names nothing (``│``, ``...``,
    ``.``), or None for prose."""
    line = line.expandtabs(4).rstrip()
    if not line.strip():
        return "skip"
    if len(line) > MAX_LINE_CHARS:
        return None
    pos = _LEAD.match(line).end()
    branch = _BRANCH.match(line, pos)
    drawn = branch is not None and branch.end() > pos
    if drawn:
        pos = branch.end()
    bullet = None if drawn else _BULLET.match(line, pos)
    if bullet:
        pos = bullet.end()
        box = _CHECKBOX.match(line, pos)
        pos = box.end() if box else pos
    rest = line[pos:]
    if not rest.strip():
        return "skip" if (drawn or pos) else None
    split = _split_name(rest, drawn)
    if split is None:
        return None
    name, comment = split
    if _ELLIPSIS.match(name) or name in (".", "./"):
        return "skip"
    if name.startswith("-") or "://" in name:
        return None
    parts, is_dir = split_path(name)
    named = [p for p in parts if not _ELLIPSIS.match(p)]
    if parts and _ELLIPSIS.match(parts[-1]):  # `components/...`: a folder whose content is elided
        is_dir = True
    if not named:
        return "skip"
    if not all(_NAME_OK.match(p) for p in named) or not any(ch.isalnum() for ch in "".join(named)):
        return None
    parts = named
    return Entry(pos, tuple(parts), is_dir, comment)


def _blocks(text: str) -> list[tuple[bool, list[str]]]:
    """(fenced, lines) for every fenced block and every stretch of text between fences."""
    blocks: list[tuple[bool, list[str]]] = []
    current: list[str] = []
    fence: str | None = None
    for line in text.splitlines()[:MAX_LINES]:
        match = _FENCE.match(line)
        if fence is None and match:
            blocks.append((False, current))
            current, fence = [], match.group(1)
        elif fence is not None and line.strip().startswith(fence):
            blocks.append((True, current))
            current, fence = [], None
        else:
            current.append(line)
    blocks.append((fence is not None, current))
    return blocks


def _runs(lines: list[str], fenced: bool) -> list[list[Entry]]:
    """Entries of a block: one list for a fenced block (prose lines inside are skipped), else one per run of
    tree-like lines (prose ends a run)."""
    runs: list[list[Entry]] = [[]]
    for line in lines:
        parsed = parse_line(line)
        if isinstance(parsed, Entry):
            runs[-1].append(parsed)
        elif parsed is None and not fenced and runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def best_entries(text: str) -> list[Entry]:
    """The entries of the block of ``text`` most likely to be the answer's tree (see the module doc)."""
    fenced_runs, loose_runs = [], []
    for fenced, lines in _blocks(text):
        for run in _runs(lines, fenced):
            (fenced_runs if fenced else loose_runs).append(run)
    candidates = fenced_runs or loose_runs
    return max(candidates, key=len, default=[])


def tree_from_entries(entries: list[Entry]) -> Tree:
    """Nest entries by column (parent = nearest earlier entry with a smaller column) into a canonical tree."""
    root = _Builder("", True)
    stack: list[tuple[int, _Builder]] = [(-1, root)]
    for entry in entries:
        while stack[-1][0] >= entry.column:
            stack.pop()
        node = stack[-1][1].add_path(list(entry.parts), entry.is_dir, entry.comment)
        stack.append((entry.column, node))
    return Tree(_unwrap(root.freeze().children))


def parse_tree(text: str | bytes | None) -> Tree:
    """The canonical tree in ``text`` (any format above); an empty tree when there is none. Never raises."""
    if text is None:
        return Tree()
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    try:
        return tree_from_entries(best_entries(str(text).replace("\x00", "")))
    except RecursionError:  # absurdly deep nesting: treat as no tree rather than crash the scorer
        return Tree()
