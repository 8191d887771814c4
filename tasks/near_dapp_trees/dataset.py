"""Build (prompt, tree) pairs from the near-examples file lists and READMEs.

Input: ``<data>/near-examples/<repo>/{files.txt, meta.json, readmes/}`` (``NEARCODER_DATA_DIR``) and
``<data>/near-dapps/seed-scraped-repos.txt``. One pair per README: the repository root's README describes
the whole repository; a README in a sub-folder (``contract-rs/README.md``) describes that sub-project, whose
tree is the sub-folder's content. A pair is kept when its cleaned tree has at least ``MIN_ENTRIES`` entries
and its README has at least ``MIN_README_WORDS`` words of prose, mentions NEAR or the tree has contract
sources, and says what the project is (a sub-project may borrow that from the repository's root README). ``contaminated`` marks pairs whose repository (``near-examples_<repo>``) the seed trained on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from nearcoder.harness.trees.clean import DEFAULT_RULES, CleaningRules, clean
from nearcoder.harness.trees.model import Tree, tree_from_paths
from nearcoder.tasks.near_dapp_trees.prompts import (
    describes_project, endpoint_configured, leaked_names, prompt_from_endpoint, prompt_from_readme,
)
from nearcoder.harness.trees.render import render

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
    licence_files: list[str]


def seed_repos(data_dir: Path) -> set[str]:
    """The ``owner_repo`` names the seed trained on (lower-cased)."""
    path = data_dir / SEED_REPOS_FILE
    return {line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


def _readmes(repo_dir: Path) -> Iterator[tuple[str, Path]]:
    base = repo_dir / "readmes"
    if not base.is_dir():
        return
    for path in sorted(base.rglob("*")):
        if path.is_file() and path.name.lower() in ("readme.md", "readme", "readme.txt"):
            yield path.parent.relative_to(base).as_posix().strip("."), path


def _prose_words(readme: str) -> int:
    text = re.sub(r"```.*?```", " ", readme, flags=re.S)
    return len(re.findall(r"[A-Za-z]{2,}", text))


def subtree_paths(files: list[str], subdir: str) -> list[str]:
    if not subdir:
        return files
    prefix = subdir.rstrip("/") + "/"
    return [f[len(prefix):] for f in files if f.startswith(prefix)]


def build_pairs(data_dir: Path, rules: CleaningRules = DEFAULT_RULES, use_endpoint: bool | None = None,
                progress=None) -> list[Pair]:
    """Every pair, sorted by id. ``use_endpoint`` None means: when ``NEARCODER_PROMPT_ENDPOINT`` is set."""
    use_endpoint = endpoint_configured() if use_endpoint is None else use_endpoint
    seen = seed_repos(data_dir)
    pairs = []
    repos = sorted(p for p in (data_dir / EXAMPLES_DIR).iterdir() if (p / "files.txt").is_file())
    for repo_dir in repos:
        meta = json.loads((repo_dir / "meta.json").read_text(encoding="utf-8"))
        files = [line.strip() for line in (repo_dir / "files.txt").read_text(encoding="utf-8").splitlines()
                 if line.strip()]
        licences = sorted(f for f in files if "/" not in f and f.upper().startswith(("LICENSE", "LICENCE", "COPYING")))
        owner_repo = meta["repository"].replace("/", "_").lower()
        readmes = list(_readmes(repo_dir))
        root_readme = next((p.read_text(encoding="utf-8", errors="replace") for s, p in readmes if not s), None)
        for subdir, readme_path in readmes:
            readme = readme_path.read_text(encoding="utf-8", errors="replace")
            parent = root_readme if subdir else None
            tree = clean(tree_from_paths(subtree_paths(files, subdir), unwrap=False), rules)
            has_contract = any(p.endswith((".rs", ".ts", ".js", ".py")) for p in tree.file_paths())
            if len(tree) < MIN_ENTRIES or _prose_words(readme) < MIN_README_WORDS:
                continue
            if "near" not in readme.lower() and not has_contract:
                continue
            if not describes_project(readme, tree) and not (parent and describes_project(parent, tree)):
                continue  # nothing to build a prompt from
            pair_id = f"{repo_dir.name}/{subdir}" if subdir else repo_dir.name
            source = "rules-v1"
            if use_endpoint:
                prompt = prompt_from_endpoint(meta["repository"], readme, render(tree, "ascii"))
                source = "endpoint"
                if leaked_names(prompt, tree):  # never ship a prompt that names the answer
                    prompt, source = prompt_from_readme(readme, tree, parent), "rules-v1"
            else:
                prompt = prompt_from_readme(readme, tree, parent)
            pairs.append(Pair(
                id=pair_id, repo=meta["repository"], subdir=subdir, commit=meta["commit"], prompt=prompt,
                prompt_source=source, tree=render(tree, "ascii"), paths=canonical_paths(tree), n_entries=len(tree),
                contaminated=owner_repo in seen, licence_files=licences,
            ))
            if progress:
                progress(pair_id)
    return sorted(pairs, key=lambda p: p.id)


def canonical_paths(tree: Tree) -> list[str]:
    """The paths that rebuild ``tree`` exactly: every file, and every empty folder (ending in ``/``)."""
    return [path for path, node in tree.walk() if not node.is_dir or not node.children]


def write_jsonl(pairs: list[Pair], out_dir: Path) -> dict[str, Path]:
    """``clean.jsonl`` (never seen by the seed) and ``contaminated.jsonl`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for split, keep in (("clean", False), ("contaminated", True)):
        path = out_dir / f"{split}.jsonl"
        with path.open("w", encoding="utf-8") as handle:
            for pair in pairs:
                if pair.contaminated == keep:
                    handle.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")
        written[split] = path
    return written


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
