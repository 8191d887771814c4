"""Every NEARCODER_* variable is read by harness/settings.py, with its default, when called."""

from __future__ import annotations

from pathlib import Path

import pytest

from nearcoder.harness import settings
from nearcoder.harness.errors import BAD_INPUT, bad_input


def test_every_variable_is_documented():
    names = {v for k, v in vars(settings).items() if k.isupper() and isinstance(v, str) and v.startswith("NEARCODER_")}
    assert names == set(settings.ENV) and all(settings.ENV.values())


def test_defaults_when_unset(monkeypatch):
    for name in settings.ENV:
        monkeypatch.delenv(name, raising=False)
    assert settings.data_dir() is None
    assert settings.cache_root() == Path.home() / ".cache" / "nearcoder"
    assert settings.sandbox_backend() == "bwrap" and settings.sandbox_backend("Docker") == "docker"
    assert settings.sandbox_uid_base() == 61000 and settings.dapp_workers() is None
    assert settings.docker_image() == "nearcoder-sandbox:latest" and settings.prompt_model() == "gpt-4o"
    assert settings.prompt_endpoint() == "" and settings.publish_token() == "" and settings.db_url() == ""
    assert settings.executor() == "local" and settings.ray_address() is None


def test_values_are_read_at_call_time(monkeypatch, tmp_path):
    monkeypatch.setenv(settings.DATA_DIR, f" {tmp_path} ")
    monkeypatch.setenv(settings.CACHE, str(tmp_path / "cache"))
    monkeypatch.setenv(settings.SANDBOX, "DOCKER")
    monkeypatch.setenv(settings.DAPP_WORKERS, "3")
    monkeypatch.setenv(settings.PROMPT_ENDPOINT, "http://127.0.0.1:9/v1/")
    monkeypatch.setenv(settings.EXECUTOR, " Ray ")
    monkeypatch.setenv(settings.RAY_ADDRESS, "127.0.0.1:6379")
    assert settings.data_dir() == tmp_path.resolve()
    assert settings.cache_root() == tmp_path / "cache"
    assert settings.sandbox_backend() == "docker" and settings.dapp_workers() == 3
    assert settings.prompt_endpoint() == "http://127.0.0.1:9/v1"
    assert settings.executor() == "ray" and settings.ray_address() == "127.0.0.1:6379"


def test_a_bad_number_names_the_variable(monkeypatch):
    monkeypatch.setenv(settings.DAPP_WORKERS, "four")
    with pytest.raises(ValueError, match="NEARCODER_DAPP_WORKERS='four': expected a whole number"):
        settings.dapp_workers()


def test_bad_input_prints_the_prefix_and_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        bad_input("data corpus", "no such folder")
    assert exit_.value.code == BAD_INPUT == 2
    assert capsys.readouterr().err == "nearcoder data corpus: no such folder\n"


def test_an_unknown_executor_names_the_choices(monkeypatch):
    monkeypatch.setenv(settings.EXECUTOR, "spark")
    with pytest.raises(ValueError, match="NEARCODER_EXECUTOR='spark': choose one of local, ray"):
        settings.executor()
