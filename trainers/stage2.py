"""
Stage 2: structure-aware DPO (the seed's "NEAR-structTunedStarCoder2").

# Build the pairs with the stage-1 model, then train (LoRA, one A10G)
```bash
nearcoder data trees ../shared/data/near-examples --out data/trees
nearcoder data prompts data/trees --out data/prompts
nearcoder data dpo data/prompts --checkpoint out/stage1/merged --out data/dpo
nearcoder train stage2 --config trainers/configs/a10g/stage2.yaml --dry-run
nearcoder train stage2 --config trainers/configs/a10g/stage2.yaml
```
"""

from __future__ import annotations


def main(training_args, model_args, data_args, pipeline_args):
    from nearcoder.trainers.checkpoints import load_parent, load_tokenizer, resolve_parent
    from nearcoder.trainers.stage_runner import finish_stage
    from nearcoder.trainers.train_data import mix_records, to_datasets
    from trl import DPOTrainer, get_peft_config, get_quantization_config

    columns = {"prompt", "chosen", "rejected"}
    if training_args.drop_unparsable_rejected:
        columns.add("rejected_parses")
    records, hashes = mix_records(data_args, columns)
    if training_args.drop_unparsable_rejected:
        records = [r for r in records if r.pop("rejected_parses")]
        if not records:
            raise ValueError("drop_unparsable_rejected removed every pair")
    train, evaluation = to_datasets(records, data_args.eval_fraction, data_args.mixture_seed)
    parent = resolve_parent(model_args.model_name_or_path)
    training_args.model_init_kwargs = {**(training_args.model_init_kwargs or {}), "dtype": model_args.dtype}
    trainer = DPOTrainer(
        model=load_parent(parent, model_args.dtype, model_args.load_in_4bit),
        args=training_args,
        train_dataset=train,
        eval_dataset=evaluation,
        processing_class=load_tokenizer(parent),
        quantization_config=get_quantization_config(model_args),
        peft_config=get_peft_config(model_args),  # the reference model is the parent with the adapter disabled
    )
    result = trainer.train(resume_from_checkpoint=training_args.resume_from_checkpoint)
    return finish_stage(trainer, result, stage="stage2", parent=parent, model_args=model_args,
                        training_args=training_args, data_args=data_args, pipeline_args=pipeline_args, hashes=hashes)


def make_parser(prog: str | None = None):
    from nearcoder.trainers.stage2_config import Stage2Config
    from nearcoder.trainers.train_data import PipelineArguments, TrainDataArguments
    from trl import ModelConfig, TrlParser

    return TrlParser((Stage2Config, ModelConfig, TrainDataArguments, PipelineArguments), prog=prog)


if __name__ == "__main__":
    from nearcoder.trainers.stage_runner import cli_entry

    cli_entry("stage2", make_parser, main)
