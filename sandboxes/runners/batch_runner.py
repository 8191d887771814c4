"""Runs a batch of test programs inside ONE sandbox, each program in its own process, one after another, and
prints one JSON line per program. Trusted code next to untrusted programs, so it keeps them away from itself
and from each other (see sandboxes/README.md, "Batches"):

* it makes itself non-dumpable first: a program (same uid) cannot ptrace it, read or write its memory, or open
  its file descriptors through /proc (so it cannot write result lines into the runner's stdout);
* every program runs alone: before the next one starts, every other process of the uid is SIGKILLed (until
  /proc shows none) and the work and temporary directories are emptied, so nothing a program leaves behind
  runs or is read by the runner during a later program;
* Rust: the sources come on stdin (never readable in the sandbox as files once built: they are written to a
  private directory with unguessable names, compiled, and deleted before any program runs); the test binary is
  copied into a sealed memfd (no write, shrink or grow, by anyone) and the file is deleted, so a program cannot
  replace the binary later programs run; each test process runs under a second seccomp filter (built by the
  host, ``seccomp.no_exec_filter``) under which it cannot start any program, so it cannot run the binary again
  with another program's test filter;
* a program's output goes to files the runner opened itself and reads back through its own descriptors after
  the program and all its processes are dead.

The host treats every line as untrusted input and re-runs, each in its own sandbox, any program whose line is
missing. Usage: python3 -I -S batch_runner.py js|rust jobs.json
"""

import base64
import ctypes
import fcntl
import json
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import time

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AT_EMPTY_PATH = 0x1000
LIBC = ctypes.CDLL(None, use_errno=True)


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def make_undumpable() -> None:
    if LIBC.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        sys.stderr.write("batch_runner: prctl(PR_SET_DUMPABLE) failed\n")
        sys.exit(3)


def emit(obj: dict) -> None:
    os.write(1, (json.dumps(obj) + "\n").encode())


def other_pids() -> list[int]:
    """Every process /proc shows but the runner and the sandbox's init."""
    me = os.getpid()
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and int(name) not in (me, 1)]


def kill_everything_else() -> None:
    """SIGKILL every process of this uid but the runner, until none is left (a forking program cannot win)."""
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        left = False
        for pid in other_pids():
            try:
                if os.stat(f"/proc/{pid}").st_uid == os.getuid():
                    left = True
                    os.waitpid(pid, os.WNOHANG)
            except (OSError, ChildProcessError):
                pass
        if not left:
            return
        time.sleep(0.002)


def empty_dir(path: str, keep: str = "") -> None:
    """Remove everything under ``path`` but ``keep`` (re-granting write permission a program took away)."""
    if not os.path.isdir(path):
        return
    for root, dirs, _files in os.walk(path):
        for d in dirs:
            try:
                os.chmod(os.path.join(root, d), 0o700, follow_symlinks=False)
            except OSError:
                pass
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if full == keep:
            continue
        try:
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full, ignore_errors=True)
            else:
                os.unlink(full)
        except OSError:
            pass


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CPU_POLL_MS = 40


def program_cpu_seconds() -> float:
    """CPU time of every process of this uid but the runner (all of them are the current program's: the runner
    kills everything before the next program), each with the children it has reaped."""
    total = 0
    for pid in other_pids():
        try:
            with open(f"/proc/{pid}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        except (OSError, IndexError, ValueError):
            pass
    return total / CLOCK_TICKS


class Launcher:
    """Starts one program: fork, then in the child its own session, rlimits, stdio and working directory, and
    exec. ``no_exec`` (Rust): the child execs the sealed binary with ``execveat(fd, "", ..., AT_EMPTY_PATH)``
    after installing the host's filter, under which the test process can exec nothing more."""

    def __init__(self, spec: dict, no_exec: dict | None = None, exec_fd: int | None = None):
        self.spec = spec
        self.devnull = os.open("/dev/null", os.O_RDONLY)
        self.exec_fd = exec_fd
        self.no_exec = None
        if no_exec is not None:
            rules = base64.b64decode(no_exec["filter"])
            self._rules = ctypes.create_string_buffer(rules, len(rules))
            self.no_exec = (SockFprog(len(rules) // 8, ctypes.cast(self._rules, ctypes.c_char_p)),
                            int(no_exec["fd"]), int(no_exec["execveat"]))

    @staticmethod
    def _cstrings(items: list) -> ctypes.Array:
        return (ctypes.c_char_p * (len(items) + 1))(*[os.fsencode(x) for x in items], None)

    def start(self, argv: list, env: dict, cwd: str, out: int, err: int, cpu: int) -> int:
        lim = self.spec["limits"]
        envp = [f"{k}={v}" for k, v in env.items()]
        if self.no_exec is not None:
            c_argv, c_envp = self._cstrings(argv), self._cstrings(envp)
            path = None
        else:
            path = shutil.which(argv[0], path=env.get("PATH")) or argv[0]
        pid = os.fork()
        if pid:
            return pid
        try:  # the child: nothing here may return into the runner
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):  # Python ignores these; the program gets the defaults
                signal.signal(sig, signal.SIG_DFL)
            os.setsid()
            resource.setrlimit(resource.RLIMIT_AS, (lim["memory_bytes"], lim["memory_bytes"]))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
            resource.setrlimit(resource.RLIMIT_FSIZE, (lim["fsize_bytes"], lim["fsize_bytes"]))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.dup2(self.devnull, 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            os.chdir(cwd)
            if self.no_exec is None:
                keep = self.exec_fd if self.exec_fd is not None else 2  # the fallback runs /proc/self/fd/N
                os.closerange(3, keep)
                os.closerange(keep + 1, 1 << 20)
                os.execve(path, argv, env)
            fprog, fd, execveat = self.no_exec
            if self.exec_fd != fd:
                os.dup2(self.exec_fd, fd)
            os.set_inheritable(fd, False)  # close-on-exec: the test process does not hold it
            os.closerange(3, fd)
            os.closerange(fd + 1, 1 << 20)
            ul = ctypes.c_ulong
            if LIBC.prctl(PR_SET_NO_NEW_PRIVS, ul(1), ul(0), ul(0), ul(0)) != 0 or \
                    LIBC.prctl(PR_SET_SECCOMP, ul(SECCOMP_MODE_FILTER), ctypes.byref(fprog), ul(0), ul(0)) != 0:
                raise OSError(ctypes.get_errno(), "cannot install the no-exec seccomp filter")
            LIBC.syscall(ctypes.c_long(execveat), ctypes.c_long(fd), ctypes.c_char_p(b""), c_argv, c_envp,
                         ctypes.c_long(AT_EMPTY_PATH))
            raise OSError(ctypes.get_errno(), "execveat failed")
        except BaseException as exc:  # noqa: BLE001
            try:
                os.write(2, f"batch_runner: cannot start the program: {exc}\n".encode())
            finally:
                os._exit(127)


def wait_for(pid: int, seconds: float, cpu_budget: float | None) -> tuple[int, str | None, float]:
    """The child's exit code (negative: killed by that signal), which limit it ran into, if any: "wall"
    (``seconds``) or "cpu" (the CPU time of its processes over ``cpu_budget``, checked every CPU_POLL_MS), and
    its CPU time (with the children it reaped). Woken by the exit itself through a pidfd."""
    pidfd = os.pidfd_open(pid)
    hit = "wall"
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            wait_ms = max(1, int(left * 1000))
            if poller.poll(min(wait_ms, CPU_POLL_MS) if cpu_budget else wait_ms):
                hit = None
                break
            if cpu_budget and program_cpu_seconds() > cpu_budget:
                hit = "cpu"
                break
    finally:
        os.close(pidfd)
    if hit is not None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    _, status, usage = os.wait4(pid, 0)
    return os.waitstatus_to_exitcode(status), hit, usage.ru_utime + usage.ru_stime


def read_capped(fd: int, cap: int) -> tuple[str, bool, int]:
    size = os.fstat(fd).st_size
    data = os.pread(fd, min(size, cap), 0)
    os.close(fd)
    return data.decode("utf-8", errors="replace"), size > cap, size


def run_one(spec: dict, job: dict, argv: list, env: dict, launcher: Launcher) -> None:
    """Run one program to its end (or its own wall-clock ``timeout_ms``, CPU-time rlimit ``cpu_seconds`` or
    measured CPU-time ``cpu_budget``), clean up after it, and print its result line."""
    scratch = spec["scratch"]
    os.makedirs(scratch, mode=0o700, exist_ok=True)
    out = os.open(os.path.join(scratch, f"o{job['id']}"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    err = os.open(os.path.join(scratch, f"e{job['id']}"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    home = os.path.join("/work", f"p{job['id']}")
    os.makedirs(home, mode=0o700)
    t0 = time.monotonic()
    try:
        pid = launcher.start(argv, {**env, "HOME": home}, home, out, err, job["cpu_seconds"])
        code, hit, cpu = wait_for(pid, job["timeout_ms"] / 1000, job.get("cpu_budget"))
    except OSError as exc:
        code, hit, cpu = 127, None, 0.0
        os.write(err, f"batch_runner: cannot start the program: {exc}\n".encode())
    seconds = time.monotonic() - t0
    kill_everything_else()
    o_text, o_over, o_size = read_capped(out, spec["output_bytes"])
    e_text, e_over, e_size = read_capped(err, spec["output_bytes"])
    for path in ("/work", "/tmp", "/dev/shm"):
        empty_dir(path, keep=scratch)
    empty_dir(scratch)
    emit({
        "id": job["id"], "exit": code if code is not None and code >= 0 else None,
        "signal": signal.Signals(-code).name if code is not None and code < 0 else None,
        "timed_out": hit is not None, "cpu_over": hit == "cpu", "output_over": o_over or e_over or o_size + e_size > spec["output_bytes"],
        "stdout": o_text, "stderr": e_text, "seconds": seconds, "cpu": round(cpu, 4),
    })


def run_js(spec: dict) -> None:
    launcher = Launcher(spec)
    for job in spec["jobs"]:
        argv = ["node", *spec["node_args"], "--require", spec["preload"], job["path"]]
        run_one(spec, job, argv, spec["env"], launcher)


def sealed_copy(path: str) -> int:
    """A memfd holding the file's bytes that nobody can modify any more; the file itself is deleted."""
    fd = os.memfd_create("tests.bin", os.MFD_ALLOW_SEALING)
    with open(path, "rb") as fh:
        shutil.copyfileobj(fh, os.fdopen(os.dup(fd), "wb"))
    os.unlink(path)
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
                fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL)
    os.fchmod(fd, 0o500)
    return fd


def run_rust(spec: dict) -> None:
    """Build the crate (sources from stdin, in a private directory deleted before any program runs), seal the
    test binary, run every program's module under the no-exec filter."""
    sources = json.loads(sys.stdin.buffer.read())
    os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
    binary = os.path.join(spec["scratch"], "tests.bin")
    src = os.path.join(spec["scratch"], sources["dir"])
    os.makedirs(src, mode=0o700)
    for name, text in sources["files"].items():
        with open(os.path.join(src, name), "w", encoding="utf-8") as fh:
            fh.write(text)
    try:
        rustc = subprocess.run(["rustc", *spec["rustc_args"], os.path.join(src, sources["root"]), "-o", binary],
                               capture_output=True, timeout=spec["compile_timeout_ms"] / 1000, env=spec["env"])
        failed, stderr = rustc.returncode != 0, rustc.stderr
    except subprocess.TimeoutExpired as exc:
        failed, stderr = True, (exc.stderr or b"") + b"\nerror: rustc timed out"
    shutil.rmtree(src, ignore_errors=True)
    if failed:
        emit({"compile_failed": True, "stderr": stderr.decode("utf-8", errors="replace")[: 4 << 20]})
        return
    fd = sealed_copy(binary)
    launcher = Launcher(spec, spec.get("no_exec"), fd)
    exe = f"/proc/self/fd/{fd}"
    for job in spec["jobs"]:
        argv = [exe, "--test-threads=1", "--nocapture", "-q"] + ([job["filter"]] if job.get("filter") else [])
        run_one(spec, job, argv, spec["env"], launcher)


def main() -> None:
    make_undumpable()
    mode, jobs_path = sys.argv[1:3]
    with open(jobs_path) as fh:
        spec = json.load(fh)
    os.unlink(jobs_path)
    {"js": run_js, "rust": run_rust}[mode](spec)


if __name__ == "__main__":
    main()
