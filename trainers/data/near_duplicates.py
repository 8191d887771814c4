"""Near-duplicate detection with MinHash over word shingles and LSH banding, verified by exact Jaccard.

Small on purpose: documents become sets of hashed ``k``-word shingles; ``num_perm`` universal hash functions
give a MinHash signature; signatures are cut into ``bands`` and documents sharing any band become candidate
pairs, which are kept as duplicates only when their exact shingle Jaccard similarity is ``>= threshold``.
Of each duplicate cluster the first document (input order) is kept.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

MERSENNE = (1 << 61) - 1
WORD = re.compile(r"\w+")


def shingles(text: str, k: int = 5) -> set[int]:
    """Hashed ``k``-word shingles of the lower-cased text (the whole text when shorter than ``k`` words)."""
    words = WORD.findall(text.lower())
    if len(words) < k:
        grams = [" ".join(words)] if words else []
    else:
        grams = [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little") >> 4 for g in grams}


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class MinHasher:
    num_perm: int = 128
    seed: int = 1

    def __post_init__(self):
        rng = np.random.default_rng(self.seed)
        self._a = rng.integers(1, MERSENNE, self.num_perm, dtype=np.uint64)
        self._b = rng.integers(0, MERSENNE, self.num_perm, dtype=np.uint64)

    def signature(self, shingle_set: set[int]) -> np.ndarray:
        if not shingle_set:
            return np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        x = np.fromiter(shingle_set, dtype=np.uint64)
        # (a * x + b) mod p, computed in Python ints column-wise would be slow; uint64 wraps, then mod p:
        # a universal-enough family for deduplication (collisions only merge candidates, Jaccard verifies).
        values = (np.outer(x, self._a) + self._b) % np.uint64(MERSENNE)
        return values.min(axis=0)


def find_near_duplicates(texts: list[str], threshold: float = 0.8, k: int = 5, num_perm: int = 128,
                         bands: int = 32) -> dict[int, tuple[int, float]]:
    """Map ``index -> (index of the kept document it duplicates, Jaccard)`` for every document to drop."""
    if num_perm % bands:
        raise ValueError(f"num_perm ({num_perm}) must be divisible by bands ({bands})")
    rows = num_perm // bands
    hasher = MinHasher(num_perm)
    sets = [shingles(t, k) for t in texts]
    sigs = [hasher.signature(s) for s in sets]
    buckets: dict[tuple[int, bytes], list[int]] = {}
    for i, sig in enumerate(sigs):
        for band in range(bands):
            buckets.setdefault((band, sig[band * rows : (band + 1) * rows].tobytes()), []).append(i)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        for j in range(1, len(members)):
            for i in members[:j]:
                candidates.add((i, members[j]))
    drop: dict[int, tuple[int, float]] = {}
    for i, j in sorted(candidates):
        if i in drop or j in drop:
            continue
        score = jaccard(sets[i], sets[j])
        if score >= threshold:
            drop[j] = (i, score)
    return drop
