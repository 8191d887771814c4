"""Memory and token-budget estimates for ``nearcoder train … --dry-run``.

Parameter counts are exact: the model is built on PyTorch's ``meta`` device from its config (a local
checkpoint's ``config.json``, or the StarCoder2 architectures in ``KNOWN_ARCHITECTURES`` when the model is a
hub id and no hub is reachable), and LoRA parameters are counted from the ``nn.Linear`` modules the LoRA
targets match. The rest is a model, stated here so the numbers can be checked:

- weights: 2 bytes/parameter in bf16/fp16, 4 in fp32; 4-bit (QLoRA, NF4 + double quantisation) ≈ 0.516
  bytes per ``nn.Linear`` weight while embeddings, norms and biases stay 16-bit;
- LoRA: trainable parameters kept in fp32 with their gradient and two AdamW moments: 16 bytes/parameter
  (full fine-tuning: 16-bit weight gradient 2 + fp32 AdamW moments 8 + fp32 master copy 4 per parameter);
- activations (Korthikanti et al. 2022, SDPA attention, 16-bit): ``34·s·b·h`` bytes per layer; with gradient
  checkpointing only each layer's input (``2·s·b·h``) is kept plus one layer being recomputed;
- logits: ``s·b·V`` × (2 bf16 + 4 fp32 upcast + 4 fp32 gradient) bytes;
- DPO runs chosen and rejected in one batch (2·b sequences) and a reference forward without gradients;
- a fixed 1.5 GiB for the CUDA context, allocator fragmentation and kernels' workspaces.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

GIB = 1024**3
OVERHEAD_BYTES = int(1.5 * GIB)
NF4_BYTES = 0.516

# Published configs of the StarCoder2 family (config.json on the hub), so dry runs work offline.
_STARCODER2_COMMON = {"model_type": "starcoder2", "vocab_size": 49152, "max_position_embeddings": 16384,
                      "use_bias": True, "hidden_act": "gelu_pytorch_tanh", "bos_token_id": 0, "eos_token_id": 0}
KNOWN_ARCHITECTURES = {
    "bigcode/starcoder2-3b": {**_STARCODER2_COMMON, "hidden_size": 3072, "intermediate_size": 12288,
                              "num_hidden_layers": 30, "num_attention_heads": 24, "num_key_value_heads": 2,
                              "tie_word_embeddings": True},
    "bigcode/starcoder2-7b": {**_STARCODER2_COMMON, "hidden_size": 4608, "intermediate_size": 18432,
                              "num_hidden_layers": 32, "num_attention_heads": 36, "num_key_value_heads": 4,
                              "tie_word_embeddings": False},
    "bigcode/starcoder2-15b": {**_STARCODER2_COMMON, "hidden_size": 6144, "intermediate_size": 24576,
                               "num_hidden_layers": 40, "num_attention_heads": 48, "num_key_value_heads": 4,
                               "tie_word_embeddings": False},
}
KNOWN_ARCHITECTURES["bigcode/starcoder2-15b-instruct-v0.1"] = KNOWN_ARCHITECTURES["bigcode/starcoder2-15b"]


def load_config(model: str):
    """The transformers config of a local checkpoint (an adapter's base is followed) or a known hub id."""
    import json

    from transformers import AutoConfig, Starcoder2Config

    path = Path(model)
    adapter = path / "adapter_config.json"
    if adapter.is_file():
        return load_config(json.loads(adapter.read_text())["base_model_name_or_path"])
    if (path / "config.json").is_file():
        return AutoConfig.from_pretrained(model)
    if model in KNOWN_ARCHITECTURES:
        spec = dict(KNOWN_ARCHITECTURES[model])
        spec.pop("model_type")
        return Starcoder2Config(**spec)
    raise ValueError(f"cannot estimate memory for {model!r}: not a local checkpoint and not one of "
                     f"{sorted(KNOWN_ARCHITECTURES)}")


@dataclass
class ParameterCounts:
    total: int
    linear: int  # weights of nn.Linear modules other than the output head (what 4-bit quantises)
    lora: int
    hidden: int
    layers: int
    vocab: int


def count_parameters(config, lora_r: int, lora_targets: list[str] | None, use_peft: bool) -> ParameterCounts:
    import torch
    from transformers import AutoModelForCausalLM

    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config)
    total = sum(p.numel() for p in model.parameters())
    head = model.get_output_embeddings()
    linear, lora = 0, 0
    targets = lora_targets or ["q_proj", "v_proj"]  # PEFT's default for most decoder architectures
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Linear) and module is not head:
            linear += module.weight.numel()
            short = name.rsplit(".", 1)[-1]
            if use_peft and ("all-linear" in targets or short in targets):
                lora += lora_r * (module.in_features + module.out_features)
    return ParameterCounts(total, linear, lora, config.hidden_size, config.num_hidden_layers, config.vocab_size)


@dataclass
class MemoryEstimate:
    rows: list[tuple[str, float, str]] = field(default_factory=list)  # (item, bytes, how)

    def add(self, item: str, value: float, how: str) -> None:
        self.rows.append((item, value, how))

    @property
    def total(self) -> float:
        return sum(v for _, v, _ in self.rows)


def estimate_memory(counts: ParameterCounts, *, seq_len: int, micro_batch: int, gradient_checkpointing: bool,
                    precision_bytes: int, load_in_4bit: bool, use_peft: bool,
                    preference_pairs: bool) -> MemoryEstimate:
    est = MemoryEstimate()
    other = counts.total - counts.linear
    if load_in_4bit:
        est.add("weights", counts.linear * NF4_BYTES + other * 2,
                f"{counts.linear / 1e9:.2f}B linear × {NF4_BYTES} B (NF4) + {other / 1e9:.2f}B × 2 B")
    else:
        est.add("weights", counts.total * precision_bytes, f"{counts.total / 1e9:.2f}B × {precision_bytes} B")
    if use_peft:
        est.add("LoRA params + grads + AdamW", counts.lora * 16, f"{counts.lora / 1e6:.1f}M × 16 B (fp32)")
    else:
        est.add("grads + AdamW + master", counts.total * 14, f"{counts.total / 1e9:.2f}B × 14 B")
    seqs = micro_batch * (2 if preference_pairs else 1)
    sbh = seq_len * seqs * counts.hidden
    if gradient_checkpointing:
        act, how = 2 * sbh * counts.layers + 34 * sbh, f"2·s·b·h × {counts.layers} layers + 34·s·b·h (one layer)"
    else:
        act, how = 34 * sbh * counts.layers, f"34·s·b·h × {counts.layers} layers"
    est.add("activations", act, f"{how}; s={seq_len}, b={seqs}, h={counts.hidden}")
    est.add("logits + loss", 10 * seq_len * seqs * counts.vocab, f"s·b·V × 10 B, V={counts.vocab}")
    est.add("CUDA context, workspaces", OVERHEAD_BYTES, "fixed allowance")
    return est


@dataclass
class TokenBudget:
    tokens_per_step: int
    steps: int | None
    total_tokens: int | None
    dataset_records: int | None
    dataset_tokens: int | None
    dataset_tokens_how: str


def token_budget(*, seq_len: int, micro_batch: int, accumulation: int, devices: int, max_steps: int,
                 epochs: float, packing: bool, records: int | None, dataset_tokens: int | None,
                 preference_pairs: bool, how: str) -> TokenBudget:
    per_step = seq_len * micro_batch * accumulation * devices * (2 if preference_pairs else 1)
    sequences_per_step = micro_batch * accumulation * devices
    steps = None
    if max_steps and max_steps > 0:
        steps = max_steps
    elif records:
        sequences = math.ceil(dataset_tokens / seq_len) if packing and dataset_tokens else records
        steps = math.ceil(epochs * math.ceil(sequences / sequences_per_step))
    return TokenBudget(per_step, steps, per_step * steps if steps else None, records, dataset_tokens, how)


def render_tables(title: str, est: MemoryEstimate, budget: TokenBudget, device_gib: float | None, console=None):
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=f"{title}: memory estimate per GPU")
    table.add_column("item")
    table.add_column("GiB", justify="right")
    table.add_column("how")
    for item, value, how in est.rows:
        table.add_row(item, f"{value / GIB:.2f}", how)
    verdict = ""
    if device_gib:
        verdict = "fits" if est.total / GIB <= device_gib else "DOES NOT FIT"
        verdict = f"{verdict} in {device_gib:g} GiB"
    table.add_row("[bold]total[/]", f"[bold]{est.total / GIB:.2f}[/]", verdict)
    console.print(table)
    tokens = Table(title=f"{title}: token budget")
    tokens.add_column("quantity")
    tokens.add_column("value", justify="right")
    def fmt(v):
        return f"{v:,}" if isinstance(v, int) else "unknown (dataset not built yet)"

    tokens.add_row("tokens per optimizer step", fmt(budget.tokens_per_step))
    tokens.add_row("dataset records", fmt(budget.dataset_records))
    tokens.add_row(f"dataset tokens ({budget.dataset_tokens_how})", fmt(budget.dataset_tokens))
    tokens.add_row("optimizer steps", fmt(budget.steps))
    tokens.add_row("tokens seen (upper bound)", fmt(budget.total_tokens))
    console.print(tokens)
