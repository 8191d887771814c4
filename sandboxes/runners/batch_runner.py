"""Runs a batch of test programs inside ONE sandbox, each program in its own process, one after another, and
prints one JSON line per program. Trusted code next to untrusted programs, so it keeps them away from itself
and from each other (see sandboxes/README.md, "Batches"):

* it makes itself non-dumpable first: a program (same uid) cannot ptrace it, read or write its memory, or open
  its file descriptors through /proc (so it cannot write result lines into the runner's stdout);
* every program runs alone: before the next one starts, every other process of the uid is SIGKILLed (until
  /proc shows none) and the work and temporary directories are emptied, so nothing a program leaves behind
  runs or is read by the runner during a later program;
* Rust: the test binary is copied into a sealed memfd (no write, shrink or grow, by anyone) and the file is
  deleted, so a program cannot replace the binary later programs run;
* a program's output goes to files the runner opened itself and reads back through its own descriptors after
  the program and all its processes are dead.

The host treats every line as untrusted input and re-runs, each in its own sandbox, any program whose line is
missing. Usage: python3 -I -S batch_runner.py js|rust jobs.json
"""

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


def make_undumpable() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        sys.stderr.write("batch_runner: prctl(PR_SET_DUMPABLE) failed\n")
        sys.exit(3)


def emit(obj: dict) -> None:
    os.write(1, (json.dumps(obj) + "\n").encode())


def kill_everything_else() -> None:
    """SIGKILL every process of this uid but the runner, until none is left (a forking program cannot win)."""
    me = os.getpid()
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        left = False
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in (me, 1):
                try:
                    if os.stat(f"/proc/{name}").st_uid == os.getuid():
                        left = True
                        os.waitpid(int(name), os.WNOHANG)
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
    me, total = os.getpid(), 0
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) not in (me, 1):
            try:
                with open(f"/proc/{name}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
                total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
            except (OSError, IndexError, ValueError):
                pass
    return total / CLOCK_TICKS


def wait_exit(proc: subprocess.Popen, seconds: float, cpu_budget: float | None) -> str | None:
    """None when ``proc`` exits in time, else which limit it hit first: "wall" (``seconds``) or "cpu" (the CPU
    time of its processes over ``cpu_budget``). Woken by the exit itself through a pidfd (Popen.wait with a
    timeout polls with sleeps of up to 50 ms, which a run of short programs pays one after another)."""
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # no pidfd: the rlimit stands in for the budget
        try:
            proc.wait(timeout=seconds)
            return None
        except subprocess.TimeoutExpired:
            return "wall"
    try:
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            wait_ms = max(1, int(left * 1000))
            if poller.poll(min(wait_ms, CPU_POLL_MS) if cpu_budget else wait_ms):
                return None
            if cpu_budget and program_cpu_seconds() > cpu_budget:
                return "cpu"
        return "wall"
    finally:
        os.close(pidfd)


def limits_setter(mem_bytes: int, cpu: int, fsize: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (mem_bytes, mem_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.setsid()

    return apply


def read_capped(fd: int, cap: int) -> tuple[str, bool, int]:
    size = os.fstat(fd).st_size
    data = os.pread(fd, min(size, cap), 0)
    os.close(fd)
    return data.decode("utf-8", errors="replace"), size > cap, size


def run_one(spec: dict, job: dict, argv: list, env: dict, pass_fds=()) -> None:
    """Run one program to its end (or its own wall-clock ``timeout_ms``, CPU-time rlimit ``cpu_seconds`` or
    measured CPU-time ``cpu_budget``), clean up after it, and print its result line."""
    scratch = spec["scratch"]
    os.makedirs(scratch, mode=0o700, exist_ok=True)
    out = os.open(os.path.join(scratch, f"o{job['id']}"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    err = os.open(os.path.join(scratch, f"e{job['id']}"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    home = os.path.join("/work", f"p{job['id']}")
    os.makedirs(home, mode=0o700)
    lim = spec["limits"]
    t0 = time.monotonic()
    hit = None
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=home,
                                env={**env, "HOME": home}, pass_fds=pass_fds, close_fds=True,
                                preexec_fn=limits_setter(lim["memory_bytes"], job["cpu_seconds"], lim["fsize_bytes"]))
        hit = wait_exit(proc, job["timeout_ms"] / 1000, job.get("cpu_budget"))
        if hit is not None:
            proc.kill()
        code = proc.wait()
    except OSError as exc:
        code = 127
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
        "stdout": o_text, "stderr": e_text, "seconds": seconds,
    })


def run_js(spec: dict) -> None:
    for job in spec["jobs"]:
        argv = ["node", *spec["node_args"], "--require", spec["preload"], job["path"]]
        run_one(spec, job, argv, spec["env"])


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
    binary = os.path.join(spec["scratch"], "tests.bin")
    os.makedirs(spec["scratch"], mode=0o700, exist_ok=True)
    try:
        rustc = subprocess.run(["rustc", *spec["rustc_args"], spec["crate"], "-o", binary], capture_output=True,
                               timeout=spec["compile_timeout_ms"] / 1000, env=spec["env"])
        failed, stderr = rustc.returncode != 0, rustc.stderr
    except subprocess.TimeoutExpired as exc:
        failed, stderr = True, (exc.stderr or b"") + b"\nerror: rustc timed out"
    if failed:
        emit({"compile_failed": True, "stderr": stderr.decode("utf-8", errors="replace")[: 4 << 20]})
        return
    fd = sealed_copy(binary)
    exe = f"/proc/self/fd/{fd}"
    for job in spec["jobs"]:
        argv = [exe, "--test-threads=1", "--nocapture", "-q"] + ([job["filter"]] if job.get("filter") else [])
        run_one(spec, job, argv, spec["env"], pass_fds=(fd,))


def main() -> None:
    make_undumpable()
    mode, jobs_path = sys.argv[1:3]
    with open(jobs_path) as fh:
        spec = json.load(fh)
    os.unlink(jobs_path)
    {"js": run_js, "rust": run_rust}[mode](spec)


if __name__ == "__main__":
    main()
