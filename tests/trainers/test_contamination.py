"""Contamination provenance: built datasets say whether they hold eval answers, and checkpoints inherit it."""

from __future__ import annotations

import json

from nearcoder.harness.manifest import Manifest, read_manifest, write_manifest
from nearcoder.trainers.checkpoints import write_stage_manifest
from nearcoder.trainers.data.corpus import CorpusOptions, build_corpus
from nearcoder.trainers.data.repo_trees import TreeOptions, build_trees
from nearcoder.trainers.data.user_prompts import build_prompts
from nearcoder.trainers.train_data import combined_contamination, dataset_contamination


def test_trees_with_eval_repositories_and_their_prompts_are_flagged(tmp_path, shared_data):
    trees, _ = build_trees([shared_data / "near-examples"], tmp_path / "trees", TreeOptions(include_eval_repos=True))
    prompts, _ = build_prompts(trees, tmp_path / "prompts")
    assert dataset_contamination(trees) == "flagged"
    # the prompts builder does not carry the flag in its arguments: the records' repos give it away
    assert dataset_contamination(prompts) == "flagged"


def test_fixture_data_is_clean_and_plain_files_are_unknown(tmp_path, fixtures):
    trees, _ = build_trees([fixtures / "repos"], tmp_path / "trees")
    corpus, _ = build_corpus([fixtures / "docs"], tmp_path / "corpus", CorpusOptions(min_words=20), eval_sets=[])
    assert dataset_contamination(trees) == dataset_contamination(corpus) == "clean"
    raw = tmp_path / "raw.jsonl"
    raw.write_text(json.dumps({"text": "hello"}) + "\n")
    assert dataset_contamination(raw) == "unknown"
    undecontaminated, _ = build_corpus([fixtures / "docs"], tmp_path / "c2",
                                       CorpusOptions(min_words=20, decontaminate=False))
    assert dataset_contamination(undecontaminated) == "flagged"


def test_combined_label_is_the_worst():
    assert combined_contamination(["clean", "clean"]) == "clean"
    assert combined_contamination(["clean", "unknown"]) == "unknown"
    assert combined_contamination(["unknown", "flagged", "clean"]) == "flagged"
    assert combined_contamination([]) == "unknown"


def test_stage_manifest_inherits_from_data_and_parent(tmp_path, fixtures):
    trees, _ = build_trees([fixtures / "repos"], tmp_path / "trees")
    parent = tmp_path / "parent"
    parent.mkdir()
    write_manifest(parent, Manifest(name="p", base_model=None, contamination="clean"))
    out = tmp_path / "out"
    out.mkdir()
    kwargs = dict(stage="stage2", name="x", parent=str(parent), adapter=True, config={}, metrics={}, parameters=1)
    write_stage_manifest(out, datasets={str(trees): "h"}, **kwargs)
    assert read_manifest(out).contamination == "clean"
    write_manifest(parent, Manifest(name="p", base_model=None, contamination="flagged"))
    write_stage_manifest(out, datasets={str(trees): "h"}, **kwargs)
    assert read_manifest(out).contamination == "flagged"
