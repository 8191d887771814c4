"""near_dapp_trees: the shipped pairs, the prompt leak check, scoring, and the builder's determinism."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nearcoder.harness.paths import tasks_dir
from nearcoder.harness.trees import clean, parse_tree, render, tree_from_paths
from nearcoder.harness.trees.clean import DROP_DIRS, DROP_FILES
from nearcoder.tasks.near_dapp_trees.dataset import build_pairs, read_jsonl, seed_repos, write_jsonl
from nearcoder.tasks.near_dapp_trees.prompts import leaked_names, prompt_from_readme

DATA = tasks_dir() / "near_dapp_trees" / "data"
REPO = Path(__file__).resolve().parents[2]


def _utils():
    """The task's utils.py, loaded by file path (every task folder has a module called `utils`)."""
    from nearcoder.tasks.near_dapp_trees.selftest import _utils as load

    return load()


@pytest.fixture(scope="module")
def pairs() -> list[dict]:
    return read_jsonl(DATA / "clean.jsonl") + read_jsonl(DATA / "contaminated.jsonl")


def test_the_dataset_is_large_enough_and_split_by_contamination(pairs):
    assert len(pairs) >= 60
    clean_ids = {p["id"] for p in read_jsonl(DATA / "clean.jsonl")}
    assert len(clean_ids) >= 40
    assert len({p["id"] for p in pairs}) == len(pairs), "pair ids are unique"
    assert all(p["contaminated"] == (p["id"] not in clean_ids) for p in pairs)


def test_every_reference_tree_is_clean_canonical_and_consistent(pairs):
    for pair in pairs:
        tree = tree_from_paths(pair["paths"])
        assert len(tree) == pair["n_entries"] >= 4, pair["id"]
        assert clean(tree) == tree, f"{pair['id']}: reference not cleaned"
        assert parse_tree(pair["tree"]) == tree, f"{pair['id']}: ascii rendering does not read back"
        for path in tree.paths():
            parts = path.rstrip("/").split("/")
            assert not set(parts) & DROP_DIRS and parts[-1] not in DROP_FILES, path


def test_no_prompt_names_a_file_or_folder_of_its_answer(pairs):
    for pair in pairs:
        tree = tree_from_paths(pair["paths"])
        assert leaked_names(pair["prompt"], tree) == [], pair["id"]
        assert pair["prompt"].startswith("Create a project structure for a NEAR DApp")
        assert "configurations, tests, and NEAR-compatible contract files" in pair["prompt"]


def test_the_leak_check_catches_a_named_file():
    tree = tree_from_paths(["Cargo.toml", "src/lib.rs", "sandbox-test/main.ava.js"])
    assert leaked_names("Put the code in lib.rs and tests in sandbox-test.", tree) == ["lib.rs", "sandbox-test"]
    assert leaked_names("Include tests and a Rust contract in src.", tree) == []


def test_the_prompt_builder_drops_sentences_that_name_the_answer():
    readme = ("# Guest Book 📖\n\nA guest book contract where visitors sign messages and can attach NEAR. "
              "The logic lives in `src/lib.rs` and the frontend is built with Next.js.\n\n"
              "Premium messages are highlighted.\n\n- Visitors leave signed messages\n- [Docs](https://x)\n")
    tree = tree_from_paths(["Cargo.toml", "src/lib.rs", "frontend/package.json"])
    prompt = prompt_from_readme(readme, tree)
    assert '"Guest Book"' in prompt and "Visitors leave signed messages" in prompt
    assert "lib.rs" not in prompt and "Docs" not in prompt
    assert "Next.js" in prompt and "a guest book dApp" in prompt
    assert leaked_names(prompt, tree) == []


def test_contamination_flags_follow_the_seed_list(pairs, shared_data):
    seen = seed_repos(shared_data)
    for pair in pairs:
        assert pair["contaminated"] == (pair["repo"].replace("/", "_").lower() in seen), pair["id"]


def test_the_builder_reproduces_the_shipped_files(shared_data, tmp_path):
    written = write_jsonl(build_pairs(shared_data, use_endpoint=False), tmp_path)
    for split, path in written.items():
        assert path.read_bytes() == (DATA / f"{split}.jsonl").read_bytes(), f"{split}.jsonl is stale: rebuild it"


def test_process_results_scores_a_perfect_a_partial_and_an_empty_answer(pairs):
    utils = _utils()
    doc = next(p for p in pairs if 10 <= p["n_entries"] <= 40)
    perfect = f"Here you go:\n```\nmy-dapp/\n{doc['tree']}\n```"
    assert utils.process_results(doc, [perfect])["structure"] == 1.0
    tree = tree_from_paths(doc["paths"])
    half = render(tree.__class__(tree.children[: max(1, len(tree.children) // 2)]), "indent2")
    partial = utils.process_results(doc, [half])
    assert 0.0 < partial["structure"] < 1.0 and partial["tree_parsed"] == 1.0
    empty = utils.process_results(doc, [""])
    assert empty == {"structure": 0.0, "structure_difflib": 0.0, "comment_quality": 0.0,
                     "comment_coverage": 0.0, "tree_parsed": 0.0}


def test_doc_to_text_opens_a_fence_for_the_tree(pairs):
    text = _utils().doc_to_text(pairs[0])
    assert text.startswith(pairs[0]["prompt"]) and text.endswith("```\n")


def test_load_pairs_gives_clean_default_and_all_splits():
    splits = _utils().load_pairs()
    assert len(splits["all"]) == len(splits["clean"]) + len(splits["contaminated"])
    assert not any(splits["clean"]["contaminated"])


def test_cli_scores_two_files_in_different_formats(tmp_path):
    ref = tmp_path / "ref.txt"
    ref.write_text("src/lib.rs\nCargo.toml\nREADME.md\n")
    pred = tmp_path / "answer.md"
    pred.write_text("Sure:\n\n- `Cargo.toml` — crate manifest\n- `src/`\n  - `lib.rs` — the contract\n")
    out = subprocess.run([sys.executable, "-m", "nearcoder.harness.cli", "trees", "score", str(ref), str(pred)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    scores = json.loads(out.stdout)
    assert scores["structure"] == pytest.approx(1 - 1 / 4)  # README.md missing: one insertion
    assert scores["comment_coverage"] == pytest.approx(2 / 3)
    missing = subprocess.run([sys.executable, "-m", "nearcoder.harness.cli", "trees", "score", str(ref),
                              str(tmp_path / "nope.txt")], capture_output=True, text=True, cwd=REPO)
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_selftest_scores_every_reference_in_every_format_perfectly():
    from nearcoder.tasks.near_dapp_trees.selftest import main

    lines: list[str] = []
    assert main(echo=lines.append) == 0, lines[:5]
    assert lines[-1].startswith("passed ") and "/" in lines[-1]


@pytest.mark.slow
def test_lm_eval_cli_runs_the_task_end_to_end(tiny_model, tmp_path):
    out = tmp_path / "out"
    cmd = [str(Path(sys.executable).parent / "lm_eval"), "--include_path", str(tasks_dir()), "--tasks",
           "near_dapp_trees", "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32",
           "--device", "cpu", "--limit", "2", "--gen_kwargs", "max_gen_toks=48", "--output_path", str(out),
           "--log_samples"]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900)
    results = json.loads(next(out.rglob("results_*.json")).read_text())
    metrics = results["results"]["near_dapp_trees"]
    for name in ("structure", "structure_difflib", "comment_quality", "comment_coverage", "tree_parsed"):
        assert 0.0 <= metrics[f"{name},none"] <= 1.0
    sample_file = next(out.rglob("samples_near_dapp_trees_*.jsonl"))
    samples = [json.loads(line) for line in sample_file.read_text().splitlines()]
    assert len(samples) == 2 and all(re.match(r"^[\w.-]+", s["doc"]["id"]) for s in samples)
