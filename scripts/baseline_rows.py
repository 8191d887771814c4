"""Floor reference rows for the leaderboard: trivial answerers run through lm-eval and the tasks' own scoring.

Each baseline is an lm-eval ``LM`` that never reads a model: it answers from the documents themselves. lm-eval
then filters, executes (sandbox) and scores the answers exactly as for a checkpoint, and its output directory
(``results_*.json`` + samples) carries the same task configs, versions and item hashes, so the leaderboard puts
the rows next to the models that ran the same data. The results are marked
``"nearcoder_provenance": {"kind": "baseline"}``; ``nearcoder publish OUT`` shows them as *baseline (floor)*.

| baseline | answer | tasks (default) |
|---|---|---|
| ``empty`` | ``""`` — the empty program; chance for pass@k is 0 | ``near_humaneval_js``, ``near_humaneval_rust`` |
| ``other-item`` | the reference answer of the next item (a fluent answer to another question) | ``near_questions`` |
| ``prompt-blind`` | one fixed reference (the first item's) for every prompt: a template tree | ``near_dapp_trees`` |
| ``todo-stub`` | the spec's reference with every method body ``todo!()``: builds, has the interface, does nothing | ``near_dapp_build_rust`` |
| ``uniform`` | the same log-likelihood for every option (lm-eval then takes the first): chance, 0.25 | ``near_questions_mc`` |

Run: ``python scripts/baseline_rows.py out/baselines [--tasks near_questions,near_dapp_trees] [--limit N]``
then ``nearcoder publish out/baselines``. ``--limit`` makes partial rows (other item hashes than a full run).
The JS dApp-build task has no baseline here yet (no stub generator for TypeScript contracts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lm_eval import simple_evaluate
from lm_eval.api.model import LM
from lm_eval.loggers import EvaluationTracker
from lm_eval.tasks import TaskManager, get_task_dict

from nearcoder.harness.paths import tasks_dir

BASELINES = {
    "empty": ("baseline/empty-program", ("near_humaneval_js", "near_humaneval_rust")),
    "other-item": ("baseline/other-item-answer", ("near_questions",)),
    "prompt-blind": ("baseline/prompt-blind-tree", ("near_dapp_trees",)),
    "todo-stub": ("baseline/todo-stub-contract", ("near_dapp_build_rust",)),
    "uniform": ("baseline/uniform-choice", ("near_questions_mc",)),
}


class BaselineLM(LM):
    """Answers generation requests from the documents: ``empty``, ``other-item`` or ``prompt-blind``."""

    def __init__(self, strategy: str, targets: dict):
        super().__init__()
        self.strategy = strategy
        self.targets = targets  # task name -> doc_to_target

    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        if self.strategy == "empty":
            return ["" for _ in requests]
        if self.strategy == "todo-stub":
            from nearcoder.tasks.near_dapp_build.controls import control
            from nearcoder.tasks.near_dapp_build.specs import load_specs

            specs = {s.id: s for s in load_specs("rust")}
            return [control("todo", specs[req.doc["id"]].reference) for req in requests]
        by_task: dict[str, list] = {}
        for i, req in enumerate(requests):
            by_task.setdefault(req.task_name, []).append(i)
        answers = [""] * len(requests)
        for task, idxs in by_task.items():
            idxs.sort(key=lambda i: requests[i].doc_id)
            refs = [str(self.targets[task](requests[i].doc)) for i in idxs]
            for k, i in enumerate(idxs):
                answers[i] = refs[(k + 1) % len(refs)] if self.strategy == "other-item" else refs[0]
        return answers

    def loglikelihood(self, requests, disable_tqdm: bool = False):
        if self.strategy != "uniform":
            raise NotImplementedError(f"the {self.strategy} baseline answers generation tasks only")
        return [(0.0, False) for _ in requests]  # every option equally likely: lm-eval's argmax takes the first

    def loglikelihood_rolling(self, requests, disable_tqdm: bool = False):
        raise NotImplementedError("baselines answer generation tasks only")


def run_baseline(strategy: str, tasks: list[str], out: Path, limit: int | None) -> Path:
    name, _ = BASELINES[strategy]
    manager = TaskManager(include_path=str(tasks_dir()))
    targets = {t: task.doc_to_target for t, task in get_task_dict(tasks, manager).items()}
    tracker = EvaluationTracker(output_path=str(out))
    results = simple_evaluate(model=BaselineLM(strategy, targets), model_args={"pretrained": name}, tasks=tasks,
                              limit=limit, log_samples=True, evaluation_tracker=tracker, task_manager=manager,
                              confirm_run_unsafe_code=True)
    samples = results.pop("samples")
    results["nearcoder_provenance"] = {"kind": "baseline", "baseline": strategy}
    tracker.save_results_aggregated(results=results, samples=samples)
    for task in results["configs"]:
        tracker.save_results_samples(task_name=task, samples=samples[task])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path, help="output directory (one lm-eval output folder per baseline)")
    ap.add_argument("--tasks", default="", help="comma-separated tasks (default: every task in the table above)")
    ap.add_argument("--limit", type=int, default=None, help="items per task (partial rows)")
    args = ap.parse_args()
    wanted = set(filter(None, args.tasks.split(","))) or {t for _, ts in BASELINES.values() for t in ts}
    unknown = wanted - {t for _, ts in BASELINES.values() for t in ts}
    if unknown:
        raise SystemExit(f"no baseline defined for {sorted(unknown)}; known: {BASELINES}")
    for strategy, (name, tasks) in BASELINES.items():
        chosen = [t for t in tasks if t in wanted]
        if chosen:
            print(f"{name}: {', '.join(chosen)}")
            run_baseline(strategy, chosen, args.out, args.limit)


if __name__ == "__main__":
    main()
