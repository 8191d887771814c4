"""Run many programs: a worker pool sized to the machine, one run per distinct program (by
:meth:`Program.digest`), an on-disk outcome cache so an interrupted evaluation resumes where it stopped, and a
progress bar. Sandbox errors are never cached (they say nothing about the program)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import TypeVar

from nearcoder.sandboxes.api import Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.factory import get_backend

T = TypeVar("T")


def default_workers() -> int:
    """One sandbox per CPU the process may use (programs are CPU-bound and mostly single-threaded)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class OutcomeCache:
    """Outcomes stored as ``<dir>/<key[:2]>/<key>.json``, written atomically; a missing dir disables caching."""

    def __init__(self, root: str | Path | None):
        self.root = Path(root) if root else None

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> Outcome | None:
        if self.root is None:
            return None
        try:
            return Outcome.from_dict(json.loads(self._path(key).read_text()))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, outcome: Outcome) -> None:
        if self.root is None or outcome.status is Status.SANDBOX_ERROR:
            return
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(outcome.to_dict(), fh)
        os.replace(tmp, path)


def parallel_map(fn: Callable[[T], object], items: Iterable[T], *, workers: int, progress: bool, label: str,
                 total_units: int | None = None, units: Callable[[T], int] = lambda _: 1) -> None:
    """Call ``fn`` on every item on ``workers`` threads, advancing a progress bar by ``units(item)`` each."""
    items = list(items)
    if not items:
        return
    bar = _progress(progress, label, total_units if total_units is not None else sum(units(i) for i in items))
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(items)))) as pool:
            futures = {pool.submit(fn, item): item for item in items}
            for fut in as_completed(futures):
                fut.result()
                bar.advance(units(futures[fut]))
    finally:
        bar.close()


class _progress:
    def __init__(self, enabled: bool, label: str, total: int):
        self.bar = None
        if enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                transient=False)
            self.bar.start()
            self.task = self.bar.add_task(label, total=total)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run_programs(
    programs: list[Program],
    *,
    backend: str | SandboxBackend | None = None,
    workers: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
) -> list[Outcome]:
    """Outcomes in input order. Identical programs run once; cached outcomes are not re-run."""
    sandbox = backend if isinstance(backend, SandboxBackend) else get_backend(backend)
    cache = OutcomeCache(cache_dir)
    keys = [p.digest() for p in programs]
    results: dict[str, Outcome] = {}
    todo: dict[str, Program] = {}
    for key, program in zip(keys, programs):
        if key in results or key in todo:
            continue
        if (hit := cache.get(key)) is not None:
            results[key] = hit
        else:
            todo[key] = program

    def work(key: str) -> None:
        outcome = sandbox.run(todo[key])
        cache.put(key, outcome)
        results[key] = outcome

    parallel_map(work, list(todo), workers=workers or default_workers(), progress=progress,
                 label=f"sandbox ({sandbox.name})")
    return [results[k] for k in keys]
