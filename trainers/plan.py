"""The whole three-stage run, planned before any GPU time: memory per GPU, tokens, optimizer steps and wall time
for every stage of a config folder, plus the cost of generating stage 2's rejected trees.

A stage whose parent does not exist yet (stage 2 trains on ``out/a10g/stage1/merged``) takes its architecture
from the config that writes that parent (the sibling YAML whose ``output_dir`` it names): a merged LoRA
checkpoint has its base's architecture. So ``nearcoder train plan --config-dir trainers/configs/a10g`` and
``nearcoder train stage2 --config … --dry-run`` work on a fresh clone.

Wall time is a model, stated so it can be checked (``bench/gpu_train_memory.py`` measures it on a GPU):

- forward FLOPs per token ``F = 2·(linear weights + h·V) + 2·s·h·L`` (matrix products, output head, causal
  attention scores and values);
- a training token costs ``F`` forward + ``F`` backward when the base is frozen (LoRA/QLoRA: activation
  gradients only) or ``2F`` backward for full fine-tuning, plus ``F`` to recompute with activation
  checkpointing; DPO adds one reference forward ``F`` per chosen and rejected token;
- seconds = FLOPs / (the GPU's dense bf16 tensor peak × an assumed model-FLOPs utilisation, ``ASSUMED_MFU``);
- generation of rejected trees is memory-bound: one decoding step reads every weight once, so
  ``tokens/s = batch × bandwidth × 0.6 / weight bytes`` (0.6: achievable share of peak bandwidth).
Tokens per step assume full-length sequences, so times are upper bounds for unpacked data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from nearcoder.trainers.memory_estimate import (
    GIB,
    OVERHEAD_BYTES,
    MemoryEstimate,
    ParameterCounts,
    TokenBudget,
    count_parameters,
    estimate_memory,
    load_config,
    token_budget,
)

STAGES = ("stage1", "stage2", "stage3")

MERGED_DIR = "merged"


@dataclass(frozen=True)
class GpuSpec:
    name: str
    memory_gib: float
    bf16_tflops: float  # dense tensor-core peak
    bandwidth_gbs: float
    source: str


GPUS = {
    "A10G": GpuSpec("A10G", 24, 125, 600, "NVIDIA A10 datasheet (A10G is AWS's variant of the same GA102 part; "
                                          "AWS publishes no tensor peak of its own)"),
    "L4": GpuSpec("L4", 24, 121, 300, "NVIDIA L4 datasheet (242 TFLOPS with sparsity)"),
    "A100-80GB": GpuSpec("A100-80GB", 80, 312, 2039, "NVIDIA A100 datasheet"),
    "H100-SXM": GpuSpec("H100-SXM", 80, 989, 3350, "NVIDIA H100 datasheet (1979 TFLOPS with sparsity)"),
    "H200": GpuSpec("H200", 141, 989, 4800, "NVIDIA H200 datasheet (same tensor cores as H100 SXM)"),
}
# Share of the dense peak a single-GPU HF Trainer run reaches: an assumption until bench/gpu_train_memory.py
# measures it. 4-bit weights are dequantised on every matrix product, hence the lower figure for QLoRA.
ASSUMED_MFU = {"LoRA": 0.30, "QLoRA": 0.15, "full": 0.35}
BANDWIDTH_EFFICIENCY = 0.6
# Sequences decoded together by `nearcoder data dpo`: its transformers batch size, or vLLM's continuous batching.
GENERATION_BATCH = {"transformers": 4, "vllm": 64}


def stage_of_config(path: str | Path) -> str:
    """``stage2`` for ``stage2.yaml`` or ``stage2-starcoder2-15b-qlora.yaml``: the file name says the stage."""
    stem = Path(path).stem.split("-")[0]
    if stem not in STAGES:
        raise ValueError(f"{path}: cannot tell the stage; config file names start with one of {', '.join(STAGES)}")
    return stem


def _read_yaml(path: Path) -> dict:
    import yaml

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a stage config is a mapping of field: value")
    return data


def _writes(config: dict, model: str) -> bool:
    """Whether a config's run produces ``model`` (its output_dir, or the merged checkpoint inside it)."""
    out = config.get("output_dir")
    if not out:
        return False
    return Path(model) in (Path(out), Path(out) / MERGED_DIR)


def producer_of(model: str, config_dir: Path, exclude: Path | None = None) -> Path | None:
    """The config in ``config_dir`` whose run writes ``model``, if any."""
    for path in sorted(config_dir.glob("*.yaml")):
        if exclude is not None and path.resolve() == exclude.resolve():
            continue
        if _writes(_read_yaml(path), model):
            return path
    return None


def resolve_architecture(model: str, config_path: Path | None = None, _seen: tuple = ()):
    """(transformers config, where it came from) for ``model``: a local checkpoint, a known hub architecture, or —
    when the parent is yet to be trained — the architecture of the run that will write it (followed up the chain)."""
    try:
        config = load_config(model)
        how = "local checkpoint" if Path(model).exists() else "published architecture"
        return config, how
    except ValueError as first:
        if config_path is None:
            raise
        producer = producer_of(model, config_path.parent, exclude=config_path)
        if producer is None or producer in _seen:
            raise ValueError(f"{first}; and no config beside {config_path.name} in {config_path.parent} writes it "
                             f"(no sibling YAML has output_dir: {Path(model).parent if Path(model).name == MERGED_DIR else model})") from None
        parent = _read_yaml(producer).get("model_name_or_path", "")
        config, how = resolve_architecture(parent, producer, (*_seen, producer))
        return config, f"not trained yet: written by {producer.name}, architecture of {parent} ({how})"


@dataclass
class GenerationCost:
    prompts: int | None
    max_new_tokens: int
    backend: str
    tokens_per_second: float
    how: str
    weights_gib: float = 0.0
    device_gib: float = 0.0

    @property
    def fits(self) -> bool:
        return self.weights_gib + OVERHEAD_BYTES / GIB <= self.device_gib

    @property
    def seconds(self) -> float | None:
        return None if self.prompts is None else self.prompts * self.max_new_tokens / self.tokens_per_second


@dataclass
class StagePlan:
    config: Path
    stage: str
    model: str
    architecture_from: str
    mode: str
    estimate: MemoryEstimate
    budget: TokenBudget
    device_gib: float
    flops_per_step: float
    seconds_per_step: float
    generation: GenerationCost | None = None
    advice: list[str] = field(default_factory=list)

    @property
    def fits(self) -> bool:
        return self.estimate.total / GIB <= self.device_gib

    @property
    def total_seconds(self) -> float | None:
        return None if self.budget.steps is None else self.budget.steps * self.seconds_per_step


def forward_flops_per_token(counts: ParameterCounts, seq_len: int) -> float:
    return 2 * (counts.linear + counts.hidden * counts.vocab) + 2 * seq_len * counts.hidden * counts.layers


def flops_per_step(counts: ParameterCounts, *, seq_len: int, tokens_per_step: int, mode: str,
                   checkpointing: bool, preference_pairs: bool) -> float:
    fwd = forward_flops_per_token(counts, seq_len)
    per_token = fwd * (1 + (2 if mode == "full" else 1) + (1 if checkpointing else 0))
    if preference_pairs:  # the reference model's forward over the same chosen + rejected tokens
        per_token += fwd
    return per_token * tokens_per_step


def generation_cost(counts: ParameterCounts, precision_bytes: int, gpu: GpuSpec, prompts: int | None,
                    max_new_tokens: int, backend: str, device_gib: float) -> GenerationCost:
    """Decoding ``prompts × max_new_tokens`` with the parent in 16 bits (how `nearcoder data dpo` loads it)."""
    batch = GENERATION_BATCH[backend]
    step = counts.total * precision_bytes / (gpu.bandwidth_gbs * 1e9 * BANDWIDTH_EFFICIENCY)
    return GenerationCost(prompts, max_new_tokens, backend, batch / step,
                          f"{batch} sequences × {gpu.bandwidth_gbs:g} GB/s × {BANDWIDTH_EFFICIENCY} / "
                          f"{counts.total * precision_bytes / 1e9:.1f} GB of weights",
                          counts.total * precision_bytes / GIB, device_gib)


def fitting_advice(counts: ParameterCounts, *, seq_len: int, micro_batch: int, accumulation: int,
                   checkpointing: bool, precision_bytes: int, load_in_4bit: bool, use_peft: bool,
                   preference_pairs: bool, device_gib: float) -> list[str]:
    """Which knob to turn, and by how much, when the estimate exceeds the GPU (empty when it fits)."""
    def total(**over) -> float:
        kw = dict(seq_len=seq_len, micro_batch=micro_batch, gradient_checkpointing=checkpointing,
                  precision_bytes=precision_bytes, load_in_4bit=load_in_4bit, use_peft=use_peft,
                  preference_pairs=preference_pairs)
        kw.update(over)
        return estimate_memory(counts, **kw).total / GIB

    now = total()
    if now <= device_gib:
        return []
    advice = []
    fixed = total(micro_batch=1, seq_len=1)
    if fixed > device_gib:
        if not use_peft:
            advice.append(f"weights and optimizer state alone need {fixed:.1f} GiB: train LoRA (use_peft: true, "
                          f"{total(use_peft=True, micro_batch=1, seq_len=1):.1f} GiB before activations)")
        if not load_in_4bit:
            advice.append(f"or load the base in 4 bits (QLoRA: load_in_4bit: true, "
                          f"{total(load_in_4bit=True, use_peft=True, micro_batch=1, seq_len=1):.1f} GiB before "
                          f"activations)")
        return advice or [f"even a 1-token batch needs {fixed:.1f} GiB: use a GPU with more memory"]
    if not checkpointing and total(gradient_checkpointing=True) < now:
        saved = now - total(gradient_checkpointing=True)
        advice.append(f"turn on activation_checkpointing: saves {saved:.1f} GiB "
                      f"({'enough' if now - saved <= device_gib else 'not enough alone'})")
    fits_b = max((b for b in range(1, micro_batch) if total(micro_batch=b) <= device_gib), default=None)
    if fits_b:
        accum = math.ceil(micro_batch * accumulation / fits_b)
        advice.append(f"per_device_train_batch_size {micro_batch} → {fits_b} ({total(micro_batch=fits_b):.1f} GiB) "
                      f"with gradient_accumulation_steps {accumulation} → {accum} to keep the tokens per step")
    fits_s = max((s for s in range(256, seq_len, 256) if total(seq_len=s) <= device_gib), default=None)
    if fits_s:
        advice.append(f"max_length {seq_len} → {fits_s} ({total(seq_len=fits_s):.1f} GiB)")
    if not load_in_4bit and total(load_in_4bit=True) <= device_gib:
        advice.append(f"or QLoRA (load_in_4bit: true): {total(load_in_4bit=True):.1f} GiB")
    return advice or ["no single knob is enough: shorten sequences and the batch, or use a larger GPU"]


def plan_from_args(stage: str, model_args, training_args, data_args, pipeline_args, *, config_path: Path | None,
                   gpu: GpuSpec, architecture=None) -> StagePlan:
    """The plan of one stage from its parsed argument groups (what ``--dry-run`` and ``train plan`` print).
    ``architecture`` (a transformers config) replaces the parent's, for measuring a shrunken model."""
    from nearcoder.trainers.stage_runner import TEXT_COLUMNS, dataset_size

    preference = stage == "stage2"
    model = model_args.model_name_or_path
    if architecture is None:
        config, how = resolve_architecture(model, config_path)
    else:
        config, how = architecture, "given architecture"
    counts = count_parameters(config, model_args.lora_r, model_args.lora_target_modules, model_args.use_peft)
    precision = 2 if (training_args.bf16 or training_args.fp16 or model_args.dtype in ("bfloat16", "float16")) else 4
    seq_len = training_args.max_length or 1024
    checkpointing = bool(getattr(training_args, "activation_checkpointing", False)
                         or training_args.gradient_checkpointing)
    micro, accum = training_args.per_device_train_batch_size, training_args.gradient_accumulation_steps
    mode = "QLoRA" if model_args.load_in_4bit else ("LoRA" if model_args.use_peft else "full")
    device_gib = pipeline_args.target_device_memory_gib or gpu.memory_gib
    memory = dict(seq_len=seq_len, micro_batch=micro, gradient_checkpointing=checkpointing, precision_bytes=precision,
                  load_in_4bit=model_args.load_in_4bit, use_peft=model_args.use_peft, preference_pairs=preference)
    est = estimate_memory(counts, **memory)
    records, tokens, size_how = dataset_size(data_args, TEXT_COLUMNS[stage], model)
    budget = token_budget(seq_len=seq_len, micro_batch=micro, accumulation=accum, devices=1,
                          max_steps=training_args.max_steps, epochs=training_args.num_train_epochs,
                          packing=bool(getattr(training_args, "packing", False)), records=records,
                          dataset_tokens=tokens, preference_pairs=preference, how=size_how)
    flops = flops_per_step(counts, seq_len=seq_len, tokens_per_step=budget.tokens_per_step, mode=mode,
                           checkpointing=checkpointing, preference_pairs=preference)
    seconds = flops / (gpu.bf16_tflops * 1e12 * ASSUMED_MFU[mode])
    plan = StagePlan(config_path or Path("-"), stage, model, how, mode, est, budget, device_gib, flops, seconds)
    if preference:
        from nearcoder.trainers.data.preference_pairs import GenerationOptions

        backend = "vllm" if _has_vllm() else "transformers"
        plan.generation = generation_cost(counts, 2, gpu, records, GenerationOptions().max_new_tokens,
                                          backend, device_gib)
    plan.advice = fitting_advice(counts, seq_len=seq_len, micro_batch=micro, accumulation=accum,
                                 checkpointing=checkpointing, precision_bytes=precision,
                                 load_in_4bit=model_args.load_in_4bit, use_peft=model_args.use_peft,
                                 preference_pairs=preference, device_gib=device_gib)
    return plan


def _has_vllm() -> bool:
    import importlib.util

    return importlib.util.find_spec("vllm") is not None


def parse_config(path: Path, overrides: list[str] | None = None):
    """(stage, training, model, data, pipeline) of one YAML through its stage's TrlParser."""
    import importlib

    from nearcoder.trainers.stage_runner import parse_stage_args

    stage = stage_of_config(path)
    module = importlib.import_module(f"nearcoder.trainers.{stage}")
    argv = ["--config", str(path), *(overrides or [])]
    if "--use_cpu" not in argv and not _cuda():
        argv += ["--use_cpu", "true"]  # bf16 configs fail TrainingArguments' checks without a GPU; nothing trains
    return (stage, *parse_stage_args(module.make_parser, argv))


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


def plan_config(path: Path, gpu: GpuSpec, overrides: list[str] | None = None) -> StagePlan:
    stage, training, model, data, pipeline = parse_config(path, overrides)
    return plan_from_args(stage, model, training, data, pipeline, config_path=path, gpu=gpu)


def chains(paths: list[Path]) -> list[list[Path]]:
    """Configs ordered into lineages: each chain starts at a config whose parent no other config writes."""
    configs = {p: _read_yaml(p) for p in paths}
    parent_of = {}
    for p, c in configs.items():
        model = str(c.get("model_name_or_path", ""))
        parent_of[p] = next((q for q, d in configs.items() if q != p and _writes(d, model)), None)
    children = {p: [q for q in paths if parent_of[q] == p] for p in paths}
    out = []

    def walk(p: Path, chain: list[Path]) -> None:
        chain = [*chain, p]
        if not children[p]:
            out.append(chain)
        for child in sorted(children[p], key=lambda q: (stage_of_config(q), q.name)):
            walk(child, chain)

    for root in sorted((p for p in paths if parent_of[p] is None), key=lambda q: (stage_of_config(q), q.name)):
        walk(root, [])
    return out


def _fmt_int(v: int | None) -> str:
    return "not built" if v is None else f"{v:,}"


def _fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def render_plan(plans: list[StagePlan], gpu: GpuSpec, title: str, console=None) -> None:
    """One table, a column per stage and a row per quantity, then the lineage, DPO generation and advice lines."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    table = Table(title=title, title_justify="left")
    table.add_column("per GPU")
    for plan in plans:
        table.add_column(f"{plan.stage}\n{plan.config.name}\n{plan.mode}", justify="right")
    items = [item for item, _, _ in plans[0].estimate.rows]
    for i, item in enumerate(items):
        table.add_row(f"{item} GiB", *(f"{p.estimate.rows[i][1] / GIB:.2f}" for p in plans))
    table.add_row("[bold]total GiB[/]", *(f"[bold]{p.estimate.total / GIB:.1f}[/]" for p in plans))
    table.add_row("fits?", *(f"fits {p.device_gib:g}" if p.fits else f"[red]NO ({p.device_gib:g})[/]" for p in plans))
    table.add_row("tokens / optimizer step", *(f"{p.budget.tokens_per_step:,}" for p in plans))
    table.add_row("records", *(_fmt_int(p.budget.dataset_records) for p in plans))
    table.add_row("tokens", *(_fmt_int(p.budget.dataset_tokens) for p in plans))
    table.add_row("optimizer steps", *(_fmt_int(p.budget.steps) for p in plans))
    table.add_row("time / step", *(_fmt_time(p.seconds_per_step) for p in plans))
    table.add_row("[bold]wall time[/]", *(_fmt_time(p.total_seconds) for p in plans))
    table.add_row("DPO rejected generation", *(_fmt_generation(p.generation) for p in plans))
    console.print(table)
    for plan in plans:
        console.print(f"  {plan.stage} parent {plan.model}: {plan.architecture_from}")
        if plan.generation:
            g = plan.generation
            console.print(f"  {plan.stage} first generates one rejected tree per prompt with its parent "
                          f"(`nearcoder data dpo`): {g.max_new_tokens} new tokens each with {g.backend} at "
                          f"≈ {g.tokens_per_second:,.0f} tokens/s ({g.how})")
            if not g.fits:
                console.print(f"  [red]{plan.stage}'s generation does not fit:[/] the parent's 16-bit weights "
                              f"({g.weights_gib:.1f} GiB) exceed {g.device_gib:g} GiB; generate the rejected trees "
                              f"on a larger GPU (or vLLM with a quantised copy) before training on this one")
        for line in plan.advice:
            console.print(f"  [red]{plan.stage} does not fit:[/] {line}")
    if any(p.budget.steps is None for p in plans):
        console.print("  steps and wall time need the datasets: build them first (`nearcoder data …`, minutes on CPU)")
    mfu = ", ".join(f"{k} {v:.0%}" for k, v in ASSUMED_MFU.items())
    console.print(f"  time: {gpu.name} {gpu.bf16_tflops:g} TFLOPS dense bf16 ({gpu.source}) × assumed utilisation "
                  f"{mfu}; upper bounds (full-length sequences); model in trainers/plan.py")


def _fmt_generation(g: GenerationCost | None) -> str:
    if g is None:
        return "—"
    if g.seconds is None:
        return f"{_fmt_time(100 * g.max_new_tokens / g.tokens_per_second)} / 100 prompts"
    return f"{_fmt_time(g.seconds)} ({g.prompts:,} prompts)"
