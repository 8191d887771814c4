"""Matplotlib figures for the plots tab. Each takes DataFrames from ``populate`` and returns a Figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from nearcoder.leaderboard.about import SEED_NOTE  # noqa: E402
from nearcoder.leaderboard.display.columns import BENCHMARK_COLS, COLUMNS  # noqa: E402

C = COLUMNS


def _empty(ax, text: str):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="gray")
    ax.set_xticks([])
    ax.set_yticks([])


def score_vs_parameters(table: pd.DataFrame, column: str) -> plt.Figure:
    """Scatter of one column against parameter count (log scale); seed reference rows drawn hollow."""
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=90)
    df = table[[C.model.name, C.parameters.name, C.source.name, column]].dropna()
    df = df[df[C.parameters.name] > 0]
    if df.empty:
        _empty(ax, f"no model has both a parameter count and {column}")
        return fig
    seed = df[C.source.name] == SEED_NOTE
    ax.scatter(df.loc[~seed, C.parameters.name], df.loc[~seed, column], label="measured", alpha=0.8)
    if seed.any():
        ax.scatter(df.loc[seed, C.parameters.name], df.loc[seed, column], facecolors="none", edgecolors="C1",
                   label=SEED_NOTE)
    if len(df) <= 30:
        for _, r in df.iterrows():
            ax.annotate(str(r[C.model.name])[:28], (r[C.parameters.name], r[column]), fontsize=7, alpha=0.7)
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel(column)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def per_task_bars(table: pd.DataFrame, models: list[str]) -> plt.Figure:
    """Grouped bars: every task column for the chosen models."""
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=90)
    df = table[table[C.model.name].isin(models)].set_index(C.model.name)[BENCHMARK_COLS].astype(float)
    df = df.dropna(axis=1, how="all")
    if df.empty or df.shape[1] == 0:
        _empty(ax, "choose models that have scores")
        return fig
    width = 0.8 / len(df)
    xs = range(df.shape[1])
    for i, (name, row) in enumerate(df.iterrows()):
        ax.bar([x + i * width for x in xs], row.fillna(0).values, width, label=str(name)[:40])
    ax.set_xticks([x + 0.4 - width / 2 for x in xs])
    ax.set_xticklabels(df.columns, rotation=35, ha="right", fontsize=7)
    ax.set_ylabel("score")
    ax.legend(fontsize=7)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def lineage_lines(table: pd.DataFrame, chain: list[str]) -> plt.Figure:
    """One line per task column across a training lineage (base -> stage1 -> ...), as in the seed's table."""
    fig, ax = plt.subplots(figsize=(9, 4.2), dpi=90)
    df = table.drop_duplicates(C.model.name).set_index(C.model.name).reindex(chain)
    scores = df[BENCHMARK_COLS].astype(float).dropna(axis=1, how="all")
    if len(chain) < 2 or scores.empty:
        _empty(ax, "this model has no recorded parent")
        return fig
    labels = [f"{m}\n({s})" if isinstance(s, str) else m for m, s in zip(chain, df[C.stage.name])]
    for col in scores.columns:
        ax.plot(range(len(chain)), scores[col].values, marker="o", label=col)
    ax.set_xticks(range(len(chain)))
    ax.set_xticklabels(labels, fontsize=7)
    ax.set_ylabel("score")
    ax.legend(fontsize=6, ncol=2)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig
