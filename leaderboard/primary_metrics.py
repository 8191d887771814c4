"""The one metric per task that the gate checks by default and the leaderboard ranks by.

Everything in ``leaderboard/`` asks :func:`primary_metric_of`; nothing else holds this table.
"""

from __future__ import annotations

# LEAD: replace with nearcoder.harness.cards.primary_metric at merge
_PRIMARY: dict[str, tuple[str, bool]] = {
    "near_humaneval_js": ("pass@1", True),
    "near_humaneval_rust": ("pass@1", True),
    "near_humaneval_js_pass10": ("pass@10", True),
    "near_humaneval_rust_pass10": ("pass@10", True),
    "near_questions": ("key_fact_recall", True),
    "near_questions_fewshot": ("key_fact_recall", True),
    "near_dapp_trees": ("structure", True),
    "near_dapp_trees_all": ("structure", True),
    "near_dapp_build_rust": ("functionality", True),
    "near_dapp_build_js": ("typecheck", True),
}


def primary_metric_of(task: str) -> tuple[str, bool] | None:
    """``(metric, higher_is_better)`` declared for ``task``, or None for a task nobody declared."""
    return _PRIMARY.get(task)
