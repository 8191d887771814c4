import json

import pytest
from nearcoder.trainers.data.dataset_io import (
    DatasetCard,
    Table,
    dataset_hash,
    read_records,
    records_hash,
    write_dataset,
)


def card():
    return DatasetCard("demo", "a demo", "corpus", {"text": "the text"},
                       tables=[Table("Counts", ["a", "b"], [[1, 2]])])


def test_roundtrip_jsonl_card_and_hash(tmp_path):
    records = [{"text": "héllo", "n": 1}, {"text": "world", "n": 2}]
    out = write_dataset(tmp_path / "ds", records, card(), {"k": "v"})
    assert read_records(out) == records
    assert dataset_hash(out) == records_hash(records)
    info = json.loads((out / "build_info.json").read_text())
    assert info["records"] == 2 and info["builder"] == "corpus"
    readme = (out / "README.md").read_text()
    assert readme.startswith("---\npretty_name: demo") and "| 1 | 2 |" in readme and records_hash(records) in readme


def test_hash_ignores_key_order_but_not_content():
    assert records_hash([{"a": 1, "b": 2}]) == records_hash([{"b": 2, "a": 1}])
    assert records_hash([{"a": 1}]) != records_hash([{"a": 2}])


def test_arrow_format_reads_back(tmp_path):
    records = [{"text": "x"}, {"text": "y"}]
    out = write_dataset(tmp_path / "ds", records, card(), {}, fmt="arrow")
    assert (out / "dataset_info.json").is_file() and (out / "README.md").is_file()
    assert read_records(out) == records


def test_empty_and_bad_input_fail_clearly(tmp_path):
    with pytest.raises(ValueError, match="no records"):
        write_dataset(tmp_path / "empty", [], card(), {})
    assert not (tmp_path / "empty").exists()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"a": 1}\n{oops\n')
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        read_records(bad)
    with pytest.raises(FileNotFoundError, match="nearcoder data"):
        read_records(tmp_path / "missing")
