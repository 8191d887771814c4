"""``nearcoder data prompts``: (tree, README) records → user prompts asking for the project's structure.

Two writers, one output shape:

- **extractive** (default, offline, deterministic): reads the README's title, first description paragraph
  and feature bullets, infers languages and frameworks from README words and file extensions, and fills
  the seed's example prompt ("Create a project structure for a NEAR DApp based on the following
  requirements: 1. … 6. …"). It never names files or folders of the tree.
- **endpoint**: any OpenAI-compatible ``/chat/completions`` service, with the seed's two-step template
  ("Step 1: extract … Step 2: write a perfect user prompt …", see the deck). Configure it with
  ``NEARCODER_PROMPTS_BASE_URL`` (e.g. ``https://api.openai.com/v1``), ``NEARCODER_PROMPTS_API_KEY`` and
  ``NEARCODER_PROMPTS_MODEL`` (the seed used ``gpt-4o``).
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from nearcoder.trainers.data.dataset_io import DatasetCard, Table, read_records, write_dataset

BASE_URL_ENV = "NEARCODER_PROMPTS_BASE_URL"
API_KEY_ENV = "NEARCODER_PROMPTS_API_KEY"
MODEL_ENV = "NEARCODER_PROMPTS_MODEL"

# The seed's example user prompt (deck, "Code example using OpenAI API").
SEED_EXAMPLE = """Create a project structure for a NEAR DApp based on the following requirements:

1. The project should be related to the Nearuko NFT, which can be converted into a character in the Etheruko game.
2. Use necessary files typically required for a NEAR Protocol mainnet DApp.
3. Include all relevant dependencies and packages for an NFT project on the NEAR Protocol.
4. The main coding language should be TypeScript.
5. Ensure the project includes configurations, tests, and NEAR-compatible contract files.
6. Capture any common NEAR DApp structure conventions while setting up the project.

Provide a well-organized directory structure and file list based on these requirements."""


def seed_template(repo: str, tree: str, readme: str, example: str = SEED_EXAMPLE) -> str:
    """The seed's two-step instruction sent to the chat model (wording kept, typo fixed)."""
    return (
        f"You are provided with a GitHub repository called\n{repo}\n\n. This repository has the following "
        f"directory structure\n{tree}\n\nThe README file contains the following information\n{readme}\n\n"
        "Step 1: Extract all the relevant information from the README file needed to predict the corresponding "
        "tree for a NEAR DApp, such as necessary files, dependencies, packages, and any particular coding "
        "languages or frameworks that should be used. Step 2: Write a perfect user prompt asking a coding "
        "assistant to create a project structure based only on the extracted information from the README file. "
        "Only return the user prompt from Step 2. Do not return any information about the tree or file names. "
        f"Here is an example\n{example}\n\n"
    )


# ---------------------------------------------------------------- extractive writer

LANG_BY_EXT = {".rs": "Rust", ".ts": "TypeScript", ".tsx": "TypeScript", ".js": "JavaScript", ".jsx": "JavaScript",
               ".py": "Python", ".go": "Go", ".sol": "Solidity"}
FRAMEWORKS = [  # (pattern in README or tree, name)
    (r"near-sdk-rs|near_sdk|near-sdk = ", "near-sdk-rs"), (r"near-sdk-js|near-sdk-js", "near-sdk-js"),
    (r"near-api-js", "near-api-js"), (r"near-workspaces|workspaces", "near-workspaces for integration tests"),
    (r"wallet[- ]selector", "NEAR Wallet Selector"), (r"\breact\b", "React"), (r"next\.?js|next\.config", "Next.js"),
    (r"\bvite\b", "Vite"), (r"assemblyscript|asconfig", "AssemblyScript"), (r"\bjest\b", "Jest"),
    (r"\bava\b", "AVA"), (r"cargo-near|cargo near", "cargo-near"), (r"near-cli", "NEAR CLI"),
    (r"\bnep-?141\b|(?<!non-)(?<!non )\bfungible token", "the NEP-141 fungible token standard"),
    (r"\bnep-?171\b|non[- ]fungible|\bnft\b", "the NEP-171 NFT standard"),
]
BADGE = re.compile(r"!\[|<img|<a |\[!\[|^\s*\[.*\]:\s", re.I)
HEADING = re.compile(r"^#{1,6}\s+(.*)$")
BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")


def _plain(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<[^>]+>|`|\*\*|__", "", text)
    return re.sub(r"\s+", " ", text).strip()


def readme_facts(readme: str, repo: str) -> dict:
    """Title, summary sentence and feature bullets of a README (code blocks and badges skipped)."""
    title, summary, features, in_code = "", "", [], False
    for line in readme.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_code = not in_code
            continue
        if in_code or BADGE.search(line):
            continue
        if m := HEADING.match(line):
            title = title or _plain(m.group(1))
        elif m := BULLET.match(line):
            item = _plain(m.group(1))
            if 3 <= len(item.split()) <= 30 and len(features) < 4 and not re.search(r"\bhttps?://|\$ |npm |cargo ", item):
                features.append(item.rstrip("."))
        elif not summary and len(_plain(line).split()) >= 5:
            summary = _plain(line)
    sentence = re.split(r"(?<=[.!?])\s", summary, maxsplit=1)[0] if summary else ""
    return {"title": title or repo, "summary": sentence.rstrip("."), "features": features}


def languages(tree: str) -> list[str]:
    counts: dict[str, int] = {}
    for ext in re.findall(r"(\.[A-Za-z]+)(?:\s|$)", tree):
        if lang := LANG_BY_EXT.get(ext.lower()):
            counts[lang] = counts.get(lang, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


def extractive_prompt(repo: str, tree: str, readme: str) -> str:
    """A deterministic user prompt in the seed example's shape, from README facts only (no file names)."""
    facts = readme_facts(readme, repo)
    haystack = (readme + "\n" + tree).lower()
    frameworks = [name for pattern, name in FRAMEWORKS if re.search(pattern, haystack)]
    langs = languages(tree)
    topic = facts["title"]
    if facts["summary"]:
        topic = f"{topic}: {facts['summary'][0].lower()}{facts['summary'][1:]}"
    lines = [f"The project should be related to {topic}."]
    lines += [f"It should support: {f[0].lower()}{f[1:]}." for f in facts["features"][:2]]
    lines.append("Use necessary files typically required for a NEAR Protocol DApp.")
    if frameworks:
        lines.append(f"Include all relevant dependencies and packages, such as {', '.join(frameworks[:5])}.")
    if langs:
        main = f"The main coding language should be {langs[0]}"
        lines.append(main + (f", with {' and '.join(langs[1:3])} where needed." if len(langs) > 1 else "."))
    lines.append("Ensure the project includes configurations, tests, and NEAR-compatible contract files.")
    lines.append("Capture any common NEAR DApp structure conventions while setting up the project.")
    numbered = "\n".join(f"{i}. {line}" for i, line in enumerate(lines, 1))
    return ("Create a project structure for a NEAR DApp based on the following requirements:\n\n"
            f"{numbered}\n\nProvide a well-organized directory structure and file list based on these requirements.")


# ---------------------------------------------------------------- endpoint writer


@dataclass
class ChatEndpoint:
    """An OpenAI-compatible chat-completions service."""

    base_url: str
    model: str
    api_key: str = ""
    max_tokens: int = 500
    timeout: float = 60.0
    retries: int = 3

    @classmethod
    def from_env(cls) -> "ChatEndpoint | None":
        base = os.environ.get(BASE_URL_ENV, "").strip()
        if not base:
            return None
        model = os.environ.get(MODEL_ENV, "").strip()
        if not model:
            raise ValueError(f"{BASE_URL_ENV} is set but {MODEL_ENV} is not; name the chat model (e.g. gpt-4o)")
        return cls(base.rstrip("/"), model, os.environ.get(API_KEY_ENV, ""))

    def complete(self, user: str) -> str:
        body = json.dumps({"model": self.model, "max_tokens": self.max_tokens, "messages": [
            {"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": user}]})
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: Exception | None = None
        for attempt in range(self.retries):
            request = urllib.request.Request(f"{self.base_url}/chat/completions", body.encode(), headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    payload = json.loads(response.read())
                content = payload["choices"][0]["message"]["content"]
                if not isinstance(content, str) or not content.strip():
                    raise ValueError("empty completion")
                return content.strip()
            except urllib.error.HTTPError as exc:
                last = exc
                if exc.code < 500 and exc.code != 429:  # client errors do not get better by retrying
                    break
            except (urllib.error.URLError, TimeoutError, KeyError, IndexError, ValueError) as exc:
                last = exc
            time.sleep(min(8.0, 0.5 * 2**attempt))
        raise RuntimeError(f"chat endpoint {self.base_url} failed after retries: {last}")


def build_prompts(trees_path: str | Path, out: str | Path, endpoint: ChatEndpoint | None = None,
                  max_readme_chars: int = 6000, fmt: str = "jsonl", progress=None) -> tuple[Path, dict]:
    """Add a ``prompt`` to every trees record; ``endpoint`` None → the extractive writer."""
    rows = read_records(trees_path)
    missing = [i for i, r in enumerate(rows) if not {"repo", "tree", "readme"} <= r.keys()]
    if missing:
        raise ValueError(f"{trees_path}: records {missing[:5]} lack repo/tree/readme; build them with `nearcoder data trees`")
    records, failures = [], []
    for row in rows:
        try:
            if endpoint:
                prompt = endpoint.complete(seed_template(row["repo"], row["tree"], row["readme"][:max_readme_chars]))
                writer = f"endpoint:{endpoint.model}"
            else:
                prompt, writer = extractive_prompt(row["repo"], row["tree"], row["readme"]), "extractive"
        except RuntimeError as exc:
            failures.append([row["repo"], str(exc)[:120]])
            continue
        records.append({"repo": row["repo"], "prompt": prompt, "tree": row["tree"], "prompt_writer": writer})
        if progress:
            progress(1)
    card = DatasetCard(
        name="NEAR dApp prompts",
        description="User prompts asking for a NEAR dApp's project structure, each paired with the repository's "
                    "real tree (the preferred answer in stage 2).",
        builder="prompts",
        columns={"repo": "repository name", "prompt": "user prompt", "tree": "the real tree",
                 "prompt_writer": "`extractive` or `endpoint:<model>`"},
        sources=[str(trees_path)],
        tables=[Table("Prompts", ["records in", "prompts written", "endpoint failures"],
                      [[len(rows), len(records), len(failures)]])]
        + ([Table("Failures", ["repo", "error"], failures)] if failures else []),
        notes=["Endpoint prompts use the seed's two-step template (extract, then write a user prompt)."]
        if endpoint else ["Extractive prompts: README title, summary and bullets in the seed example's shape."],
    )
    args = {"trees": str(trees_path), "writer": f"endpoint:{endpoint.model}" if endpoint else "extractive",
            "base_url": endpoint.base_url if endpoint else None, "max_readme_chars": max_readme_chars}
    return write_dataset(out, records, card, args, fmt), {"records": len(records), "failures": failures}
