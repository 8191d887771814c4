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
from sqlalchemy.orm import Session

from nearcoder.leaderboard.store.engine import read_session, write_session
from nearcoder.leaderboard.store.models import REQUEST_STATES, EvalRequest, Model, Run

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
    submitted_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    leaderboard_row: str | None = None  # the main-table model row its runs were published under (finished only)

    @classmethod
    def of(cls, row: EvalRequest, leaderboard_row: str | None = None) -> "RequestView":
        return cls(row.id, row.model, row.revision, row.adapter, row.precision, row.tasks, row.status, row.reason,
                   row.worker, row.attempts, row.run_ids, _aware(row.created_at), _aware(row.started_at),
                   _aware(row.finished_at), leaderboard_row)

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
    from pathlib import Path

    from transformers import AutoConfig

    if model.startswith(("/", "./", "../", "~")) and not Path(model).is_dir():
        raise QueueError(f"model {model!r}: no such directory (a checkpoint path must exist here and on the workers)")
    try:
        AutoConfig.from_pretrained(model, revision=revision)
    except Exception as exc:  # whatever stops the config from loading makes the request invalid
        raise QueueError(f"model {model!r} (revision {revision}) does not load its config: {exc}") from exc
    if adapter:
        import json

        config = Path(adapter) / "adapter_config.json"
        if not config.is_file():
            raise QueueError(f"adapter {adapter!r} has no adapter_config.json")
        try:
            json.loads(config.read_text())
        except (OSError, ValueError) as exc:
            raise QueueError(f"adapter {adapter!r}: adapter_config.json does not read as JSON ({exc})") from exc


# field -> longest value the store keeps (the eval_requests columns)
_LIMITS = {"model": 300, "revision": 100, "adapter": 300, "tasks": 300}


def _check_fields(fields: dict[str, str | None]) -> None:
    """The request's strings end up in lm-eval's ``--model_args`` (``pretrained=M,revision=R,peft=A``): a comma
    or ``=`` would smuggle in other arguments (``trust_remote_code=True``), so they are refused."""
    for name, value in fields.items():
        if value is None:
            continue
        if len(value) > _LIMITS[name]:
            raise QueueError(f"{name} is longer than {_LIMITS[name]} characters")
        if not value.isprintable():
            raise QueueError(f"{name} {value!r} contains control characters")
        if name != "tasks" and ("," in value or "=" in value):
            raise QueueError(f"{name} {value!r} may not contain ',' or '=' (they separate lm-eval's --model_args)")


def submit(db_url: str, model: str, *, revision: str | None = "main", adapter: str | None = None,
           precision: str = "bfloat16", tasks: str = "near", validate: bool = True) -> RequestView:
    """Queue a request (the one path for ``nearcoder submit`` and the leaderboard's Submit tab).

    Surrounding blanks are dropped; an empty revision means ``main`` and an empty adapter none. A duplicate of a
    pending, running or finished request is refused with its id (and, when finished, its leaderboard row)."""
    model, tasks = (model or "").strip(), (tasks or "").strip()
    revision, adapter = (revision or "").strip() or "main", (adapter or "").strip() or None
    if precision not in PRECISIONS:
        raise QueueError(f"precision must be one of {', '.join(PRECISIONS)}, got {precision!r}")
    if not model or not tasks:
        raise QueueError("model and tasks must not be empty")
    _check_fields({"model": model, "revision": revision, "adapter": adapter, "tasks": tasks})
    if validate:
        check_model_loads(model, revision, adapter)
    with write_session(db_url) as session:
        same = session.scalars(select(EvalRequest).where(
            EvalRequest.model == model, EvalRequest.revision == revision, EvalRequest.precision == precision,
            EvalRequest.tasks == tasks, EvalRequest.status != "failed",
            (EvalRequest.adapter == adapter) if adapter else EvalRequest.adapter.is_(None))).first()
        if same is not None:
            where = "the queue"
            if same.status == "finished":
                row = _leaderboard_row(session, same.run_ids)
                where = f"runs {same.run_ids}" + (f"; leaderboard row {row!r}" if row else "")
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


def _leaderboard_row(session: Session, run_ids: list | None) -> str | None:
    """The model name (the main table's row) a finished request's runs were published under."""
    if not run_ids:
        return None
    names = session.scalars(select(Model.name).join(Run, Run.model_id == Model.id)
                            .where(Run.id.in_([int(r) for r in run_ids])).distinct()).all()
    return ", ".join(sorted(names)) or None


def list_requests(db_url: str, status: str | None = None) -> list[RequestView]:
    """Every request (or those in ``status``), oldest first, finished ones with their leaderboard row."""
    if status is not None and status not in REQUEST_STATES:
        raise QueueError(f"status must be one of {', '.join(REQUEST_STATES)}")
    with read_session(db_url) as session:
        query = select(EvalRequest).order_by(EvalRequest.id)
        if status:
            query = query.where(EvalRequest.status == status)
        return [RequestView.of(r, _leaderboard_row(session, r.run_ids) if r.status == "finished" else None)
                for r in session.scalars(query)]
