"""Configuration of stage 3, SFT on AST segments (TRL ``SFTTrainer``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trl import SFTConfig

SEGMENT_FORMATS = ("text", "completion")


@dataclass
class Stage3Config(SFTConfig):
    r"""
    Supervised fine-tuning on code segments cut at syntax boundaries. The seed found this stage lowered its
    scores; `segment_format` and the data mixture (see `TrainDataArguments`) are the knobs to try instead.

    > Parameters that control the segments

    Parameters:
        segment_format (`str`, *optional*, defaults to `"text"`):
            `"text"`: loss on the whole `text` (path context + code, or the FIM string), i.e. segments as
            language-model text. `"completion"`: prompt = path context (or FIM prefix/suffix), completion =
            the code (or FIM middle), loss on the completion only.

    Defaults that differ from [`~trl.SFTConfig`]: `max_length=1024`, `learning_rate=1e-4`.
    """

    max_length: int | None = field(default=1024, metadata={"help": "Max tokens per segment."})
    learning_rate: float = field(default=1e-4, metadata={"help": "Peak learning rate (LoRA scale)."})
    segment_format: str = field(default="text", metadata={"help": "text | completion (see docstring)."})

    def __post_init__(self):
        super().__post_init__()
        if self.segment_format not in SEGMENT_FORMATS:
            raise ValueError(f"segment_format must be one of {SEGMENT_FORMATS}, got {self.segment_format!r}")
        if self.segment_format == "completion" and self.packing:
            raise ValueError("segment_format='completion' needs packing=False (loss masks are per record)")
