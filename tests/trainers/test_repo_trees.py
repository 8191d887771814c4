import shutil
import subprocess

import pytest
from nearcoder.harness.trees import parse_tree
from nearcoder.trainers.data.dataset_io import read_records
from nearcoder.trainers.data.repo_trees import TreeOptions, build_trees, repo_paths
from nearcoder.trainers.data.user_prompts import build_prompts


def test_fixture_repos_walk_and_file_list(tmp_path, fixtures):
    out, _ = build_trees([fixtures / "repos"], tmp_path / "trees")
    records = {r["repo"]: r for r in read_records(out)}
    assert set(records) == {"counter-rs", "guest-book-ts", "listed-nft"}
    assert records["counter-rs"]["origin"] == "walk" and records["listed-nft"]["origin"] == "files.txt"
    assert records["listed-nft"]["readme"].startswith("# Non-fungible Token")
    tree = records["counter-rs"]["tree"]
    assert tree.splitlines()[0] == "counter-rs/" and "└── test_basics.rs" in tree
    paths = parse_tree(tree).paths()
    assert any(p.endswith("src/lib.rs") for p in paths)
    listed = parse_tree(records["listed-nft"]["tree"]).paths()
    assert not any(p.endswith((".wasm", "Cargo.lock")) for p in listed)  # cleaned by the trees rules


def test_git_working_tree_uses_ls_files(tmp_path, fixtures):
    repo = tmp_path / "repos" / "counter"
    shutil.copytree(fixtures / "repos" / "counter-rs", repo)
    (repo / "untracked.txt").write_text("not in git")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "README.md", "Cargo.toml", "src", "tests"], check=True)
    paths, origin = repo_paths(repo)
    assert origin == "git" and "src/lib.rs" in paths and "untracked.txt" not in paths


def test_eval_repositories_are_held_out(tmp_path, shared_data):
    from nearcoder.trainers.data.repo_trees import eval_repo_names

    _, kept = build_trees([shared_data / "near-examples"], tmp_path / "t")  # the mirror holds a few non-eval repos
    assert kept["contaminated"] == [] and len(kept["skipped"]) >= 90
    assert all(reason.startswith("held out") for name, reason in kept["skipped"] if name.lower() in eval_repo_names())
    out, report = build_trees([shared_data / "near-examples"], tmp_path / "t2", TreeOptions(include_eval_repos=True))
    assert report["records"] >= 30 and report["contaminated"]
    assert "CONTAMINATED" in (out / "README.md").read_text()
    prompts, _ = build_prompts(out, tmp_path / "p")  # the warning follows the data downstream
    assert "CONTAMINATED" in (prompts / "README.md").read_text()


def test_missing_input_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a directory"):
        build_trees([tmp_path / "nope"], tmp_path / "out")
