"""Configuration of stage 1, continued pre-training (TRL ``SFTTrainer`` on plain text, packed)."""

from __future__ import annotations

from dataclasses import dataclass, field

from trl import SFTConfig


@dataclass
class Stage1Config(SFTConfig):
    r"""
    Continued pre-training on documentation text (and, if mixed in, AST segments): next-token loss on every
    token of packed ``text`` sequences.

    > Parameters that control the corpus

    Parameters:
        min_text_chars (`int`, *optional*, defaults to `200`):
            Records whose `text` is shorter are dropped before packing (fragments teach little).

    Defaults that differ from [`~trl.SFTConfig`]: `packing=True`, `max_length=2048`, `learning_rate=2e-4`
    (a LoRA rate).
    """

    packing: bool = field(default=True, metadata={"help": "Pack documents into max_length sequences."})
    max_length: int | None = field(default=2048, metadata={"help": "Sequence length of packed training rows."})
    learning_rate: float = field(default=2e-4, metadata={"help": "Peak learning rate (LoRA scale)."})
    min_text_chars: int = field(default=200, metadata={"help": "Drop records with shorter text."})

    def __post_init__(self):
        super().__post_init__()
        if self.min_text_chars < 0:
            raise ValueError(f"min_text_chars must be >= 0, got {self.min_text_chars}")
        if self.packing and not self.max_length:
            raise ValueError("packing=True needs max_length (the packed sequence length)")
