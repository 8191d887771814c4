"""The hand review of every prompt (``prompt_review.toml``): kept, rewritten or dropped, with a reason.

Each table is keyed by a pair id (``<repo folder>[/<subdir>]``)::

    ["nearnames"]
    decision = "rewritten"            # kept | rewritten | dropped
    reason = "the README describes a Zapier endpoint, not this tree"
    description = "A NEAR dApp for registering human-readable names ..."   # rewritten only

A rewritten pair's prompt is built around ``description`` (written by the reviewer from the README and the
tree, naming no file or folder of the answer) with the language line read from the tree's files.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

REVIEW_FILE = Path(__file__).resolve().parent / "prompt_review.toml"
DECISIONS = ("kept", "rewritten", "dropped")


@dataclass(frozen=True)
class Review:
    decision: str
    reason: str
    description: str = ""


def load_review(path: Path = REVIEW_FILE) -> dict[str, Review]:
    """Every review entry by pair id; a clear ``ValueError`` naming the entry for a malformed one."""
    if not path.is_file():
        return {}
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    reviews = {}
    for pair_id, entry in raw.items():
        decision, reason = entry.get("decision"), str(entry.get("reason", "")).strip()
        description = " ".join(str(entry.get("description", "")).split())
        if decision not in DECISIONS:
            raise ValueError(f"{path}: [{pair_id!r}] decision must be one of {DECISIONS}, got {decision!r}")
        if not reason:
            raise ValueError(f"{path}: [{pair_id!r}] needs a reason")
        if (decision == "rewritten") != bool(description):
            raise ValueError(f"{path}: [{pair_id!r}] a description is required for, and only for, 'rewritten'")
        reviews[pair_id] = Review(decision, reason, description)
    return reviews
