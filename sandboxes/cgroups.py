"""One memory + pids cgroup per sandbox, so the bounds hold for the whole sandbox and not per process.

:func:`support` finds, once per process, where sandbox cgroups can live: cgroup v1 (``memory`` and ``pids``
hierarchies, this project's CI) or v2 (a unified hierarchy whose ``memory`` and ``pids`` controllers can be
delegated below the harness's own cgroup). Sandbox cgroups are created under the harness's own cgroup (so any
bound on the harness still holds) in a ``nearcoder`` directory, named ``nc-<pid namespace>-<harness pid>-<n>``; a
harness that finds groups of a dead harness of its PID namespace kills their processes and removes them.

:class:`SandboxCgroup` creates the group with its bounds, gives the argv prefix that moves the sandbox's first
process into it before anything else runs (every later process inherits it), reports out-of-memory kills and
process-limit hits, and on close kills whatever is left in it and removes it — also after errors. Where neither
version is usable, :func:`support` says why and the backends fall back to per-process rlimits.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from nearcoder.harness import settings

log = logging.getLogger(__name__)

PARENT = "nearcoder"
CONTROLLERS = ("memory", "pids")
JOIN_FAILED = "nearcoder: cannot join the sandbox cgroup"
# Moves the shell into each cgroup.procs given (its own pid is "0"), then execs the rest of the argv.
JOIN_SCRIPT = (
    'n=$1; shift; while [ "$n" -gt 0 ]; do echo 0 > "$1" || { echo "' + JOIN_FAILED + ' $1" >&2; exit 126; }; '
    'shift; n=$((n - 1)); done; exec "$@"'
)
_counter = itertools.count()


def _pid_namespace() -> str:
    """This process's PID namespace (inode number): a harness pid means something only inside it."""
    try:
        return os.readlink("/proc/self/ns/pid").split("[")[-1].rstrip("]")
    except OSError:
        return "0"


def _group_prefix(pid: int | None = None) -> str:
    return f"nc-{_pid_namespace()}-{os.getpid() if pid is None else pid}-"


@dataclass(frozen=True)
class CgroupSupport:
    version: int | None  # 1, 2, or None when sandboxes cannot get their own cgroup
    parents: dict[str, Path] = field(default_factory=dict)  # controller ("unified" on v2) -> parent directory
    reason: str = ""


def _mounts() -> list[tuple[str, str, str, list[str]]]:
    """(root inside the hierarchy, mount point, fs type, super options) of every cgroup mount."""
    out = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            left, _, right = line.partition(" - ")
            fstype, _source, opts = (right.split() + ["", ""])[:3]
            if fstype in ("cgroup", "cgroup2"):
                fields = left.split()
                out.append((fields[3], fields[4], fstype, opts.split(",")))
    return out


def _below(mount: str, root: str, own: str) -> Path:
    """The directory of cgroup path ``own`` in a hierarchy mounted at ``mount`` showing ``root``."""
    rel = own[len(root):] if root != "/" and own.startswith(root) else own
    return Path(mount + "/" + rel.strip("/")) if rel.strip("/") else Path(mount)


def _own_paths() -> dict[str, str]:
    """Controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    own = {}
    with open("/proc/self/cgroup") as fh:
        for line in fh:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for c in controllers.split(",") if controllers else [""]:
                own[c] = path
    return own


def _probe() -> CgroupSupport:
    if not settings.sandbox_cgroups_enabled():
        return CgroupSupport(None, reason=f"disabled by {settings.SANDBOX_CGROUPS}=0")
    if os.geteuid() != 0:
        return CgroupSupport(None, reason="the harness is not root, so it cannot create cgroups")
    mounts, own = _mounts(), _own_paths()
    v1 = {c: (m, r) for r, m, t, opts in mounts if t == "cgroup" for c in CONTROLLERS if c in opts}
    errors = []
    if all(c in v1 for c in CONTROLLERS):
        try:
            parents = {}
            for c in CONTROLLERS:
                parents[c] = _below(*v1[c], own.get(c, "/")) / PARENT
                parents[c].mkdir(exist_ok=True)
            return CgroupSupport(1, parents, "cgroup v1 memory + pids")
        except OSError as exc:
            errors.append(f"cgroup v1: {exc}")
    unified = [(m, r) for r, m, t, _ in mounts if t == "cgroup2"]
    for mount, root in unified:
        own_dir = _below(mount, root, own.get("", "/"))
        try:
            if not set(CONTROLLERS) <= set((own_dir / "cgroup.controllers").read_text().split()):
                errors.append(f"cgroup v2 at {mount}: memory/pids controllers not available to {own_dir}")
                continue
            enable = " ".join(f"+{c}" for c in CONTROLLERS)
            (own_dir / "cgroup.subtree_control").write_text(enable)  # EBUSY if own_dir holds processes
            parent = own_dir / PARENT
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text(enable)
            return CgroupSupport(2, {"unified": parent}, "cgroup v2 memory + pids")
        except OSError as exc:
            errors.append(f"cgroup v2 at {mount}: {exc}")
    if not errors:
        errors.append("no cgroup hierarchy with the memory and pids controllers is mounted")
    return CgroupSupport(None, reason="; ".join(errors))


@lru_cache(maxsize=1)
def support() -> CgroupSupport:
    """Where sandbox cgroups go on this machine (probed once; stale groups of dead harnesses are removed)."""
    found = _probe()
    if found.version is None:
        log.warning("sandbox limits are per process only (RLIMIT_AS / RLIMIT_NPROC): %s", found.reason)
    else:
        _remove_stale(found)
    return found


def _remove_stale(found: CgroupSupport) -> None:
    """Kill and remove the groups of harnesses of this PID namespace that are gone."""
    for parent in found.parents.values():
        for child in parent.glob(f"nc-{_pid_namespace()}-*"):
            pid = child.name.split("-")[2]
            if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                _kill_and_remove(child)


def _pids_in(group: Path) -> list[int]:
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except OSError:
        return []


def _kill_and_remove(group: Path, wait_s: float = 5.0) -> bool:
    """SIGKILL every process in ``group`` (repeating while forks race) and rmdir it; False if it stays."""
    deadline = time.monotonic() + wait_s
    while True:
        if (group / "cgroup.kill").exists():
            try:
                (group / "cgroup.kill").write_text("1")
            except OSError:
                pass
        for pid in _pids_in(group):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            group.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError:  # EBUSY: processes are still exiting
            if time.monotonic() > deadline:
                log.warning("sandbox cgroup %s could not be removed", group)
                return False
            time.sleep(0.005)


class SandboxCgroup:
    """The cgroup(s) of one sandbox: bounded at creation, emptied and removed by :meth:`close`."""

    def __init__(self, found: CgroupSupport, memory_bytes: int, pids: int):
        self.version = found.version
        self.memory_bytes = memory_bytes
        self.pids = pids
        name = f"{_group_prefix()}{next(_counter)}"
        self.dirs = {c: parent / name for c, parent in found.parents.items()}
        try:
            for d in self.dirs.values():
                d.mkdir()
            if self.version == 1:
                mem = self.dirs["memory"]
                (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
                if (mem / "memory.memsw.limit_in_bytes").exists():  # no swapping around the bound
                    (mem / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
                (self.dirs["pids"] / "pids.max").write_text(str(pids))
            else:
                d = self.dirs["unified"]
                (d / "memory.max").write_text(str(memory_bytes))
                if (d / "memory.swap.max").exists():
                    (d / "memory.swap.max").write_text("0")
                (d / "pids.max").write_text(str(pids))
        except OSError:
            self.close()
            raise

    def join_argv(self) -> list[str]:
        """Prefix for the sandbox's first process: join every group, then exec the rest of the argv."""
        procs = [str(d / "cgroup.procs") for d in self.dirs.values()]
        return ["/bin/sh", "-c", JOIN_SCRIPT, "nc-cgroup-join", str(len(procs)), *procs]

    def _counter(self, controller: str, file: str, key: str) -> int:
        d = self.dirs.get(controller) or self.dirs.get("unified")
        try:
            for line in (d / file).read_text().splitlines():
                k, _, v = line.partition(" ")
                if k == key:
                    return int(v)
        except (OSError, ValueError):
            pass
        return 0

    def oom_kills(self) -> int:
        """Processes the kernel killed because the group reached its memory bound."""
        if self.version == 1:
            return self._counter("memory", "memory.oom_control", "oom_kill")
        return self._counter("unified", "memory.events", "oom_kill")

    def pids_refused(self) -> int:
        """fork/clone calls refused because the group reached its process bound."""
        return self._counter("pids", "pids.events", "max")

    def close(self) -> bool:
        """Kill everything left in the group and remove it; False if a group could not be removed."""
        ok = True
        for d in self.dirs.values():
            if d.exists():
                ok = _kill_and_remove(d) and ok
        return ok

    def __enter__(self) -> "SandboxCgroup":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
