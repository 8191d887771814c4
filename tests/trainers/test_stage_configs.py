"""Every shipped YAML parses through its stage's TrlParser, dry-runs, and bad values fail with the field's name."""

import io
from pathlib import Path

import pytest
from nearcoder.trainers import stage1, stage2, stage3
from nearcoder.trainers.stage_runner import dry_run, parse_stage_args
from rich.console import Console

CONFIGS = Path(__file__).resolve().parents[2] / "trainers" / "configs"
PARSERS = {"stage1": stage1.make_parser, "stage2": stage2.make_parser, "stage3": stage3.make_parser}


def stage_of(path: Path) -> str:
    return path.stem.split("-")[0]


@pytest.mark.parametrize("path", sorted(CONFIGS.rglob("*.yaml")), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_config_parses_and_dry_runs(path, tiny_model):
    argv = ["--config", str(path), "--use_cpu", "true"]
    if path.parent.name == "cpu-smoke":
        argv += ["--model_name_or_path", str(tiny_model)]
    args = parse_stage_args(PARSERS[stage_of(path)], argv)
    training, model, data, pipeline = args
    assert training.report_to in ("none", ["none"]) or training.report_to == []
    if path.parent.name == "a10g":
        assert training.bf16 and training.activation_checkpointing and model.use_peft
        assert model.model_name_or_path.startswith("bigcode/starcoder2-") or "/merged" in model.model_name_or_path
        assert ("15b" in path.name) == bool(model.load_in_4bit)
    out = io.StringIO()
    # a parent built by the previous stage takes its architecture from the sibling config that writes it
    est = dry_run(stage_of(path), model, training, data, pipeline, Console(file=out, width=400), config_path=path)
    text = " ".join(out.getvalue().split())  # rich wraps long titles (the model path) across lines
    assert "memory estimate" in text and "token budget" in text and "total" in text
    if path.parent.name == "a10g":
        assert "fits in 24 GiB" in text, text
        assert est.total > 4 * 1024**3


def test_invalid_values_name_the_field(tiny_model):
    smoke = CONFIGS / "cpu-smoke"
    with pytest.raises(ValueError, match="segment_format"):
        parse_stage_args(stage3.make_parser, ["--config", str(smoke / "stage3.yaml"), "--segment_format", "lines"])
    with pytest.raises(ValueError, match="packing=False"):
        parse_stage_args(stage3.make_parser, ["--config", str(smoke / "stage3.yaml"), "--packing", "true"])
    with pytest.raises(ValueError, match="beta"):
        parse_stage_args(stage2.make_parser, ["--config", str(smoke / "stage2.yaml"), "--beta", "0"])
    with pytest.raises(ValueError, match="min_text_chars"):
        parse_stage_args(stage1.make_parser, ["--config", str(smoke / "stage1.yaml"), "--min_text_chars", "-1"])


def test_cli_dry_run(tmp_path):
    from nearcoder.cli import app
    from typer.testing import CliRunner

    result = CliRunner().invoke(app, ["train", "stage1", "--config", str(CONFIGS / "a10g" / "stage1.yaml"),
                                      "--dry-run", "--per_device_train_batch_size", "4"])
    assert result.exit_code == 0, result.output
    assert "s=2048, b=4" in result.output and "fits in 24 GiB" in result.output
    missing = CliRunner().invoke(app, ["train", "stage1", "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "not found" in missing.output
