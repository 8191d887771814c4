"""Every sandbox tunable, in one place: the :class:`Limits` a program runs under, the presets tasks use, and what
the backends derive from them (the ``prlimit`` arguments, the whole-sandbox cgroup bounds, the environment).

Backends and runners import these; nothing else declares a limit, an rlimit argument or a sandbox environment.
The formulas are written down in ``sandboxes/README.md`` ("Limits").
"""

from __future__ import annotations

from dataclasses import dataclass

from nearcoder.sandboxes.toolchain import SANDBOX_PATH

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Bounds of one sandbox run. ``memory_mb`` and ``processes`` bound the whole sandbox (cgroup) and every
    process in it (rlimits); ``disk_mb`` bounds each writable mount and each file; ``build_disk_mb`` (0: none)
    adds a separate writable ``/build`` tmpfs for build outputs, so ``/work`` can stay sized for the program."""

    wall_seconds: float = 10.0
    cpu_seconds: int = 10
    memory_mb: int = 1024
    processes: int = 64
    output_bytes: int = 64 * 1024
    disk_mb: int = 64
    open_files: int = 256
    build_disk_mb: int = 0
    # A finer CPU-time budget (seconds, may be fractional) that the batch runner measures itself by polling the
    # program's processes; None: only ``cpu_seconds`` (an rlimit, whole seconds) applies.
    cpu_budget: float | None = None


# ---- presets (tasks pick one; see the README of each task family) -------------------------------------------
HUMANEVAL_LIMITS = Limits(wall_seconds=10, cpu_seconds=10, memory_mb=2048, processes=64, output_bytes=64 * 1024,
                          disk_mb=64)
DAPP_RUST_LIMITS = Limits(wall_seconds=240, cpu_seconds=240, memory_mb=6144, processes=256,
                          output_bytes=2 * 1024 * 1024, disk_mb=512, open_files=1024)
DAPP_JS_LIMITS = Limits(wall_seconds=120, cpu_seconds=120, memory_mb=4096, processes=64,
                        output_bytes=512 * 1024, disk_mb=64, open_files=512)

# ---- the environment every program starts with (nothing of the host's) --------------------------------------
SANDBOX_ENV = {"PATH": SANDBOX_PATH, "HOME": "/work", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
WRITABLE_MOUNTS = ("/work", "/tmp")  # tmpfs, disk_mb each; /dev/shm is read-only (bwrap) or disk_mb (docker)

# ---- whole-sandbox (cgroup) bounds ----------------------------------------------------------------------------
# Processes the sandbox machinery itself keeps in the cgroup: bwrap's monitor and its PID-namespace init.
SANDBOX_OWN_PIDS = 4


def sandbox_memory_bytes(lim: Limits) -> int:
    """The cgroup memory bound: the programs' memory plus the tmpfs they may fill (tmpfs pages are charged to
    the writer's cgroup, so a full disk must not be reported as an out-of-memory kill)."""
    tmpfs_mb = lim.disk_mb * len(WRITABLE_MOUNTS) + lim.build_disk_mb
    return (lim.memory_mb + tmpfs_mb) * MIB


def sandbox_pids(lim: Limits) -> int:
    return lim.processes + SANDBOX_OWN_PIDS


# ---- per-process rlimits --------------------------------------------------------------------------------------
def prlimit_args(lim: Limits, *, nproc: bool = True) -> list[str]:
    """``prlimit`` options for one process tree: CPU (hard = soft + 1 so SIGXCPU comes first), address space,
    file size, open files, no core dumps; ``nproc`` also caps processes per uid (meaningful only where the uid is
    not root and not shared)."""
    args = [
        f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 1}",
        f"--as={lim.memory_mb * MIB}",
        f"--fsize={max(lim.disk_mb, lim.build_disk_mb) * MIB}",
        f"--nofile={lim.open_files}",
        "--core=0",
    ]
    if nproc:
        args.insert(2, f"--nproc={lim.processes}")
    return args
