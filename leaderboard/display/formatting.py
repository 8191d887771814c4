"""Cell formatting and escaping. Anything user-controlled that reaches HTML/Markdown goes through here."""

from __future__ import annotations

import html
import re

import numpy as np

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape_html(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def escape_markdown(text: object) -> str:
    """Escape text for a Markdown component: HTML entities first, then Markdown punctuation."""
    return _MD_SPECIAL.sub(r"\\\1", escape_html(text))


def with_intervals(df, score_cols: list[str], halfwidth_col, digits: int = 3):
    """Score columns as text ``value ± half-width`` (the 95 % interval), their half-width columns dropped.

    Sorting happens before this, on the numbers."""
    out = df.copy()
    for col in score_cols:
        if col not in out:
            continue
        values = out[col].to_numpy(dtype=float)
        half = out.get(halfwidth_col(col))
        halves = np.full(values.shape, np.nan) if half is None else half.to_numpy(dtype=float)
        out[col] = ["" if v != v else f"{v:.{digits}f}" if h != h else f"{v:.{digits}f} ± {h:.{digits}f}"
                    for v, h in zip(values, halves)]  # x != x: NaN
    return out.drop(columns=[c for c in out.columns if c.endswith(" ±")])


ROW_STYLES = {  # source column value -> CSS of the whole row
    "baseline (floor)": "background-color: #eceff1; color: #546e7a; font-style: italic;",
    "reported by the seed, not reproduced": "color: #8a6d3b;",
}


def styled_table(df, source_col: str) -> dict:
    """Gradio Dataframe value with baseline and seed rows styled apart (``{"data", "headers", "metadata"}``,
    the form Gradio builds from a pandas Styler, built directly: the Styler route costs ~10x the render).

    Numbers become text here (integers for band and parameters, 4 significant digits otherwise)."""
    cols = list(df.columns)
    texts = {}
    for col in cols:
        values = df[col].tolist()
        if df[col].dtype.kind == "f":
            fmt = "{:.0f}" if col in ("band", "parameters") else "{:.4g}"
            values = ["" if v != v else fmt.format(v) for v in values]  # v != v: NaN
        texts[col] = values
    data = [list(row) for row in zip(*(texts[c] for c in cols))] if cols else []
    sources = df[source_col].tolist() if source_col in df else [""] * len(df)
    styling = [[ROW_STYLES.get(src, "")] * len(cols) for src in sources]
    display = [["" if v is None else str(v) for v in row] for row in data]
    return {"data": data, "headers": cols, "metadata": {"display_value": display, "styling": styling}}


CSS = """
#leaderboard-table table { font-size: 0.85rem; }
.sample-text textarea { font-family: ui-monospace, monospace; font-size: 0.8rem; }
.seed-note { color: #8a6d3b; }
"""
