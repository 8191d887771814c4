"""``nearcoder worker``: take queued evaluation requests one at a time, run them, publish them as "evaluated".

A worker claims the oldest pending request (see :mod:`nearcoder.leaderboard.eval_queue` for the locking), runs
it through the sweep's job path (:func:`nearcoder.sweep.run_job`: lm-eval's CLI with the ``near_*`` tasks),
beats a heartbeat while it runs, and publishes the output in one transaction with provenance ``evaluated``
before marking the request finished. A worker that dies leaves a running request whose heartbeat goes stale;
the next claim by any worker puts it back to pending, so nothing is lost and nothing is half-published (the
publish transaction either wrote the whole run or nothing).
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from nearcoder.leaderboard import eval_queue
from nearcoder.sweep import EvalJob, JobFailed, run_job


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Heartbeat:
    """Refresh the request's heartbeat every ``every`` seconds in a daemon thread until stopped."""

    def __init__(self, db_url: str, request_id: int, worker: str, every: float):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(db_url, request_id, worker, every), daemon=True)

    def _beat(self, db_url: str, request_id: int, worker: str, every: float) -> None:
        while not self._stop.wait(every):
            eval_queue.heartbeat(db_url, request_id, worker)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def process_one(db_url: str, worker: str, *, extra_args: tuple[str, ...] = (), out_root: Path | None = None,
                stale_after: timedelta = eval_queue.DEFAULT_STALE_AFTER, heartbeat_every: float = 30.0,
                log=print) -> eval_queue.RequestView | None:
    """Claim, run and publish one request; None when the queue is empty."""
    from nearcoder.leaderboard.publish import publish
    from nearcoder.leaderboard.read_results import ResultsError

    request = eval_queue.claim(db_url, worker, stale_after=stale_after)
    if request is None:
        return None
    log(f"worker {worker}: request #{request.id} {request.model} ({request.tasks}), attempt {request.attempts}")
    job = EvalJob(name=f"request-{request.id}", model_args=request.model_args(), engine="hf", tasks=request.tasks,
                  extra_args=extra_args)
    with Heartbeat(db_url, request.id, worker, heartbeat_every):
        with tempfile.TemporaryDirectory(prefix=f"nearcoder-request-{request.id}-", dir=out_root) as tmp:
            try:
                out = run_job(job, Path(tmp))
                report = publish(db_url, [out], provenance="evaluated")
            except (JobFailed, ResultsError, ValueError, OSError) as exc:
                eval_queue.finish(db_url, request.id, worker, error=str(exc)[-2000:])
                log(f"worker {worker}: request #{request.id} failed: {exc}")
                return request
    eval_queue.finish(db_url, request.id, worker, run_ids=report.run_ids)
    log(f"worker {worker}: request #{request.id} published: {report.summary()}")
    return request


def work(db_url: str, *, worker: str | None = None, once: bool = False, poll_seconds: float = 10.0,
         extra_args: tuple[str, ...] = (), stale_after: timedelta = eval_queue.DEFAULT_STALE_AFTER,
         heartbeat_every: float = 30.0, log=print) -> int:
    """Process requests until the queue is empty (``once``) or forever; returns how many were processed."""
    worker = worker or default_worker_name()
    done = 0
    while True:
        request = process_one(db_url, worker, extra_args=extra_args, stale_after=stale_after,
                              heartbeat_every=heartbeat_every, log=log)
        if request is not None:
            done += 1
            continue
        if once:
            return done
        time.sleep(poll_seconds)
