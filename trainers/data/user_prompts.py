"""``nearcoder data prompts``: (tree, README) records → user prompts asking for the project's structure.

The prompt writers are the benchmark's own (:mod:`nearcoder.tasks.near_dapp_trees.prompts`), so training prompts and
``near_dapp_trees`` prompts read alike:

- **extractive** (default, offline, deterministic): ``prompt_from_readme`` fills the seed's example prompt
  ("Create a project structure for a NEAR DApp based on the following requirements: 1. …") from the README's
  title, purpose, languages, frameworks and features, never naming the tree's files;
- **endpoint**: ``prompt_from_endpoint`` sends the seed's two-step template ("Step 1: extract … Step 2: write a
  perfect user prompt …") to an OpenAI-compatible ``/chat/completions`` service configured by
  ``NEARCODER_PROMPT_ENDPOINT`` (e.g. ``https://api.openai.com/v1``), ``NEARCODER_PROMPT_MODEL`` (the seed
  used ``gpt-4o``) and ``NEARCODER_PROMPT_API_KEY``. Here it is retried with back-off on network errors,
  HTTP 429 and 5xx; a record that still fails is reported in the card, not silently dropped.

Every prompt is checked with ``leaked_names``: the ``leaked`` column lists tree names a prompt gives away.
"""

from __future__ import annotations

import time
import urllib.error
from pathlib import Path

from nearcoder.trainers.data.dataset_io import DatasetCard, Table, read_records, write_dataset
from nearcoder.trainers.data.repo_trees import contamination_notes


def endpoint_prompt(repo: str, readme: str, tree_text: str, retries: int = 3, timeout: float = 60.0) -> str:
    """The endpoint's prompt for one repository, retried on transient failures."""
    from nearcoder.tasks.near_dapp_trees.prompts import prompt_from_endpoint

    last: Exception | None = None
    for attempt in range(retries):
        try:
            prompt = prompt_from_endpoint(repo, readme, tree_text, timeout=timeout)
            if prompt:
                return prompt
            last = ValueError("empty completion")
        except urllib.error.HTTPError as exc:
            last = exc
            if exc.code < 500 and exc.code != 429:  # a client error does not get better by retrying
                break
        except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
            last = exc
        if attempt + 1 < retries:
            time.sleep(min(8.0, 0.5 * 2**attempt))
    raise RuntimeError(f"chat endpoint failed: {last}")


def build_prompts(trees_path: str | Path, out: str | Path, use_endpoint: bool = False, retries: int = 3,
                  fmt: str = "jsonl", progress=None) -> tuple[Path, dict]:
    """Add a ``prompt`` to every trees record (extractive unless ``use_endpoint``)."""
    from nearcoder.harness.trees.parse import parse_tree
    from nearcoder.tasks.near_dapp_trees.prompts import (
        ENDPOINT_ENV,
        MODEL_ENV,
        endpoint_configured,
        leaked_names,
        prompt_from_readme,
    )

    if use_endpoint and not endpoint_configured():
        raise ValueError(f"--endpoint needs {ENDPOINT_ENV} (and {MODEL_ENV}) set")
    rows = read_records(trees_path)
    missing = [i for i, r in enumerate(rows) if not {"repo", "tree", "readme"} <= r.keys()]
    if missing:
        raise ValueError(f"{trees_path}: records {missing[:5]} lack repo/tree/readme; "
                         "build them with `nearcoder data trees`")
    writer = "extractive"
    if use_endpoint:
        from nearcoder.harness.settings import prompt_model

        writer = f"endpoint:{prompt_model()}"
    records, failures, leaks = [], [], 0
    for row in rows:
        tree = parse_tree(row["tree"])
        try:
            if use_endpoint:
                prompt = endpoint_prompt(row["repo"], row["readme"], row["tree"], retries)
            else:
                prompt = prompt_from_readme(row["readme"], tree)
        except RuntimeError as exc:
            failures.append([row["repo"], str(exc)[:160]])
            continue
        leaked = leaked_names(prompt, tree)
        leaks += bool(leaked)
        records.append({"repo": row["repo"], "prompt": prompt, "tree": row["tree"], "prompt_writer": writer,
                        "leaked": leaked})
        if progress:
            progress(1)
    card = DatasetCard(
        name="NEAR dApp prompts",
        description="User prompts asking for a NEAR dApp's project structure, each paired with the repository's "
                    "real tree (the preferred answer in stage 2).",
        builder="prompts",
        columns={"repo": "repository name", "prompt": "user prompt", "tree": "the real tree",
                 "prompt_writer": "`extractive` or `endpoint:<model>`",
                 "leaked": "tree file/folder names the prompt gives away (should be empty)"},
        sources=[str(trees_path)],
        tables=[Table("Prompts", ["records in", "prompts written", "prompts that leak names", "endpoint failures"],
                      [[len(rows), len(records), leaks, len(failures)]])]
        + ([Table("Failures", ["repo", "error"], failures)] if failures else []),
        notes=["Writers: nearcoder.tasks.near_dapp_trees.prompts (shared with the near_dapp_trees benchmark)."]
        + contamination_notes([r["repo"] for r in records]),
    )
    args = {"trees": str(trees_path), "writer": writer, "retries": retries}
    return write_dataset(out, records, card, args, fmt), {"records": len(records), "failures": failures,
                                                          "leaks": leaks}
