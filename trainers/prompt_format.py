"""How a user prompt becomes model input, shared by the DPO builder (generation) and stage 2 (training).

A tokenizer with a chat template gets the conversation rendered with ``add_generation_prompt``; a base model
without one (``bigcode/starcoder2-3b``) gets a plain instruction block. Both builder and trainer call
:func:`format_prompt` with the same tokenizer, so what was generated from is exactly what is trained on.
"""

from __future__ import annotations

PLAIN_TEMPLATE = "### Instruction\n{prompt}\n\n### Response\n"


def format_prompt(tokenizer, prompt: str) -> str:
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template([{"role": "user", "content": prompt}], tokenize=False,
                                             add_generation_prompt=True)
    return PLAIN_TEMPLATE.format(prompt=prompt)
