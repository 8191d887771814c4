"""Dataset loading: the mirror replaces the hub, and a missing file gives one clear error."""

from __future__ import annotations

import pytest

from nearcoder.harness import data_sources
from nearcoder.harness.data_sources import DATA_DIR_ENV, MissingDatasetError, load_hub_or_mirror, mirror_file


def test_mirror_loads_humanevalpack(shared_data, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(shared_data))
    ds = load_hub_or_mirror("bigcode/humanevalpack", "js", "humanevalpack/js.jsonl")
    assert len(ds["test"]) == 164
    assert ds["test"][0]["task_id"].startswith("JavaScript/")


def test_missing_mirror_file_names_variable_and_file(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    with pytest.raises(MissingDatasetError) as err:
        mirror_file("humanevalpack/rust.jsonl")
    assert DATA_DIR_ENV in str(err.value) and "humanevalpack/rust.jsonl" in str(err.value)


def test_unset_mirror_is_reported(monkeypatch):
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    assert data_sources.mirror_dir() is None
    with pytest.raises(MissingDatasetError, match=DATA_DIR_ENV):
        mirror_file("x.jsonl")


def test_packaged_dataset_loads():
    ds = data_sources.load_packaged("near_questions", {"test": "data/test.jsonl"})
    assert len(ds["test"]) >= 6


def test_packaged_missing_file_is_clear():
    with pytest.raises(MissingDatasetError, match="no_such.jsonl"):
        data_sources.load_packaged("near_questions", {"test": "data/no_such.jsonl"})
