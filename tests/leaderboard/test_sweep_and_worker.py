"""End to end on real processes: `nearcoder sweep` on a local Ray instance (bound to 127.0.0.1) and on a
two-node `ray start` cluster (inside a network namespace of its own, where only loopback exists:
``harness/ray_loopback_cluster.py``), and submit → `nearcoder worker` → a published "evaluated" run, including a
worker killed mid-run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from nearcoder.leaderboard import eval_queue

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
SMOKE = REPO / "trainers" / "configs" / "cpu-smoke"
LM_EVAL = "--limit 2 --device cpu --gen_kwargs max_gen_toks=16"
ENV = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


def nearcoder(*args: str, timeout: int = 900, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nearcoder", *args], capture_output=True, text=True,
                          timeout=timeout, env=ENV, **kw)


def runs(db_url: str) -> list[tuple]:
    from nearcoder.leaderboard.store.engine import get_engine

    with get_engine(db_url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT m.name, r.provenance FROM runs r JOIN models m ON m.id = r.model_id ORDER BY m.name"))]


@pytest.fixture(scope="module")
def smoke_checkpoints(tiny_model, tmp_path_factory):
    """The tiny model and two CPU-smoke checkpoints of stage 1 (its LoRA adapter and the merged model)."""
    from nearcoder.trainers import stage1
    from nearcoder.trainers.data.corpus import CorpusOptions, build_corpus
    from nearcoder.trainers.stage_runner import cli_entry

    root = tmp_path_factory.mktemp("sweep-ckpts")
    fixtures = REPO / "tests" / "trainers" / "fixtures"
    corpus, _ = build_corpus([fixtures / "docs"], root / "corpus", CorpusOptions(min_words=20), eval_sets=[])
    paths = cli_entry("stage1", stage1.make_parser, stage1.main, [
        "--config", str(SMOKE / "stage1.yaml"), "--model_name_or_path", str(tiny_model),
        "--output_dir", str(root / "train" / "stage1"), "--train_datasets", str(corpus)])
    return {"tiny": tiny_model, "training": root / "train", "adapter": paths["checkpoint"], "merged": paths["merged"]}


def test_sweep_on_a_local_ray_instance_publishes_every_checkpoint(smoke_checkpoints, tmp_path):
    db = f"sqlite:///{tmp_path / 'board.db'}"
    result = nearcoder("sweep", str(smoke_checkpoints["tiny"]), str(smoke_checkpoints["training"]),
                       "--tasks", "near_questions", "--dtype", "float32", "--db", db, "--out", str(tmp_path / "out"),
                       "--lm-eval-args", LM_EVAL, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    published = runs(db)
    assert len(published) == 3 and {p for _, p in published} == {"self-reported"}
    assert "published" in result.stdout and "failed" not in result.stdout


def test_sweep_on_a_two_node_ray_cluster_publishes_every_checkpoint(smoke_checkpoints, tmp_path):
    from nearcoder.harness.ray_loopback_cluster import run_in_two_node_cluster, unavailable

    if why := unavailable():
        pytest.skip(why)
    db = f"sqlite:///{tmp_path / 'board.db'}"
    # The sweep joins the cluster through NEARCODER_RAY_ADDRESS, which the cluster script sets to its head.
    result = run_in_two_node_cluster(
        [sys.executable, "-m", "nearcoder", "sweep", str(smoke_checkpoints["tiny"]), str(smoke_checkpoints["training"]),
         "--tasks", "near_questions", "--dtype", "float32", "--db", db, "--out", str(tmp_path / "out"),
         "--lm-eval-args", LM_EVAL], env=ENV, timeout=1200)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    published = runs(db)
    assert len(published) == 3 and {p for _, p in published} == {"self-reported"}
    assert "published" in result.stdout and "failed" not in result.stdout


def test_sweep_reports_a_failing_job_after_its_retries(tiny_model, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text('{"model_type": "starcoder2", "hidden_size": "not a number"}')
    db = f"sqlite:///{tmp_path / 'board.db'}"
    result = nearcoder("sweep", str(broken), "--tasks", "near_questions", "--dtype", "float32", "--db", db,
                       "--out", str(tmp_path / "out"), "--retries", "1", "--lm-eval-args", LM_EVAL, cwd=tmp_path)
    assert result.returncode == 1
    out = " ".join(result.stdout.split())
    assert "failed" in out and "after 2 attempts" in out and runs(db) == []


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


def test_submit_then_worker_publishes_an_evaluated_run(db_url, tiny_model, tmp_path):
    queued = nearcoder("submit", str(tiny_model), "--precision", "float32", "--tasks", "near_questions", "--db", db_url)
    assert queued.returncode == 0 and "queued request #" in queued.stdout, queued.stderr
    again = nearcoder("submit", str(tiny_model), "--precision", "float32", "--tasks", "near_questions", "--db", db_url)
    assert again.returncode == 2 and "already requested" in again.stderr
    done = nearcoder("worker", "--db", db_url, "--once", "--heartbeat", "1", "--stale-after", "5",
                     "--lm-eval-args", LM_EVAL, cwd=tmp_path)
    assert done.returncode == 0 and "processed 1 request(s)" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
    [request] = eval_queue.list_requests(db_url)
    assert request.status == "finished" and request.run_ids
    assert [p for _, p in runs(db_url)] == ["evaluated"]
    # the main table marks the row, and the queue (the Submit tab's table) points at it
    from nearcoder.leaderboard.display.columns import COLUMNS
    from nearcoder.leaderboard.populate import EVALUATED, Filters, apply_filters, leaderboard_frame
    from nearcoder.leaderboard.store.engine import read_session

    with read_session(db_url) as session:
        shown = apply_filters(leaderboard_frame(session), Filters(evaluated_only=True))
    assert list(shown[COLUMNS.model.name]) == [request.leaderboard_row]
    assert list(shown[COLUMNS.provenance.name]) == [EVALUATED]


def test_a_worker_killed_mid_run_leaves_the_request_recoverable(tiny_model, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'board.db'}"
    request = eval_queue.submit(db_url, str(tiny_model), precision="float32", tasks="near_questions")
    first = subprocess.Popen([sys.executable, "-m", "nearcoder", "worker", "--db", db_url, "--once", "--name",
                              "doomed", "--heartbeat", "1", "--stale-after", "4", "--lm-eval-args", LM_EVAL],
                             env=ENV, cwd=tmp_path, start_new_session=True,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        if eval_queue.list_requests(db_url)[0].status == "running":
            break
        time.sleep(0.1)
    time.sleep(2)  # lm-eval is loading the model
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its lm-eval child
    first.wait(timeout=30)
    [row] = eval_queue.list_requests(db_url)
    assert row.status == "running" and row.worker == "doomed" and runs(db_url) == []  # nothing half-published
    time.sleep(5)  # its heartbeat goes stale
    second = nearcoder("worker", "--db", db_url, "--once", "--name", "rescuer", "--heartbeat", "1",
                       "--stale-after", "4", "--lm-eval-args", LM_EVAL, cwd=tmp_path)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-2000:]
    [row] = eval_queue.list_requests(db_url)
    assert row.id == request.id and row.status == "finished" and row.worker == "rescuer" and row.attempts == 2
    assert runs(db_url) == [(row.run_ids and runs(db_url)[0][0], "evaluated")]
