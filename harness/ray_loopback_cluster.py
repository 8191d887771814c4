"""A throwaway two-node Ray cluster on one machine, inside a private network namespace (for tests and benches).

Why the namespace: started with ``ray start``, a second node looks up and dials the machine's network address
(it probes 8.8.8.8 for "its" IP, and the head advertises what it finds), and tests may only reach loopback.
``unshare --net`` gives the cluster a network namespace whose only interface is ``lo``: the head
(``ray start --head --node-ip-address 127.0.0.1``), the worker node (``ray start --address``, with a custom
``second_node`` resource) and the driver run inside it, so nothing can bind or dial anything but 127.0.0.1, and
the fixed port collides with nothing. The namespace also has its own PID namespace (``--pid --fork
--kill-child``): when the script ends, or its caller is killed, the kernel kills every Ray process in it.
Nodes use token authentication (a fresh token per cluster).

Only the network and PID namespaces are new: the processes stay root in the machine's user namespace, so the
bubblewrap sandbox (its uid pool, its cgroups) works inside exactly as outside. Needs root (or CAP_SYS_ADMIN).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PORT = 6379  # free by construction: the namespace is new
RESOURCE = "second_node"  # custom resource only the worker node has
UNSHARE = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc"]
SCRIPT = r"""set -u
ip link set lo up || exit 90
ray() { "$NC_PYTHON" -c "import sys; from ray.scripts.scripts import main; sys.argv[0] = 'ray'; main()" "$@"; }
trap 'ray stop --force >>"$NC_LOG" 2>&1' EXIT
common="--node-ip-address 127.0.0.1 --num-cpus $NC_CPUS --num-gpus 0 --disable-usage-stats"
ray start --head --port "$NC_PORT" --include-dashboard false --temp-dir "$NC_TEMP" $common >>"$NC_LOG" 2>&1 || exit 91
ray start --address "127.0.0.1:$NC_PORT" --resources '{"'"$NC_RESOURCE"'": 1}' $common >>"$NC_LOG" 2>&1 || exit 92
NEARCODER_RAY_ADDRESS="127.0.0.1:$NC_PORT" "$@"
"""
SETUP_FAILED = {90: "could not bring up lo", 91: "the head node did not start", 92: "the worker node did not start"}


def unavailable() -> str | None:
    """Why a namespaced cluster cannot run here; None when it can."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "unshare or ip (util-linux, iproute2) not installed"
    probe = subprocess.run([*UNSHARE, "true"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"cannot create network/PID namespaces (needs root): {probe.stderr.strip()[:200]}"
    return None


def run_in_two_node_cluster(argv: list[str], *, cpus_per_node: int = 1, env: dict[str, str] | None = None,
                            timeout: float | None = None) -> subprocess.CompletedProcess:
    """Start the cluster, run ``argv`` (the driver; ``NEARCODER_RAY_ADDRESS`` names the head) inside the
    namespace, stop everything. Raises ``RuntimeError`` with Ray's log when a node does not start."""
    temp = Path(tempfile.mkdtemp(prefix="nc-ray-", dir="/tmp"))  # short: Ray's socket paths live below it
    log = temp / "nodes.log"
    env = {**(env if env is not None else os.environ), "NC_PYTHON": sys.executable, "NC_LOG": str(log),
           "NC_TEMP": str(temp / "ray"), "NC_PORT": str(PORT), "NC_CPUS": str(cpus_per_node),
           "NC_RESOURCE": RESOURCE, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "token",
           "RAY_AUTH_TOKEN": secrets.token_hex(32)}
    try:
        proc = subprocess.run([*UNSHARE, "bash", "-c", SCRIPT, "cluster", *argv], env=env, capture_output=True,
                              text=True, timeout=timeout, check=False)
        if proc.returncode in SETUP_FAILED:
            tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            raise RuntimeError(f"two-node Ray cluster: {SETUP_FAILED[proc.returncode]}\n{tail}")
        if left := _processes_using(temp):
            raise RuntimeError(f"two-node Ray cluster: processes outlived their namespace: {left}")
        return proc
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _processes_using(temp: Path) -> list[str]:
    """Processes whose command line names ``temp`` (every Ray process of the cluster does)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(temp) in args:
            found.append(f"{cmdline.parent.name}: {args[:120]}")
    return found
