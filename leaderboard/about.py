"""Every piece of prose the leaderboard shows, and the one list of tasks and metrics it knows about.

Edit ``TASK_COLUMNS`` to add a column; everything else (table, filters, plots, gate defaults, about tab)
is derived from it. Metrics that lm-eval reports but that have no column here still appear in the
per-model view; columns whose task was not run stay blank.
"""

from __future__ import annotations

from dataclasses import dataclass

from nearcoder.leaderboard.primary_metrics import primary_metric_of

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


@dataclass(frozen=True)
class TaskColumn:
    """One leaderboard column: a metric of one or more lm-eval tasks (the mean over those present)."""

    col_name: str
    tasks: tuple[str, ...]
    metrics: tuple[str, ...]  # accepted spellings of the metric, first is canonical
    seed: bool  # one of the seed deck's eight columns
    description: str
    higher_is_better: bool = True

    @property
    def metric(self) -> str:
        return self.metrics[0]


_HE = ("near_humaneval_js", "near_humaneval_rust")
_HE10 = ("near_humaneval_js_pass10", "near_humaneval_rust_pass10")
_BUILD = ("near_dapp_build_rust", "near_dapp_build_js")
_PASS1 = ("pass@1", "pass_at_1")
_PASS10 = ("pass@10", "pass_at_10")

TASK_COLUMNS: tuple[TaskColumn, ...] = (
    # The seed deck's eight columns, computed by our tasks the way the seed describes them.
    TaskColumn("humanEval_bleu", _HE + _HE10, ("bleu",), True,
               "Corpus BLEU of completions against the canonical solutions, mean of JS and Rust (the seed's "
               "HumanEval measure; it rewards look-alike code, see pass@1)."),
    TaskColumn("nearQuestions_bleu", ("near_questions",), ("bleu",), True,
               "Corpus BLEU of answers to NEAR questions against reference answers."),
    TaskColumn("nearQuestions_rouge1", ("near_questions",), ("rouge1",), True,
               "Mean ROUGE-1 F1 of answers against reference answers."),
    TaskColumn("dAppTrees_structure", ("near_dapp_trees",), ("structure_difflib",), True,
               "The seed's structural similarity of a generated dApp directory tree: difflib line ratio."),
    TaskColumn("dAppTrees_comment", ("near_dapp_trees",), ("comment_quality",), True,
               "Mean per-entry relevance of the comments in a generated dApp tree (0 without comments)."),
    TaskColumn("dAppGen_functionality", _BUILD, ("functionality",), True,
               "Share of hidden unit tests a generated Rust contract passes on near-sdk's mocked blockchain "
               "(0 when it does not build); executed, not keyword-matched."),
    TaskColumn("dAppGen_usability", _BUILD, ("interface", "usability"), True,
               "Share of the spec's public methods present with exact names, argument types and NEAR "
               "annotations (checked on the syntax tree), mean of Rust and JS."),
    TaskColumn("dAppGen_quality", _BUILD, ("rustfmt_clean", "quality"), True,
               "Share of generated Rust contracts that `rustfmt --check` leaves unchanged."),
    # The project's stronger metrics.
    TaskColumn("humanEval_js_pass@1", ("near_humaneval_js",), _PASS1, False,
               "Share of JavaScript HumanEval problems whose completion passes the tests in the sandbox."),
    TaskColumn("humanEval_rust_pass@1", ("near_humaneval_rust",), _PASS1, False,
               "Share of Rust HumanEval problems whose completion compiles and passes the tests in the sandbox."),
    TaskColumn("humanEval_js_pass@10", ("near_humaneval_js_pass10",), _PASS10, False,
               "Unbiased pass@10 estimate over sampled JavaScript completions."),
    TaskColumn("humanEval_rust_pass@10", ("near_humaneval_rust_pass10",), _PASS10, False,
               "Unbiased pass@10 estimate over sampled Rust completions."),
    TaskColumn("humanEval_js_pass@1_T0.2", ("near_humaneval_js_pass10",), _PASS1, False,
               "Mean pass rate of the sampled (temperature 0.2) JavaScript completions of the pass@10 task."),
    TaskColumn("humanEval_rust_pass@1_T0.2", ("near_humaneval_rust_pass10",), _PASS1, False,
               "Mean pass rate of the sampled (temperature 0.2) Rust completions of the pass@10 task."),
    TaskColumn("nearQuestions_keyFactRecall", ("near_questions",), ("key_fact_recall",), False,
               "Share of an answer's required key facts that the generated answer states."),
    TaskColumn("nearQuestions_chrf", ("near_questions",), ("chrf",), False,
               "Corpus chrF of answers (character n-grams; kinder to paraphrase than BLEU)."),
    TaskColumn("nearQuestions_rougeL", ("near_questions",), ("rougeL",), False,
               "Mean ROUGE-L F1 (longest common subsequence) of answers against reference answers."),
    *(TaskColumn(f"nearQuestions3shot_{name}", ("near_questions_fewshot",), (metric,), False,
                 f"{what}, with three dev-split examples before each question.")
      for name, metric, what in (("keyFactRecall", "key_fact_recall", "Key-fact recall"),
                                 ("bleu", "bleu", "Corpus BLEU"), ("chrf", "chrf", "Corpus chrF"),
                                 ("rouge1", "rouge1", "ROUGE-1 F1"), ("rougeL", "rougeL", "ROUGE-L F1"))),
    TaskColumn("dAppTrees_TED", ("near_dapp_trees",), ("structure",), False,
               "1 - normalised tree edit distance (Zhang-Shasha) between generated and reference trees."),
    TaskColumn("dAppTrees_commentCoverage", ("near_dapp_trees",), ("comment_coverage",), False,
               "Share of entries of a generated tree that carry a comment."),
    TaskColumn("dAppTrees_parsed", ("near_dapp_trees",), ("tree_parsed",), False,
               "Share of answers that contain a parseable directory tree at all."),
    TaskColumn("dAppGen_rust_build", ("near_dapp_build_rust",), ("build",), False,
               "Share of generated Rust contracts that compile natively and to wasm32 in the sandbox."),
    TaskColumn("dAppGen_js_typecheck", ("near_dapp_build_js",), ("typecheck",), False,
               "Share of generated near-sdk-js contracts that pass `tsc --strict` with the interface probe."),
    TaskColumn("dAppGen_rust_warnings/100", ("near_dapp_build_rust",), ("warnings_per_100_lines",), False,
               "rustc + clippy warnings per 100 lines of the contracts that built (lower is better).",
               higher_is_better=False),
)

# "average (ours)", the score models are ranked by: the mean of the columns holding a task's primary metric.
AVERAGE_COLUMNS = tuple(c.col_name for c in TASK_COLUMNS if c.higher_is_better and any(
    (p := primary_metric_of(t)) and p[0] in c.metrics for t in c.tasks))

# Metric glossary for the about tab (metric name as lm-eval reports it -> explanation).
METRIC_TEXT: dict[str, str] = {
    "pass@1": "Probability that one sampled completion passes every test (sandboxed execution).",
    "pass@10": "Unbiased estimate (Chen et al. 2021) that at least one of 10 samples passes.",
    "bleu": "sacreBLEU corpus score in [0, 1]; n-gram overlap with the reference.",
    "chrf": "sacreBLEU chrF in [0, 1]; character n-gram F-score.",
    "rouge1": "ROUGE-1 F1: unigram overlap.",
    "rougeL": "ROUGE-L F1: longest common subsequence.",
    "key_fact_recall": "Fraction of the reference's key facts found in the answer.",
    "structure": "Tree-edit-distance similarity of directory trees (1 = identical).",
    "structure_difflib": "difflib sequence ratio of the rendered trees (the seed's measure).",
    "comment_quality": "How well per-file comments describe files.",
    "comment_coverage": "Share of tree entries that carry a comment.",
    "tree_parsed": "Share of answers that contain a parseable tree at all.",
    "build": "The generated contract builds in the sandbox (0/1 per item).",
    "typecheck": "The generated near-sdk-js contract passes `tsc --strict` (0/1 per item).",
    "functionality": "Fraction of the hidden unit tests that pass (0 when the contract does not build).",
    "interface": "Fraction of the spec's public methods present with the right signature (the seed's 'usability').",
    "rustfmt_clean": "`rustfmt --check` finds nothing to change (0/1 per item).",
    "warnings_per_100_lines": "rustc + clippy warnings per 100 non-blank lines (lower is better).",
}

TASK_TEXT: dict[str, str] = {
    "near_humaneval_js": "HumanEval problems translated to JavaScript, executed in the sandbox (pass@1, BLEU).",
    "near_humaneval_rust": "HumanEval problems translated to Rust, compiled and executed in the sandbox.",
    "near_humaneval_js_pass10 / _rust_pass10": "Same problems, 10+ samples per problem for pass@10.",
    "near_questions": "Questions about the NEAR Protocol with reference answers and key facts (by category).",
    "near_dapp_trees": "Generate a NEAR dApp's directory tree, with comments, from a project description.",
    "near_dapp_build_rust / _js": "Generate a small NEAR dApp; it is built and tested in the sandbox.",
}

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
