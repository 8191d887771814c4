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


PG_URL_ENV = "NEARCODER_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql+psycopg2://nearcoder:nearcoder@127.0.0.1:5432/nearcoder_test"


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'board.db'}"


def _postgres_admin_url() -> str:
    """The server of leaderboard/postgres_setup.sh (or $NEARCODER_TEST_PG_URL); skip — or fail under CI — when down."""
    from sqlalchemy import create_engine, text

    url = os.environ.get(PG_URL_ENV, DEFAULT_PG_URL)
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any driver error means "no server here"
        message = f"no PostgreSQL at {url} ({type(exc).__name__}); run `bash leaderboard/postgres_setup.sh`"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return url


@contextmanager
def fresh_postgres_database():
    """A new, empty PostgreSQL database on the test server; dropped afterwards (connections and all)."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = _postgres_admin_url()
    name = f"nearcoder_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        from nearcoder.leaderboard.store.engine import get_engine

        get_engine.cache_clear()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request, tmp_path):
    """Each store backend in turn: an empty SQLite file, then an empty PostgreSQL database. A module runs its
    store tests on both by overriding ``db_url`` with ``def db_url(any_db_url): return any_db_url``."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'board.db'}"
        return
    with fresh_postgres_database() as url:
        yield url


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
    proc = subprocess.Popen([sys.executable, "-m", "nearcoder.cli", "leaderboard", "--db", db_url,
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
