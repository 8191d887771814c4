"""Fixtures for the sandbox tests: backends (docker skips with the reason when no engine can be used),
host canaries (a secret in the environment, files, a loopback TCP server, a host process) and a leftover check."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import threading
import time
import uuid

import pytest

from nearcoder.sandboxes.factory import backend_class

CANARY_SECRET = "nearcoder-canary-" + uuid.uuid4().hex


@pytest.fixture(scope="session")
def sandbox_backends():
    made = {}
    yield made
    for backend in made.values():
        close = getattr(backend, "close", None)
        if close:
            close()


@pytest.fixture(params=["bwrap", pytest.param("docker", marks=pytest.mark.docker)])
def backend(request, sandbox_backends):
    name = request.param
    if name not in sandbox_backends:
        ok, why = backend_class(name).available()
        if not ok:
            pytest.skip(f"{name} backend unavailable: {why}")
        sandbox_backends[name] = backend_class(name)()
    return sandbox_backends[name]


@pytest.fixture
def canaries(tmp_path, monkeypatch):
    """Host state a program must not read or change; checked again after the test."""
    monkeypatch.setenv("NEARCODER_CANARY_SECRET", CANARY_SECRET)
    secret_file = tmp_path / "canary.txt"
    secret_file.write_text(CANARY_SECRET)
    secret_file.chmod(0o644)
    files = [secret_file, *[p for p in ("/etc/hostname", "/etc/passwd") if os.path.exists(p)]]
    before = {str(p): hashlib.sha256(open(p, "rb").read()).hexdigest() for p in files}
    sleeper = subprocess.Popen(["sleep", "300"])
    yield {"secret": CANARY_SECRET, "file": str(secret_file), "host_pid": sleeper.pid}
    after = {p: hashlib.sha256(open(p, "rb").read()).hexdigest() for p in before}
    alive = sleeper.poll() is None
    sleeper.kill()
    sleeper.wait()
    assert after == before, "a host canary file changed"
    assert alive, "a host process was killed"


@pytest.fixture
def marker():
    """A unique word hostile programs put in the argv of every process they start."""
    m = "ncmark" + uuid.uuid4().hex[:12]
    yield m
    deadline = time.monotonic() + 3
    while (left := processes_with(m)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"processes of the program are still running: {left}"


def processes_with(word: str) -> list[int]:
    hits = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as fh:
                    if word.encode() in fh.read():
                        hits.append(int(entry.name))
            except OSError:
                pass
    return hits


@pytest.fixture
def loopback_server():
    """A TCP server on 127.0.0.1 that records every connection it accepts."""
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    accepted = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, addr = srv.accept()
                accepted.append(addr)
                conn.close()
            except (socket.timeout, OSError):
                continue

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield {"port": srv.getsockname()[1], "accepted": accepted}
    stop.set()
    t.join(2)
    srv.close()
