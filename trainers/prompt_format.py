"""How a user prompt becomes model input in the DPO pairs (and so in stage 2, which trains on them as stored).

Styles (``PROMPT_STYLES``):

- ``benchmark`` (default): exactly what the ``near_dapp_trees`` task sends, the prompt, its answer
  instruction and an opened code fence; answers end by closing the fence (the task stops generating there);
- ``chat``: the tokenizer's chat template with ``add_generation_prompt`` (for instruct models scored with
  lm-eval's ``--apply_chat_template``); a tokenizer without one falls back to ``instruction``;
- ``instruction``: a plain ``### Instruction`` / ``### Response`` block.
"""

from __future__ import annotations

PROMPT_STYLES = ("benchmark", "chat", "instruction")
PLAIN_TEMPLATE = "### Instruction\n{prompt}\n\n### Response\n"
FENCE = "```"


def benchmark_instruction() -> str:
    from nearcoder.tasks.near_dapp_trees.utils import INSTRUCTION

    return INSTRUCTION


def format_prompt(tokenizer, prompt: str, style: str = "benchmark") -> str:
    if style not in PROMPT_STYLES:
        raise ValueError(f"prompt style must be one of {PROMPT_STYLES}, got {style!r}")
    if style == "benchmark":
        return f"{prompt}\n\n{benchmark_instruction()}\n\n{FENCE}\n"
    if style == "chat" and getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                             add_generation_prompt=True)
    return PLAIN_TEMPLATE.format(prompt=prompt)


def format_answer(tree: str, style: str = "benchmark") -> str:
    """The completion as the model should write it: in ``benchmark`` style the tree closes the code fence."""
    tree = tree.strip("\n")
    return f"{tree}\n{FENCE}" if style == "benchmark" else tree


def cut_answer(generated: str, style: str = "benchmark") -> str:
    """A generated completion cut where the benchmark stops reading it (the closing fence)."""
    return generated.split(FENCE, 1)[0].strip("\n") if style == "benchmark" else generated.strip()
