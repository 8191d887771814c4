"""``nearcoder data trees``: a folder of repositories → (repo name, tree, README) records for stage 2.

A repository is any direct sub-folder of the input that is either

- a file list: ``files.txt`` (one path per line, ``git ls-tree`` style) with its README files under
  ``readmes/`` at the same relative paths (the layout of ``../shared/data/near-examples/<repo>/``), or
- a working tree: its files from ``git ls-files`` when it is a git checkout, else from walking it.

Repositories that a benchmark holds out (its card's ``[decontamination] repositories``: the ``repo`` field of
``tasks/near_dapp_trees/data/*.jsonl``) are skipped unless ``include_eval_repos`` is set, and then the card
says the dataset is contaminated: training stage 2 on them would teach the benchmark's answers.

Trees are built, cleaned and rendered with :mod:`nearcoder.harness.trees` (the same model the
``near_dapp_trees`` benchmark scores with), so training targets look exactly like what the task expects.
"""

from __future__ import annotations

import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from nearcoder.harness import near_examples
from nearcoder.trainers.data.dataset_io import DatasetCard, Table, write_dataset
from nearcoder.trainers.data.walk import walk_files



@dataclass
class TreeOptions:
    style: str = "ascii"
    min_files: int = 3
    max_entries: int = 400
    max_readme_chars: int = 8000
    include_eval_repos: bool = False


def eval_repo_names(tasks: Path | None = None) -> set[str]:
    """Lower-cased names (``owner/repo``, ``repo`` and the mirror folder) of the repositories the task cards hold
    out (``[decontamination] repositories``: today near_dapp_trees' references and every mirror folder it drew a
    candidate pair from, so a copy of an eval tree left out of the split is held out too)."""
    from nearcoder.harness.cards import load_cards
    from nearcoder.harness.jsonl import iter_jsonl

    names: set[str] = set()
    for card in load_cards(tasks):
        decon = card.decontamination
        if not decon or not decon.repository_field:
            continue
        for path in sorted({p for g in decon.repository_files for p in card.folder.glob(g)}):
            for row in iter_jsonl(path):
                repo = row.get(decon.repository_field, "")
                if repo:
                    names |= {repo.lower(), repo.rsplit("/", 1)[-1].lower()}
        for path in sorted({p for g in decon.repository_folders for p in card.folder.glob(g)}):
            lines = path.read_text(encoding="utf-8").splitlines()[1:]
            names |= {line.split("\t", 1)[0].split("/", 1)[0].lower() for line in lines if line.strip()}
    return names


def contamination_notes(repos: list[str]) -> list[str]:
    """Card notes for datasets derived from trees: which records come from near_dapp_trees eval repositories."""
    held_out = eval_repo_names()
    hit = sorted({r for r in repos if r.lower() in held_out})
    if not hit:
        return ["No repository of the near_dapp_trees eval set is included."]
    return [(f"CONTAMINATED: includes {len(hit)} repositories near_dapp_trees evaluates on ({', '.join(hit)}); "
             "do not score near_dapp_trees with models trained on it.")]


def repo_paths(repo: Path) -> tuple[list[str], str]:
    """File paths of one repository and where they came from (``files.txt``, ``git`` or ``walk``)."""
    if near_examples.is_file_list_repo(repo):
        return near_examples.listed_files(repo), near_examples.FILE_LIST
    if (repo / ".git").exists():
        out = subprocess.run(["git", "-C", str(repo), "ls-files"], capture_output=True, text=True, timeout=60,
                             check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.split("\n")[:-1] if out.stdout.endswith("\n") else out.stdout.split("\n"), "git"
    paths = [str(p.relative_to(repo)) for p in walk_files(repo)]
    return paths, "walk"


def repo_readme(repo: Path) -> str:
    """The top-level README (from ``readmes/`` for file-list repositories), or "" when there is none."""
    return near_examples.top_readme(repo)


def find_repos(root: Path) -> list[Path]:
    if not root.is_dir():
        raise FileNotFoundError(f"trees input {root} is not a directory of repositories")
    if near_examples.is_file_list_repo(root) or (root / ".git").exists():
        return [root]
    return [p for p in sorted(root.iterdir()) if p.is_dir() and not p.name.startswith(".")]


def tree_record(repo: Path, options: TreeOptions) -> tuple[dict | None, str]:
    """One record, or (None, reason) when the repository is skipped."""
    from nearcoder.harness.trees import clean, render, tree_from_paths

    paths, origin = repo_paths(repo)
    tree = clean(tree_from_paths(paths))
    files = sum(1 for _, node in tree.walk() if not node.is_dir)
    if files < options.min_files:
        return None, f"fewer than {options.min_files} files after cleaning"
    if len(tree) > options.max_entries:
        return None, f"more than {options.max_entries} entries"
    readme = repo_readme(repo)
    if not readme.strip():
        return None, "no README"
    return {"repo": repo.name, "tree": render(tree, options.style, root=repo.name),
            "readme": readme[: options.max_readme_chars], "files": files, "entries": len(tree),
            "origin": origin}, ""


def build_trees(inputs: list[str | Path], out: str | Path, options: TreeOptions | None = None,
                fmt: str = "jsonl", progress=None) -> tuple[Path, dict]:
    options = options or TreeOptions()
    repos = [r for root in inputs for r in find_repos(Path(root))]
    if not repos:
        raise ValueError(f"no repositories under {', '.join(map(str, inputs))}")
    records, skipped, held_out = [], [], eval_repo_names()
    for repo in repos:
        if repo.name.lower() in held_out and not options.include_eval_repos:
            skipped.append([repo.name, "held out by near_dapp_trees (eval set)"])
            continue
        record, reason = tree_record(repo, options)
        if record:
            records.append(record)
        else:
            skipped.append([repo.name, reason])
        if progress:
            progress(1)
    if not records:
        reasons: dict[str, int] = {}
        for _, reason in skipped:
            reasons[reason] = reasons.get(reason, 0) + 1
        hint = " (pass --include-eval-repos only for smoke tests)" if any("eval set" in r for r in reasons) else ""
        summary = "; ".join(f"{n} {r}" for r, n in reasons.items())
        raise ValueError(f"no repository kept out of {len(repos)}: {summary}{hint}")
    contaminated = sorted(r["repo"] for r in records if r["repo"].lower() in held_out)
    card = DatasetCard(
        name="NEAR dApp trees",
        description="Directory trees of NEAR dApp repositories with their README, the material of stage 2 "
                    "(prompts are written from the README, the tree is the preferred answer).",
        builder="trees",
        columns={"repo": "repository name", "tree": f"cleaned directory tree, `{options.style}` style, "
                 "rooted at the repository name", "readme": "top-level README text",
                 "files": "files in the cleaned tree", "entries": "files and directories",
                 "origin": "files.txt | git | walk"},
        sources=[str(p) for p in inputs],
        tables=[Table("Repositories", ["read", "kept", "skipped"], [[len(repos), len(records), len(skipped)]])]
        + ([Table("Skipped", ["repo", "reason"], skipped)] if skipped else []),
        notes=contamination_notes([r["repo"] for r in records]),
    )
    path = write_dataset(out, records, card, {"inputs": [str(p) for p in inputs], **asdict(options)}, fmt)
    return path, {"repos": len(repos), "records": len(records), "skipped": skipped, "contaminated": contaminated}
