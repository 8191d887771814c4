"""The sandbox contract every task codes against.

A :class:`Program` is files (path -> bytes) plus a command; :class:`Limits` (``tunables.py``) bound it;
running it yields an :class:`Outcome` with a status, the exit code, truncated output, the duration and a one-line reason a person
can read. Backends (``bwrap``, ``docker``) implement :class:`SandboxBackend`; tasks never run code any other
way. Nothing here executes anything.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from enum import Enum

from nearcoder.sandboxes.tunables import Limits

__all__ = ["Limits", "Outcome", "Program", "SandboxBackend", "Status"]


class Status(str, Enum):
    PASSED = "passed"  # exit code 0 within every limit
    FAILED = "failed"  # non-zero exit (assertion, panic, compile error reported by the program's command)
    TIMEOUT = "timeout"  # wall-clock or CPU-time limit hit
    MEMORY = "memory"  # the sandbox's cgroup memory limit (or a process's address-space limit) hit
    OUTPUT_LIMIT = "output_limit"  # stdout/stderr exceeded the output cap
    DISK_LIMIT = "disk_limit"  # work dir or file-size limit hit
    COMPILE_ERROR = "compile_error"  # a language runner's build step failed
    SANDBOX_ERROR = "sandbox_error"  # the sandbox itself could not run the program


@dataclass(frozen=True)
class Program:
    """Files to place in a fresh work dir, and the command (argv) to run there."""

    files: dict[str, bytes]
    command: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    # Read-only host directories made visible inside the sandbox: (host_path, sandbox_path) pairs, e.g. a
    # pre-built dependency cache. Never the repository, /root, /home or shared data.
    ro_binds: tuple[tuple[str, str], ...] = ()
    # Bytes the command reads on its standard input (bwrap only): unlike ``files``, nothing of it stays
    # readable in the sandbox once the command has read it (e.g. sources a batch runner compiles, then deletes).
    stdin: bytes = b""

    def digest(self) -> str:
        """Content hash: identical programs share a digest, so batch runs skip and cache by it."""
        h = hashlib.sha256()
        for path in sorted(self.files):
            h.update(path.encode() + b"\0" + hashlib.sha256(self.files[path]).digest())
        h.update(json.dumps([list(self.command), asdict(self.limits), list(self.ro_binds)], sort_keys=True).encode())
        if self.stdin:
            h.update(b"stdin\0" + hashlib.sha256(self.stdin).digest())
        return h.hexdigest()


@dataclass
class Outcome:
    status: Status
    exit_code: int | None
    stdout: str
    stderr: str
    duration: float
    reason: str
    cpu_seconds: float | None = None  # CPU time of the program's processes, where the runner measured it

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    def to_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status.value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Outcome":
        return cls(**{**d, "status": Status(d["status"])})


class SandboxBackend(ABC):
    """One way of containing a program. ``run`` never raises for anything the program does."""

    name: str

    @abstractmethod
    def run(self, program: Program) -> Outcome: ...

    @classmethod
    @abstractmethod
    def available(cls) -> tuple[bool, str]:
        """Whether this backend works on this machine, and why not when it does not."""
