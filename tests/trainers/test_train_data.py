import pytest
from nearcoder.trainers.data.dataset_io import DatasetCard, dataset_hash, write_dataset
from nearcoder.trainers.train_data import TrainDataArguments, mix_records


def make(tmp_path, name, n, **extra):
    card = DatasetCard(name, "d", "corpus", {"text": "t"})
    return str(write_dataset(tmp_path / name, [{"text": f"{name}-{i}", **extra} for i in range(n)], card, {}))


def test_weights_are_passes_over_each_dataset(tmp_path):
    a, b = make(tmp_path, "a", 10), make(tmp_path, "b", 10)
    records, hashes = mix_records(TrainDataArguments([a, b], [2.0, 0.5]), {"text"})
    texts = [r["text"] for r in records]
    assert sum(t.startswith("a-") for t in texts) == 20 and sum(t.startswith("b-") for t in texts) == 5
    assert hashes == {a: dataset_hash(a), b: dataset_hash(b)}
    again, _ = mix_records(TrainDataArguments([a, b], [2.0, 0.5]), {"text"})
    assert [r["text"] for r in again] == texts  # seeded


def test_max_samples_and_missing_columns(tmp_path):
    a = make(tmp_path, "a", 10)
    records, _ = mix_records(TrainDataArguments([a], max_train_samples=3), {"text"})
    assert len(records) == 3
    with pytest.raises(ValueError, match="lack \\['chosen'\\]"):
        mix_records(TrainDataArguments([a]), {"text", "chosen"})


def test_argument_validation():
    with pytest.raises(ValueError, match="one weight per dataset"):
        TrainDataArguments(["a", "b"], [1.0])
    with pytest.raises(ValueError, match="eval_fraction"):
        TrainDataArguments(["a"], eval_fraction=1.5)
    with pytest.raises(ValueError, match="train_datasets is empty"):
        mix_records(TrainDataArguments([]), {"text"})
