"""The default backend: Debian's bubblewrap, with the program running under a dedicated unprivileged host uid.

Per program: a lease on an otherwise unused host uid (``uid_pool``); its own memory + pids cgroup (``cgroups``),
which the first process joins before anything else runs, so memory and processes are bounded for the whole
sandbox; ``prlimit`` rlimits per process (CPU, address space, processes of the uid, file size, open files); bwrap
(started by root, so it can bind the toolchain out of ``/root`` without exposing ``/root``) with new
PID/network/IPC/UTS/cgroup namespaces, ``--die-with-parent``, ``--new-session`` and a seccomp filter
(``seccomp.py``: no namespaces, mounts, ptrace, bpf, keyrings, ...). Its arguments come through ``--args FD``, so
``/proc/1/cmdline`` inside shows no host path. Inside, ``setpriv`` drops to the leased uid with no capabilities,
an empty bounding set and ``no_new_privs`` before the program starts. The file system is a fresh tmpfs root with
``/usr`` read-only, the toolchain and cache directories read-only at neutral paths, size-capped tmpfs ``/work``
and ``/tmp`` (and ``/build`` when ``Limits.build_disk_mb`` asks for one); ``/dev/shm`` is not writable; the
environment is ``tunables.SANDBOX_ENV``. The wall-clock timeout SIGKILLs bwrap's process group — the PID
namespace dies with its init — and closing the cgroup and a sweep by uid kill anything left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from contextlib import ExitStack
from pathlib import PurePosixPath

from nearcoder.sandboxes import cgroups, seccomp
from nearcoder.sandboxes.api import Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.outcome_rules import CappedReader, apply_cgroup_verdict, classify, stage_files, validate
from nearcoder.sandboxes.toolchain import prepared
from nearcoder.sandboxes.tunables import MIB, SANDBOX_ENV, prlimit_args, sandbox_memory_bytes, sandbox_pids
from nearcoder.sandboxes.uid_pool import lease_uid

ENTRY = 'cp -R /in/. /work/ && exec "$@"'
# The host system the toolchains need, read-only: /usr (node, cc, ld, libc) and the few /etc files they read.
SYSTEM_RO = ("/usr", "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/ssl/openssl.cnf")
SETPRIV_FAILED = 127  # util-linux setpriv's exit status when it cannot switch uid or drop privileges


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
        found = cgroups.support()
        limits = f"{found.reason} per sandbox" if found.version else f"per-process rlimits only ({found.reason})"
        return True, (f"bubblewrap works (pid, net, ipc, uts namespaces; dedicated unprivileged uid; "
                      f"{seccomp.filter_bytes()[1]}; {limits})")

    def run(self, program: Program) -> Outcome:
        if (problem := validate(program)) is not None:
            return Outcome(Status.FAILED, None, "", "", 0.0, problem)
        start = time.monotonic()
        lim = program.limits
        try:
            with ExitStack() as stack:
                stage = tempfile.mkdtemp(prefix="nearcoder-in-")
                stack.callback(shutil.rmtree, stage, True)
                stage_files(stage, program.files)
                uid = stack.enter_context(lease_uid())
                found = cgroups.support()
                group = None
                if found.version is not None:
                    bounds = (sandbox_memory_bytes(lim), sandbox_pids(lim))
                    group = stack.enter_context(cgroups.SandboxCgroup(found, *bounds))
                # Options through a file descriptor (no host path in /proc/1/cmdline); the command stays in argv.
                options = self._bwrap_options(program, stage)
                fds = [_memfd("bwrap-args", b"".join(a.encode() + b"\0" for a in options))]
                stack.callback(os.close, fds[0])
                argv = ["bwrap", "--args", str(fds[0]), "--", *self._command(program, uid)]
                rules, _ = seccomp.filter_bytes()
                if rules is not None:
                    fds.append(_memfd("seccomp", rules))
                    stack.callback(os.close, fds[1])
                    argv[1:1] = ["--seccomp", str(fds[1])]
                argv = [*(group.join_argv() if group else []), "prlimit", *prlimit_args(lim), "--", *argv]
                outcome = self._execute(argv, fds, program, start)
                return apply_cgroup_verdict(outcome, lim, group, found)
        except OSError as exc:
            return Outcome(Status.SANDBOX_ERROR, None, "", "", time.monotonic() - start, f"sandbox set-up failed: {exc}")

    def _bwrap_options(self, program: Program, stage: str) -> list[str]:
        lim = program.limits
        args = [
            "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent",
            "--new-session",
            "--hostname", "sandbox",
            "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID",  # only for setpriv below, which drops all
        ]
        args += ["--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl"]
        for path in SYSTEM_RO:
            if os.path.exists(path):
                args += ["--ro-bind", path, path]
        args += ["--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/sbin", "/sbin"]
        if os.path.isdir("/usr/lib64"):
            args += ["--symlink", "usr/lib64", "/lib64"]
        args += ["--proc", "/proc", "--dev", "/dev"]  # /dev/shm: a root-owned directory of the private /dev
        args += ["--perms", "0777", "--size", str(lim.disk_mb * MIB), "--tmpfs", "/work"]
        args += ["--perms", "1777", "--size", str(lim.disk_mb * MIB), "--tmpfs", "/tmp"]
        made = {"/", "/usr", "/etc", "/etc/ssl", "/proc", "/dev", "/work", "/tmp"}
        if lim.build_disk_mb:
            args += ["--perms", "0777", "--size", str(lim.build_disk_mb * MIB), "--tmpfs", "/build"]
            made.add("/build")
        for host, dest in (*self.extra_binds, *program.ro_binds):
            parents = [str(p) for p in reversed(PurePosixPath(dest).parents)]
            for parent in parents:
                if parent not in made:
                    args += ["--perms", "0755", "--dir", parent]
                    made.add(parent)
            args += ["--ro-bind", host, dest]
        args += ["--ro-bind", stage, "/in", "--chdir", "/work", "--clearenv"]
        for key, value in SANDBOX_ENV.items():
            args += ["--setenv", key, value]
        return args

    @staticmethod
    def _command(program: Program, uid: int) -> list[str]:
        return ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups", "--inh-caps=-all",
                "--bounding-set=-all", "--no-new-privs", "--", "/bin/sh", "-c", ENTRY, "sh", *program.command]

    def _execute(self, argv: list[str], fds: list[int], program: Program, start: float) -> Outcome:
        lim = program.limits
        stdin = _memfd("stdin", program.stdin) if program.stdin else subprocess.DEVNULL
        try:
            proc = subprocess.Popen(
                argv,
                stdin=stdin,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                start_new_session=True,
                cwd="/",
                pass_fds=fds,
            )
        finally:
            if program.stdin:
                os.close(stdin)
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
        # bwrap's own failures, the cgroup join's, and setpriv's (no pool uid to switch to, e.g. inside an
        # unprivileged user namespace): the sandbox never ran the program, so nothing is said about it.
        if (returncode == 1 and stderr.startswith("bwrap:")) or stderr.startswith(cgroups.JOIN_FAILED) or \
                (returncode == SETPRIV_FAILED and stderr.startswith("setpriv:")):
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


def _memfd(name: str, data: bytes) -> int:
    """An inheritable, rewound in-memory file holding ``data`` (bwrap reads it from the start)."""
    fd = os.memfd_create(name)  # close-on-exec: only pass_fds hands it to bwrap
    os.write(fd, data)
    os.lseek(fd, 0, os.SEEK_SET)
    return fd


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, 9)
    except (ProcessLookupError, PermissionError):
        pass
