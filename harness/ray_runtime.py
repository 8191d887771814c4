"""Connect this process to Ray: join a running cluster, or start the embedded instance bound to 127.0.0.1.

Shared by ``nearcoder sweep`` and the sandbox's Ray executor (``sandboxes/executors.py``). Ray is optional
(``pip install 'nearcoder[scale]'``): it is imported here, only when a caller asks for it.
"""

from __future__ import annotations

import os

# Environment the driver forwards to every Ray worker (backend, caches, data mirror, hub switches).
FORWARDED_PREFIXES = ("NEARCODER_", "HF_")
LOOPBACK = "127.0.0.1"


class RayMissing(RuntimeError):
    """Ray is not installed; the message says how to install it."""


def import_ray(embedded: bool):
    """The ``ray`` module. ``embedded``: the instance this process starts serves it alone, so Ray binds its node
    to 127.0.0.1 instead of the machine's network address (the switch is read when ray is imported)."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if embedded:
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    try:
        import ray
    except ImportError as exc:
        raise RayMissing("Ray is not installed: pip install 'nearcoder[scale]' (or pip install 'ray[default]')") \
            from exc
    return ray


def connect(address: str | None):
    """Connect to the cluster at ``address`` (host:port of ``ray start --head``), or start a new embedded instance
    when it is None ("local": never a stale cluster recorded under /tmp/ray). Returns ``(ray, started_here)``;
    ``started_here`` is False when this process was already connected (the caller then must not shut it down)."""
    ray = import_ray(embedded=address is None)
    if ray.is_initialized():
        return ray, False
    if address is None:
        # Ray read the switch when it was first imported; a module imported earlier (vLLM does) may have
        # imported it before import_ray set it. Then the instance would bind the machine's network address.
        from ray._private import ray_constants

        ray_constants.ENABLE_RAY_CLUSTER = False
    ray.init(address=address or "local", include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {k: v for k, v in os.environ.items() if k.startswith(FORWARDED_PREFIXES)}})
    if address is None and (ip := ray.util.get_node_ip_address()) != LOOPBACK:
        ray.shutdown()
        raise RuntimeError(f"the embedded Ray instance bound {ip}, not {LOOPBACK}; refusing to use it")
    return ray, True
