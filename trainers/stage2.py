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
    from nearcoder.trainers.stage_runner import train_stage
    from nearcoder.trainers.train_data import mix_records
    from trl import DPOTrainer

    columns = {"prompt", "chosen", "rejected"}
    if training_args.drop_unparsable_rejected:
        columns.add("rejected_parses")
    records, hashes = mix_records(data_args, columns)
    if training_args.drop_unparsable_rejected:
        records = [r for r in records if r.pop("rejected_parses")]
        if not records:
            raise ValueError("drop_unparsable_rejected removed every pair")
    return train_stage(DPOTrainer, "stage2", records, hashes, model_args=model_args, training_args=training_args,
                       data_args=data_args, pipeline_args=pipeline_args)


def make_parser(prog: str | None = None):
    from nearcoder.trainers.stage2_config import Stage2Config
    from nearcoder.trainers.train_data import PipelineArguments, TrainDataArguments
    from trl import ModelConfig, TrlParser

    return TrlParser((Stage2Config, ModelConfig, TrainDataArguments, PipelineArguments), prog=prog)


if __name__ == "__main__":
    from nearcoder.trainers.stage_runner import cli_entry

    cli_entry("stage2", make_parser, main)
