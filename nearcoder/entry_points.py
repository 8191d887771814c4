"""Resolve the ``module:function`` entry points that task cards declare (the top may import any layer)."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable


def resolve(entry: str) -> Callable:
    """The function an entry point names; ``ValueError`` naming the entry when it does not resolve."""
    module_name, _, attr = entry.partition(":")
    try:
        func = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"entry point {entry!r} does not resolve: {exc}") from exc
    if not callable(func):
        raise ValueError(f"entry point {entry!r} is not a function")
    return func


def call(func: Callable, args: dict, **optional):
    """``func(**args)`` plus each keyword of ``optional`` that is not None and that ``func`` accepts."""
    params = inspect.signature(func).parameters
    extra = {k: v for k, v in optional.items() if v is not None and k in params and k not in args}
    return func(**args, **extra)
