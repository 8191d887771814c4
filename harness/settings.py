"""Every ``NEARCODER_*`` environment variable, read in one place.

Each setting is a function that reads the environment when called (so tests and sub-processes that change
the environment see the change) and returns a typed value with its default. Other modules import these
functions instead of reading ``os.environ`` themselves; ``ENV`` lists every variable with its meaning, for
documentation and for the test that no other module reads a ``NEARCODER_*`` name.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = "NEARCODER_DATA_DIR"
CACHE = "NEARCODER_CACHE"
SANDBOX = "NEARCODER_SANDBOX"
SANDBOX_UID_BASE = "NEARCODER_SANDBOX_UID_BASE"
DOCKER_IMAGE = "NEARCODER_DOCKER_IMAGE"
DAPP_WORKERS = "NEARCODER_DAPP_WORKERS"
PROMPT_ENDPOINT = "NEARCODER_PROMPT_ENDPOINT"
PROMPT_MODEL = "NEARCODER_PROMPT_MODEL"
PROMPT_API_KEY = "NEARCODER_PROMPT_API_KEY"
DB = "NEARCODER_DB"
PUBLISH_TOKEN = "NEARCODER_PUBLISH_TOKEN"
SANDBOX_CGROUPS = "NEARCODER_SANDBOX_CGROUPS"
JUDGE_URL = "NEARCODER_JUDGE_URL"
JUDGE_MODEL = "NEARCODER_JUDGE_MODEL"
JUDGE_API_KEY = "NEARCODER_JUDGE_API_KEY"
EXECUTOR = "NEARCODER_EXECUTOR"
RAY_ADDRESS = "NEARCODER_RAY_ADDRESS"

ENV: dict[str, str] = {
    DATA_DIR: "local data mirror laid out like ../shared/data; hub datasets are read from it (default: the hub)",
    CACHE: "root of the offline toolchain caches (default ~/.cache/nearcoder)",
    SANDBOX: "sandbox backend, bwrap or docker (default bwrap)",
    SANDBOX_UID_BASE: "first uid of the bubblewrap sandbox's uid pool (default 61000)",
    DOCKER_IMAGE: "image of the Docker sandbox backend (default nearcoder-sandbox:latest)",
    DAPP_WORKERS: "near_dapp_build contracts built at once (default: CPU count, at most 4)",
    PROMPT_ENDPOINT: "OpenAI-compatible endpoint that writes dApp-tree prompts (default: offline rules)",
    PROMPT_MODEL: "model asked at the prompt endpoint (default gpt-4o)",
    PROMPT_API_KEY: "bearer token for the prompt endpoint",
    DB: "leaderboard store, an SQLAlchemy URL or SQLite file (default ~/.local/share/nearcoder/leaderboard.db)",
    PUBLISH_TOKEN: "token that enables and guards publishing over HTTP (default: HTTP publishing off)",
    SANDBOX_CGROUPS: "0 forces the sandbox's per-process limits instead of a cgroup per sandbox (default 1)",
    JUDGE_URL: "OpenAI-compatible endpoint of the optional near_questions judge (default: no judge)",
    JUDGE_MODEL: "model asked at the judge endpoint (default judge)",
    JUDGE_API_KEY: "bearer token for the judge endpoint",
    EXECUTOR: "where run_tests runs its sandbox batches: local (threads, the default) or ray (Ray tasks)",
    RAY_ADDRESS: "Ray cluster the ray executor joins, host:port of `ray start --head` (default: an embedded "
                 "instance on 127.0.0.1)",
}

DEFAULT_SANDBOX = "bwrap"
DEFAULT_DOCKER_IMAGE = "nearcoder-sandbox:latest"
DEFAULT_UID_BASE = 61000
DEFAULT_PROMPT_MODEL = "gpt-4o"
EXECUTORS = ("local", "ray")


def _text(name: str) -> str:
    return os.environ.get(name, "").strip()


def data_dir() -> Path | None:
    """The local data mirror (``NEARCODER_DATA_DIR``), resolved; None when unset."""
    value = _text(DATA_DIR)
    return Path(value).expanduser().resolve() if value else None


def cache_root() -> Path:
    """Root of every offline cache (``NEARCODER_CACHE``, default ``~/.cache/nearcoder``)."""
    value = _text(CACHE)
    return Path(value).expanduser() if value else Path.home() / ".cache" / "nearcoder"


def sandbox_backend(explicit: str | None = None) -> str:
    """The sandbox backend name: ``explicit``, else ``NEARCODER_SANDBOX``, else ``bwrap`` (lower-cased)."""
    return (explicit or _text(SANDBOX) or DEFAULT_SANDBOX).strip().lower()


def sandbox_uid_base() -> int:
    """First uid of the bubblewrap uid pool (``NEARCODER_SANDBOX_UID_BASE``)."""
    return _int(SANDBOX_UID_BASE, DEFAULT_UID_BASE)


def sandbox_cgroups_enabled() -> bool:
    """False when ``NEARCODER_SANDBOX_CGROUPS=0`` forces the per-process fallback."""
    return _text(SANDBOX_CGROUPS) != "0"


def docker_image() -> str:
    """The Docker sandbox image (``NEARCODER_DOCKER_IMAGE``)."""
    return _text(DOCKER_IMAGE) or DEFAULT_DOCKER_IMAGE


def dapp_workers() -> int | None:
    """Contracts near_dapp_build builds at once (``NEARCODER_DAPP_WORKERS``); None: the caller's default."""
    return _int(DAPP_WORKERS, None)


def prompt_endpoint() -> str:
    """Base URL of the prompt-writing endpoint without a trailing slash; "" when unset."""
    return _text(PROMPT_ENDPOINT).rstrip("/")


def prompt_model() -> str:
    return _text(PROMPT_MODEL) or DEFAULT_PROMPT_MODEL


def prompt_api_key() -> str:
    return _text(PROMPT_API_KEY)


def db_url() -> str:
    """``NEARCODER_DB`` as given; "" when unset (the leaderboard picks its default file)."""
    return _text(DB)


def publish_token() -> str:
    """``NEARCODER_PUBLISH_TOKEN``; "" when unset (HTTP publishing disabled)."""
    return _text(PUBLISH_TOKEN)


def judge_url() -> str:
    return _text(JUDGE_URL).rstrip("/")


def judge_model() -> str:
    return _text(JUDGE_MODEL) or "judge"


def judge_api_key() -> str:
    return _text(JUDGE_API_KEY)


def executor() -> str:
    """``NEARCODER_EXECUTOR`` lower-cased, ``local`` when unset; anything else is a ``ValueError``."""
    value = _text(EXECUTOR).lower() or EXECUTORS[0]
    if value not in EXECUTORS:
        raise ValueError(f"{EXECUTOR}={value!r}: choose one of {', '.join(EXECUTORS)}")
    return value


def ray_address() -> str | None:
    """``NEARCODER_RAY_ADDRESS`` (host:port of a running cluster); None: start an embedded instance."""
    return _text(RAY_ADDRESS) or None


def _int(name: str, default: int | None) -> int | None:
    value = _text(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name}={value!r}: expected a whole number") from None
