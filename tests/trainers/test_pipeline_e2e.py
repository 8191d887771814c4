"""The whole pipeline on CPU: builders → stage 1 → DPO pairs from the stage-1 model → stage 2 → stage 3, each a
few LoRA steps on the tiny checkpoint; then the real lm_eval CLI scores the final adapter and its merged model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from nearcoder.harness.manifest import read_manifest
from nearcoder.trainers import stage1, stage2, stage3
from nearcoder.trainers.data.ast_segments import AstOptions, build_segments
from nearcoder.trainers.data.corpus import CorpusOptions, build_corpus
from nearcoder.trainers.data.dataset_io import dataset_hash
from nearcoder.trainers.data.preference_pairs import GenerationOptions, build_pairs
from nearcoder.trainers.data.repo_trees import build_trees
from nearcoder.trainers.data.user_prompts import build_prompts
from nearcoder.trainers.stage_runner import cli_entry

pytestmark = pytest.mark.slow
SMOKE = Path(__file__).resolve().parents[2] / "trainers" / "configs" / "cpu-smoke"
REPO = Path(__file__).resolve().parents[2]


def train(module, stage: str, parent: Path, datasets: list[Path], out: Path, *extra: str) -> dict:
    argv = ["--config", str(SMOKE / f"{stage}.yaml"), "--model_name_or_path", str(parent), "--output_dir", str(out),
            "--train_datasets", *map(str, datasets), *extra]
    return cli_entry(stage, module.make_parser, module.main, argv)


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, tiny_model, fixtures):
    root = tmp_path_factory.mktemp("pipeline")
    data = root / "data"
    corpus, _ = build_corpus([fixtures / "docs"], data / "corpus", CorpusOptions(min_words=20), eval_sets=[])
    ast, _ = build_segments([fixtures / "repos"], data / "ast", AstOptions(fim_rate=0.5, seed=0))
    trees, _ = build_trees([fixtures / "repos"], data / "trees")
    prompts, _ = build_prompts(trees, data / "prompts")
    # stage 1 mixes AST segments into pre-training (the seed's hypothesis), half a pass
    s1 = train(stage1, "stage1", tiny_model, [corpus, ast], root / "stage1", "--train_dataset_weights", "1.0", "0.5")
    dpo, dpo_report = build_pairs(prompts, str(root / "stage1"), data / "dpo", GenerationOptions(max_new_tokens=24))
    s2 = train(stage2, "stage2", s1["merged"], [dpo], root / "stage2")
    s3 = train(stage3, "stage3", s2["merged"], [ast], root / "stage3")
    return {"root": root, "tiny": tiny_model, "corpus": corpus, "ast": ast, "dpo": dpo, "dpo_report": dpo_report,
            "s1": s1, "s2": s2, "s3": s3}


def test_each_stage_writes_adapter_merged_and_manifest_with_lineage(pipeline):
    tiny = read_manifest(pipeline["tiny"])
    chain = [("stage1", pipeline["s1"], pipeline["tiny"], {pipeline["corpus"], pipeline["ast"]}),
             ("stage2", pipeline["s2"], pipeline["s1"]["merged"], {pipeline["dpo"]}),
             ("stage3", pipeline["s3"], pipeline["s2"]["merged"], {pipeline["ast"]})]
    for stage, paths, parent, datasets in chain:
        adapter, merged = read_manifest(paths["checkpoint"]), read_manifest(paths["merged"])
        assert (paths["checkpoint"] / "adapter_config.json").is_file()
        assert (paths["merged"] / "config.json").is_file() and not (paths["merged"] / "adapter_config.json").exists()
        assert adapter.stage == merged.stage == stage
        assert adapter.model_type == "adapter" and merged.model_type == "fine-tuned"
        assert adapter.parent == merged.parent == str(parent)
        assert adapter.base_model == tiny.name
        assert adapter.datasets == {str(p): dataset_hash(p) for p in datasets}
        assert adapter.contamination == merged.contamination == "clean"  # fixture data, clean tiny model
        assert adapter.metrics["global_step"] > 0 and adapter.metrics["final_loss"] > 0
        assert adapter.git_commit and "Stage" + stage[-1] + "Config" in adapter.config
        adapter_config = json.loads((paths["checkpoint"] / "adapter_config.json").read_text())
        assert adapter_config["base_model_name_or_path"] == str(parent)


def test_dpo_pairs_come_from_the_stage1_model(pipeline):
    rows = [json.loads(line) for line in (pipeline["dpo"] / "data.jsonl").read_text().splitlines()]
    assert rows and all(r["chosen"] != r["rejected"] for r in rows)
    from nearcoder.tasks.near_dapp_trees.utils import doc_to_text

    for r in rows:  # the near_dapp_trees task's own prompt; answers close its code fence
        assert r["prompt"] == doc_to_text({"prompt": r["user_prompt"]})
        assert r["chosen"].endswith("\n```") and r["rejected"].endswith("\n```")
    assert pipeline["dpo_report"]["backend"] == "transformers"


def test_training_moved_the_lora_weights_and_merge_is_exact(pipeline):
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    s3 = pipeline["s3"]
    weights = load_file(str(s3["checkpoint"] / "adapter_model.safetensors"))
    assert any("lora_B" in k and v.abs().sum() > 0 for k, v in weights.items())  # B starts at zero
    parent = AutoModelForCausalLM.from_pretrained(str(pipeline["s2"]["merged"]), dtype=torch.float32)
    with_adapter = PeftModel.from_pretrained(parent, str(s3["checkpoint"])).eval()
    merged = AutoModelForCausalLM.from_pretrained(str(s3["merged"]), dtype=torch.float32).eval()
    ids = torch.tensor([[1, 5, 9, 42, 7, 300]])
    with torch.no_grad():
        a, b = with_adapter(ids).logits, merged(ids).logits
        base = AutoModelForCausalLM.from_pretrained(str(pipeline["s2"]["merged"]), dtype=torch.float32)(ids).logits
    assert torch.allclose(a, b, atol=1e-4)
    assert not torch.allclose(a, base, atol=1e-6)


def start_lm_eval(model_args: str, out: Path) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false", "OMP_NUM_THREADS": "1"}
    cmd = [str(Path(sys.executable).with_name("lm_eval")), "--include_path", str(REPO / "tasks"),
           "--tasks", "near_questions", "--model", "hf", "--model_args", model_args, "--device", "cpu",
           "--limit", "2", "--output_path", str(out)]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_lm_eval_scores_the_final_adapter_and_merged_checkpoint(pipeline):
    s2, s3, root = pipeline["s2"], pipeline["s3"], pipeline["root"]
    # the manifests say how to score each checkpoint; the adapter sits on its parent's merged model
    adapter_args = read_manifest(s3["checkpoint"]).config["lm_eval_model_args"]
    merged_args = read_manifest(s3["merged"]).config["lm_eval_model_args"]
    assert adapter_args == f"pretrained={s2['merged']},peft={s3['checkpoint']}"
    assert merged_args == f"pretrained={s3['merged']}"
    runs = {  # both at once: each is mostly lm_eval's start-up, and there are two cores
        "adapter": start_lm_eval(adapter_args + ",dtype=float32", root / "eval-a"),
        "merged": start_lm_eval(merged_args + ",dtype=float32", root / "eval-m"),
    }
    for variant, proc in runs.items():
        _, stderr = proc.communicate(timeout=600)
        assert proc.returncode == 0, stderr[-3000:]
        out = root / ("eval-a" if variant == "adapter" else "eval-m")
        results = json.loads(next(out.rglob("results_*.json")).read_text())
        scores = results["results"]["near_questions"]
        for metric in ("bleu,none", "rouge1,none", "key_fact_recall,none"):
            assert isinstance(scores[metric], float) and 0.0 <= scores[metric] <= 100.0
        assert results["n-samples"]["near_questions"]["effective"] == 2
        assert ("peft" in str(results["config"]["model_args"])) == (variant == "adapter")


def test_merge_command_writes_a_fine_tuned_checkpoint(pipeline, tmp_path):
    from nearcoder.cli import app
    from typer.testing import CliRunner

    out = tmp_path / "merged-again"
    result = CliRunner().invoke(app, ["train", "merge", str(pipeline["s1"]["checkpoint"]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = read_manifest(out)
    assert manifest.model_type == "fine-tuned" and manifest.stage == "stage1"
    assert manifest.config["merged_from"] == str(pipeline["s1"]["checkpoint"])
    bad = CliRunner().invoke(app, ["train", "merge", str(pipeline["s1"]["merged"])])
    assert bad.exit_code == 2 and "not a PEFT adapter" in bad.output
