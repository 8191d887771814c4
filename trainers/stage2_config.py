"""Configuration of stage 2, structure-aware DPO (TRL ``DPOTrainer`` on tree preference pairs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trl import DPOConfig


@dataclass
class Stage2Config(DPOConfig):
    r"""
    Direct preference optimisation: for a prompt asking for a NEAR dApp's structure, prefer the real tree
    (chosen) over the tree the stage-1 model wrote (rejected).

    > Parameters that control the pairs

    Parameters:
        drop_unparsable_rejected (`bool`, *optional*, defaults to `False`):
            Keep only pairs whose rejected text parses as a tree (harder negatives; fewer pairs).

    Defaults that differ from [`~trl.DPOConfig`]: `max_length=1536`, `learning_rate=5e-5` (a LoRA rate).
    """

    max_length: int | None = field(default=1536, metadata={"help": "Max tokens of prompt + completion."})
    learning_rate: float = field(default=5e-5, metadata={"help": "Peak learning rate (LoRA scale)."})
    drop_unparsable_rejected: bool = field(
        default=False, metadata={"help": "Keep only pairs whose rejected text parses as a tree."})

    def __post_init__(self):
        super().__post_init__()
        if self.beta <= 0:
            raise ValueError(f"beta must be > 0, got {self.beta}")
