"""Loads a task's dataset from the hub by name, or from a local mirror directory when one is configured.

Set ``NEARCODER_DATA_DIR`` to a directory laid out like ``../shared/data`` (for example
``humanevalpack/js.jsonl``) and no hub is contacted. Without it, hub datasets load through
``datasets.load_dataset`` by name. Datasets the project writes itself ship inside the package and
need neither.
"""

from __future__ import annotations

from pathlib import Path

from nearcoder.harness import settings

DATA_DIR_ENV = settings.DATA_DIR


class MissingDatasetError(FileNotFoundError):
    """A dataset could not be found in the mirror directory or the package."""


def mirror_dir() -> Path | None:
    """The local mirror directory named by ``NEARCODER_DATA_DIR``, or None when it is unset."""
    return settings.data_dir()


def mirror_file(relative: str) -> Path:
    """A file inside the mirror; raises one clear error naming the variable and the expected file."""
    root = mirror_dir()
    if root is None:
        raise MissingDatasetError(f"{DATA_DIR_ENV} is not set; set it to a local mirror that holds {relative}")
    path = root / relative
    if not path.is_file():
        raise MissingDatasetError(
            f"{DATA_DIR_ENV}={root} has no {relative}: expected the file {path} "
            f"(unset {DATA_DIR_ENV} to load from the hub instead)"
        )
    return path


def load_jsonl_splits(files: dict[str, Path]):
    """A ``datasets.DatasetDict`` with one split per JSONL file."""
    import datasets

    for split, path in files.items():
        if not Path(path).is_file():
            raise MissingDatasetError(f"dataset file for split {split!r} not found: {path}")
    return datasets.load_dataset("json", data_files={k: str(v) for k, v in files.items()})


def load_hub_or_mirror(hub_path: str, hub_name: str | None, mirror_relative: str, split: str = "test", **kwargs):
    """Load ``hub_path``/``hub_name`` from the hub, or ``mirror_relative`` from the mirror when it is set.

    The mirror file becomes the split ``split`` so the task YAML reads the same either way.
    """
    if mirror_dir() is not None:
        return load_jsonl_splits({split: mirror_file(mirror_relative)})
    import datasets

    return datasets.load_dataset(hub_path, hub_name, **kwargs)


def load_packaged(task_folder: str, files: dict[str, str]):
    """A dataset the project ships in ``tasks/<task_folder>/``; ``files`` maps split name to relative path."""
    from nearcoder.harness.paths import tasks_dir

    base = tasks_dir() / task_folder
    return load_jsonl_splits({split: base / rel for split, rel in files.items()})
