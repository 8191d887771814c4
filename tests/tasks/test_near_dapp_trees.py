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
from nearcoder.tasks.near_dapp_trees.dataset import build_split, read_jsonl, seed_index, write_jsonl
from nearcoder.tasks.near_dapp_trees.prompts import leaked_names, prompt_from_readme, tree_languages
from nearcoder.tasks.near_dapp_trees.review import load_review

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
    clean_ids = {p["id"] for p in read_jsonl(DATA / "clean.jsonl")}
    assert len(clean_ids) >= 50 and len(pairs) >= 100
    assert len({p["id"] for p in pairs}) == len(pairs), "pair ids are unique"
    assert all(p["contaminated"] == (p["id"] not in clean_ids) == bool(p["contamination"]) for p in pairs)


def test_one_pair_per_project_no_identical_no_nested_at_most_three_per_repository(pairs):
    trees = [tuple(sorted(p["paths"])) for p in pairs]
    assert len(set(trees)) == len(trees), "two pairs share a tree"
    by_repo: dict[str, list[str]] = {}
    for pair in pairs:
        by_repo.setdefault(pair["repo"], []).append(pair["subdir"])
    for repo, subdirs in by_repo.items():
        assert len(subdirs) <= 3, repo
        for a in subdirs:
            for b in subdirs:
                nested = a != b and (a == "" or b.startswith(a.rstrip("/") + "/"))
                assert not nested, f"{repo}: {b} inside {a or 'root'}"


def test_every_shipped_prompt_was_reviewed_and_rewrites_are_the_reviewers(pairs):
    reviews = load_review()
    for pair in pairs:
        review = reviews[pair["id"]]
        assert pair["review"] == review.decision in ("kept", "rewritten"), pair["id"]
        assert (pair["prompt_source"] == "review") == (review.decision == "rewritten"), pair["id"]
        if review.decision == "rewritten":
            assert review.description in pair["prompt"], pair["id"]
    assert not any(pid in {p["id"] for p in pairs} for pid, r in reviews.items() if r.decision == "dropped")


def test_language_lines_name_only_languages_the_tree_has_files_in(pairs):
    pattern = re.compile(r"The main coding languages? should be (.+)\.")
    for pair in pairs:
        match = pattern.search(pair["prompt"])
        present = tree_languages(tree_from_paths(pair["paths"]))
        named = re.split(r", | and ", match.group(1)) if match else []
        assert set(named) <= set(present), f"{pair['id']}: prompt says {named}, tree has {present}"
        assert match or not present, f"{pair['id']}: no language line though the tree has {present}"


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


def test_every_repository_the_seed_list_names_exactly_is_flagged(pairs, shared_data):
    seed = seed_index(shared_data)
    for pair in pairs:
        if f"{pair['repo'].replace('/', '_').lower()}" in seed.exact:
            assert pair["contaminated"] and pair["contamination"].startswith("exact"), pair["id"]


def test_the_builder_reproduces_the_shipped_files(shared_data, tmp_path):
    pairs, excluded = build_split(shared_data, use_endpoint=False)
    written = write_jsonl(pairs, tmp_path, excluded)
    assert set(written) == {"clean", "contaminated", "selection"}
    for name, path in written.items():
        shipped = DATA / path.name
        assert path.read_bytes() == shipped.read_bytes(), f"{path.name} is stale: run nearcoder trees build-dataset"


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
    floor = empty["template_floor"]
    assert 0.0 <= floor < 1.0 and empty["structure_over_floor"] == -floor
    assert {k: v for k, v in empty.items() if k not in ("template_floor", "structure_over_floor")} == {
        "structure": 0.0, "structure_difflib": 0.0, "structure_difflib_seedformat": 0.0, "comment_quality": 0.0,
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
    out = subprocess.run([sys.executable, "-m", "nearcoder.cli", "trees", "score", str(ref), str(pred)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    scores = json.loads(out.stdout)
    assert scores["structure"] == pytest.approx(1 - 1 / 4)  # README.md missing: one insertion
    assert scores["comment_coverage"] == pytest.approx(2 / 3)
    missing = subprocess.run([sys.executable, "-m", "nearcoder.cli", "trees", "score", str(ref),
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
    cmd = [sys.executable, "-m", "lm_eval", "--include_path", str(tasks_dir()), "--tasks",
           "near_dapp_trees", "--model", "hf", "--model_args", f"pretrained={tiny_model},dtype=float32",
           "--device", "cpu", "--limit", "2", "--gen_kwargs", "max_gen_toks=48", "--output_path", str(out),
           "--log_samples"]
    subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=900)
    results = json.loads(next(out.rglob("results_*.json")).read_text())
    metrics = results["results"]["near_dapp_trees"]
    for name in ("structure", "structure_difflib", "structure_difflib_seedformat", "comment_quality",
                 "comment_coverage", "tree_parsed", "template_floor"):
        assert 0.0 <= metrics[f"{name},none"] <= 1.0
    assert -1.0 <= metrics["structure_over_floor,none"] <= 1.0
    sample_file = next(out.rglob("samples_near_dapp_trees_*.jsonl"))
    samples = [json.loads(line) for line in sample_file.read_text().splitlines()]
    assert len(samples) == 2 and all(re.match(r"^[\w.-]+", s["doc"]["id"]) for s in samples)


# --- contamination by family -------------------------------------------------------------------------------

FAMILIES_IN_THE_ISSUE = {  # mirror repository -> a seed-list name of its family (another owner, predecessor, half)
    "near-examples/coin-flip-examples": "coin-flip-js",
    "near-examples/crossword-tutorial-chapter-1": "crossword-tutorial-chapter-1",
    "near-examples/crossword-tutorial-chapter-2": "crossword-tutorial-chapter-2",
    "near-examples/crossword-tutorial-chapter-3": "crossword-tutorial-chapter-3",
    "near-examples/guest-book-examples": "guest-book",
    "near-examples/guest-book": "guest-book",
    "near-examples/guest-book-js": "guest-book-js",
    "near-examples/nft-tutorial-frontend": "nft-tutorial-frontend",
    "near-examples/nft-tutorial": "nft-tutorial",
    "near-examples/nft-tutorial-js": "nft-tutorial-js",
    "near-examples/near-drop": "near-drop",
    "near-examples/nearnames": "nearnames",
}


def test_the_seed_list_flags_every_family_the_issue_names(shared_data):
    seed = seed_index(shared_data)
    for repository, relative in FAMILIES_IN_THE_ISSUE.items():
        reason = seed.name_reason(repository)
        assert reason and relative.split("-")[0] in reason.lower(), f"{repository}: {reason!r}"


def test_the_shipped_pairs_of_those_families_are_all_flagged(pairs):
    found = [p for p in pairs if p["repo"] in FAMILIES_IN_THE_ISSUE]
    assert len(found) >= 8
    assert all(p["contaminated"] for p in found), [p["id"] for p in found if not p["contaminated"]]


def test_family_rules_on_a_synthetic_seed_list():
    from nearcoder.tasks.near_dapp_trees.contamination import SeedIndex, family_key, parse_seed_list

    seed = SeedIndex(parse_seed_list([
        "near-examples_coin-flip-js", "someone_escrow-js", "fan_nearnames-master", "near-examples_FT-Examples",
        "someone_counter", "near-examples_crossword-tutorial-chapter-1", "builder_pet-shop-frontend",
    ]))
    assert seed.name_reason("near-examples/coin-flip-examples").startswith("family")  # -js sibling, -examples
    assert seed.name_reason("deprecated-near-examples/escrow-js").startswith("same-name")  # another owner
    assert seed.name_reason("near-examples/nearnames").startswith("same-name")  # a fork, `-master`
    assert seed.name_reason("near-examples/FT").startswith("family")  # earlier name FT-Examples
    assert seed.name_reason("near-examples/crossword-tutorial-chapter-3").startswith("family")  # chapters
    assert seed.name_reason("near-examples/near-pet-shop").startswith("family")  # a -frontend half
    assert seed.name_reason("near-examples/counter-rust") == ""  # a one-word key only matches near-examples
    assert seed.name_reason("near-examples/escrow-js").startswith("same-name")
    assert family_key("guest-book-rust") == family_key("guest-book-examples") == family_key("near-guest-book")


def test_the_overlap_rule_uses_distinctive_paths_and_a_threshold():
    from nearcoder.tasks.near_dapp_trees.contamination import OVERLAP_JACCARD, overlap_reason

    mine = {"src/board.rs", "src/pixel.rs", "web/draw.js", "web/palette.js"}
    flagged = [("place", "o/place", {"src/board.rs", "src/pixel.rs", "web/draw.js", "web/other.js"})]
    assert overlap_reason(mine, "o/free-place", flagged, threshold=OVERLAP_JACCARD).startswith("overlap: Jaccard 0.60")
    assert overlap_reason(mine, "o/place", flagged) == ""  # the same repository is not its own source
    assert overlap_reason({"src/board.rs"}, "o/x", flagged) == ""  # too few distinctive paths to judge


# --- independence -----------------------------------------------------------------------------------------


def _candidate(pid: str, paths: list[str], contaminated: bool = False):
    from types import SimpleNamespace

    repo, _, subdir = pid.partition("/")
    return SimpleNamespace(id=pid, repo=repo, subdir=subdir, paths=paths, n_entries=len(paths),
                           contaminated=contaminated)


def test_selection_collapses_chapters_prefers_sub_projects_and_drops_identical_trees():
    from nearcoder.tasks.near_dapp_trees.selection import chapter_key, select_independent

    assert chapter_key("contract-rs/01-basic-auction") == chapter_key("contract-rs/02-nft") == "contract-rs"
    contract = ["Cargo.toml", "src/lib.rs", "tests/a.rs", "README.md"]
    candidates = [
        _candidate("a", ["README.md", "x/1", "y/2", "z/3"] + [f"contract/{p}" for p in contract]),
        _candidate("a/contract/01-start", contract),
        _candidate("a/contract/02-more", contract + ["src/more.rs"]),
        _candidate("a/frontend", ["package.json", "src/app.js", "src/page.js", "index.html"]),
        _candidate("b", contract),  # the same tree as a chapter of a: one of them goes
    ]
    kept, log = select_independent(candidates)
    assert [p.id for p in kept] == ["a/contract/02-more", "a/frontend", "b"]
    rules = {e.id: e.rule for e in log}
    assert rules == {"a": "nested", "a/contract/01-start": "chapter"}


def test_a_repository_whose_sub_projects_are_copies_falls_back_to_its_root():
    from nearcoder.tasks.near_dapp_trees.selection import select_independent

    half = ["Cargo.toml", "src/lib.rs", "README.md", "build.sh"]
    web = ["package.json", "src/App.js", "src/index.js", "public/index.html"]
    candidates = [
        _candidate("chat/contract", half), _candidate("chat/frontend", web),
        _candidate("live", [f"contract/{p}" for p in half] + [f"frontend/{p}" for p in web] + ["README.md"]),
        _candidate("live/contract", half), _candidate("live/frontend", web),
    ]
    kept, log = select_independent(candidates)
    assert [p.id for p in kept] == ["chat/contract", "chat/frontend", "live"]


def test_the_review_file_rejects_malformed_entries(tmp_path):
    from nearcoder.tasks.near_dapp_trees.review import load_review

    bad = tmp_path / "review.toml"
    bad.write_text('["x"]\ndecision = "rewritten"\nreason = "stale README"\n')
    with pytest.raises(ValueError, match="description is required"):
        load_review(bad)
    bad.write_text('["x"]\ndecision = "maybe"\nreason = "?"\n')
    with pytest.raises(ValueError, match="decision must be one of"):
        load_review(bad)


# --- budget and floor --------------------------------------------------------------------------------------


def _max_gen_toks(task: str) -> int:
    text = (tasks_dir() / "near_dapp_trees" / f"{task}.yaml").read_text()
    return int(re.search(r"max_gen_toks:\s*(\d+)", text).group(1))


def test_a_compliant_perfect_answer_scores_1_on_every_reference_within_the_token_budget(pairs):
    from nearcoder.demo_model import DemoModelSpec, corpus_texts, train_tokenizer
    from nearcoder.tasks.near_dapp_trees.budget import compliant_answer, generated_text

    tokenizer = train_tokenizer(corpus_texts(), DemoModelSpec().vocab_size)
    utils = _utils()
    assert "indented two spaces per level" in utils.INSTRUCTION and "# comment" in utils.INSTRUCTION
    clean_ids = {p["id"] for p in read_jsonl(DATA / "clean.jsonl")}
    longest = {"near_dapp_trees": 0, "near_dapp_trees_all": 0}
    for pair in pairs:
        scores = utils.process_results(pair, [compliant_answer(pair["paths"])])
        assert scores["structure"] == scores["structure_difflib"] == 1.0, pair["id"]
        assert scores["comment_coverage"] == 1.0 and scores["comment_quality"] >= 0.5, pair["id"]
        tokens = len(tokenizer(generated_text(pair["paths"])).input_ids)
        for task in [t for t in longest if pair["id"] in clean_ids or t.endswith("_all")]:
            assert tokens <= _max_gen_toks(task), f"{pair['id']}: {tokens} tokens > {task}'s max_gen_toks"
            longest[task] = max(longest[task], tokens)
    for task, tokens in longest.items():
        assert tokens * 1.1 <= _max_gen_toks(task) < tokens * 1.5, f"{task}: max_gen_toks not sized from {tokens}"


def test_the_template_floor_is_what_the_best_fixed_template_scores(pairs):
    from nearcoder.harness.trees import parse_tree, render
    from nearcoder.tasks.near_dapp_trees.floors import TEMPLATES, template_floor

    utils = _utils()
    for pair in pairs[::7]:
        reference = tree_from_paths(pair["paths"])
        scored = [utils.process_results(pair, [render(tree_from_paths(paths), "ascii")])["structure"]
                  for paths in TEMPLATES.values()]
        assert max(scored) == pytest.approx(template_floor(reference)), pair["id"]
        assert parse_tree(render(reference, "ascii")) == reference
    clean = read_jsonl(DATA / "clean.jsonl")
    floors = [template_floor(tree_from_paths(p["paths"])) for p in clean]
    assert max(floors) < 1.0 and sum(floors) / len(floors) < 0.4, "prompt-blind templates must stay far below 1"
