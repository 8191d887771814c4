"""Settings read from the environment: where the store lives and the token that guards HTTP publishing."""

from __future__ import annotations

import os
from pathlib import Path

DB_ENV = "NEARCODER_DB"
TOKEN_ENV = "NEARCODER_PUBLISH_TOKEN"
DEFAULT_DB_PATH = Path("~/.local/share/nearcoder/leaderboard.db")
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860


def db_url(explicit: str | None = None) -> str:
    """``--db`` if given, else ``$NEARCODER_DB``, else the SQLite file under ``~/.local/share/nearcoder``.

    A bare file path is accepted and turned into a ``sqlite:///`` URL.
    """
    url = explicit or os.environ.get(DB_ENV) or f"sqlite:///{DEFAULT_DB_PATH}"
    if "://" not in url:
        url = f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith("sqlite:///~"):
        url = "sqlite:///" + str(Path(url[len("sqlite:///"):]).expanduser())
    return url


def publish_token() -> str | None:
    """The shared secret HTTP publishers must send as ``Authorization: Bearer``; None disables HTTP publishing."""
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None
