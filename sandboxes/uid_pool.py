"""Dedicated host uids for sandboxed programs, one per concurrently running sandbox (across processes too).

A fresh, otherwise unused uid makes ``RLIMIT_NPROC`` a real per-sandbox process cap (root ignores it) and lets
the backend find and kill every process a program left behind by uid alone. Leases are ``flock``s on files in
``/run/nearcoder-uids`` (or ``$TMPDIR``), so parallel test workers and evaluations never share a uid.
"""

from __future__ import annotations

import fcntl
import os
import signal
import tempfile
from contextlib import contextmanager
from pathlib import Path
from nearcoder.harness import settings

FIRST_UID = settings.sandbox_uid_base()
POOL_SIZE = 512


def _lock_dir() -> Path:
    for base in ("/run", tempfile.gettempdir()):
        d = Path(base) / "nearcoder-uids"
        try:
            d.mkdir(mode=0o700, exist_ok=True)
            return d
        except OSError:
            continue
    raise RuntimeError("no writable directory for sandbox uid leases")


@contextmanager
def lease_uid():
    """Yield a uid nobody else holds; on exit kill anything still running under it."""
    lock_dir = _lock_dir()
    start = (os.getpid() * 7) % POOL_SIZE
    for i in range(POOL_SIZE):
        uid = FIRST_UID + (start + i) % POOL_SIZE
        fh = open(lock_dir / f"{uid}.lock", "w")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            continue
        try:
            kill_uid(uid)  # a previous holder that crashed may have left processes
            yield uid
        finally:
            kill_uid(uid)
            fh.close()
        return
    raise RuntimeError(f"all {POOL_SIZE} sandbox uids are in use")


def pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Uid:"):
                        if int(line.split()[1]) == uid:  # real uid
                            pids.append(int(entry.name))
                        break
        except (OSError, ValueError):
            continue
    return pids


def kill_uid(uid: int, rounds: int = 20) -> int:
    """SIGKILL every process whose real uid is ``uid`` (repeating while forks race); returns how many."""
    killed = 0
    for _ in range(rounds):
        pids = pids_of_uid(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed
