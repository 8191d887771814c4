"""The leaderboard's columns, declared once and derived from :data:`about.TASK_COLUMNS`.

Other code refers to ``COLUMNS.model.name`` etc., never to literal header strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from nearcoder.leaderboard.about import TASK_COLUMNS


@dataclass(frozen=True)
class ColumnContent:
    name: str
    type: str  # gradio Dataframe datatype: "str", "number", "bool"
    displayed_by_default: bool = True
    hidden: bool = False
    never_hidden: bool = False


@dataclass(frozen=True)
class _Fixed:
    model: ColumnContent = ColumnContent("model", "str", never_hidden=True)
    rank: ColumnContent = ColumnContent("rank", "str")  # range of ranks the intervals allow, e.g. "1-3"
    band: ColumnContent = ColumnContent("band", "number")  # rank band (see populate.rank_bands)
    model_type: ColumnContent = ColumnContent("type", "str")
    stage: ColumnContent = ColumnContent("stage", "str")
    parameters: ColumnContent = ColumnContent("parameters", "number")
    size: ColumnContent = ColumnContent("size", "str", displayed_by_default=False)
    partial: ColumnContent = ColumnContent("partial", "bool")
    contamination: ColumnContent = ColumnContent("contamination", "str", displayed_by_default=False)
    source: ColumnContent = ColumnContent("source", "str")
    provenance: ColumnContent = ColumnContent("provenance", "str")  # evaluated by the leaderboard / self-reported
    average: ColumnContent = ColumnContent("average (ours)", "number")
    apart: ColumnContent = ColumnContent("shown apart because", "str", displayed_by_default=False, hidden=True)


COLUMNS = _Fixed()
FIXED_COLS: list[ColumnContent] = [getattr(COLUMNS, f) for f in COLUMNS.__dataclass_fields__]
TASK_COLS: list[ColumnContent] = [ColumnContent(t.col_name, "number", t.displayed) for t in TASK_COLUMNS]
ALL_COLS: list[ColumnContent] = FIXED_COLS + TASK_COLS
COLS: list[str] = [c.name for c in ALL_COLS]
CHOOSABLE_COLS: list[str] = [c.name for c in ALL_COLS if not c.hidden]
BENCHMARK_COLS: list[str] = [c.name for c in TASK_COLS]
SCORE_COLS: list[str] = BENCHMARK_COLS + [COLUMNS.average.name]  # the columns that carry an interval
CONFIDENCE_Z = 1.96  # intervals are value +- 1.96 standard errors (95 %)


def halfwidth_col(name: str) -> str:
    """The companion column holding the 95 % half-width of score column ``name``."""
    return f"{name} ±"


HALFWIDTH_COLS: list[str] = [halfwidth_col(c) for c in SCORE_COLS]
DEFAULT_COLS: list[str] = [c.name for c in ALL_COLS if c.displayed_by_default and not c.hidden]

SIZE_BUCKETS: tuple[tuple[str, float], ...] = (("<1B", 1e9), ("1-3B", 3.5e9), ("3-8B", 8.5e9), ("8B+", float("inf")))
UNKNOWN = "unknown"


def size_bucket(parameters: int | float | None) -> str:
    """The size filter's bucket for a parameter count (``unknown`` when not recorded)."""
    if parameters is None or parameters != parameters or parameters <= 0:
        return UNKNOWN
    for label, upper in SIZE_BUCKETS:
        if parameters < upper:
            return label
    return SIZE_BUCKETS[-1][0]


SIZE_CHOICES = [b for b, _ in SIZE_BUCKETS] + [UNKNOWN]
