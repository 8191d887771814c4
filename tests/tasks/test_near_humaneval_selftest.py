"""`nearcoder selftest humaneval` through the real CLI and sandbox: 164/164 canonical solutions pass, and
buggy ones fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sandbox


def run_selftest(tmp_path, shared_data, *args):
    out = tmp_path / "outcomes.json"
    env = {**os.environ, "NEARCODER_DATA_DIR": str(shared_data), "HF_DATASETS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "nearcoder", "selftest", "humaneval", *args, "--out", str(out)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )
    return proc, json.loads(out.read_text())


@pytest.mark.parametrize("lang", ["js", "rust"])
def test_canonical_solutions_all_pass(tmp_path, shared_data, lang):
    proc, report = run_selftest(tmp_path, shared_data, "--lang", lang)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "passed 164/164" in proc.stdout
    assert report["total"] == report["passed"] == 164 and report["ok"]
    assert len(report["outcomes"]) == 164
    assert {o["status"] for o in report["outcomes"]} == {"passed"}
    prefix = "JavaScript" if lang == "js" else "Rust"
    assert [o["task_id"] for o in report["outcomes"]] == [f"{prefix}/{i}" for i in range(164)]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["js", "rust"])
def test_buggy_solutions_all_fail(tmp_path, shared_data, lang):
    proc, report = run_selftest(tmp_path, shared_data, "--lang", lang, "--buggy")
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "passed 0/164 (buggy solutions: 164 of 164 fail" in proc.stdout
    assert report["solutions"] == "buggy_solution" and report["passed"] == 0
    assert all(o["reason"] for o in report["outcomes"])


def test_unknown_language_is_an_error(tmp_path, shared_data):
    env = {**os.environ, "NEARCODER_DATA_DIR": str(shared_data)}
    proc = subprocess.run(
        [sys.executable, "-m", "nearcoder", "selftest", "humaneval", "--lang", "python"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode != 0
    assert "choose one of js, rust" in (proc.stdout + proc.stderr)
    assert "Traceback" not in proc.stderr


def test_unprepared_dependencies_are_an_error_not_zero_scores(tmp_path, shared_data, monkeypatch):
    from nearcoder.tasks.near_humaneval.execution import SandboxNotReady, execute_samples
    from nearcoder.tasks.near_humaneval.selftest import load_records

    monkeypatch.setenv("NEARCODER_DATA_DIR", str(shared_data))
    monkeypatch.setenv("NEARCODER_CACHE", str(tmp_path / "empty-cache"))
    doc = load_records("rust")[0]
    with pytest.raises(SandboxNotReady, match="nearcoder sandbox prepare"):
        execute_samples([doc], [["\n    false\n}\n"]], progress=False)
