"""Pick a backend by name: the argument, else ``$NEARCODER_SANDBOX``, else ``bwrap``. Imports are lazy so the
docker SDK loads only when the docker backend is asked for."""

from __future__ import annotations


from nearcoder.sandboxes.api import SandboxBackend
from nearcoder.harness import settings

BACKENDS = ("bwrap", "docker")
DEFAULT_BACKEND = "bwrap"


def backend_name(name: str | None = None) -> str:
    chosen = settings.sandbox_backend(name)
    if chosen not in BACKENDS:
        raise ValueError(f"unknown sandbox backend {chosen!r}; choose one of {', '.join(BACKENDS)}")
    return chosen


def backend_class(name: str | None = None) -> type[SandboxBackend]:
    chosen = backend_name(name)
    if chosen == "docker":
        from nearcoder.sandboxes.docker_backend import DockerBackend

        return DockerBackend
    from nearcoder.sandboxes.bwrap_backend import BwrapBackend

    return BwrapBackend


def get_backend(name: str | None = None) -> SandboxBackend:
    """A ready backend instance (raises ``ValueError`` for an unknown name)."""
    return backend_class(name)()
