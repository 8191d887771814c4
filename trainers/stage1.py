"""
Stage 1: continued pre-training on NEAR documentation (the seed's "NEAR-preTrainedStarCoder2").

# LoRA on one A10G (24 GB), StarCoder2-3b
```bash
nearcoder data corpus ../shared/data/near-docs --out data/corpus
nearcoder train stage1 --config trainers/configs/a10g/stage1.yaml --dry-run   # memory + token budget
nearcoder train stage1 --config trainers/configs/a10g/stage1.yaml
```

# Same with AST segments as pre-training text (the seed's hypothesis), any flag overrides the YAML
```bash
python -m nearcoder.trainers.stage1 --config trainers/configs/a10g/stage1.yaml \
    --train_datasets data/corpus data/ast --train_dataset_weights 1.0 0.5 --output_dir out/stage1-seg
```
"""

from __future__ import annotations


def main(training_args, model_args, data_args, pipeline_args):
    from nearcoder.trainers.stage_runner import train_stage
    from nearcoder.trainers.train_data import mix_records
    from trl import SFTTrainer

    records, hashes = mix_records(data_args, {"text"})
    kept = [r for r in records if len(r["text"]) >= training_args.min_text_chars]
    if len(kept) < len(records):
        import logging

        logging.getLogger(__name__).warning("stage1: dropped %d of %d records shorter than min_text_chars=%d",
                                            len(records) - len(kept), len(records), training_args.min_text_chars)
    if not kept:
        raise ValueError(f"every record is shorter than min_text_chars={training_args.min_text_chars}")
    records = kept
    return train_stage(SFTTrainer, "stage1", records, hashes, model_args=model_args, training_args=training_args,
                       data_args=data_args, pipeline_args=pipeline_args)


def make_parser(prog: str | None = None):
    from nearcoder.trainers.stage1_config import Stage1Config
    from nearcoder.trainers.train_data import PipelineArguments, TrainDataArguments
    from trl import ModelConfig, TrlParser

    return TrlParser((Stage1Config, ModelConfig, TrainDataArguments, PipelineArguments), prog=prog)


if __name__ == "__main__":
    from nearcoder.trainers.stage_runner import cli_entry

    cli_entry("stage1", make_parser, main)
