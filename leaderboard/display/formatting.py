"""Cell formatting and escaping. Anything user-controlled that reaches HTML/Markdown goes through here."""

from __future__ import annotations

import html
import re

import pandas as pd

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_html(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def escape_markdown(text: object) -> str:
    """Escape text for a Markdown component: HTML entities first, then Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", escape_html(text))


def fmt_score(value: float | None, stderr: float | None = None, digits: int = 4) -> str:
    if value is None:
        return ""
    text = f"{value:.{digits}f}"
    if stderr is not None:
        text += f" ± {stderr:.{digits}f}"
    return text


def with_intervals(df, score_cols: list[str], halfwidth_col, digits: int = 3):
    """Score columns as text ``value ± half-width`` (the 95 % interval), their half-width columns dropped.

    Sorting happens before this, on the numbers."""
    out = df.copy()
    for col in score_cols:
        if col not in out:
            continue
        half = out.get(halfwidth_col(col))
        texts = []
        for i, value in enumerate(out[col]):
            h = None if half is None else half.iloc[i]
            if pd.isna(value):
                texts.append("")
            elif h is None or pd.isna(h):
                texts.append(f"{value:.{digits}f}")
            else:
                texts.append(f"{value:.{digits}f} ± {h:.{digits}f}")
        out[col] = texts
    return out.drop(columns=[c for c in out.columns if c.endswith(" ±")])


ROW_STYLES = {  # source column value -> CSS of the whole row
    "baseline (floor)": "background-color: #eceff1; color: #546e7a; font-style: italic;",
    "reported by the seed, not reproduced": "color: #8a6d3b;",
}


def style_reference_rows(df, source_col: str):
    """A pandas Styler that sets baseline and seed rows apart from measured ones."""
    def row_style(row):
        css = ROW_STYLES.get(row[source_col], "") if source_col in row else ""
        return [css] * len(row)

    integers = [c for c in df.columns if c in ("band", "parameters")]
    return (df.style.apply(row_style, axis=1).format(precision=4, na_rep="")
            .format("{:.0f}", subset=integers, na_rep=""))


def fmt_params(parameters: int | None) -> str:
    if not parameters:
        return "?"
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if parameters >= scale:
            return f"{parameters / scale:.3g}{unit}"
    return str(parameters)


CSS = """
#leaderboard-table table { font-size: 0.85rem; }
.sample-text textarea { font-family: ui-monospace, monospace; font-size: 0.8rem; }
.seed-note { color: #8a6d3b; }
"""
