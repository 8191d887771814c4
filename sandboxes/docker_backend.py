"""The heavy backend: Docker, through the docker SDK (imported lazily).

Containers are long-lived and reused: one per concurrent run slot and limits, each started once with
``--network none``, a read-only root, tmpfs ``/work`` and ``/tmp`` (size = ``disk_mb``), memory and PID limits,
``--cap-drop ALL``, ``no-new-privileges`` and the non-root user 1000; the Rust toolchain and prepared caches
are bind-mounted read-only. Each program is one ``docker exec`` that first kills whatever the previous program
left, empties the work dir, unpacks the program's files from stdin (a tar stream) and runs the command under
``prlimit`` (CPU, address space, file size, open files). On timeout a second exec kills every process of the
sandbox user. The image comes from ``sandboxes/images/Dockerfile`` (see ``sandboxes/setup_system.sh``).
"""

from __future__ import annotations

import io
import os
import queue
import select
import socket
import struct
import tarfile
import threading
import time

from nearcoder.sandboxes.api import Limits, Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.outcome_rules import classify, validate
from nearcoder.sandboxes.toolchain import SANDBOX_PATH, prepared

IMAGE = os.environ.get("NEARCODER_DOCKER_IMAGE", "nearcoder-sandbox:latest")
LABEL = "nearcoder.sandbox"
OWNER_LABEL = "nearcoder.sandbox.owner"  # host:pid of the process that started the container
USER = "1000:1000"
ENTRY = (
    "kill -9 -1 2>/dev/null; chmod -R u+rwX /work /tmp 2>/dev/null; "
    "rm -rf /work/* /work/.[!.]* /work/..?* /tmp/* /tmp/.[!.]* /tmp/..?* 2>/dev/null; "
    'tar -x -C /work -f - && cd /work && exec "$@"'
)


class DockerBackend(SandboxBackend):
    name = "docker"

    def __init__(self, image: str = IMAGE, extra_binds: tuple[tuple[str, str], ...] | None = None):
        import docker

        self.client = docker.from_env(timeout=120)
        self.image = image
        self.extra_binds = prepared().binds() if extra_binds is None else extra_binds
        self._idle: dict[tuple, queue.SimpleQueue] = {}
        self._all: list = []
        self._lock = threading.Lock()
        self.reap_orphans()

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
        return True, f"Docker engine reachable, image {IMAGE}"

    # -- containers -----------------------------------------------------------------------------------------
    def _slot_key(self, program: Program) -> tuple:
        lim = program.limits
        return (lim.memory_mb, lim.processes, lim.disk_mb, lim.open_files, program.ro_binds)

    def _start(self, program: Program):
        from docker.types import Ulimit

        lim = program.limits
        volumes = {host: {"bind": dest, "mode": "ro"} for host, dest in (*self.extra_binds, *program.ro_binds)}
        return self.client.containers.run(
            self.image,
            ["sleep", "infinity"],
            detach=True,
            network_mode="none",
            read_only=True,
            tmpfs={"/work": f"size={lim.disk_mb}m,uid=1000,gid=1000,exec", "/tmp": f"size={lim.disk_mb}m,uid=1000,gid=1000"},
            mem_limit=f"{lim.memory_mb}m",
            memswap_limit=f"{lim.memory_mb}m",
            pids_limit=lim.processes,
            cap_drop=["ALL"],
            security_opt=["no-new-privileges"],
            # The idle keeper (docker-init + sleep) is uid 0 with no capabilities, so a program (uid 1000,
            # every exec) can neither signal it nor stop the container; docker-init reaps orphans.
            user="0:0",
            volumes=volumes,
            environment={"PATH": SANDBOX_PATH, "HOME": "/work", "LANG": "C.UTF-8"},
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
        prl = ["prlimit", f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 1}", f"--as={lim.memory_mb << 20}",
               f"--fsize={lim.disk_mb << 20}", f"--nofile={lim.open_files}", "--core=0", "--"]
        cmd = ["sh", "-c", ENTRY, "sh", *prl, *program.command]
        exec_id = api.exec_create(container.id, cmd, stdin=True, stdout=True, stderr=True, user=USER,
                                  workdir="/work", environment={"PATH": SANDBOX_PATH, "HOME": "/work", "LANG": "C.UTF-8"})["Id"]
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
        if out.status is Status.FAILED and code == 137 and not timed_out and _oom_killed(container):
            out.status, out.reason = Status.MEMORY, f"memory limit of {lim.memory_mb} MiB hit (cgroup OOM kill)"
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


def _oom_killed(container) -> bool:
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
