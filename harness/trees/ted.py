"""Tree edit distance between two directory trees: Zhang–Shasha, compiled with numba.

Trees are ordered (children sorted by name, as :mod:`~nearcoder.harness.trees.model` keeps them) and
rooted at the unnamed project root, which both trees share, so the root is never relabelled. Labels are
entry names; inserting, deleting or renaming one entry costs 1. Whether an entry is a file or a directory
is not part of its label: ``src`` drawn without children matches a ``src/`` folder by name.

:func:`ted` gives exactly the distance of the reference implementation, ``zss.simple_distance``
(:func:`ted_zss`); a property test checks it on random trees. The algorithm is Zhang & Shasha (1989):
post-order numbering, leftmost-leaf descendants, key roots, one forest-distance table per key-root pair.
Compiled with ``numba.njit(cache=True)``; the first call in a fresh environment compiles (about a second)
and later processes load the cached machine code.
"""

from __future__ import annotations

import numpy as np

from nearcoder.harness.trees.model import Node, Tree

_KERNEL = None


def _kernel():
    """The compiled kernel, built on first use: importing this module stays cheap (no numba import)."""
    global _KERNEL
    if _KERNEL is None:
        try:
            from numba import njit
        except ImportError:  # numba is a core dependency; keep the metric usable (slowly) without it
            _KERNEL = _zhang_shasha
        else:
            _KERNEL = njit(cache=True, nogil=True)(_zhang_shasha)
    return _KERNEL


def _zhang_shasha(lmd1, lab1, kr1, lmd2, lab2, kr2):
    n1 = lab1.shape[0]
    n2 = lab2.shape[0]
    td = np.zeros((n1, n2), dtype=np.int32)
    fd = np.zeros((n1 + 1, n2 + 1), dtype=np.int32)
    for ki in kr1:
        li = lmd1[ki]
        m = ki - li + 2
        for kj in kr2:
            lj = lmd2[kj]
            n = kj - lj + 2
            fd[0, 0] = 0
            for x in range(1, m):
                fd[x, 0] = fd[x - 1, 0] + 1
            for y in range(1, n):
                fd[0, y] = fd[0, y - 1] + 1
            for x in range(1, m):
                a = li + x - 1
                la = lmd1[a]
                for y in range(1, n):
                    b = lj + y - 1
                    best = fd[x - 1, y] + 1
                    ins = fd[x, y - 1] + 1
                    if ins < best:
                        best = ins
                    if la == li and lmd2[b] == lj:
                        sub = fd[x - 1, y - 1] + (0 if lab1[a] == lab2[b] else 1)
                        if sub < best:
                            best = sub
                        fd[x, y] = best
                        td[a, b] = best
                    else:
                        sub = fd[la - li, lmd2[b] - lj] + td[a, b]
                        if sub < best:
                            best = sub
                        fd[x, y] = best
    return td[n1 - 1, n2 - 1]


def postorder_arrays(tree: Tree, ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(leftmost-leaf index, label id, key roots) in post-order, the root last; ``ids`` interns labels."""
    lmd: list[int] = []
    labels: list[int] = []

    def visit(name: str, children: tuple[Node, ...]) -> int:
        first = -1
        for child in children:
            leftmost = visit(child.name, child.children)
            if first < 0:
                first = leftmost
        index = len(labels)
        labels.append(ids.setdefault(name, len(ids)))
        lmd.append(index if first < 0 else first)
        return lmd[index]

    visit("", tree.children)
    seen: dict[int, int] = {}
    for index, leftmost in enumerate(lmd):
        seen[leftmost] = index  # the highest node with each leftmost leaf is a key root
    keyroots = np.array(sorted(seen.values()), dtype=np.int64)
    return np.array(lmd, dtype=np.int64), np.array(labels, dtype=np.int64), keyroots


def ted(a: Tree, b: Tree) -> int:
    """Unit-cost tree edit distance between two trees (labels = names; the shared root costs nothing)."""
    ids: dict[str, int] = {}
    lmd1, lab1, kr1 = postorder_arrays(a, ids)
    lmd2, lab2, kr2 = postorder_arrays(b, ids)
    return int(_kernel()(lmd1, lab1, kr1, lmd2, lab2, kr2))


def to_zss(tree: Tree):
    """The tree as ``zss.Node`` objects (root labelled ``""``), for the reference implementation."""
    import zss

    def convert(name: str, children: tuple[Node, ...]):
        node = zss.Node(name)
        for child in children:
            node.addkid(convert(child.name, child.children))
        return node

    return convert("", tree.children)


def ted_zss(a: Tree, b: Tree) -> int:
    """The same distance from ``zss.simple_distance`` (the pure-Python reference; slow past ~100 entries)."""
    import zss

    return int(zss.simple_distance(to_zss(a), to_zss(b)))


def warm_up() -> None:
    """Compile (or load from cache) the numba kernel now rather than on the first scored sample."""
    from nearcoder.harness.trees.model import tree_from_paths

    ted(tree_from_paths(["a/b"]), tree_from_paths(["a/c", "d"]))
