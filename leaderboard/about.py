"""Every piece of prose the leaderboard shows; its columns, metrics and tasks come from the task cards.

Columns are declared once, in ``tasks/<family>/card.toml`` (read by :mod:`nearcoder.harness.cards`, which reads
files and imports no task); everything else (table, filters, plots, gate defaults, about tab) is derived from
``TASK_COLUMNS``. Metrics that lm-eval reports but that have no column still appear in the per-model view;
columns whose task was not run stay blank.
"""

from __future__ import annotations

from nearcoder.harness import cards
from nearcoder.harness.cards import Column as TaskColumn  # noqa: F401  (the column type, by its old name)
from nearcoder.harness.cards import primary_metric_or_none as primary_metric_of

TITLE = "NEARCoder leaderboard"

INTRODUCTION_TEXT = """
Code LLMs that write NEAR Protocol dApps, scored by the `near_*` lm-eval tasks of this repository.
Every number here was published from an lm-eval output directory (`nearcoder publish`); click a model to see
every metric with its standard error, where the checkpoint came from, and the individual samples.
Rows marked *reported by the seed, not reproduced* are transcribed from the seed deck for reference.
"""

SEED_NOTE = "reported by the seed, not reproduced"

TABLE_NOTE = """
Click a row to open the model. Scores read *value ± half-width*: the 95 % interval, 1.96 × the standard error
lm-eval computed from the per-item values (tasks averaged into one column pool their errors; corpus BLEU/chrF
have none and show no interval). **rank** is every rank the intervals allow (1 + the number of models whose
interval lies wholly above, to the number whose interval reaches this one); **band** groups models the data
cannot tell apart: the leader and every model whose `average (ours)` interval overlaps the leader's share band
1, then the same among the rest. *baseline (floor)* rows (grey) are trivial programs scored by the project's
own code (chance, a stub, a prompt-blind answer): a model near them has learned nothing. Seed rows are
transcribed from the deck, not reproduced. Models evaluated on another task version or other data are listed
apart below, with the reason, and are not ranked with these.
"""


# The seed deck's eight columns first, then the project's stronger ones (``replaces`` names the seed column).
TASK_COLUMNS: tuple[TaskColumn, ...] = cards.leaderboard_columns()

# "average (ours)", the score models are ranked by: the mean of the card columns marked in_average that hold one
# of their tasks' primary metric (the metric the gate checks by default).
AVERAGE_COLUMNS = tuple(c.col_name for c in TASK_COLUMNS if c.in_average and c.higher_is_better and any(
    (p := primary_metric_of(t)) and p[0] in c.metrics for t in c.tasks))

# Metric glossary for the about tab (metric name as lm-eval reports it -> explanation).
METRIC_TEXT: dict[str, str] = cards.metric_texts()

TASK_TEXT: dict[str, str] = {name: t.description for name, t in cards.tasks().items()}

ABOUT_TEXT = """
## How scores get here
1. `nearcoder eval --model hf --model_args pretrained=CKPT --tasks near --output_path out/ --log_samples`
2. `nearcoder publish out/` (or `--server URL` with `NEARCODER_PUBLISH_TOKEN` for a shared board)

Runs made with `--limit` are flagged *partial*: they score a subset and are not comparable to full runs.
The model's type, stage, parameters and lineage come from the `nearcoder_manifest.json` next to the checkpoint.
Contamination is what the publisher declared (`--contamination`) or the manifest's `contamination` field.

## Regression gate
`nearcoder gate CANDIDATE --baseline BASELINE` compares two lm-eval output directories item by item with a
seeded paired bootstrap, by default on each task's primary metric. All checks of a run are one family
(Holm-Bonferroni): an equal-quality candidate fails anywhere at most `--alpha` (5 %) of the time. The report
states, per check, the smallest drop it detects with 80 % power.
"""

SUBMIT_TEXT = """
## Submit a model for evaluation
The leaderboard evaluates queued models itself: a worker (`nearcoder worker`) takes each request, runs the
`near` tasks with lm-eval and publishes the result as *evaluated by the leaderboard*; rows published by hand are
*self-reported*. Give a hub id or a checkpoint path the workers can read, optionally a revision (default `main`)
and a PEFT adapter. The model must load its config here; a model already queued, running or evaluated is refused
with its request number (a failed request may be submitted again). Same as `nearcoder submit MODEL`.
"""

CITATION_TEXT = "NEARCoder eval (this repository). Seed numbers: NEARCoder deck, evaluation table."

# The seed deck's evaluation table, transcribed (``/work/shared/seed/NEARCoder-deck.txt``, "Evaluation.").
# Lineage as the seed describes it: StarCoder2-3b -> pre-trained -> structure-tuned -> NEARCoder.
SEED_REPORTED: tuple[dict, ...] = (
    {"model": "StarCoder2-3b", "stage": "base", "parent": None,
     "humanEval_bleu": 0.076, "nearQuestions_bleu": 0.53, "nearQuestions_rouge1": 0.28,
     "dAppTrees_structure": 0.0240, "dAppTrees_comment": 0.0, "dAppGen_functionality": 0.0,
     "dAppGen_usability": 0.08, "dAppGen_quality": 0.0830},
    {"model": "NEAR-preTrainedStarCoder2", "stage": "stage1", "parent": "StarCoder2-3b",
     "humanEval_bleu": 0.080, "nearQuestions_bleu": 0.52, "nearQuestions_rouge1": 0.29,
     "dAppTrees_structure": 0.0275, "dAppTrees_comment": 0.0, "dAppGen_functionality": 0.0,
     "dAppGen_usability": 0.08, "dAppGen_quality": 0.0830},
    {"model": "NEAR-structTunedStarCoder2", "stage": "stage2", "parent": "NEAR-preTrainedStarCoder2",
     "humanEval_bleu": 0.069, "nearQuestions_bleu": 0.54, "nearQuestions_rouge1": 0.26,
     "dAppTrees_structure": 0.0290, "dAppTrees_comment": 1.0, "dAppGen_functionality": 0.0,
     "dAppGen_usability": 0.00, "dAppGen_quality": 0.0830},
    {"model": "NEARCoder-3b", "stage": "stage3", "parent": "NEAR-structTunedStarCoder2",
     "humanEval_bleu": 0.075, "nearQuestions_bleu": 0.49, "nearQuestions_rouge1": 0.27,
     "dAppTrees_structure": 0.0245, "dAppTrees_comment": 0.5, "dAppGen_functionality": 0.0,
     "dAppGen_usability": 0.00, "dAppGen_quality": 0.1215},
)
SEED_PARAMETERS = 3_000_000_000
