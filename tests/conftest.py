"""Shared fixtures (the data mirror, the tiny StarCoder2 checkpoint built once per session) and marker rules:
``sandbox`` tests skip with the reason where bubblewrap cannot run, and a test that loads lm-eval must be
marked ``slow`` (so ``make test-fast`` runs none)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache
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


FAST_SUITE_KEEPS_OUT = "lm_eval"  # `make test-fast` runs no lm-eval: loading it needs the `slow` marker
_LM_EVAL_BEFORE = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    item.stash[_LM_EVAL_BEFORE] = FAST_SUITE_KEEPS_OUT in sys.modules
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    if not item.stash.get(_LM_EVAL_BEFORE, True) and FAST_SUITE_KEEPS_OUT in sys.modules \
            and item.get_closest_marker("slow") is None:
        pytest.fail(f"{item.nodeid} loads lm-eval without the `slow` marker (make test-fast must not)")
    return result


@lru_cache(maxsize=1)
def bwrap_unusable() -> str | None:
    """Why the default (bubblewrap) sandbox cannot run here, from the backend's own probe; None when it can."""
    from nearcoder.sandboxes.factory import backend_class

    try:
        ok, why = backend_class("bwrap").available()
    except Exception as exc:  # noqa: BLE001 - a broken probe is a reason to skip, not a collection error
        ok, why = False, f"{type(exc).__name__}: {exc}"
    return None if ok else why


@pytest.hookimpl(trylast=True)  # after `-m` deselection: a run without sandbox tests never probes
def pytest_collection_modifyitems(config, items):
    """Tests marked ``sandbox`` skip, with the reason, where bubblewrap cannot run (docker tests skip in their
    own fixtures)."""
    sandbox_items = [i for i in items if i.get_closest_marker("sandbox") and not i.get_closest_marker("docker")]
    if sandbox_items and (why := bwrap_unusable()):
        for item in sandbox_items:
            item.add_marker(pytest.mark.skip(reason=f"sandbox unavailable: {why}"))


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
