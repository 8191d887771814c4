"""``nearcoder data dpo``: prompts → preference pairs for stage 2 (structure-aware DPO).

As in the seed: chosen = the repository's real tree, rejected = the tree a given checkpoint (the stage-1
model) writes for the same prompt. By default prompts and answers take the ``near_dapp_trees`` task's exact
form (``prompt_style="benchmark"``, see :mod:`nearcoder.trainers.prompt_format`), so stage 2 trains on what the
benchmark asks. Generation runs with vLLM when it is installed and a GPU is present
(``backend="auto"``), else with ``transformers.generate``. Pairs whose rejected tree parses to the same tree
as the chosen one are dropped (nothing to prefer). Stage 2 trains on the
stored ``prompt``/``chosen``/``rejected`` strings as they are.
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict, dataclass
from pathlib import Path

from nearcoder.trainers.data.dataset_io import DatasetCard, Table, read_records, write_dataset
from nearcoder.trainers.data.repo_trees import contamination_notes
from nearcoder.trainers.prompt_format import PROMPT_STYLES, cut_answer, format_answer, format_prompt

BACKENDS = ("auto", "transformers", "vllm")


@dataclass
class GenerationOptions:
    max_new_tokens: int = 512
    temperature: float = 0.0  # 0: greedy
    top_p: float = 0.95
    batch_size: int = 4
    seed: int = 0
    backend: str = "auto"
    dtype: str = "auto"
    prompt_style: str = "benchmark"

    def __post_init__(self):
        if self.backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {self.backend!r}")
        if self.prompt_style not in PROMPT_STYLES:
            raise ValueError(f"prompt_style must be one of {PROMPT_STYLES}, got {self.prompt_style!r}")


def load_generator(checkpoint: str):
    """(model, tokenizer) of a checkpoint directory or hub id; a PEFT adapter directory is merged on load."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(checkpoint)
    if (path / "adapter_config.json").is_file():
        from peft import AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(checkpoint).merge_and_unload()
    else:
        model = AutoModelForCausalLM.from_pretrained(checkpoint)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    model.eval()
    return model, tokenizer


def generate_transformers(checkpoint: str, prompts: list[str], options: GenerationOptions, progress=None) -> list[str]:
    import torch

    model, tokenizer = load_generator(checkpoint)
    torch.manual_seed(options.seed)
    texts = [format_prompt(tokenizer, p, options.prompt_style) for p in prompts]
    outputs: list[str] = []
    for start in range(0, len(texts), options.batch_size):
        batch = tokenizer(texts[start : start + options.batch_size], return_tensors="pt", padding=True,
                          add_special_tokens=False)
        sample = options.temperature > 0
        with torch.no_grad():
            generated = model.generate(**batch, max_new_tokens=options.max_new_tokens, do_sample=sample,
                                       temperature=options.temperature if sample else None,
                                       top_p=options.top_p if sample else None, pad_token_id=tokenizer.pad_token_id)
        new = generated[:, batch["input_ids"].shape[1] :]
        outputs += tokenizer.batch_decode(new, skip_special_tokens=True)
        if progress:
            progress(len(new))
    return outputs


def generate_vllm(checkpoint: str, prompts: list[str], options: GenerationOptions) -> list[str]:
    from vllm import LLM, SamplingParams

    llm = LLM(model=checkpoint, dtype=options.dtype, seed=options.seed)
    tokenizer = llm.get_tokenizer()
    params = SamplingParams(max_tokens=options.max_new_tokens, temperature=options.temperature, top_p=options.top_p)
    results = llm.generate([format_prompt(tokenizer, p, options.prompt_style) for p in prompts], params)
    return [r.outputs[0].text for r in results]


def pick_backend(requested: str, checkpoint: str) -> str:
    if requested != "auto":
        return requested
    if (Path(checkpoint) / "adapter_config.json").is_file():
        return "transformers"  # vLLM needs a merged checkpoint (or LoRA request plumbing)
    if importlib.util.find_spec("vllm") is None:
        return "transformers"
    import torch

    return "vllm" if torch.cuda.is_available() else "transformers"


def build_pairs(prompts_path: str | Path, checkpoint: str, out: str | Path,
                options: GenerationOptions | None = None, fmt: str = "jsonl",
                progress=None) -> tuple[Path, dict]:
    options = options or GenerationOptions()
    from nearcoder.harness.trees import parse_tree
    from transformers import AutoTokenizer

    rows = read_records(prompts_path)
    if not rows or not {"prompt", "tree"} <= rows[0].keys():
        raise ValueError(f"{prompts_path}: expected records with prompt and tree; "
                         "build them with `nearcoder data prompts`")
    backend = pick_backend(options.backend, checkpoint)
    user_prompts = [r["prompt"] for r in rows]
    if backend == "vllm":
        rejected = generate_vllm(checkpoint, user_prompts, options)
    else:
        rejected = generate_transformers(checkpoint, user_prompts, options, progress)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    records, same = [], []
    style = options.prompt_style
    for row, generated in zip(rows, rejected):
        bad = cut_answer(generated, style)
        if bad and parse_tree(bad) == parse_tree(row["tree"]):
            same.append(row["repo"])
            continue
        records.append({"repo": row.get("repo", ""), "user_prompt": row["prompt"],
                        "prompt": format_prompt(tokenizer, row["prompt"], style),
                        "chosen": format_answer(row["tree"], style),
                        "rejected": format_answer(bad or "(no output)", style), "rejected_parses": bool(parse_tree(bad))})
    card = DatasetCard(
        name="NEAR dApp tree preference pairs",
        description="Direct preference optimisation pairs for stage 2: the prompt asks for a NEAR dApp's project "
                    "structure; chosen is the real repository tree, rejected is the tree a checkpoint wrote.",
        builder="dpo",
        columns={"repo": "repository", "user_prompt": "the user prompt", "prompt": f"the prompt as the model sees "
                 f"it (`{style}` style)", "chosen": "the real tree",
                 "rejected": "the generated tree", "rejected_parses": "whether the generated text parses as a tree"},
        sources=[str(prompts_path), f"rejected generated by {checkpoint} ({backend})"],
        tables=[Table("Pairs", ["prompts", "pairs", "dropped: generation equals the real tree"],
                      [[len(rows), len(records), len(same)]])],
        notes=contamination_notes([r["repo"] for r in records]),
    )
    args = {"prompts": str(prompts_path), "checkpoint": str(checkpoint), **asdict(options), "backend": backend}
    return write_dataset(out, records, card, args, fmt), {"records": len(records), "same": same, "backend": backend}
