"""The evaluation queue on SQLite and PostgreSQL: validation, duplicates, one claim per request under racing
workers, and requeueing of requests whose worker stopped beating."""

import multiprocessing as mp
import time
from datetime import timedelta

import pytest

from nearcoder.leaderboard import eval_queue
from nearcoder.leaderboard.eval_queue import QueueError


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


def test_submit_validates_the_model_and_refuses_duplicates(db_url, tiny_model, tmp_path):
    with pytest.raises(QueueError, match="no such directory"):
        eval_queue.submit(db_url, str(tmp_path / "missing-model"))
    (tmp_path / "no-config").mkdir()
    with pytest.raises(QueueError, match="does not load its config"):
        eval_queue.submit(db_url, str(tmp_path / "no-config"))
    with pytest.raises(QueueError, match="precision"):
        eval_queue.submit(db_url, str(tiny_model), precision="int3")
    with pytest.raises(QueueError, match="adapter_config.json"):
        eval_queue.submit(db_url, str(tiny_model), adapter=str(tmp_path))
    first = eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_questions")
    assert first.status == "pending" and first.attempts == 0
    with pytest.raises(QueueError, match=f"request #{first.id} is pending"):
        eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_questions")
    other = eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_humaneval_js")
    claimed = eval_queue.claim(db_url, "w1")
    assert claimed.id == first.id and claimed.status == "running" and claimed.attempts == 1
    eval_queue.finish(db_url, first.id, "w1", run_ids=[7])
    with pytest.raises(QueueError, match=rf"request #{first.id} is finished \(see runs \[7\]\)"):
        eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_questions")
    eval_queue.claim(db_url, "w1")
    eval_queue.finish(db_url, other.id, "w1", error="lm-eval exited 1")
    again = eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_humaneval_js")
    assert again.id != other.id  # a failed request may be submitted again
    with pytest.raises(QueueError, match="not running on w2"):
        eval_queue.finish(db_url, again.id, "w2")


def test_submit_refuses_fields_that_would_inject_model_args(db_url, tiny_model):
    """Request fields become ``pretrained=M,revision=R,peft=A``: a local model ignores the revision when its
    config loads, so ``main,trust_remote_code=True`` would pass the config check and reach the worker."""
    for field in ("revision", "adapter"):
        with pytest.raises(QueueError, match=f"{field} .* may not contain ','"):
            eval_queue.submit(db_url, str(tiny_model), **{field: "main,trust_remote_code=True"})
    with pytest.raises(QueueError, match="model .* may not contain"):
        eval_queue.submit(db_url, f"{tiny_model},trust_remote_code=True")
    with pytest.raises(QueueError, match="control characters"):
        eval_queue.submit(db_url, str(tiny_model), revision="ma\x00in")
    with pytest.raises(QueueError, match="longer than 300"):
        eval_queue.submit(db_url, "m" * 301, validate=False)
    assert eval_queue.list_requests(db_url) == []
    # blanks around fields are dropped; empty revision/adapter mean main/none, as the Submit tab sends them
    queued = eval_queue.submit(db_url, f"  {tiny_model} ", revision=" ", adapter="", precision="float32")
    assert (queued.model, queued.revision, queued.adapter) == (str(tiny_model), "main", None)


def _claim_all(args):
    db_url, worker = args
    mine = []
    while (request := eval_queue.claim(db_url, worker)) is not None:
        mine.append(request.id)
    return mine


def test_racing_workers_claim_each_request_exactly_once(db_url):
    ids = [eval_queue.submit(db_url, f"model-{i}", validate=False).id for i in range(24)]
    with mp.get_context("spawn").Pool(4) as pool:
        claims = pool.map(_claim_all, [(db_url, f"worker-{i}") for i in range(4)])
    flat = [i for worker in claims for i in worker]
    assert sorted(flat) == sorted(ids)  # every request once, none twice
    states = {r.id: (r.status, r.attempts) for r in eval_queue.list_requests(db_url)}
    assert set(states.values()) == {("running", 1)}


def test_a_request_whose_worker_stopped_is_requeued_then_given_up(db_url):
    request = eval_queue.submit(db_url, "model-x", validate=False)
    assert eval_queue.claim(db_url, "dead-worker").id == request.id
    assert eval_queue.claim(db_url, "other", stale_after=timedelta(seconds=30)) is None  # still fresh
    time.sleep(1.2)
    retaken = eval_queue.claim(db_url, "other", stale_after=timedelta(seconds=1))
    assert retaken.id == request.id and retaken.worker == "other" and retaken.attempts == 2
    assert "dead-worker stopped" in retaken.reason and "requeued" in retaken.reason
    assert not eval_queue.heartbeat(db_url, request.id, "dead-worker")  # the dead worker no longer owns it
    assert eval_queue.heartbeat(db_url, request.id, "other")
    time.sleep(1.2)
    assert eval_queue.claim(db_url, "third", stale_after=timedelta(seconds=1), max_attempts=2) is None
    [row] = eval_queue.list_requests(db_url)
    assert row.status == "failed" and "gave up after 2 attempts" in row.reason
