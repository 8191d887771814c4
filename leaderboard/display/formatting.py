"""Cell formatting and escaping. Anything user-controlled that reaches HTML/Markdown goes through here."""

from __future__ import annotations

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_html(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def escape_markdown(text: object) -> str:
    """Escape text for a Markdown component: HTML entities first, then Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", escape_html(text))


CSS = """
#leaderboard-table table { font-size: 0.85rem; }
.sample-text textarea { font-family: ui-monospace, monospace; font-size: 0.8rem; }
.seed-note { color: #8a6d3b; }
"""
