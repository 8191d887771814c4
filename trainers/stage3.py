"""
Stage 3: SFT on AST segments (the seed's "NEARCoder"; it lowered the seed's scores, so order and mixing
are configurable, see trainers/README.md).

# LoRA on one A10G (24 GB), StarCoder2-3b, on top of the merged stage-2 model
```bash
nearcoder data ast path/to/checkouts --out data/ast --fim-rate 0.5
nearcoder train stage3 --config trainers/configs/a10g/stage3.yaml --dry-run
nearcoder train stage3 --config trainers/configs/a10g/stage3.yaml
```
"""

from __future__ import annotations

from nearcoder.trainers.data.ast_segments import FIM_MIDDLE


def as_completion(record: dict) -> dict:
    """prompt/completion of one segment record: context → code, or FIM prefix+suffix → middle."""
    text = record["text"]
    if record.get("fim") and FIM_MIDDLE in text:
        head, middle = text.split(FIM_MIDDLE, 1)
        return {"prompt": head + FIM_MIDDLE, "completion": middle}
    return {"prompt": record["context"], "completion": record["code"]}


def main(training_args, model_args, data_args, pipeline_args):
    from nearcoder.trainers.stage_runner import train_stage
    from nearcoder.trainers.train_data import mix_records
    from trl import SFTTrainer

    completion = training_args.segment_format == "completion"
    records, hashes = mix_records(data_args, {"text", "context", "code", "fim"} if completion else {"text"})
    if completion:
        records = [as_completion(r) for r in records]
    return train_stage(SFTTrainer, "stage3", records, hashes, model_args=model_args, training_args=training_args,
                       data_args=data_args, pipeline_args=pipeline_args)


def make_parser(prog: str | None = None):
    from nearcoder.trainers.stage3_config import Stage3Config
    from nearcoder.trainers.train_data import PipelineArguments, TrainDataArguments
    from trl import ModelConfig, TrlParser

    return TrlParser((Stage3Config, ModelConfig, TrainDataArguments, PipelineArguments), prog=prog)


if __name__ == "__main__":
    from nearcoder.trainers.stage_runner import cli_entry

    cli_entry("stage3", make_parser, main)
