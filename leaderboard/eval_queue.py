"""The evaluation queue in the store: requests go pending → running → finished | failed.

Workers claim one request at a time. On PostgreSQL the claim is ``SELECT … FOR UPDATE SKIP LOCKED``, so workers
on many nodes share one queue without blocking each other; on SQLite the claim runs in a ``BEGIN IMMEDIATE``
transaction (one writer at a time), which is enough for workers on one machine. A running request carries its
worker's heartbeat; a request whose heartbeat is older than ``stale_after`` is put back to pending by the next
claim (its worker died), and one that failed ``max_attempts`` times is marked failed with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, update

from nearcoder.leaderboard.store.engine import read_session, write_session
from nearcoder.leaderboard.store.models import REQUEST_STATES, EvalRequest

PRECISIONS = ("bfloat16", "float16", "float32")
DEFAULT_STALE_AFTER = timedelta(minutes=10)


class QueueError(ValueError):
    """A request that cannot be queued (invalid, or a duplicate)."""


@dataclass(frozen=True)
class RequestView:
    id: int
    model: str
    revision: str
    adapter: str | None
    precision: str
    tasks: str
    status: str
    reason: str | None
    worker: str | None
    attempts: int
    run_ids: list | None

    @classmethod
    def of(cls, row: EvalRequest) -> "RequestView":
        return cls(row.id, row.model, row.revision, row.adapter, row.precision, row.tasks, row.status, row.reason,
                   row.worker, row.attempts, row.run_ids)

    def model_args(self) -> str:
        """lm-eval ``--model_args`` for the hf back-end."""
        args = f"pretrained={self.model},revision={self.revision},dtype={self.precision}"
        return args + (f",peft={self.adapter}" if self.adapter else "")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every time the store writes is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def check_model_loads(model: str, revision: str = "main", adapter: str | None = None) -> None:
    """The request's model (and adapter) must at least load its config, as a worker would load it."""
    from transformers import AutoConfig

    try:
        AutoConfig.from_pretrained(model, revision=revision)
    except (OSError, ValueError) as exc:
        raise QueueError(f"model {model!r} (revision {revision}) does not load its config: {exc}") from exc
    if adapter:
        import json
        from pathlib import Path

        config = Path(adapter) / "adapter_config.json"
        if not config.is_file():
            raise QueueError(f"adapter {adapter!r} has no adapter_config.json")
        try:
            json.loads(config.read_text())
        except ValueError as exc:
            raise QueueError(f"adapter {adapter!r}: adapter_config.json is not JSON ({exc})") from exc


def submit(db_url: str, model: str, *, revision: str = "main", adapter: str | None = None,
           precision: str = "bfloat16", tasks: str = "near", validate: bool = True) -> RequestView:
    """Queue a request. A duplicate of a pending, running or finished request is refused with its id."""
    if precision not in PRECISIONS:
        raise QueueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if not model.strip() or not tasks.strip():
        raise QueueError("model and tasks must not be empty")
    if validate:
        check_model_loads(model, revision, adapter)
    with write_session(db_url) as session:
        same = session.scalars(select(EvalRequest).where(
            EvalRequest.model == model, EvalRequest.revision == revision, EvalRequest.precision == precision,
            EvalRequest.tasks == tasks, EvalRequest.status != "failed",
            (EvalRequest.adapter == adapter) if adapter else EvalRequest.adapter.is_(None))).first()
        if same is not None:
            where = f"runs {same.run_ids}" if same.status == "finished" else "the queue"
            raise QueueError(f"already requested: request #{same.id} is {same.status} (see {where})")
        row = EvalRequest(model=model, revision=revision, adapter=adapter, precision=precision, tasks=tasks,
                          status="pending", attempts=0, created_at=_now())
        session.add(row)
        session.flush()
        return RequestView.of(row)


def claim(db_url: str, worker: str, *, stale_after: timedelta = DEFAULT_STALE_AFTER,
          max_attempts: int = 3) -> RequestView | None:
    """Take the oldest pending request for ``worker`` (None when the queue is empty), first requeueing requests
    whose worker stopped beating."""
    now = _now()
    with write_session(db_url) as session:
        stale = session.scalars(select(EvalRequest).where(
            EvalRequest.status == "running", EvalRequest.heartbeat_at < now - stale_after)).all()
        for row in stale:
            lost = f"worker {row.worker} stopped (last heartbeat {_aware(row.heartbeat_at):%Y-%m-%d %H:%M:%S} UTC)"
            if row.attempts >= max_attempts:
                row.status, row.reason, row.finished_at = "failed", f"{lost}; gave up after {row.attempts} attempts", now
            else:
                row.status, row.reason, row.worker = "pending", f"{lost}; requeued", None
        query = select(EvalRequest).where(EvalRequest.status == "pending").order_by(EvalRequest.id).limit(1)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        row = session.scalars(query).first()
        if row is None:
            return None
        row.status, row.worker, row.started_at, row.heartbeat_at = "running", worker, now, now
        row.attempts = (row.attempts or 0) + 1
        return RequestView.of(row)


def heartbeat(db_url: str, request_id: int, worker: str) -> bool:
    """Refresh a running request's heartbeat; False when the request is no longer this worker's."""
    with write_session(db_url) as session:
        result = session.execute(update(EvalRequest).where(
            EvalRequest.id == request_id, EvalRequest.worker == worker, EvalRequest.status == "running",
        ).values(heartbeat_at=_now()))
        return result.rowcount == 1


def finish(db_url: str, request_id: int, worker: str, *, run_ids: list[int] | None = None,
           error: str | None = None) -> None:
    """Mark a request finished (with the runs it published) or failed (with the reason)."""
    with write_session(db_url) as session:
        row = session.get(EvalRequest, request_id)
        if row is None or row.worker != worker or row.status != "running":
            raise QueueError(f"request #{request_id} is not running on {worker}")
        row.status = "failed" if error else "finished"
        row.reason, row.run_ids, row.finished_at = error, run_ids, _now()


def list_requests(db_url: str, status: str | None = None) -> list[RequestView]:
    if status is not None and status not in REQUEST_STATES:
        raise QueueError(f"status must be one of {', '.join(REQUEST_STATES)}")
    with read_session(db_url) as session:
        query = select(EvalRequest).order_by(EvalRequest.id)
        if status:
            query = query.where(EvalRequest.status == status)
        return [RequestView.of(r) for r in session.scalars(query)]
