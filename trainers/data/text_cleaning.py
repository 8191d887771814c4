"""Cleaning rules for documentation pages before continued pre-training.

Docs arrive as Markdown, MDX (Docusaurus) or plain text exports. The rules keep prose and code blocks and
drop what a model should not learn to write: front matter, MDX imports/exports, JSX wrappers, HTML tags,
image links, badge lines and runs of blank lines. Link text stays, link targets go.
"""

from __future__ import annotations

import re

FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
MDX_IMPORT = re.compile(r"^(import|export)\s.+?(from\s+['\"].+?['\"])?;?\s*$", re.MULTILINE)
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*?)?/?>")
HEADING_ANCHOR = re.compile(r"\s*\{#[^}]+\}\s*$", re.MULTILINE)
BADGE_LINE = re.compile(r"^\s*(\[!\[.*|<img\s.*|<a\s.*<img.*)$", re.MULTILINE)
BLANK_RUNS = re.compile(r"\n{3,}")
CODE_FENCE = re.compile(r"(```.*?```)", re.DOTALL)


def clean_markdown(text: str) -> str:
    """Markdown/MDX/plain text → clean text; fenced code blocks are kept byte for byte."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = FRONT_MATTER.sub("", text)
    parts = CODE_FENCE.split(text)
    for i in range(0, len(parts), 2):  # even indices are outside code fences
        part = parts[i]
        part = MDX_IMPORT.sub("", part)
        part = BADGE_LINE.sub("", part)
        part = IMAGE.sub("", part)
        part = LINK.sub(r"\1", part)
        part = HTML_TAG.sub("", part)
        part = HEADING_ANCHOR.sub("", part)
        part = "\n".join(line.rstrip() for line in part.split("\n"))
        parts[i] = part
    text = "".join(parts)
    return BLANK_RUNS.sub("\n\n", text).strip() + "\n"


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))
