"""Measure what ``nearcoder train plan`` estimates: peak GPU memory and tokens/s of real optimizer steps.

For each stage config the model is built from its architecture config with random weights (no download), the
stage's own TRL trainer (``SFTTrainer`` for stages 1 and 3, ``DPOTrainer`` for stage 2, with the config's LoRA /
QLoRA, precision, checkpointing, length and batch) runs a few optimizer steps on synthetic token sequences, and
the measured peak memory and throughput stand next to the estimate. A word-level tokenizer whose words are
``t0 … t{V-1}`` turns synthetic text into exactly the token ids wanted, so the trainers run their real
tokenisation path on any vocabulary size.

    python bench/gpu_train_memory.py trainers/configs/a10g/*.yaml                 # on a GPU (QLoRA: bitsandbytes)
    python bench/gpu_train_memory.py --tiny trainers/configs/cpu-smoke/*.yaml     # anywhere: tiny model, CPU

The first optimizer step (allocator warm-up, kernel selection) is left out of the throughput. ``--json F``
also writes the rows. Peak memory on CPU is not measured (reported as n/a).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nearcoder.trainers.memory_estimate import GIB
from nearcoder.trainers.plan import GPUS, parse_config, plan_from_args, resolve_architecture


def synthetic_tokenizer(vocab_size: int):
    """A tokenizer for which the text ``"t5 t17"`` is exactly the ids ``[5, 17]`` (``t0`` is EOS and padding)."""
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import WhitespaceSplit
    from transformers import PreTrainedTokenizerFast

    core = Tokenizer(WordLevel({f"t{i}": i for i in range(vocab_size)}, unk_token="t1"))
    core.pre_tokenizer = WhitespaceSplit()
    return PreTrainedTokenizerFast(tokenizer_object=core, eos_token="t0", pad_token="t0", unk_token="t1")


def synthetic_text(rng, vocab_size: int, tokens: int) -> str:
    return " ".join(f"t{rng.randrange(2, vocab_size)}" for _ in range(tokens))


def synthetic_dataset(stage: str, records: int, seq_len: int, vocab_size: int, seed: int = 0):
    import random

    import datasets

    rng = random.Random(seed)
    if stage == "stage2":  # prompt + completion fills max_length, as the longest real pairs do
        half = seq_len // 2 - 1
        # completions start with a space: word-level tokens must not merge across the prompt boundary
        rows = [{"prompt": synthetic_text(rng, vocab_size, half),
                 "chosen": " " + synthetic_text(rng, vocab_size, half),
                 "rejected": " " + synthetic_text(rng, vocab_size, half)} for _ in range(records)]
    else:
        rows = [{"text": synthetic_text(rng, vocab_size, seq_len - 1)} for _ in range(records)]
    return datasets.Dataset.from_list(rows)


def tiny_architecture():
    from transformers import Starcoder2Config

    return Starcoder2Config(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
                            num_key_value_heads=2, vocab_size=1024, max_position_embeddings=4096, use_bias=True)


TINY_OVERRIDES = ["--max_length", "64", "--per_device_train_batch_size", "1", "--gradient_accumulation_steps", "1",
                  "--bf16", "false", "--use_cpu", "true", "--load_in_4bit", "false", "--dtype", "float32"]


class StepTimer:
    """A TrainerCallback recording the wall time of every optimizer step."""

    def __new__(cls):
        from transformers import TrainerCallback

        class _Timer(TrainerCallback):
            def __init__(self):
                self.times, self._start = [], None

            def on_step_begin(self, args, state, control, **kwargs):
                _sync()
                self._start = time.perf_counter()

            def on_step_end(self, args, state, control, **kwargs):
                _sync()
                self.times.append(time.perf_counter() - self._start)

        return _Timer()


def _sync() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.synchronize()


def build_model(architecture, model_args, workdir: Path):
    """Random weights in the config's dtype; 4-bit configs save them once and reload quantised (bitsandbytes)."""
    import torch
    from transformers import AutoModelForCausalLM

    dtype = getattr(torch, model_args.dtype) if model_args.dtype not in (None, "auto") else torch.float32
    model = AutoModelForCausalLM.from_config(architecture, dtype=dtype,
                                             attn_implementation=model_args.attn_implementation or "sdpa")
    if not model_args.load_in_4bit:
        return model.to("cuda") if torch.cuda.is_available() else model
    from trl import get_kbit_device_map, get_quantization_config

    model.save_pretrained(workdir / "random-weights")
    del model
    return AutoModelForCausalLM.from_pretrained(workdir / "random-weights", dtype=dtype,
                                                quantization_config=get_quantization_config(model_args),
                                                device_map=get_kbit_device_map())


def measure(config: Path, *, steps: int, tiny: bool, gpu_name: str) -> dict:
    import torch
    from trl import DPOTrainer, SFTTrainer, get_peft_config

    overrides = TINY_OVERRIDES if tiny else []
    with tempfile.TemporaryDirectory(prefix="nearcoder-gpu-bench-") as tmp:
        workdir = Path(tmp)
        overrides = [*overrides, "--output_dir", str(workdir / "out"), "--max_steps", str(steps), "--save_strategy",
                     "no", "--logging_steps", "1", "--report_to", "none", "--dataloader_num_workers", "0"]
        stage, training, model_args, data, pipeline = parse_config(config, overrides)
        architecture = tiny_architecture() if tiny else resolve_architecture(model_args.model_name_or_path, config)[0]
        plan = plan_from_args(stage, model_args, training, data, pipeline, config_path=config, gpu=GPUS[gpu_name],
                              architecture=architecture)
        tokenizer = synthetic_tokenizer(architecture.vocab_size)
        seq_len = training.max_length or 1024
        micro, accum = training.per_device_train_batch_size, training.gradient_accumulation_steps
        dataset = synthetic_dataset(stage, steps * micro * accum + micro, seq_len, architecture.vocab_size)
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
            torch.cuda.reset_peak_memory_stats()
        model = build_model(architecture, model_args, workdir)
        trainer_class = DPOTrainer if stage == "stage2" else SFTTrainer
        timer = StepTimer()
        trainer = trainer_class(model=model, args=training, train_dataset=dataset, processing_class=tokenizer,
                                peft_config=get_peft_config(model_args), callbacks=[timer])
        trainer.train()
        peak = torch.cuda.max_memory_allocated() / GIB if torch.cuda.is_available() else None
        reserved = torch.cuda.max_memory_reserved() / GIB if torch.cuda.is_available() else None
        del trainer, model
        if torch.cuda.is_available():
            torch.cuda.empty_cache()
    steady = timer.times[1:] or timer.times
    step_s = statistics.median(steady)
    gpu = GPUS[gpu_name]
    return {
        "config": str(config), "stage": stage, "mode": plan.mode, "steps": len(timer.times),
        "estimate_gib": plan.estimate.total / GIB, "peak_allocated_gib": peak, "peak_reserved_gib": reserved,
        "estimate_tokens_per_s": plan.budget.tokens_per_step / plan.seconds_per_step,
        "measured_tokens_per_s": plan.budget.tokens_per_step / step_s,
        "measured_mfu": plan.flops_per_step / step_s / (gpu.bf16_tflops * 1e12),
        "device": torch.cuda.get_device_name() if torch.cuda.is_available() else "cpu",
    }


def detect_gpu() -> str:
    import torch

    if not torch.cuda.is_available():
        return "A10G"  # prices the estimate only; nothing is measured on a GPU
    name = torch.cuda.get_device_name().upper()
    return next((key for key in GPUS if key.split("-")[0] in name), "A10G")


def render(rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    def gib(v):
        return "n/a" if v is None else f"{v:.2f}"

    table = Table(title="estimate vs measurement", title_justify="left")
    for name in ("config", "mode", "est. GiB", "peak alloc GiB", "peak reserved GiB", "off by", "est. tok/s",
                 "measured tok/s", "measured MFU"):
        table.add_column(name, justify="left" if name in ("config", "mode") else "right")
    for r in rows:
        off = "n/a" if r["peak_reserved_gib"] is None else f"{r['estimate_gib'] / r['peak_reserved_gib'] - 1:+.0%}"
        table.add_row(Path(r["config"]).name, r["mode"], gib(r["estimate_gib"]), gib(r["peak_allocated_gib"]),
                      gib(r["peak_reserved_gib"]), off, f"{r['estimate_tokens_per_s']:,.0f}",
                      f"{r['measured_tokens_per_s']:,.0f}", f"{r['measured_mfu']:.1%}")
    Console().print(table)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="*", type=Path,
                        help="stage configs (default: the A10G configs on a GPU, the CPU smoke configs with --tiny)")
    parser.add_argument("--steps", type=int, default=4, help="optimizer steps per config (the first is warm-up)")
    parser.add_argument("--tiny", action="store_true", help="tiny StarCoder2 on CPU: checks the script, not a GPU")
    parser.add_argument("--gpu", choices=sorted(GPUS), help="price estimates for this GPU (default: detected)")
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args(argv)
    gpu = args.gpu or detect_gpu()
    root = Path(__file__).resolve().parents[1] / "trainers" / "configs"
    if not args.configs:
        import torch

        if not torch.cuda.is_available():
            args.tiny = True  # `make bench` on a CPU machine: check the script, claim nothing about a GPU
        args.configs = sorted((root / ("cpu-smoke" if args.tiny else "a10g")).glob("*.yaml"))
    rows = []
    for config in args.configs:
        print(f"== {config} ({'tiny, CPU' if args.tiny else gpu})", flush=True)
        rows.append(measure(config, steps=args.steps, tiny=args.tiny, gpu_name=gpu))
    render(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
