"""Where ``run_tests`` runs its chunks: threads on this machine (``local``, the default) or Ray tasks (``ray``).

``NEARCODER_EXECUTOR=ray`` sends every chunk to a Ray task (one CPU each) on whichever node has a free CPU; the
task runs the chunk with that node's backend and toolchain (the same runner code as the local path) and returns
the outcomes. Everything that decides a verdict stays on the host: which programs run (the outcome cache and
de-duplication), how they are chunked, and what the caller makes of the outcomes. Without
``NEARCODER_RAY_ADDRESS`` an embedded Ray instance bound to 127.0.0.1 is started once and serves the process
until it exits; with it, the process joins that cluster (``ray start --head`` / ``ray start --address``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from nearcoder.harness import settings
from nearcoder.sandboxes.batch import _progress, default_workers, parallel_map

C = TypeVar("C")  # a chunk as the caller keeps it
P = TypeVar("P")  # what a runner needs to run it (picklable for Ray)
R = TypeVar("R")  # what the runner returns

log = logging.getLogger(__name__)
_watchers: list[Counter] = []


@contextmanager
def nodes_used() -> Iterator[Counter]:
    """Counts, per node id (``local`` for the thread pool), the chunks run while the block runs."""
    counts: Counter = Counter()
    _watchers.append(counts)
    try:
        yield counts
    finally:
        _watchers.remove(counts)


def _ray():
    from nearcoder.harness.ray_runtime import connect

    return connect(settings.ray_address())[0]


def executor_workers() -> int:
    """How many chunks can run at once: this machine's CPUs, or the Ray cluster's."""
    if settings.executor() == "ray":
        return max(1, int(_ray().cluster_resources().get("CPU", 1)))
    return default_workers()


def _on_node(run: Callable[[P], R], payload: P) -> tuple[str, R]:
    """The Ray task: run one chunk here and say which node did."""
    import ray

    return ray.get_runtime_context().get_node_id(), run(payload)


def run_chunks(chunks: list[C], *, inputs: Callable[[C], P], here: Callable[[P], R], anywhere: Callable[[P], R],
               done: Callable[[C, R], None], workers: int, progress: bool, label: str,
               units: Callable[[C], int] = lambda _: 1) -> Counter:
    """Run ``inputs(chunk)`` of every chunk and hand each result to ``done(chunk, result)`` on this host.

    Locally ``here`` runs on ``workers`` threads. On Ray ``anywhere`` (picklable: it is sent to the nodes) runs
    as one task per chunk. Returns how many chunks each node ran (``{"local": n}`` locally)."""
    if settings.executor() != "ray":
        parallel_map(lambda c: done(c, here(inputs(c))), chunks, workers=workers, progress=progress, label=label,
                     units=units)
        return _seen(Counter({"local": len(chunks)}))
    ray = _ray()
    per_node: Counter = Counter()
    if not chunks:
        return per_node
    task = ray.remote(_on_node).options(num_cpus=1)
    runner = ray.put(anywhere)
    pending = {task.remote(runner, inputs(c)): c for c in chunks}
    bar = _progress(progress, f"{label} [ray]", sum(units(c) for c in chunks))
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            chunk = pending.pop(ready[0])
            node, result = ray.get(ready[0])
            done(chunk, result)
            per_node[node] += 1
            bar.advance(units(chunk))
    finally:
        bar.close()
        for ref in pending:  # an error above: the rest is not needed
            ray.cancel(ref, force=True)
    log.info("ray executor: %d chunks on %d node(s): %s", len(chunks), len(per_node),
             ", ".join(f"{node[:8]}={n}" for node, n in per_node.most_common()))
    return _seen(per_node)


def _seen(per_node: Counter) -> Counter:
    for counts in _watchers:
        counts.update(per_node)
    return per_node
