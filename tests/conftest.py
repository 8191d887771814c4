"""Shared fixtures: the shared data mirror, and the tiny StarCoder2 checkpoint built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NEARCODER_DATA_DIR") or (REPO.parent / "shared" / "data")).resolve()

# Tests never reach a hub: datasets come from the mirror, models from the tiny local checkpoint.
os.environ.setdefault("NEARCODER_DATA_DIR", str(SHARED_DATA))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (or ``$NEARCODER_DATA_DIR``); tests that need it skip with the reason when absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}; set NEARCODER_DATA_DIR")
    return SHARED_DATA


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """The tiny demo checkpoint, built once per test session (a few seconds on CPU)."""
    from nearcoder.demo_model import DemoModelSpec, build_demo_model

    out = tmp_path_factory.mktemp("tiny-model")
    return build_demo_model(out, DemoModelSpec(train_steps=20))
