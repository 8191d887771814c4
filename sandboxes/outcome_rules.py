"""Shared, trusted helpers for backends: program validation, capped output reading, and turning what a
finished process left behind (exit status, signals, stderr) into an :class:`Outcome` with a readable reason."""

from __future__ import annotations

import os
import selectors
import signal
import time
from pathlib import PurePosixPath

from nearcoder.sandboxes.api import Limits, Outcome, Program, Status
from nearcoder.sandboxes.tunables import MIB, sandbox_memory_bytes

MEMORY_MARKERS = (
    "memory allocation of",  # Rust's alloc error handler
    "JavaScript heap out of memory",
    "Array buffer allocation failed",  # node: Buffer/ArrayBuffer over the address-space limit
    "Fatal process OOM",
    "Cannot allocate memory",
    "std::bad_alloc",
    "MemoryError",
    "out of memory",
)
DISK_MARKERS = ("No space left on device", "ENOSPC", "File too large", "Disk quota exceeded")


def validate(program: Program) -> str | None:
    """Why a program cannot be run at all (bad paths, empty command), or None when it is well formed."""
    if not program.command or not all(isinstance(a, str) and a and "\0" not in a for a in program.command):
        return "invalid program: the command must be non-empty strings without NUL bytes"
    for path in program.files:
        p = PurePosixPath(path)
        if not path or "\0" in path or p.is_absolute() or ".." in p.parts or p == PurePosixPath("."):
            return f"invalid program: file path {path!r} must be relative, inside the work dir"
        if not isinstance(program.files[path], (bytes, bytearray)):
            return f"invalid program: file {path!r} content must be bytes"
    return None


def stage_files(root: str, files: dict[str, bytes]) -> None:
    """Write ``files`` under ``root`` readable by any uid (the sandbox user copies them into its tmpfs)."""
    os.chmod(root, 0o755)
    for rel, data in files.items():
        dest = os.path.join(root, rel)
        parent = os.path.dirname(dest)
        os.makedirs(parent, mode=0o755, exist_ok=True)
        with open(dest, "wb") as fh:
            fh.write(data)
        os.chmod(dest, 0o644)


class CappedReader:
    """Reads several pipes until EOF, a deadline, or a total byte cap — never buffering more than the cap."""

    def __init__(self, fds: dict[str, int], cap: int):
        self.cap = cap
        self.total = 0
        self.chunks: dict[str, list[bytes]] = {name: [] for name in fds}
        self.over = False
        self.sel = selectors.DefaultSelector()
        for name, fd in fds.items():
            os.set_blocking(fd, False)
            self.sel.register(fd, selectors.EVENT_READ, name)

    def pump(self, deadline: float) -> bool:
        """Read until every pipe is closed (True) or the deadline/cap is hit (False)."""
        while self.sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.over:
                return False
            for key, _ in self.sel.select(timeout=min(remaining, 0.5)):
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if not data:
                    self.sel.unregister(key.fd)
                    continue
                keep = max(0, self.cap - self.total)
                self.chunks[key.data].append(data[:keep])
                self.total += len(data)
                if self.total > self.cap:
                    self.over = True
        return True

    def text(self, name: str) -> str:
        return b"".join(self.chunks[name]).decode("utf-8", errors="replace")

    def close(self) -> None:
        self.sel.close()


def first_error_line(text: str) -> str:
    """The most telling line of an error log: the first that names an error or panic, else the last one."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for i, ln in enumerate(lines):
        if any(k in ln for k in ("Error", "error", "panicked", "Assertion", "assert")) and not ln.startswith("at "):
            if ln.endswith(":") and i + 1 < len(lines):  # Rust: "panicked at file:line:col:" + message
                ln = f"{ln} {lines[i + 1]}"
            return ln[:200]
    return lines[-1][:200] if lines else ""


def first_compiler_error(text: str, limit: int = 200) -> str:
    """The first compiler diagnostic (a line starting with ``error``), else :func:`first_error_line`."""
    for line in text.splitlines():
        if line.startswith("error"):
            return line.strip()[:limit]
    return first_error_line(text)


def classify(
    returncode: int | None,
    stdout: str,
    stderr: str,
    duration: float,
    limits: Limits,
    *,
    timed_out: bool,
    output_over: bool,
    cpu_over: bool = False,
) -> Outcome:
    """The outcome of a finished (or killed) run, with a one-line reason a person can read."""

    def out(status: Status, reason: str) -> Outcome:
        return Outcome(status, returncode, stdout, stderr, round(duration, 4), reason)

    if output_over:
        return out(Status.OUTPUT_LIMIT, f"output exceeded {limits.output_bytes} bytes; the program was killed")
    low = stderr.lower()
    if cpu_over:  # the batch runner measured the program's CPU time past its budget and killed it
        return out(Status.TIMEOUT, f"CPU-time limit of {limits.cpu_budget:g}s hit; every process was killed")
    if timed_out:
        # A program that hit the disk limit first and was still dying when the clock ran out (slow exits
        # under load) is reported by its first limit; the reason says both.
        if any(m.lower() in low for m in DISK_MARKERS):
            return out(Status.DISK_LIMIT, f"disk limit hit ({limits.disk_mb} MiB work dir / file size), then the "
                                          f"wall-clock limit of {limits.wall_seconds:g}s; every process was killed")
        return out(Status.TIMEOUT, f"wall-clock limit of {limits.wall_seconds:g}s hit; every process was killed")
    if returncode == 0:
        return out(Status.PASSED, "exited 0")
    sig = -returncode if returncode is not None and returncode < 0 else (returncode - 128 if returncode and returncode > 128 else None)
    tail = first_error_line(stderr)
    if sig == signal.SIGXCPU or (sig == signal.SIGKILL and duration >= limits.cpu_seconds * 0.9 and "memory" not in stderr):
        return out(Status.TIMEOUT, f"CPU-time limit of {limits.cpu_seconds}s hit (signal {sig})")
    if sig == signal.SIGXFSZ or any(m.lower() in low for m in DISK_MARKERS):
        return out(Status.DISK_LIMIT, f"disk limit hit ({limits.disk_mb} MiB work dir / file size): {tail}".rstrip(": "))
    if any(m.lower() in low for m in MEMORY_MARKERS):
        return out(Status.MEMORY, f"memory limit of {limits.memory_mb} MiB hit: {tail}")
    if sig is not None and sig > 0:
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return out(Status.FAILED, f"killed by {name}" + (f": {tail}" if tail else ""))
    return out(Status.FAILED, f"exited {returncode}" + (f": {tail}" if tail else ""))


def apply_cgroup_verdict(outcome: Outcome, limits: Limits, group, found) -> Outcome:
    """Fold what the sandbox's cgroup saw into ``outcome``: any out-of-memory kill in the sandbox makes it
    ``memory`` (even when the exit status says passed, or the clock ran out after it); refused forks are named in
    a failure's reason.
    Without a cgroup (``group`` None), a ``memory`` outcome says the bound was per process."""
    if group is None:
        if outcome.status is Status.MEMORY:
            outcome.reason += f" (per-process address-space limit; no sandbox cgroup: {found.reason})"
        return outcome
    if outcome.status is not Status.OUTPUT_LIMIT and (kills := group.oom_kills()):
        then = ", then the wall-clock limit" if outcome.status is Status.TIMEOUT else ""
        outcome.status = Status.MEMORY
        outcome.reason = (f"memory limit of the sandbox hit ({sandbox_memory_bytes(limits) // MIB} MiB = "
                          f"{limits.memory_mb} MiB memory + its tmpfs): the kernel killed {kills} process(es){then}")
    elif outcome.status is Status.FAILED and (refused := group.pids_refused()):
        outcome.reason = f"process limit of {limits.processes} hit ({refused} forks refused); {outcome.reason}"
    return outcome
