"""The generic batch runner and the backend factory."""

from __future__ import annotations

import pytest

from nearcoder.sandboxes.api import Limits, Program, Status
from nearcoder.sandboxes.batch import run_programs
from nearcoder.sandboxes.factory import backend_name, get_backend

pytestmark = pytest.mark.sandbox


def test_factory_reads_env(monkeypatch):
    monkeypatch.delenv("NEARCODER_SANDBOX", raising=False)
    assert backend_name() == "bwrap"
    monkeypatch.setenv("NEARCODER_SANDBOX", "docker")
    assert backend_name() == "docker"
    assert backend_name("bwrap") == "bwrap"
    with pytest.raises(ValueError, match="unknown sandbox backend"):
        get_backend("chroot")


def test_run_programs_order_dedup_and_cache(backend, tmp_path):
    lim = Limits(wall_seconds=5, memory_mb=1024)
    progs = [Program({"a.sh": f"echo {i}".encode()}, ("sh", "a.sh"), lim) for i in (1, 2, 1, 3)]
    progs.append(Program({"../escape": b""}, ("true",), lim))
    out = run_programs(progs, backend=backend, workers=2, cache_dir=tmp_path, progress=False)
    assert [o.stdout.strip() for o in out[:4]] == ["1", "2", "1", "3"]
    assert out[4].status is Status.FAILED and "invalid program" in out[4].reason
    assert len(list(tmp_path.rglob("*.json"))) == 4  # three distinct runs + the invalid one
    # A resumed run takes every outcome from the cache: a program that would now fail is not re-run.
    again = run_programs(progs, backend=backend, workers=2, cache_dir=tmp_path, progress=False)
    assert [o.to_dict() for o in again] == [o.to_dict() for o in out]


def test_files_land_in_work_dir_with_subdirs(backend):
    prog = Program({"src/lib/x.txt": b"hello\n", "main.sh": b"cat src/lib/x.txt; pwd"}, ("sh", "main.sh"),
                   Limits(wall_seconds=5, memory_mb=1024))
    [out] = run_programs([prog], backend=backend, progress=False)
    assert out.status is Status.PASSED and out.stdout.split() == ["hello", "/work"]
