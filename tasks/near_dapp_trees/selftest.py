"""Self-test for near_dapp_trees: every reference tree, written in every format a model might use, must score
``structure == 1.0`` through the task's own ``process_results`` (parser + cleaning + TED), and an empty
answer must score 0. Proves the task is solvable and the scorer reads each format. It then prints the reference
points of each split (:func:`reference_points`): the compliant reference answer and the best prompt-blind
template, each with its repository-clustered 95 % bootstrap interval.

Run: ``nearcoder selftest dapp-trees``
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable

from nearcoder.harness.clustered_bootstrap import clustered_bootstrap_ci
from nearcoder.harness.paths import tasks_dir
from nearcoder.harness.trees import STYLES, render, tree_from_paths
from nearcoder.tasks.near_dapp_trees.dataset import read_jsonl


def _utils():
    path = tasks_dir() / "near_dapp_trees" / "utils.py"
    spec = importlib.util.spec_from_file_location("near_dapp_trees_utils", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def answers(doc: dict) -> dict[str, str]:
    """The reference written as each style, plain and wrapped (root folder, fence, prose around)."""
    tree = tree_from_paths(doc["paths"])
    out = {}
    for style in STYLES:
        if style == "seed" and any(n.is_dir and not n.children for _, n in tree.walk()):
            continue  # the seed format cannot show an empty folder
        out[style] = render(tree, style)
        out[f"{style}+wrapped"] = (f"Here is the layout:\n\n```text\n{render(tree, style, root='my-near-dapp')}\n```\n"
                                   "Run the tests with the sandbox.")
    return out


def reference_points(utils=None) -> list[dict]:
    """Per split (clean, contaminated, all): pairs, repositories, the mean ``structure`` of the compliant
    reference answer and of the template floor with clustered intervals, and each template's mean."""
    from nearcoder.tasks.near_dapp_trees.budget import compliant_answer
    from nearcoder.tasks.near_dapp_trees.floors import template_scores

    utils = utils or _utils()
    folder = tasks_dir() / "near_dapp_trees"
    splits = {split: read_jsonl(folder / utils.FILES[split]) for split in ("clean", "contaminated")}
    splits["all"] = splits["clean"] + splits["contaminated"]
    rows = []
    for split, docs in splits.items():
        clusters = [doc["repo"] for doc in docs]
        reference = [utils.process_results(doc, [compliant_answer(doc["paths"])])["structure"] for doc in docs]
        per_template = [template_scores(tree_from_paths(doc["paths"])) for doc in docs]
        floors = [max(scores.values()) for scores in per_template]
        rows.append({
            "split": split, "pairs": len(docs), "repositories": len(set(clusters)),
            "reference": clustered_bootstrap_ci(reference, clusters),
            "floor": clustered_bootstrap_ci(floors, clusters),
            "templates": {name: sum(s[name] for s in per_template) / len(docs) for name in per_template[0]},
        })
    return rows


def main(echo: Callable[[str], None] = print) -> int:
    utils = _utils()
    folder = tasks_dir() / "near_dapp_trees"
    docs = [doc for split in ("clean", "contaminated") for doc in read_jsonl(folder / utils.FILES[split])]
    checked = failed = 0
    for doc in docs:
        for name, text in answers(doc).items():
            checked += 1
            score = utils.process_results(doc, [text])["structure"]
            if score != 1.0:
                failed += 1
                echo(f"FAIL {doc['id']} [{name}]: structure {score:.3f}")
        if utils.process_results(doc, [""])["structure"] != 0.0:
            failed += 1
            echo(f"FAIL {doc['id']} [empty answer]: structure is not 0")
    echo("split         pairs repos  reference structure [95% CI]  template floor [95% CI]  per template")
    for row in reference_points(utils):
        ref, floor = row["reference"], row["floor"]
        templates = ", ".join(f"{name} {mean:.3f}" for name, mean in row["templates"].items())
        echo(f"{row['split']:<13} {row['pairs']:>5} {row['repositories']:>5}  {ref.mean:.3f} [{ref.low:.3f}, "
             f"{ref.high:.3f}]          {floor.mean:.3f} [{floor.low:.3f}, {floor.high:.3f}]   {templates}")
    echo(f"passed {checked - failed}/{checked} ({len(docs)} pairs x formats)")
    return 0 if failed == 0 else 1
