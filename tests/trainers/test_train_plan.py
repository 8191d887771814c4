"""`nearcoder train plan` and stage dry runs on a fresh clone: no checkpoint exists, parents are resolved through the
configs that write them, and a config that does not fit says which knob to turn."""

import shutil
from pathlib import Path

import pytest
import yaml
from nearcoder.trainers.memory_estimate import GIB, count_parameters, estimate_memory, load_config
from nearcoder.trainers.plan import (
    GPUS,
    chains,
    fitting_advice,
    flops_per_step,
    plan_config,
    resolve_architecture,
)
from typer.testing import CliRunner

CONFIGS = Path(__file__).resolve().parents[2] / "trainers" / "configs"
A10G = CONFIGS / "a10g"
ALL_LINEAR = ["q_proj", "k_proj", "v_proj", "o_proj", "c_fc", "c_proj"]


def _app():
    from nearcoder.cli import app

    return app


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_plan_prints_every_chain_of_the_a10g_configs(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # a fresh clone: none of out/a10g/... exists
    result = CliRunner().invoke(_app(), ["train", "plan", "--config-dir", str(A10G)], terminal_width=200)
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "stage1 → stage2 → stage3 from bigcode/starcoder2-3b on one A10G" in text
    assert "stage1 → stage2 → stage3 from bigcode/starcoder2-15b on one A10G" in text
    assert "stage1-with-segments.yaml" in text
    assert "not trained yet: written by stage1.yaml" in text
    assert "not trained yet: written by stage1-starcoder2-15b-qlora.yaml" in text
    assert "DPO rejected generation" in text and "/ 100 prompts" in text
    assert "NO (" not in text  # every stage trains within 24 GiB
    assert text.count("does not fit") == 1 and "stage2's generation does not fit" in text  # only the 15b parent


def test_chains_follow_output_dirs():
    order = [[p.name for p in chain] for chain in chains(sorted(A10G.glob("*.yaml")))]
    assert ["stage1.yaml", "stage2.yaml", "stage3.yaml"] in order
    assert ["stage1-starcoder2-15b-qlora.yaml", "stage2-starcoder2-15b-qlora.yaml",
            "stage3-starcoder2-15b-qlora.yaml"] in order
    assert ["stage1-with-segments.yaml"] in order


@pytest.mark.parametrize("name", ["stage2.yaml", "stage3.yaml", "stage2-starcoder2-15b-qlora.yaml",
                                  "stage3-starcoder2-15b-qlora.yaml"])
def test_later_stages_dry_run_alone(name, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    stage = name.split("-")[0].removesuffix(".yaml")
    result = CliRunner().invoke(_app(), ["train", stage, "--config", str(A10G / name), "--dry-run"],
                                terminal_width=200)
    assert result.exit_code == 0, result.output
    text = _flat(result.output)
    assert "not trained yet" in text and "fits 24" in text and "time / step" in text


def test_parent_architecture_comes_from_the_writing_config(tmp_path):
    shutil.copy(A10G / "stage1-starcoder2-15b-qlora.yaml", tmp_path / "stage1-big.yaml")
    shutil.copy(A10G / "stage2-starcoder2-15b-qlora.yaml", tmp_path / "stage2-big.yaml")
    config, how = resolve_architecture("out/a10g-15b/stage1/merged", tmp_path / "stage2-big.yaml")
    assert config.hidden_size == 6144 and "stage1-big.yaml" in how
    with pytest.raises(ValueError, match="no config beside stage2-big.yaml"):
        resolve_architecture("out/elsewhere/merged", tmp_path / "stage2-big.yaml")


def test_missing_parent_is_a_clear_cli_error(tmp_path):
    config = yaml.safe_load((A10G / "stage2.yaml").read_text())
    config["model_name_or_path"] = "out/never/merged"
    (tmp_path / "stage2.yaml").write_text(yaml.safe_dump(config))
    result = CliRunner().invoke(_app(), ["train", "plan", str(tmp_path / "stage2.yaml")], terminal_width=200)
    assert result.exit_code == 2
    assert "no config beside stage2.yaml" in _flat(result.output)


def test_wall_time_from_a_built_dataset(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data = tmp_path / "corpus"
    data.mkdir()
    (data / "data.jsonl").write_text("".join('{"text": "%s"}\n' % ("near " * 2000) for _ in range(50)))
    plan = plan_config(A10G / "stage1.yaml", GPUS["A10G"], ["--train_datasets", str(data)])
    assert plan.budget.dataset_records == 50 and plan.budget.steps and plan.total_seconds
    assert plan.total_seconds == pytest.approx(plan.budget.steps * plan.seconds_per_step)


def test_training_flops_follow_the_6n_rule():
    counts = count_parameters(load_config("bigcode/starcoder2-3b"), 16, ALL_LINEAR, True)
    full = flops_per_step(counts, seq_len=2048, tokens_per_step=1, mode="full", checkpointing=False,
                          preference_pairs=False)
    n = counts.linear + counts.hidden * counts.vocab
    assert 6 * n < full < 6.5 * n  # 6·N plus causal attention
    lora = flops_per_step(counts, seq_len=2048, tokens_per_step=1, mode="LoRA", checkpointing=True,
                          preference_pairs=False)
    assert lora == pytest.approx(full)  # frozen base (no weight gradients) + one recomputed forward
    dpo = flops_per_step(counts, seq_len=2048, tokens_per_step=1, mode="LoRA", checkpointing=True,
                         preference_pairs=True)
    assert dpo == pytest.approx(lora * 4 / 3)


def test_advice_names_the_knob_and_the_advised_value_fits():
    counts = count_parameters(load_config("bigcode/starcoder2-3b"), 16, ALL_LINEAR, True)
    base = dict(seq_len=4096, gradient_checkpointing=True, precision_bytes=2, load_in_4bit=False, use_peft=True,
                preference_pairs=False)
    assert estimate_memory(counts, micro_batch=16, **base).total > 24 * GIB
    advice = fitting_advice(counts, seq_len=4096, micro_batch=16, accumulation=1, checkpointing=True,
                            precision_bytes=2, load_in_4bit=False, use_peft=True, preference_pairs=False,
                            device_gib=24)
    batch = next(line for line in advice if line.startswith("per_device_train_batch_size 16 → "))
    advised = int(batch.split("→ ")[1].split(" ")[0])
    assert estimate_memory(counts, micro_batch=advised, **base).total <= 24 * GIB
    assert estimate_memory(counts, micro_batch=advised + 1, **base).total > 24 * GIB
    assert f"gradient_accumulation_steps 1 → {-(-16 // advised)}" in batch
    full = fitting_advice(counts, seq_len=2048, micro_batch=2, accumulation=8, checkpointing=True,
                          precision_bytes=2, load_in_4bit=False, use_peft=False, preference_pairs=False,
                          device_gib=24)
    assert any("use_peft: true" in line for line in full)
    fits = fitting_advice(counts, seq_len=2048, micro_batch=2, accumulation=8, checkpointing=True,
                          precision_bytes=2, load_in_4bit=False, use_peft=True, preference_pairs=False,
                          device_gib=24)
    assert fits == []


def test_unknown_gpu_and_stage_are_clear_errors(tmp_path):
    result = CliRunner().invoke(_app(), ["train", "plan", "--config-dir", str(A10G), "--gpu", "TPU"])
    assert result.exit_code == 2 and "unknown --gpu" in result.output
    odd = tmp_path / "finetune.yaml"
    shutil.copy(A10G / "stage1.yaml", odd)
    result = CliRunner().invoke(_app(), ["train", "plan", str(odd)], terminal_width=200)
    assert result.exit_code == 2 and "cannot tell the stage" in _flat(result.output)


def test_15b_dpo_generation_is_flagged_when_its_parent_does_not_fit(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    big = plan_config(A10G / "stage2-starcoder2-15b-qlora.yaml", GPUS["A10G"])
    small = plan_config(A10G / "stage2.yaml", GPUS["A10G"])
    assert not big.generation.fits and small.generation.fits
    assert big.generation.tokens_per_second < small.generation.tokens_per_second
