import pytest
from transformers import AutoTokenizer

from nearcoder.tasks.near_dapp_trees.utils import doc_to_text
from nearcoder.trainers.prompt_format import cut_answer, format_answer, format_prompt


def test_benchmark_style_is_the_task_prompt():
    assert format_prompt(None, "Create a NEAR dApp.") == doc_to_text({"prompt": "Create a NEAR dApp."})
    assert format_answer("app/\n└── README.md\n") == "app/\n└── README.md\n```"
    assert cut_answer("app/\n└── a.rs\n```\nmore chatter") == "app/\n└── a.rs"


def test_chat_and_instruction_styles(tiny_model):
    tokenizer = AutoTokenizer.from_pretrained(tiny_model)
    assert format_prompt(tokenizer, "Hi", "chat") == "user: Hi\nassistant: "  # the tiny checkpoint's template
    assert format_prompt(tokenizer, "Hi", "instruction") == "### Instruction\nHi\n\n### Response\n"
    tokenizer.chat_template = None
    assert format_prompt(tokenizer, "Hi", "chat").startswith("### Instruction")
    with pytest.raises(ValueError, match="prompt style"):
        format_prompt(tokenizer, "Hi", "fancy")
