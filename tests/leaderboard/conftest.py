"""Fixtures for the leaderboard tests: a fresh SQLite file per test, and real lm-eval output (slow)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'board.db'}"


def run_lm_eval(model_dir: Path, out: Path, limit: int = 3) -> Path:
    """The real lm-eval CLI on near_questions with logged samples; returns the output directory."""
    cmd = [sys.executable, "-m", "lm_eval", "--include_path", str(REPO / "tasks"), "--tasks", "near_questions",
           "--model", "hf", "--model_args", f"pretrained={model_dir},dtype=float32", "--device", "cpu",
           "--limit", str(limit), "--output_path", str(out), "--log_samples"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def real_output(tiny_model, tmp_path_factory, shared_data) -> Path:
    """lm-eval output of the tiny checkpoint on near_questions (--limit 4, samples logged)."""
    return run_lm_eval(tiny_model, tmp_path_factory.mktemp("lm-eval-out"), limit=4)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(db_url: str, cwd: Path, token: str = ""):
    """``nearcoder leaderboard`` in a subprocess on 127.0.0.1 and a free port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "nearcoder.harness.cli", "leaderboard", "--db", db_url,
                             "--host", "127.0.0.1", "--port", str(port)],
                            env={**os.environ, "NEARCODER_PUBLISH_TOKEN": token}, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(url + "/api/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode())
                time.sleep(0.5)
        else:
            raise RuntimeError("leaderboard did not start within 120 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def start_server():
    """The :func:`running_server` context manager, for tests that need a live leaderboard process."""
    return running_server


@pytest.fixture
def lm_eval_cli():
    """:func:`run_lm_eval`, for tests that run the real lm-eval CLI themselves."""
    return run_lm_eval
