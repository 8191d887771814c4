"""An evaluation never downloads mid-run: without the near-sdk cache, the lm-eval filter fails fast and names
the one command that fills it (no sandbox, no network: it stops before building anything)."""

from __future__ import annotations

import pytest

from nearcoder.tasks.near_dapp_build import cache as nc
from nearcoder.tasks.near_dapp_build import utils


@pytest.mark.parametrize("language", ["rust", "js"])
def test_missing_cache_fails_fast_with_the_prepare_command(tmp_path, monkeypatch, language):
    monkeypatch.setenv("NEARCODER_CACHE", str(tmp_path))
    spec = next(s for s in utils.load_specs(language))
    with pytest.raises(nc.CacheNotPrepared, match="nearcoder prepare dapp-build"):
        utils.build_and_test([["reply"]], [{"language": language, "id": spec.id}])
    assert not any(tmp_path.iterdir()), "nothing may be fetched or built during an evaluation"
