"""The Submit tab's callbacks (``app.submit_request``, ``app.queue_table``) against a real store (SQLite, then
PostgreSQL): the same validation and queue as ``nearcoder submit``, every refusal a status line, and the queue
table read afresh."""

import pytest

from nearcoder.leaderboard import eval_queue
from nearcoder.leaderboard.app import build_app, queue_table, submit_request
from nearcoder.leaderboard.populate import QUEUE_COLS
from nearcoder.leaderboard.publish import publish
from nearcoder.leaderboard.synthetic import write_output_dir


@pytest.fixture
def db_url(any_db_url):
    return any_db_url


def test_submit_callback_queues_refuses_and_points_to_the_finished_row(db_url, tiny_model, tmp_path):
    assert queue_table(db_url).empty and list(queue_table(db_url).columns) == QUEUE_COLS
    status = submit_request(db_url, str(tiny_model), "", "", "float32")
    assert status.startswith("Queued request #1: ") and str(tiny_model) in status
    [row] = queue_table(db_url).to_dict("records")
    assert (row["request"], row["model"], row["revision"], row["adapter"], row["precision"], row["status"]) == \
        ("#1", str(tiny_model), "main", "", "float32", "pending")
    assert row["submitted"] and not row["started"] and not row["finished"]

    refusals = {
        "pending duplicate": ((str(tiny_model), "main", None, "float32"), "request #1 is pending"),
        "missing path": ((str(tmp_path / "nope"), "", "", "bfloat16"), "no such directory"),
        "config does not load": ((str(tmp_path), "", "", "bfloat16"), "does not load its config"),
        "bad precision": ((str(tiny_model), "", "", "int4"), "precision must be one of"),
        "no precision": ((str(tiny_model), "", "", None), "precision must be one of"),
        "empty model": (("   ", "", "", "float32"), "must not be empty"),
        "injected args": ((str(tiny_model), "main,trust_remote_code=True", "", "float32"), "may not contain"),
        "adapter without config": ((str(tiny_model), "", str(tmp_path), "float32"), "adapter_config.json"),
    }
    for name, (form, reason) in refusals.items():
        message = submit_request(db_url, *form)
        assert message.startswith("Not queued: ") and reason in message, (name, message)
    assert len(queue_table(db_url)) == 1  # nothing refused was queued

    # a worker takes it and publishes a run "evaluated by the leaderboard" under the model's row
    claimed = eval_queue.claim(db_url, "w1")
    running = queue_table(db_url).iloc[0]
    assert running["status"] == "running" and running["started"]
    write_output_dir(tmp_path / "out", "tiny-starcoder2", {"near_questions": {"rouge1": [0.5, 0.25]}})
    report = publish(db_url, [tmp_path / "out"], provenance="evaluated")
    eval_queue.finish(db_url, claimed.id, "w1", run_ids=report.run_ids)
    done = queue_table(db_url).iloc[0]
    assert (done["status"], done["leaderboard row"]) == ("finished", "tiny-starcoder2") and done["finished"]
    again = submit_request(db_url, str(tiny_model), "main", "", "float32")
    assert "request #1 is finished" in again and "leaderboard row 'tiny-starcoder2'" in again

    # a failed request shows its reason and may be submitted again; the newest request is listed first
    other = submit_request(db_url, str(tiny_model), "", "", "bfloat16")
    assert other.startswith("Queued request #2")
    eval_queue.claim(db_url, "w1")
    eval_queue.finish(db_url, 2, "w1", error="lm-eval exited 1: CUDA out of memory")
    table = queue_table(db_url)
    assert list(table["request"]) == ["#2", "#1"] and table.iloc[0]["reason"].endswith("CUDA out of memory")
    assert submit_request(db_url, str(tiny_model), "", "", "bfloat16").startswith("Queued request #3")


def test_no_submit_hides_the_tab(db_url):
    def submit_tab(demo):
        return next(b for b in demo.blocks.values() if getattr(b, "id", None) == "submit")

    assert submit_tab(build_app(db_url)).visible
    assert not submit_tab(build_app(db_url, submissions=False)).visible
