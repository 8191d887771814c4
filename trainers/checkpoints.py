"""Loading a stage's parent model and writing its outputs: the adapter (or full model), the merged checkpoint
and the manifest of each (:mod:`nearcoder.harness.manifest`).

Lineage: ``parent`` is the exact model a stage trained on (what lm-eval's ``pretrained=`` must be when the
adapter is scored with ``peft=``); ``base_model`` is the root of the chain, taken from the parent's manifest.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nearcoder.harness.manifest import Manifest, read_manifest, write_manifest

MERGED_DIR = "merged"


def is_adapter(path: str | Path) -> bool:
    return (Path(path) / "adapter_config.json").is_file()


def root_base_model(parent: str) -> str:
    """The first model of the chain that ``parent`` descends from."""
    manifest = read_manifest(parent) if Path(parent).is_dir() else None
    if manifest is None:
        return parent
    return manifest.base_model or manifest.name or parent


def resolve_parent(model_name_or_path: str) -> str:
    """The model a stage really trains on: an adapter's ``merged/`` checkpoint when it has one, else the path as
    given. This is what lm-eval's ``pretrained=`` must name when the new adapter is scored with ``peft=``."""
    merged = Path(model_name_or_path) / MERGED_DIR
    return str(merged) if is_adapter(model_name_or_path) and merged.is_dir() else model_name_or_path


def load_parent(parent: str, dtype: str | None = None, quantized: bool = False):
    """What to hand the trainer for ``parent`` (see :func:`resolve_parent`): the path itself, or, for a LoRA
    adapter without a merged checkpoint, the adapter merged into its base in memory.

    QLoRA cannot train on a merged-in-memory adapter; it needs the parent's merged checkpoint on disk.
    """
    if not is_adapter(parent):
        return parent
    if quantized:
        raise ValueError(f"{parent} is a LoRA adapter; 4-bit training needs a merged parent: run "
                         f"`nearcoder train merge {parent}` and train on {Path(parent) / MERGED_DIR}")
    import torch
    from peft import AutoPeftModelForCausalLM

    torch_dtype = getattr(torch, dtype) if dtype and dtype != "auto" else "auto"
    return AutoPeftModelForCausalLM.from_pretrained(parent, dtype=torch_dtype).merge_and_unload()


def load_tokenizer(model_name_or_path: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name_or_path)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except TypeError:
        if isinstance(value, dict):
            return {str(k): jsonable(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [jsonable(v) for v in value]
        return str(value)


def stage_config(*dataclasses) -> dict[str, Any]:
    """The arguments of a run for the manifest: non-default-looking, JSON-safe values of each dataclass."""
    out: dict[str, Any] = {}
    for obj in dataclasses:
        values = obj.to_dict() if hasattr(obj, "to_dict") else vars(obj)
        out[type(obj).__name__] = {k: jsonable(v) for k, v in values.items()
                                   if v is not None and not k.startswith("_") and "token" not in k.lower()}
    return out


def write_stage_manifest(output_dir: str | Path, *, stage: str, name: str, parent: str, adapter: bool,
                         datasets: dict[str, str], config: dict, metrics: dict, parameters: int | None) -> Path:
    from nearcoder.trainers.train_data import combined_contamination, dataset_contamination

    # A checkpoint is as contaminated as the worst of its training data and its parent.
    parent_manifest = read_manifest(parent) if Path(parent).is_dir() else None
    labels = [dataset_contamination(p) for p in datasets]
    labels.append(parent_manifest.contamination if parent_manifest else "unknown")
    return write_manifest(output_dir, Manifest(
        name=name, base_model=root_base_model(parent), model_type="adapter" if adapter else "fine-tuned",
        stage=stage, parent=str(parent), parameters=parameters, datasets=datasets, config=config, metrics=metrics,
        contamination=combined_contamination(labels)))


def merge_adapter(adapter_dir: str | Path, out: str | Path | None = None, dtype: str | None = None) -> Path:
    """Merge a LoRA adapter into its base (``adapter_config.json``'s ``base_model_name_or_path``) and save it
    with the adapter's tokenizer to ``out`` (default ``<adapter_dir>/merged``); copies the manifest as fine-tuned."""
    import torch
    from peft import AutoPeftModelForCausalLM

    adapter_dir = Path(adapter_dir)
    if not is_adapter(adapter_dir):
        raise ValueError(f"{adapter_dir} has no adapter_config.json: not a PEFT adapter directory")
    out = Path(out) if out else adapter_dir / MERGED_DIR
    torch_dtype = getattr(torch, dtype) if dtype and dtype != "auto" else "auto"
    model = AutoPeftModelForCausalLM.from_pretrained(str(adapter_dir), dtype=torch_dtype)
    merged = model.merge_and_unload()
    merged.save_pretrained(out)
    load_tokenizer(str(adapter_dir)).save_pretrained(out)
    manifest = read_manifest(adapter_dir)
    if manifest is not None and not (out / "nearcoder_manifest.json").is_file():
        manifest.name, manifest.model_type = f"{manifest.name}-merged", "fine-tuned"
        manifest.config = {**manifest.config, "merged_from": str(adapter_dir),
                           "lm_eval_model_args": f"pretrained={out}"}
        manifest.created = Manifest(name="", base_model=None).created
        write_manifest(out, manifest)
    return out
