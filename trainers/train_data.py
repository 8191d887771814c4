"""Arguments and loading shared by the stages: which built datasets to train on, and how to mix them.

A stage trains on a mixture of datasets written by ``nearcoder data …``. Each dataset has a weight that
means *passes over it*: 1.0 uses every record once, 0.5 a seeded half, 2.0 every record twice. That is how
order and mixing are configured, e.g. the seed's hypothesis "AST segments as pre-training" is stage 1 with
``train_datasets: [data/corpus, data/ast]``, and stage 3 can keep some corpus to limit forgetting.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from pathlib import Path

from nearcoder.trainers.data.dataset_io import dataset_hash, read_records


@dataclass
class TrainDataArguments:
    """
    > Parameters that choose and mix the training data

    Parameters:
        train_datasets (`list[str]`): directories written by `nearcoder data …` (or JSONL files).
        train_dataset_weights (`list[float]` or `None`): passes over each dataset (default 1.0 each).
        max_train_samples (`int` or `None`): cap on the mixed dataset (after shuffling).
        eval_fraction (`float`): share of the mixture held out as the eval split (0: none).
        mixture_seed (`int`): seed for sampling and shuffling the mixture.
    """

    train_datasets: list[str] = field(default_factory=list, metadata={"help": "Built datasets to train on."})
    train_dataset_weights: list[float] | None = field(
        default=None, metadata={"help": "Passes over each dataset, same order as train_datasets (default 1.0)."})
    max_train_samples: int | None = field(default=None, metadata={"help": "Cap on mixed training records."})
    eval_fraction: float = field(default=0.0, metadata={"help": "Share of the mixture held out for evaluation."})
    mixture_seed: int = field(default=42, metadata={"help": "Seed for sampling and shuffling the mixture."})

    def __post_init__(self):
        if isinstance(self.train_datasets, str):
            self.train_datasets = [self.train_datasets]
        if self.train_dataset_weights is not None:
            if len(self.train_dataset_weights) != len(self.train_datasets):
                raise ValueError(f"train_dataset_weights has {len(self.train_dataset_weights)} values but "
                                 f"train_datasets has {len(self.train_datasets)}; give one weight per dataset")
            if any(w < 0 for w in self.train_dataset_weights):
                raise ValueError("train_dataset_weights must be >= 0")
        if not 0.0 <= self.eval_fraction < 1.0:
            raise ValueError(f"eval_fraction must be in [0, 1), got {self.eval_fraction}")

    def weights(self) -> list[float]:
        return list(self.train_dataset_weights or [1.0] * len(self.train_datasets))


@dataclass
class PipelineArguments:
    """
    > Parameters of the checkpoint the stage writes

    Parameters:
        merge_after_training (`bool`): also write `<output_dir>/merged`, the adapter merged into its parent.
        checkpoint_name (`str` or `None`): name recorded in the manifest (default `nearcoder-<stage>`).
        target_device_memory_gib (`float`): GPU memory the dry run checks the estimate against (A10G: 24).
    """

    merge_after_training: bool = field(default=True, metadata={"help": "Also write <output_dir>/merged."})
    checkpoint_name: str | None = field(default=None, metadata={"help": "Name in the manifest."})
    target_device_memory_gib: float = field(default=24.0, metadata={"help": "GPU memory for the dry-run check."})


def mix_records(data_args: TrainDataArguments, required: set[str]) -> tuple[list[dict], dict[str, str]]:
    """The mixed, shuffled records and ``{dataset path: content hash}`` for the manifest."""
    if not data_args.train_datasets:
        raise ValueError("train_datasets is empty: name at least one dataset built by `nearcoder data …`")
    rng = random.Random(data_args.mixture_seed)
    mixed, hashes = [], {}
    for path, weight in zip(data_args.train_datasets, data_args.weights()):
        records = read_records(path)
        if records and not required <= records[0].keys():
            raise ValueError(f"{path}: records lack {sorted(required - records[0].keys())}; "
                             f"this stage needs columns {sorted(required)}")
        hashes[str(path)] = dataset_hash(path)
        whole, part = math.floor(weight), weight - math.floor(weight)
        chosen = records * whole + rng.sample(records, round(part * len(records)))
        mixed += [{k: r[k] for k in required} for r in chosen]
    rng.shuffle(mixed)
    if data_args.max_train_samples:
        mixed = mixed[: data_args.max_train_samples]
    if not mixed:
        raise ValueError("the training mixture is empty (all weights 0 or empty datasets)")
    return mixed, hashes


def to_datasets(records: list[dict], eval_fraction: float, seed: int):
    """(train, eval or None) ``datasets.Dataset`` objects."""
    import datasets

    full = datasets.Dataset.from_list(records)
    if eval_fraction <= 0 or len(records) < 2:
        return full, None
    split = full.train_test_split(test_size=eval_fraction, seed=seed)
    return split["train"], split["test"]


def dataset_contamination(path: str | Path) -> str:
    """``"flagged"`` when a built dataset may hold eval answers, ``"clean"`` when its build says it does not,
    ``"unknown"`` for data without a ``build_info.json`` (a plain JSONL file, say).

    Flagged: trees built with ``--include-eval-repos``, a corpus built with ``--no-decontaminate``, or records
    whose ``repo`` is a near_dapp_trees reference (prompts and preference pairs inherit their trees' repos).
    """
    import json

    from nearcoder.trainers.data.dataset_io import INFO_FILE
    from nearcoder.trainers.data.repo_trees import eval_repo_names

    path = Path(path)
    info_file = path / INFO_FILE if path.is_dir() else path.parent / INFO_FILE
    if not path.is_dir() or not info_file.is_file():
        return "unknown"
    arguments = json.loads(info_file.read_text()).get("arguments") or {}
    if arguments.get("include_eval_repos") or arguments.get("decontaminate") is False:
        return "flagged"
    held_out = eval_repo_names()
    if any(str(r.get("repo", "")).lower() in held_out for r in read_records(path)):
        return "flagged"
    return "clean"


def combined_contamination(labels: list[str]) -> str:
    """The worst of several labels: any flagged → flagged; any unknown → unknown; else clean."""
    if "flagged" in labels:
        return "flagged"
    return "unknown" if "unknown" in labels or not labels else "clean"
