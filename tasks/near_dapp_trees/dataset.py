"""Build the (prompt, tree) split from the near-examples file lists and READMEs.

Input: ``<data>/near-examples/<folder>/{files.txt, meta.json, readmes/}`` (``NEARCODER_DATA_DIR``; folders
``deprecated-near-examples+NAME`` hold the deprecated organisation) and ``<data>/near-dapps/seed-scraped-repos.txt``.

1. **Candidates** (:func:`candidate_pairs`): one per README outside dependency/build folders. The root
   README describes the whole repository; a README in a sub-folder (``contract-rs/README.md``) describes that
   sub-project, whose tree is the sub-folder's content; the review may add a sub-project that has no README
   of its own (its description is the reviewer's). A candidate needs a cleaned tree of at least
   ``MIN_ENTRIES`` entries and a README of at least ``MIN_README_WORDS`` words of prose that mentions NEAR
   (or a tree with sources) and says what the project is, unless the review rewrote its description.
2. **Review** (:mod:`~nearcoder.tasks.near_dapp_trees.review`): dropped candidates leave; rewritten ones
   get the reviewer's description.
3. **Independence** (:mod:`~nearcoder.tasks.near_dapp_trees.selection`): siblings, chapters, nested,
   identical and copied trees out; at most 3 pairs per repository.
4. **Contamination** (:mod:`~nearcoder.tasks.near_dapp_trees.contamination`): by family, not exact name.

``write_jsonl`` writes ``clean.jsonl``, ``contaminated.jsonl`` and ``selection.tsv`` (every candidate and
what became of it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from nearcoder.harness import near_examples
from nearcoder.harness.jsonl import read_jsonl  # noqa: F401  (re-exported for callers)
from nearcoder.harness.trees.clean import DEFAULT_RULES, CleaningRules, clean
from nearcoder.harness.trees.model import Tree, tree_from_paths
from nearcoder.harness.trees.render import render
from nearcoder.tasks.near_dapp_trees.contamination import SeedIndex, overlap_reason, parse_seed_list
from nearcoder.tasks.near_dapp_trees.fingerprint import common_paths, distinctive_paths
from nearcoder.tasks.near_dapp_trees.prompts import (
    describes_project, endpoint_configured, leaked_names, prompt_from_endpoint, prompt_from_readme,
)
from nearcoder.tasks.near_dapp_trees.review import REVIEW_FILE, Review, load_review
from nearcoder.tasks.near_dapp_trees.selection import Exclusion, select_independent

MIN_ENTRIES = 4
MIN_README_WORDS = 12
SEED_REPOS_FILE = "near-dapps/seed-scraped-repos.txt"
EXAMPLES_DIR = "near-examples"


@dataclass
class Pair:
    """One benchmark item: the prompt, the cleaned reference tree, and where it came from."""

    id: str
    repo: str
    subdir: str
    commit: str
    prompt: str
    prompt_source: str
    tree: str
    paths: list[str]
    n_entries: int
    contaminated: bool
    contamination: str
    review: str
    licence_files: list[str]


def seed_index(data_dir: Path) -> SeedIndex:
    """The seed's scrape list, indexed for the contamination rules."""
    path = data_dir / SEED_REPOS_FILE
    return SeedIndex(parse_seed_list(path.read_text(encoding="utf-8").splitlines()))


def _readmes(repo_dir: Path) -> Iterator[tuple[str, Path]]:
    """The mirror's READMEs of a repository, outside folders the cleaning rules drop (node_modules, build …)."""
    for subdir, path in near_examples.readmes(repo_dir):
        if not set(Path(subdir).parts) & DEFAULT_RULES.drop_dirs:
            yield subdir, path


def _prose_words(readme: str) -> int:
    text = re.sub(r"```.*?```", " ", readme, flags=re.S)
    return len(re.findall(r"[A-Za-z]{2,}", text))


def subtree_paths(files: list[str], subdir: str) -> list[str]:
    if not subdir:
        return files
    prefix = subdir.rstrip("/") + "/"
    return [f[len(prefix):] for f in files if f.startswith(prefix)]


def candidate_pairs(data_dir: Path, reviews: dict[str, Review], rules: CleaningRules = DEFAULT_RULES,
                    use_endpoint: bool = False, progress=None) -> list[Pair]:
    """Every candidate pair (step 1 and 2 of the module doc), sorted by id; not yet selected or flagged."""
    pairs = []
    repos = sorted(p for p in (data_dir / EXAMPLES_DIR).iterdir() if near_examples.is_file_list_repo(p))
    for repo_dir in repos:
        meta = near_examples.meta(repo_dir)
        files = near_examples.listed_files(repo_dir)
        licences = sorted(f for f in files if "/" not in f and f.upper().startswith(("LICENSE", "LICENCE", "COPYING")))
        readmes = list(_readmes(repo_dir))
        root_path = next((p for s, p in readmes if not s), None)
        root_readme = root_path.read_text(encoding="utf-8", errors="replace") if root_path else None
        own = {s for s, _ in readmes}
        if root_path:  # sub-projects without a README of their own, described by the reviewer
            readmes += [(pid.split("/", 1)[1], root_path) for pid, r in sorted(reviews.items())
                        if pid.startswith(f"{repo_dir.name}/") and r.decision == "rewritten"
                        and pid.split("/", 1)[1] not in own]
        for subdir, readme_path in readmes:
            pair_id = f"{repo_dir.name}/{subdir}" if subdir else repo_dir.name
            review = reviews.get(pair_id)
            if review and review.decision == "dropped":
                continue
            readme = readme_path.read_text(encoding="utf-8", errors="replace")
            parent = root_readme if subdir else None
            tree = clean(tree_from_paths(subtree_paths(files, subdir), unwrap=False), rules)
            if subdir not in own and len(tree) < MIN_ENTRIES:
                raise ValueError(f"{REVIEW_FILE.name}: [{pair_id!r}] names a folder with under {MIN_ENTRIES} entries")
            if len(tree) < MIN_ENTRIES:
                continue
            if not (review and review.decision == "rewritten") and not _describes(readme, parent, tree):
                continue
            prompt, source = _prompt(pair_id, meta["repository"], readme, parent, tree, review, use_endpoint)
            pairs.append(Pair(
                id=pair_id, repo=meta["repository"], subdir=subdir, commit=meta["commit"], prompt=prompt,
                prompt_source=source, tree=render(tree, "ascii"), paths=canonical_paths(tree), n_entries=len(tree),
                contaminated=False, contamination="", review=review.decision if review else "unreviewed",
                licence_files=licences,
            ))
            if progress:
                progress(pair_id)
    return sorted(pairs, key=lambda p: p.id)


def _describes(readme: str, parent: str | None, tree: Tree) -> bool:
    has_sources = any(p.endswith((".rs", ".ts", ".js", ".py")) for p in tree.file_paths())
    if _prose_words(readme) < MIN_README_WORDS or ("near" not in readme.lower() and not has_sources):
        return False
    return describes_project(readme, tree) or bool(parent and describes_project(parent, tree))


def _prompt(pair_id: str, repository: str, readme: str, parent: str | None, tree: Tree, review: Review | None,
            use_endpoint: bool) -> tuple[str, str]:
    if review and review.decision == "rewritten":
        prompt = prompt_from_readme(readme, tree, description=review.description)
        leaked = leaked_names(prompt, tree)
        if leaked:
            raise ValueError(f"{REVIEW_FILE.name}: [{pair_id!r}] the description names answer entries: {leaked}")
        return prompt, "review"
    if use_endpoint:
        prompt = prompt_from_endpoint(repository, readme, render(tree, "ascii"))
        if not leaked_names(prompt, tree):  # never ship a prompt that names the answer
            return prompt, "endpoint"
    return prompt_from_readme(readme, tree, parent), "rules-v2"


def flag_contamination(pairs: list[Pair], candidates: list[Pair], seed: SeedIndex) -> list[Pair]:
    """``pairs`` with ``contaminated`` / ``contamination`` set by the family rules (name, then overlap with
    any flagged candidate of another repository)."""
    common = common_paths([c.paths for c in candidates])
    flagged_sources = [(c.id, c.repo, distinctive_paths(c.paths, common)) for c in candidates
                       if seed.name_reason(c.repo)]
    out = []
    for pair in pairs:
        reason = seed.name_reason(pair.repo) or overlap_reason(distinctive_paths(pair.paths, common), pair.repo,
                                                               flagged_sources)
        out.append(replace(pair, contaminated=bool(reason), contamination=reason))
    return out


def build_split(data_dir: Path, rules: CleaningRules = DEFAULT_RULES, use_endpoint: bool | None = None,
                reviews: dict[str, Review] | None = None, progress=None) -> tuple[list[Pair], list[Exclusion]]:
    """The split (sorted by id) and what was left out. ``use_endpoint`` None: when the endpoint is set."""
    use_endpoint = endpoint_configured() if use_endpoint is None else use_endpoint
    reviews = load_review() if reviews is None else reviews
    candidates = candidate_pairs(data_dir, reviews, rules, use_endpoint, progress)
    flagged = flag_contamination(candidates, candidates, seed_index(data_dir))
    selected, excluded = select_independent(flagged)
    return list(selected), excluded


def canonical_paths(tree: Tree) -> list[str]:
    """The paths that rebuild ``tree`` exactly: every file, and every empty folder (ending in ``/``)."""
    return [path for path, node in tree.walk() if not node.is_dir or not node.children]


def write_jsonl(pairs: list[Pair], out_dir: Path, excluded: list[Exclusion] | None = None) -> dict[str, Path]:
    """``clean.jsonl`` (no family member seen by the seed), ``contaminated.jsonl`` and, with ``excluded``,
    ``selection.tsv`` (every candidate: the split it went to, or the rule that left it out) in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    if excluded is not None:
        rows = [(p.id, "contaminated" if p.contaminated else "clean", p.contamination or "-") for p in pairs]
        rows += [(e.id, f"excluded:{e.rule}", e.reason) for e in excluded]
        path = out_dir / "selection.tsv"
        path.write_text("id\toutcome\treason\n" + "".join("\t".join(r) + "\n" for r in sorted(rows)),
                        encoding="utf-8")
        written["selection"] = path
    for split, keep in (("clean", False), ("contaminated", True)):
        path = out_dir / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for pair in pairs:
                if pair.contaminated == keep:
                    handle.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")
        written[split] = path
    return written


