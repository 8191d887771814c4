"""The default backend: Debian's bubblewrap, with the program running under a dedicated unprivileged host uid.

Per program: a lease on an otherwise unused host uid (``uid_pool``); ``prlimit`` rlimits (CPU, address space,
processes, file size, open files); bwrap (started by root, so it can bind the toolchain out of ``/root``
without exposing ``/root``) with new PID/network/IPC/UTS/cgroup namespaces, ``--die-with-parent`` and
``--new-session``; inside, ``setpriv`` drops to the leased uid with no capabilities, an empty bounding set and
``no_new_privs`` before the program starts. The file system is a fresh tmpfs root with ``/usr`` read-only, the
toolchain and cache directories read-only at neutral paths, and size-capped tmpfs ``/work`` and ``/tmp``; the
environment is empty. The wall-clock timeout SIGKILLs bwrap's process group — the PID namespace dies with its
init — and a sweep by uid kills anything left. The uid (not root) is what makes ``RLIMIT_NPROC`` bite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import PurePosixPath

from nearcoder.sandboxes.api import Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.outcome_rules import CappedReader, classify, stage_files, validate
from nearcoder.sandboxes.toolchain import SANDBOX_PATH, prepared
from nearcoder.sandboxes.uid_pool import lease_uid

ENTRY = 'cp -R /in/. /work/ && exec "$@"'
# The host system the toolchains need, read-only: /usr (node, cc, ld, libc) and the few /etc files they read.
SYSTEM_RO = ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl/openssl.cnf")


class BwrapBackend(SandboxBackend):
    name = "bwrap"

    def __init__(self, extra_binds: tuple[tuple[str, str], ...] | None = None):
        # Toolchain + prepared caches are visible to every program; Program.ro_binds add to them.
        self.extra_binds = prepared().binds() if extra_binds is None else extra_binds

    @classmethod
    def available(cls) -> tuple[bool, str]:
        for tool in ("bwrap", "prlimit"):
            if not shutil.which(tool):
                return False, f"{tool} not found (apt-get install bubblewrap util-linux)"
        if os.geteuid() != 0:
            return False, "the bwrap backend drops programs to dedicated uids, so the harness must run as root"
        probe = cls(extra_binds=()).run(Program(files={}, command=("/bin/sh", "-c", "test -d /proc/1 && echo ok")))
        if probe.status is not Status.PASSED or "ok" not in probe.stdout:
            return False, f"bubblewrap cannot start a sandbox here: {probe.reason} {probe.stderr.strip()[:300]}"
        return True, "bubblewrap works (pid, net, ipc, uts namespaces; dedicated unprivileged uid; rlimits)"

    def run(self, program: Program) -> Outcome:
        if (problem := validate(program)) is not None:
            return Outcome(Status.FAILED, None, "", "", 0.0, problem)
        start = time.monotonic()
        try:
            with ExitStack() as stack:
                stage = tempfile.mkdtemp(prefix="nearcoder-in-")
                stack.callback(shutil.rmtree, stage, True)
                stage_files(stage, program.files)
                uid = stack.enter_context(lease_uid())
                return self._execute(self._argv(program, stage, uid), program, start)
        except OSError as exc:
            return Outcome(Status.SANDBOX_ERROR, None, "", "", time.monotonic() - start, f"sandbox set-up failed: {exc}")

    def _argv(self, program: Program, stage: str, uid: int) -> list[str]:
        lim = program.limits
        disk = str(lim.disk_mb * 1024 * 1024)
        argv = [
            "prlimit",
            f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 1}",
            f"--as={lim.memory_mb * 1024 * 1024}",
            f"--nproc={lim.processes}",
            f"--fsize={lim.disk_mb * 1024 * 1024}",
            f"--nofile={lim.open_files}",
            f"--core=0",
            "--",
            "bwrap",
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--hostname", "sandbox",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",  # only for setpriv below, which drops all
        ]
        argv += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl"]
        for path in SYSTEM_RO:
            if os.path.exists(path):
                argv += ["--ro-bind", path, path]
        argv += ["--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/sbin", "/sbin"]
        if os.path.isdir("/usr/lib64"):
            argv += ["--symlink", "usr/lib64", "/lib64"]
        argv += ["--proc", "/proc", "--dev", "/dev"]
        argv += ["--perms", "0777", "--size", disk, "--tmpfs", "/work"]
        argv += ["--perms", "1777", "--size", disk, "--tmpfs", "/tmp"]
        made = {"/", "/usr", "/etc", "/etc/ssl", "/proc", "/dev", "/work", "/tmp"}
        for host, dest in (*self.extra_binds, *program.ro_binds):
            parents = [str(p) for p in reversed(PurePosixPath(dest).parents)]
            for parent in parents:
                if parent not in made:
                    argv += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            argv += ["--ro-bind", host, dest]
        argv += ["--ro-bind", stage, "/in", "--chdir", "/work", "--clearenv"]
        env = {"PATH": SANDBOX_PATH, "HOME": "/work", "TMPDIR": "/tmp", "LANG": "C.UTF-8"}
        for key, value in env.items():
            argv += ["--setenv", key, value]
        argv += ["--", "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
        argv += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        argv += ["--", "/bin/sh", "-c", ENTRY, "sh", *program.command]
        return argv

    def _execute(self, argv: list[str], program: Program, start: float) -> Outcome:
        lim = program.limits
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
            start_new_session=True,
            cwd="/",
        )
        reader = CappedReader({"stdout": proc.stdout.fileno(), "stderr": proc.stderr.fileno()}, lim.output_bytes)
        finished = reader.pump(start + lim.wall_seconds)
        timed_out = not finished and not reader.over
        if not finished:
            _kill_group(proc.pid)
        try:
            returncode = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            try:
                returncode = proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                reader.close()
                return Outcome(Status.SANDBOX_ERROR, None, "", "", time.monotonic() - start,
                               "bwrap did not exit after SIGKILL")
        reader.close()
        proc.stdout.close()
        proc.stderr.close()
        duration = time.monotonic() - start
        stderr = reader.text("stderr")
        if returncode == 1 and stderr.startswith("bwrap:"):
            return Outcome(Status.SANDBOX_ERROR, None, reader.text("stdout"), stderr, duration, stderr.splitlines()[0])
        return classify(
            None if timed_out else returncode,
            reader.text("stdout"),
            stderr,
            duration,
            lim,
            timed_out=timed_out,
            output_over=reader.over,
        )


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, 9)
    except (ProcessLookupError, PermissionError):
        pass
