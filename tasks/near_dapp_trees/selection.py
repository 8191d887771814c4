"""One pair per independent project: which candidate pairs enter the split, and why the others do not.

A candidate is one README with its (sub-)tree. Rules, applied in this order (each exclusion is logged):

1. **Chapters** (within a repository). Numbered or versioned folders (``01-basic-auction``,
   ``02-winner-gets-nft``, ``v1``) are chapters of one tutorial, each a small step from the last:
   :func:`chapter_key` cuts a sub-folder at its first numbered component, and of each group the preferred
   pair is kept (clean over flagged, then the largest tree, then the first id). Language siblings
   (``contract-rs`` / ``contract-ts``) and halves (``contract`` / ``frontend``) are different trees asked for
   by different prompts, so they stay, within the per-repository cap; the repository-clustered interval
   (:mod:`nearcoder.harness.clustered_bootstrap`) accounts for their correlation.
2. **Nested pairs** (within a repository): a repository with two or more independent sub-projects left is
   scored on them (up to ``MAX_PER_REPO``, largest first) and its root pair is dropped; otherwise the root
   pair stands for the whole repository and its sub-projects are dropped. A sub-project inside another kept
   one is dropped too. No pair of the split lies inside another.
3. **Identical and copied trees** (across repositories): of pairs with the same canonical paths, or whose
   distinctive paths overlap with Jaccard >= ``COPY_JACCARD``
   (:mod:`~nearcoder.tasks.near_dapp_trees.fingerprint`), only the preferred one is kept.
4. At most ``MAX_PER_REPO`` pairs per repository.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from nearcoder.tasks.near_dapp_trees.fingerprint import MIN_DISTINCTIVE, common_paths, distinctive_paths, jaccard

MAX_PER_REPO = 3
COPY_JACCARD = 0.8
_CHAPTER = re.compile(r"^(\d+[-._]|v\d+$)")


class Candidate(Protocol):
    id: str
    repo: str
    subdir: str
    n_entries: int
    paths: list[str]


@dataclass(frozen=True)
class Exclusion:
    id: str
    rule: str
    reason: str


def chapter_key(subdir: str) -> str:
    """The tutorial a sub-folder is a chapter of: ``contract-rs/01-basic-auction`` -> ``contract-rs``."""
    parts = []
    for part in subdir.strip("/").split("/"):
        if _CHAPTER.match(part):
            break
        parts.append(part.lower())
    return "/".join(parts)


def _size_first(pair: Candidate) -> tuple[bool, int, str]:
    """Preference: a clean pair over a flagged one, then the larger tree, then the first id."""
    return (bool(getattr(pair, "contaminated", False)), -pair.n_entries, pair.id)


def _inside(inner: str, outer: str) -> bool:
    return not outer or inner.startswith(outer.rstrip("/") + "/")


def _per_repository(pairs: list[Candidate], log: list[Exclusion]) -> list[Candidate]:
    root = next((p for p in pairs if not p.subdir), None)
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for pair in pairs:
        if pair.subdir:
            groups[chapter_key(pair.subdir)].append(pair)
    subs = []
    for key, members in sorted(groups.items()):
        members.sort(key=_size_first)
        subs.append(members[0])
        for other in members[1:]:
            log.append(Exclusion(other.id, "chapter", f"a chapter of the same tutorial as {members[0].id}"))
    kept: list[Candidate] = []
    for pair in sorted(subs, key=_size_first):
        outer = next((k for k in kept if _inside(pair.subdir, k.subdir)), None)
        if outer:
            log.append(Exclusion(pair.id, "nested", f"inside {outer.id}"))
        else:
            kept.append(pair)
    if len(kept) >= 2 or root is None:
        if root is not None:
            log.append(Exclusion(root.id, "nested", f"holds the sub-projects {', '.join(k.id for k in kept)}"))
        return kept
    for pair in kept:
        log.append(Exclusion(pair.id, "nested", f"inside {root.id}"))
    return [root]


def _deduplicate(chosen: list[Candidate], common: set[str]) -> tuple[list[Candidate], list[Exclusion]]:
    kept: list[Candidate] = []
    log: list[Exclusion] = []
    for pair in sorted(chosen, key=_size_first):
        mine = distinctive_paths(pair.paths, common)
        twin = next((k for k in kept if sorted(k.paths) == sorted(pair.paths)), None)
        if twin:
            log.append(Exclusion(pair.id, "identical", f"same tree as {twin.id}"))
            continue
        if len(mine) >= MIN_DISTINCTIVE:
            scores = [(jaccard(mine, distinctive_paths(k.paths, common)), k.id) for k in kept]
            score, copy_of = max(scores, default=(0.0, ""))
            if score >= COPY_JACCARD:
                log.append(Exclusion(pair.id, "copy", f"distinctive paths Jaccard {score:.2f} with {copy_of}"))
                continue
        kept.append(pair)
    return kept, log


def select_independent(pairs: Sequence[Candidate]) -> tuple[list[Candidate], list[Exclusion]]:
    """The pairs of the split (sorted by id) and one :class:`Exclusion` per candidate left out.

    Duplicates found by rule 3 leave the candidate pool and rule 2 runs again, so a repository whose chosen
    sub-projects turn out to be copies falls back to its root pair instead of losing every pair.
    """
    common = common_paths([p.paths for p in pairs])
    duplicates: list[Exclusion] = []
    while True:
        gone = {e.id for e in duplicates}
        log: list[Exclusion] = []
        by_repo: dict[str, list[Candidate]] = defaultdict(list)
        for pair in pairs:
            if pair.id not in gone:
                by_repo[pair.repo].append(pair)
        chosen = [p for repo in sorted(by_repo) for p in _per_repository(by_repo[repo], log)]
        kept, found = _deduplicate(chosen, common)
        if not found:
            break
        duplicates += found
    log += duplicates
    per_repo: Counter[str] = Counter()
    final = []
    for pair in sorted(kept, key=_size_first):
        per_repo[pair.repo] += 1
        if per_repo[pair.repo] > MAX_PER_REPO:
            log.append(Exclusion(pair.id, "cap", f"more than {MAX_PER_REPO} pairs from {pair.repo}"))
        else:
            final.append(pair)
    return sorted(final, key=lambda p: p.id), sorted(log, key=lambda e: e.id)
