"""Builds the tiny demo checkpoint: a StarCoder2-architecture causal LM with a locally trained tokenizer.

No model hub is reachable from CI, so tests and the demo use a model made here: a byte-level BPE tokenizer
trained with ``tokenizers`` on text the project ships (``nearcoder/demo_corpus/`` plus the package's own
Python source; never task data), and a ``Starcoder2ForCausalLM`` with a few layers and hidden size 64, optionally trained for a few
steps on the same text so its output is code-shaped rather than uniform noise. Both are saved with
``save_pretrained`` and load exactly like ``bigcode/starcoder2-3b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nearcoder.harness.manifest import Manifest, write_manifest

EOS = "<|endoftext|>"
# StarCoder2's special tokens, so FIM formatting and repository-level prompts tokenise the same way.
SPECIAL_TOKENS = [EOS, "<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<fim_pad>", "<repo_name>", "<file_sep>"]
CHAT_TEMPLATE = (
    "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}assistant: {% endif %}"
)


@dataclass(frozen=True)
class DemoModelSpec:
    vocab_size: int = 2048
    hidden_size: int = 64
    intermediate_size: int = 256
    layers: int = 2
    heads: int = 4
    kv_heads: int = 2
    context: int = 2048
    train_steps: int = 40
    seed: int = 1234


def corpus_texts(max_bytes: int = 2_000_000) -> list[str]:
    """The shipped text the tokenizer and warm-up read, in a stable order.

    ``demo_corpus/`` plus the package's own Python source. Task data (questions, reference trees, reference
    contracts) is left out on purpose, so the demo model never sees an answer it is scored on.
    """
    import nearcoder.harness
    import nearcoder.leaderboard
    import nearcoder.sandboxes
    import nearcoder.trainers

    files = sorted((Path(__file__).resolve().parent / "demo_corpus").glob("*.txt"))
    for pkg in (nearcoder.harness, nearcoder.sandboxes, nearcoder.trainers, nearcoder.leaderboard):
        files += sorted(p for p in Path(pkg.__file__).resolve().parent.rglob("*.py") if "__pycache__" not in p.parts)
    texts: list[str] = []
    total = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        texts.append(text)
        total += len(text)
        if total >= max_bytes:
            break
    return texts


def train_tokenizer(texts: list[str], vocab_size: int):
    """A byte-level BPE tokenizer wrapped as a ``PreTrainedTokenizerFast`` with StarCoder2's special tokens."""
    from tokenizers import ByteLevelBPETokenizer
    from transformers import PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIAL_TOKENS)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer,
        bos_token=EOS,
        eos_token=EOS,
        unk_token=EOS,
        pad_token=EOS,
        additional_special_tokens=SPECIAL_TOKENS[1:],
        model_max_length=2048,
    )
    tok.chat_template = CHAT_TEMPLATE
    return tok


def build_model(tokenizer, spec: DemoModelSpec):
    import torch
    from transformers import Starcoder2Config, Starcoder2ForCausalLM

    torch.manual_seed(spec.seed)
    config = Starcoder2Config(
        vocab_size=len(tokenizer),
        hidden_size=spec.hidden_size,
        intermediate_size=spec.intermediate_size,
        num_hidden_layers=spec.layers,
        num_attention_heads=spec.heads,
        num_key_value_heads=spec.kv_heads,
        max_position_embeddings=spec.context,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    return Starcoder2ForCausalLM(config)


def warm_up(model, tokenizer, texts: list[str], steps: int, seed: int, seq_len: int = 128) -> float | None:
    """A few steps of next-token training on the shipped text; returns the last loss."""
    if steps <= 0:
        return None
    import torch

    ids = tokenizer("\n".join(texts), return_tensors="pt").input_ids[0]
    n_chunks = max(1, (len(ids) - 1) // seq_len)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    loss_value = None
    for _ in range(steps):
        starts = torch.randint(0, n_chunks, (8,), generator=gen) * seq_len
        batch = torch.stack([ids[s : s + seq_len] for s in starts if s + seq_len <= len(ids)] or [ids[:seq_len]])
        loss = model(input_ids=batch, labels=batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        loss_value = float(loss.detach())
    model.eval()
    return loss_value


def build_demo_model(out: str | Path, spec: DemoModelSpec = DemoModelSpec()) -> Path:
    """Build and save the tiny checkpoint to ``out``; returns the directory."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    texts = corpus_texts()
    tokenizer = train_tokenizer(texts, spec.vocab_size)
    model = build_model(tokenizer, spec)
    loss = warm_up(model, tokenizer, texts, spec.train_steps, spec.seed)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    params = sum(p.numel() for p in model.parameters())
    write_manifest(
        out,
        Manifest(
            name="nearcoder-demo-tiny",
            base_model=None,
            model_type="base",
            stage="base",
            parameters=params,
            config={k: v for k, v in spec.__dict__.items()},
            metrics={"warmup_loss": loss} if loss is not None else {},
            contamination="clean",  # trained on demo_corpus/ and Python source only, never on task data
        ),
    )
    return out
