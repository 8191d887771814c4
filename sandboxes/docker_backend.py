"""The heavy backend: Docker, through the docker SDK (imported lazily).

Containers are long-lived and reused: one per concurrent run slot and limits, each started once with
``--network none``, a read-only root, tmpfs ``/work`` and ``/tmp`` (size = ``disk_mb``) and ``/dev/shm`` of
``disk_mb``, the whole-container memory (``--memory`` = ``--memory-swap``) and PID bounds of ``tunables``,
Docker's default seccomp profile with nearcoder's own filter stacked on it in every exec (``nc-seccomp``, built
into the image), ``no-new-privileges`` and every capability dropped except SETUID/SETGID; the
Rust toolchain and prepared caches are bind-mounted read-only. Each program is one ``docker exec`` that starts
as uid 0 — so the exec's stdio pipes belong to root and the program cannot reopen them through
``/proc/<pid>/fd`` — and at once drops to uid 1000 with no capabilities (``setpriv``); then it kills whatever the
previous program left, empties ``/work``, ``/tmp`` and ``/dev/shm``, unpacks the program's files from stdin (a
tar stream) and runs the command under ``prlimit`` (CPU, address space, file size, open files). On timeout a
second exec kills every process of the sandbox user. An out-of-memory kill is read from the container's cgroup
counter before/after each exec. The image comes from ``sandboxes/images/Dockerfile``
(see ``sandboxes/setup_system.sh``).
"""

from __future__ import annotations

import hashlib
import io
import os
import queue
import select
import socket
import struct
import tarfile
import threading
import time

from nearcoder.sandboxes import seccomp
from nearcoder.sandboxes.api import Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.outcome_rules import classify, validate
from nearcoder.sandboxes.toolchain import cache_dir, prepared
from nearcoder.sandboxes.tunables import MIB, SANDBOX_ENV, prlimit_args, sandbox_memory_bytes, sandbox_pids
from nearcoder.harness import settings

IMAGE = settings.docker_image()
LABEL = "nearcoder.sandbox"
OWNER_LABEL = "nearcoder.sandbox.owner"  # host:pid of the process that started the container
USER = "1000:1000"
SECCOMP_LABEL = "nearcoder.seccomp-helper"  # the image has /usr/local/bin/nc-seccomp (images/nc_seccomp.c)
SECCOMP_IN_SANDBOX = "/opt/nearcoder-seccomp.bpf"
# Run as uid 0 (no capabilities but SETUID/SETGID, which setpriv drops at once along with the uid).
DROP = ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
        "--no-new-privs", "--"]
SCRATCH = ("/work", "/tmp", "/dev/shm", "/build")
ENTRY = (
    "kill -9 -1 2>/dev/null; chmod -R u+rwX " + " ".join(SCRATCH) + " 2>/dev/null; "
    "rm -rf " + " ".join(f"{d}/* {d}/.[!.]* {d}/..?*" for d in SCRATCH) + " 2>/dev/null; "
    'tar -x -C /work -f - && cd /work && exec "$@"'
)


class DockerBackend(SandboxBackend):
    name = "docker"

    def __init__(self, image: str = IMAGE, extra_binds: tuple[tuple[str, str], ...] | None = None):
        import docker

        self.client = docker.from_env(timeout=120)
        self.image = image
        self.extra_binds = prepared().binds() if extra_binds is None else extra_binds
        self.filter_path, self.filter_note = self._seccomp_filter()
        self._idle: dict[tuple, queue.SimpleQueue] = {}
        self._all: list = []
        self._lock = threading.Lock()
        self.reap_orphans()

    def _seccomp_filter(self) -> tuple[str | None, str]:
        """Host file of nearcoder's seccomp filter, stacked on Docker's default profile in every exec; None (and
        why) when the image predates ``nc-seccomp`` or the architecture has no filter."""
        try:
            labels = self.client.images.get(self.image).attrs.get("Config", {}).get("Labels") or {}
        except Exception:  # noqa: BLE001 - a missing image is reported by available()
            labels = {}
        if labels.get(SECCOMP_LABEL) != "1":
            return None, "Docker's default seccomp profile only (the image lacks nc-seccomp: run setup_system.sh)"
        rules, why = seccomp.filter_bytes()
        if rules is None:
            return None, f"Docker's default seccomp profile only ({why})"
        path = cache_dir() / f"seccomp-{hashlib.sha256(rules).hexdigest()[:16]}.bpf"
        if not path.exists() or path.read_bytes() != rules:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(rules)
            tmp.chmod(0o644)
            tmp.replace(path)
        return str(path), f"Docker's default seccomp profile + nearcoder's ({why})"

    def reap_orphans(self) -> int:
        """Remove sandbox containers whose starting process (on this host) is gone, e.g. after a crash."""
        removed = 0
        host = socket.gethostname()
        try:
            containers = self.client.containers.list(all=True, filters={"label": LABEL})
        except Exception:  # noqa: BLE001
            return 0
        for c in containers:
            owner = c.labels.get(OWNER_LABEL, "")
            name, _, pid = owner.rpartition(":")
            if name == host and pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
                try:
                    c.remove(force=True)
                    removed += 1
                except Exception:  # noqa: BLE001
                    pass
        return removed

    @classmethod
    def available(cls) -> tuple[bool, str]:
        try:
            import docker
        except ImportError:
            return False, "the docker SDK is not installed (pip install docker)"
        try:
            client = docker.from_env(timeout=10)
            client.ping()
        except Exception as exc:  # noqa: BLE001 - any failure means "no engine"
            return False, f"no Docker engine reachable ({type(exc).__name__}: {exc}); run sandboxes/setup_system.sh"
        try:
            client.images.get(IMAGE)
        except Exception:  # noqa: BLE001
            return False, f"image {IMAGE} is missing; build it with sandboxes/setup_system.sh"
        probe = cls(extra_binds=())
        try:
            out = probe.run(Program(files={}, command=("sh", "-c", "echo ok")))
        finally:
            probe.close()
        if out.status is not Status.PASSED:
            return False, f"docker sandbox probe failed: {out.reason}"
        return True, f"Docker engine reachable, image {IMAGE}; {probe.filter_note}"

    # -- containers -----------------------------------------------------------------------------------------
    def _slot_key(self, program: Program) -> tuple:
        lim = program.limits
        return (lim.memory_mb, lim.processes, lim.disk_mb, lim.build_disk_mb, lim.open_files, program.ro_binds)

    def _start(self, program: Program):
        from docker.types import Ulimit

        lim = program.limits
        volumes = {host: {"bind": dest, "mode": "ro"} for host, dest in (*self.extra_binds, *program.ro_binds)}
        if self.filter_path:
            volumes[self.filter_path] = {"bind": SECCOMP_IN_SANDBOX, "mode": "ro"}
        tmpfs = {"/work": f"size={lim.disk_mb}m,uid=1000,gid=1000,exec",
                 "/tmp": f"size={lim.disk_mb}m,uid=1000,gid=1000"}
        if lim.build_disk_mb:
            tmpfs["/build"] = f"size={lim.build_disk_mb}m,uid=1000,gid=1000,exec"
        memory = sandbox_memory_bytes(lim) + lim.disk_mb * MIB  # + the /dev/shm tmpfs
        return self.client.containers.run(
            self.image,
            ["sleep", "infinity"],
            detach=True,
            network_mode="none",
            read_only=True,
            tmpfs=tmpfs,
            shm_size=lim.disk_mb * MIB,
            mem_limit=memory,
            memswap_limit=memory,
            pids_limit=sandbox_pids(lim),
            cap_drop=["ALL"],
            cap_add=["SETUID", "SETGID"],  # for the setpriv in every exec, which drops them before the program
            security_opt=["no-new-privileges"],  # and Docker's default seccomp profile (never unconfined)
            # The idle keeper (docker-init + sleep) is uid 0, so a program (uid 1000) can neither signal it nor
            # stop the container; docker-init reaps orphans.
            user="0:0",
            volumes=volumes,
            environment=SANDBOX_ENV,
            ulimits=[Ulimit(name="nofile", soft=lim.open_files, hard=lim.open_files), Ulimit(name="core", soft=0, hard=0)],
            labels={LABEL: "1", OWNER_LABEL: f"{socket.gethostname()}:{os.getpid()}"},
            working_dir="/work",
            init=True,  # docker-init reaps orphans (sleep as pid 1 would collect zombies)
        )

    def _acquire(self, program: Program):
        key = self._slot_key(program)
        with self._lock:
            idle = self._idle.setdefault(key, queue.SimpleQueue())
        try:
            return key, idle.get_nowait()
        except queue.Empty:
            container = self._start(program)
            with self._lock:
                self._all.append(container)
            return key, container

    def close(self) -> None:
        """Remove every container this backend started."""
        with self._lock:
            containers, self._all, self._idle = self._all, [], {}
        for c in containers:
            try:
                c.remove(force=True)
            except Exception:  # noqa: BLE001 - already gone
                pass

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001
            pass

    # -- running --------------------------------------------------------------------------------------------
    def run(self, program: Program) -> Outcome:
        if (problem := validate(program)) is not None:
            return Outcome(Status.FAILED, None, "", "", 0.0, problem)
        if program.stdin:  # the exec's stdin carries the files; nothing runs batches on Docker
            return Outcome(Status.SANDBOX_ERROR, None, "", "", 0.0, "Program.stdin is not supported on docker")
        start = time.monotonic()
        try:
            key, container = self._acquire(program)
        except Exception as exc:  # noqa: BLE001
            return Outcome(Status.SANDBOX_ERROR, None, "", "", time.monotonic() - start, f"docker: {exc}")
        healthy = True
        try:
            outcome, healthy = self._exec(container, program, start)  # an unclean container is discarded
            return outcome
        except Exception as exc:  # noqa: BLE001
            healthy = False
            return Outcome(Status.SANDBOX_ERROR, None, "", "", time.monotonic() - start, f"docker exec failed: {exc}")
        finally:
            if healthy:
                self._idle[key].put(container)
            else:
                try:
                    container.remove(force=True)
                except Exception:  # noqa: BLE001
                    pass
                with self._lock:
                    if container in self._all:
                        self._all.remove(container)

    def _exec(self, container, program: Program, start: float) -> tuple[Outcome, bool]:
        lim = program.limits
        api = self.client.api
        # uid 1000 is shared by every container, so RLIMIT_NPROC would count across them: --pids-limit bounds it.
        prl = ["prlimit", *prlimit_args(lim, nproc=False), "--"]
        stack = ["nc-seccomp", SECCOMP_IN_SANDBOX] if self.filter_path else []
        cmd = [*stack, *DROP, "sh", "-c", ENTRY, "sh", *prl, *program.command]
        ooms_before = _oom_kills(container)
        exec_id = api.exec_create(container.id, cmd, stdin=True, stdout=True, stderr=True, user="0:0",
                                  workdir="/work", environment=SANDBOX_ENV)["Id"]
        sock = api.exec_start(exec_id, socket=True)
        raw: socket.socket = getattr(sock, "_sock", sock)
        raw.sendall(_tar(program.files))
        raw.shutdown(socket.SHUT_WR)
        chunks = {1: [], 2: []}
        total, over, timed_out = 0, False, False
        buf = b""
        deadline = start + lim.wall_seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([raw], [], [], min(remaining, 0.5))
            if not ready:
                continue
            data = raw.recv(65536)
            if not data:
                break
            buf += data
            while len(buf) >= 8:
                stream, size = buf[0], struct.unpack(">I", buf[4:8])[0]
                if len(buf) < 8 + size:
                    break
                payload, buf = buf[8 : 8 + size], buf[8 + size :]
                keep = max(0, lim.output_bytes - total)
                chunks.setdefault(stream, []).append(payload[:keep])
                total += len(payload)
            if total > lim.output_bytes:
                over = True
                break
        clean = self._kill_all(container)  # daemons the program left must not outlive its run
        try:
            raw.close()
        except OSError:
            pass
        info = api.exec_inspect(exec_id)
        for _ in range(50):
            if not info.get("Running"):
                break
            time.sleep(0.05)
            info = api.exec_inspect(exec_id)
        code = info.get("ExitCode")
        stdout = b"".join(chunks[1]).decode("utf-8", "replace")
        stderr = b"".join(chunks[2]).decode("utf-8", "replace")
        out = classify(None if timed_out else code, stdout, stderr, time.monotonic() - start, lim,
                       timed_out=timed_out, output_over=over)
        ooms = _oom_kills(container)
        oom = ooms > ooms_before if ooms is not None else (code == 137 and _oom_flag(container))
        if out.status is not Status.OUTPUT_LIMIT and oom:
            then = ", then the wall-clock limit" if timed_out else ""
            out.status = Status.MEMORY
            out.reason = (f"memory limit of the container hit ({sandbox_memory_bytes(lim) // MIB + lim.disk_mb} MiB ="
                          f" {lim.memory_mb} MiB memory + its tmpfs): cgroup OOM kill{then}")
        return out, clean

    def _kill_all(self, container) -> bool:
        """SIGKILL every process of the sandbox user; False when that could not be done (e.g. PIDs exhausted)."""
        api = self.client.api
        try:
            # Detached, polled with a deadline: attaching could block behind an unread flood of output.
            exec_id = api.exec_create(container.id, ["sh", "-c", "kill -9 -1; exit 0"], user=USER)["Id"]
            api.exec_start(exec_id, detach=True)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                info = api.exec_inspect(exec_id)
                if not info.get("Running") and info.get("ExitCode") is not None:
                    return info["ExitCode"] == 0
                time.sleep(0.02)
        except Exception:  # noqa: BLE001
            pass
        return False


def _oom_kills(container) -> int | None:
    """The container's cgroup OOM-kill counter (cgroup v1 or v2 under the cgroupfs driver), None if unreadable."""
    for path, key in ((f"/sys/fs/cgroup/memory/docker/{container.id}/memory.oom_control", "oom_kill"),
                      (f"/sys/fs/cgroup/docker/{container.id}/memory.events", "oom_kill"),
                      (f"/sys/fs/cgroup/system.slice/docker-{container.id}.scope/memory.events", "oom_kill")):
        try:
            with open(path) as fh:
                for line in fh:
                    k, _, v = line.partition(" ")
                    if k == key:
                        return int(v)
        except (OSError, ValueError):
            continue
    return None


def _oom_flag(container) -> bool:
    try:
        container.reload()
        return bool(container.attrs.get("State", {}).get("OOMKilled"))
    except Exception:  # noqa: BLE001
        return False


def _tar(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, data in sorted(files.items()):
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()
