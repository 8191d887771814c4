"""Contamination by family: was a pair's project, or a close relative of it, in the seed's training scrape?

The seed's list (``near-dapps/seed-scraped-repos.txt``) holds ``owner_repo`` names. An exact-name test misses
forks, renamed repositories and the siblings a tutorial is split into, so a pair is flagged when one of these
holds (first match is the recorded reason):

1. ``exact``: ``<owner>_<repo>`` itself is in the list.
2. ``same-name``: the list holds the repository's name under another owner (a fork, a mirror or the original
   author's copy). Names compare lower-cased, ``_`` read as ``-``, a trailing ``-master``/``-main``/``-cloned``
   or ``-<digits>`` ignored: ``idea404_escrow-js``, ``akaia-near_nearnames``, ``esaminu_rust-template-654``.
3. ``family``: the list holds a repository of the same *family*: same :func:`family_key` (the name without
   ``near-`` and without trailing language / part / chapter / version suffixes: ``-js``, ``-ts``, ``-rs``,
   ``-rust``, ``-as``, ``-py``, ``-frontend``, ``-contract(s)``, ``-example(s)``, ``-deprecated``,
   ``-chapter-N``, ``-part-N``, ``-vN``). A one-word key (``ft``, ``counter``) is too generic to match other
   owners' repositories, so it only matches the near-examples organisations' own names; a key of two words
   or more matches any owner. This catches ``coin-flip-examples`` (``near-examples_coin-flip-js``),
   ``guest-book-js`` (``near-examples_guest-book-rust``), ``nft-tutorial-js`` (``ailisp_nft-tutorial-js``),
   ``FT`` (``near-examples_FT-Examples``), ``crossword-tutorial-chapter-N``.
4. ``overlap``: the pair's file list overlaps a flagged pair of another repository in the mirror: Jaccard
   ``|A ∩ B| / |A ∪ B| >= OVERLAP_JACCARD`` over both pairs' *distinctive* file paths (relative to each
   pair's folder, conventional paths such as ``Cargo.toml`` removed:
   :mod:`~nearcoder.tasks.near_dapp_trees.fingerprint`). Only pairs flagged by 1–3 are sources (no chains).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nearcoder.tasks.near_dapp_trees.fingerprint import MIN_DISTINCTIVE, jaccard

OVERLAP_JACCARD = 0.5
NEAR_EXAMPLES_OWNERS = frozenset({"near-examples", "deprecated-near-examples"})
_FORK_SUFFIX = re.compile(r"(?<!chapter)(?<!part)-(master|main|cloned|\d+)$")
_FAMILY_SUFFIX = re.compile(
    r"-(js|ts|rs|rust|as|py|frontend|contract|contracts|example|examples|deprecated|chapter-\d+|part-\d+|v\d+|\d+)$")


def normal_name(repo_name: str) -> str:
    """A repository name compared across owners: lower-case, ``_`` as ``-``, fork suffixes removed."""
    name = repo_name.lower().replace("_", "-")
    while (cut := _FORK_SUFFIX.sub("", name)) != name and cut:
        name = cut
    return name


def family_key(repo_name: str) -> str:
    """The name's family: ``near-`` and trailing language / part / chapter suffixes removed (never to nothing)."""
    key = normal_name(repo_name)
    previous = None
    while previous != key:
        previous = key
        for pattern in (_FAMILY_SUFFIX, re.compile(r"-near$"), re.compile(r"^near-")):
            cut = pattern.sub("", key)
            key = cut if cut else key
    return key


@dataclass(frozen=True)
class SeedEntry:
    owner: str
    name: str


def parse_seed_list(lines: Iterable[str]) -> list[SeedEntry]:
    """``owner_repo`` lines (GitHub owners never hold ``_``, so the first ``_`` splits them)."""
    entries = []
    for line in lines:
        line = line.strip()
        if line:
            owner, _, name = line.partition("_")
            entries.append(SeedEntry(owner.lower(), name))
    return entries


class SeedIndex:
    """The seed's scrape list indexed for the name rules 1–3."""

    def __init__(self, entries: Iterable[SeedEntry]) -> None:
        self.exact: set[str] = set()
        self.by_name: dict[str, list[str]] = {}
        self.by_family: dict[str, list[SeedEntry]] = {}
        for entry in entries:
            self.exact.add(f"{entry.owner}_{entry.name.lower()}")
            self.by_name.setdefault(normal_name(entry.name), []).append(f"{entry.owner}_{entry.name}")
            self.by_family.setdefault(family_key(entry.name), []).append(entry)

    def name_reason(self, repository: str) -> str:
        """Why ``owner/name`` counts as seen by the seed through rules 1–3; "" when it does not."""
        owner, _, name = repository.lower().partition("/")
        if f"{owner}_{name}" in self.exact:
            return f"exact: {owner}_{name}"
        same = self.by_name.get(normal_name(name))
        if same:
            return f"same-name: {', '.join(sorted(same)[:3])}"
        key = family_key(name)
        relatives = self.by_family.get(key, [])
        if "-" not in key:
            relatives = [e for e in relatives if e.owner in NEAR_EXAMPLES_OWNERS]
        if relatives:
            names = sorted(f"{e.owner}_{e.name}" for e in relatives)
            return f"family {key!r}: {', '.join(names[:3])}"
        return ""


def overlap_reason(paths: set[str], repo: str, flagged: Iterable[tuple[str, str, set[str]]],
                   threshold: float = OVERLAP_JACCARD) -> str:
    """Rule 4: the best Jaccard of the distinctive ``paths`` against ``(pair id, repo, distinctive paths)``
    of flagged pairs of other repositories ("" below ``threshold`` or with too few distinctive paths)."""
    if len(paths) < MIN_DISTINCTIVE:
        return ""
    best, best_id = 0.0, ""
    for other_id, other_repo, other_paths in flagged:
        if other_repo == repo or len(other_paths) < MIN_DISTINCTIVE:
            continue
        score = jaccard(paths, other_paths)
        if score > best:
            best, best_id = score, other_id
    return f"overlap: Jaccard {best:.2f} with {best_id}" if best >= threshold else ""
