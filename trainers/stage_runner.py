"""What the three stage scripts share: the dry run (memory and token budget), building and running the TRL
trainer, and finishing a checkpoint."""

from __future__ import annotations

from pathlib import Path

from nearcoder.trainers.checkpoints import is_adapter, merge_adapter, stage_config, write_stage_manifest
from nearcoder.trainers.data.dataset_io import read_records
from nearcoder.trainers.memory_estimate import MemoryEstimate, render_tables

TEXT_COLUMNS = {"stage1": ("text",), "stage2": ("prompt", "chosen", "rejected"), "stage3": ("text",)}


def dataset_size(data_args, columns: tuple[str, ...], model: str) -> tuple[int | None, int | None, str]:
    """(records, tokens, how) of the weighted mixture; None when a dataset is not built yet."""
    texts, records = [], 0.0
    for path, weight in zip(data_args.train_datasets, data_args.weights()):
        try:
            rows = read_records(path)
        except FileNotFoundError:
            return None, None, "n/a"
        records += weight * len(rows)
        texts.append((weight, ["".join(str(r.get(c, "")) for c in columns) for r in rows]))
    if not data_args.train_datasets:
        return None, None, "n/a"
    try:
        from nearcoder.trainers.checkpoints import load_tokenizer

        tokenizer = load_tokenizer(model)
        tokens = sum(w * sum(len(ids) for ids in tokenizer(batch)["input_ids"]) for w, batch in texts if batch)
        how = "tokenized"
    except (OSError, ValueError):
        tokens = sum(w * sum(len(t) for t in batch) / 3.5 for w, batch in texts)
        how = "≈ characters / 3.5, tokenizer not available offline"
    records_n = int(records)
    if data_args.max_train_samples:
        scale = min(1.0, data_args.max_train_samples / max(1, records_n))
        records_n, tokens = min(records_n, data_args.max_train_samples), tokens * scale
    return records_n, int(tokens), how


def dry_run(stage: str, model_args, training_args, data_args, pipeline_args, console=None, *,
            config_path: Path | None = None, gpu: str = "A10G") -> MemoryEstimate:
    """Print the memory estimate, token budget and wall-time plan of a stage without loading weights or training.

    A parent that is not trained yet takes its architecture from the sibling config that writes it."""
    from nearcoder.trainers.plan import GPUS, plan_from_args, render_plan

    plan = plan_from_args(stage, model_args, training_args, data_args, pipeline_args, config_path=config_path,
                          gpu=GPUS[gpu])
    render_tables(f"{stage} · {model_args.model_name_or_path} · {plan.mode}", plan.estimate, plan.budget,
                  plan.device_gib, console)
    render_plan([plan], GPUS[gpu], f"{stage}: plan on one {gpu}", console)
    return plan.estimate


def train_stage(trainer_class, stage: str, records: list[dict], hashes: dict[str, str], *, model_args,
                training_args, data_args, pipeline_args) -> dict[str, Path]:
    """Split ``records``, load the parent, train a TRL ``trainer_class`` (SFTTrainer or DPOTrainer; for DPO the
    reference model is the parent with the adapter disabled) and finish the checkpoint."""
    from trl import get_peft_config, get_quantization_config

    from nearcoder.trainers.checkpoints import load_parent, load_tokenizer, resolve_parent
    from nearcoder.trainers.train_data import to_datasets

    train, evaluation = to_datasets(records, data_args.eval_fraction, data_args.mixture_seed)
    parent = resolve_parent(model_args.model_name_or_path)
    training_args.model_init_kwargs = {**(training_args.model_init_kwargs or {}), "dtype": model_args.dtype}
    trainer = trainer_class(
        model=load_parent(parent, model_args.dtype, model_args.load_in_4bit),
        args=training_args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=load_tokenizer(parent),
        quantization_config=get_quantization_config(model_args),
        peft_config=get_peft_config(model_args),
    )
    result = trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    return finish_stage(trainer, result, stage=stage, parent=parent, model_args=model_args,
                        training_args=training_args, data_args=data_args, pipeline_args=pipeline_args, hashes=hashes)


def finish_stage(trainer, train_result, *, stage: str, parent: str, model_args, training_args, data_args,
                 pipeline_args, hashes: dict[str, str]) -> dict[str, Path]:
    """Save the trained model, its manifest and (for adapters) the merged checkpoint; returns their paths."""
    out = Path(training_args.output_dir)
    trainer.save_model(str(out))
    if trainer.processing_class is not None:
        trainer.processing_class.save_pretrained(str(out))
    adapter = is_adapter(out)
    history = [h for h in trainer.state.log_history if "loss" in h]
    metrics = {k: float(v) for k, v in train_result.metrics.items() if isinstance(v, (int, float))}
    metrics.update(global_step=trainer.state.global_step,
                   final_loss=history[-1]["loss"] if history else None,
                   trainable_parameters=sum(p.numel() for p in trainer.model.parameters() if p.requires_grad))
    parameters = sum(p.numel() for n, p in trainer.model.named_parameters() if "lora_" not in n)
    config = stage_config(model_args, data_args, pipeline_args, training_args)
    if not adapter:
        config["lm_eval_model_args"] = f"pretrained={out}"
    elif not is_adapter(parent):  # lm-eval stacks one adapter on a full model; an adapter parent needs merged/
        config["lm_eval_model_args"] = f"pretrained={parent},peft={out}"
    write_stage_manifest(out, stage=stage, name=pipeline_args.checkpoint_name or f"nearcoder-{stage}",
                         parent=parent, adapter=adapter, datasets=hashes, parameters=parameters, metrics=metrics,
                         config=config)
    paths = {"checkpoint": out}
    if adapter and pipeline_args.merge_after_training:
        paths["merged"] = merge_adapter(out, dtype=model_args.dtype)
    return paths


def parse_stage_args(make_parser, argv: list[str]):
    """(training, model, data, pipeline) arguments from ``--config FILE`` plus flag overrides."""
    parser = make_parser()
    training_args, model_args, data_args, pipeline_args = parser.parse_args_and_config(argv)
    if not model_args.model_name_or_path:
        raise ValueError("model_name_or_path is not set (in the YAML or as --model_name_or_path)")
    return training_args, model_args, data_args, pipeline_args


def cli_entry(stage: str, make_parser, main, argv: list[str] | None = None) -> dict | None:
    """``python -m nearcoder.trainers.<stage> --config FILE [--dry-run] [flags]``."""
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    dry = "--dry-run" in argv
    argv = [a for a in argv if a != "--dry-run"]
    if dry and "--use_cpu" not in argv:
        import torch

        if not torch.cuda.is_available():  # bf16 configs fail validation without a GPU; a dry run trains nothing
            argv += ["--use_cpu", "true"]
    training_args, model_args, data_args, pipeline_args = parse_stage_args(make_parser, argv)
    if dry:
        config = Path(argv[argv.index("--config") + 1]) if "--config" in argv[:-1] else None
        dry_run(stage, model_args, training_args, data_args, pipeline_args, config_path=config)
        return None
    return main(training_args, model_args, data_args, pipeline_args)
