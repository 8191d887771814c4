"""The tiny checkpoint is a real StarCoder2 model that loads and generates like a hub checkpoint."""

from __future__ import annotations

from nearcoder.harness.manifest import read_manifest


def test_tiny_model_loads_and_generates(tiny_model):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_model)
    assert model.config.model_type == "starcoder2"
    assert model.config.hidden_size <= 128
    for special in ("<fim_prefix>", "<fim_middle>", "<fim_suffix>", "<|endoftext|>"):
        assert len(tok(special, add_special_tokens=False).input_ids) == 1
    ids = tok("pub fn main() {", return_tensors="pt").input_ids
    with torch.no_grad():
        out = model.generate(ids, max_new_tokens=8, do_sample=False)
    assert out.shape[1] > ids.shape[1]
    assert tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True)


def test_tiny_model_carries_a_manifest(tiny_model):
    manifest = read_manifest(tiny_model)
    assert manifest is not None and manifest.model_type == "base"
    assert manifest.parameters and manifest.parameters < 5_000_000


def test_build_is_deterministic(tmp_path):
    from nearcoder.demo_model import DemoModelSpec, build_demo_model

    spec = DemoModelSpec(train_steps=3)
    a = build_demo_model(tmp_path / "a", spec)
    b = build_demo_model(tmp_path / "b", spec)
    assert (a / "tokenizer.json").read_bytes() == (b / "tokenizer.json").read_bytes()
    assert (a / "model.safetensors").read_bytes() == (b / "model.safetensors").read_bytes()
