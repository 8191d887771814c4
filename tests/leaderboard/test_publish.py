import json
import multiprocessing as mp

import pytest

from nearcoder.harness.manifest import Manifest, write_manifest
from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.read_results import ResultsError
from nearcoder.leaderboard.synthetic import write_output_dir


@pytest.fixture
def db_url(any_db_url):
    """Every test here runs on SQLite and on PostgreSQL."""
    return any_db_url


def _counts(db_url: str) -> dict[str, int]:
    from sqlalchemy import text

    from nearcoder.leaderboard.store.engine import get_engine

    with get_engine(db_url).connect() as conn:
        return {t: conn.execute(text(f"select count(*) from {t}")).scalar_one()
                for t in ("models", "runs", "scores", "samples")}


def _rows(db_url: str, sql: str) -> list[tuple]:
    from sqlalchemy import text

    from nearcoder.leaderboard.store.engine import get_engine

    with get_engine(db_url).connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def test_publish_writes_and_is_idempotent(tmp_path, db_url):
    write_output_dir(tmp_path / "out", "org/a", {"near_questions": {"rouge1": [0.1, 0.3], "bleu": [0.2, 0.2]}},
                     limit=2, parameters=1234)
    report = publish(db_url, [tmp_path / "out"])
    assert len(report.added) == 1 and report.samples == 2
    assert _counts(db_url) == {"models": 1, "runs": 1, "scores": 2, "samples": 2}
    if db_url.startswith("sqlite"):
        import sqlite3

        con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        con.close()
    assert _rows(db_url, "select name, parameters from models") == [("org/a", 1234)]
    assert _rows(db_url, "select partial, \"limit\" from runs") == [(True, 2.0)]
    again = publish(db_url, [tmp_path / "out"])
    assert again.added == [] and len(again.unchanged) == 1
    assert _counts(db_url) == {"models": 1, "runs": 1, "scores": 2, "samples": 2}


def test_a_bad_file_anywhere_writes_nothing(tmp_path, db_url):
    write_output_dir(tmp_path / "first", "first", {"t": {"acc": [1.0]}})
    publish(db_url, [tmp_path / "first"])
    before = _counts(db_url)
    write_output_dir(tmp_path / "out", "good", {"t": {"acc": [1.0]}})
    bad = write_output_dir(tmp_path / "out", "bad", {"t": {"acc": [1.0]}})
    data = json.loads(bad.read_text())
    data["results"]["t"]["acc,none"] = "oops"
    bad.write_text(json.dumps(data))
    with pytest.raises(ResultsError, match="expected a number"):
        publish(db_url, [tmp_path / "out"])
    assert _counts(db_url) == before
    # a broken samples file next to a valid results file also stops the whole publish
    data["results"]["t"]["acc,none"] = 1.0
    bad.write_text(json.dumps(data))
    next(bad.parent.glob("samples_*.jsonl")).write_text('{"no_doc_id": 1}\n')
    with pytest.raises(ResultsError, match="doc_id"):
        publish(db_url, [tmp_path / "out"])
    assert _counts(db_url) == before


def test_foreign_json_is_rejected_and_store_keeps_its_rows(tmp_path, db_url):
    write_output_dir(tmp_path / "ok", "kept", {"t": {"acc": [1.0, 0.0]}})
    publish(db_url, [tmp_path / "ok"])
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "results_x.json").write_text(json.dumps({"name": "package.json", "version": "1"}))
    with pytest.raises(ResultsError, match="not an lm-eval results file"):
        publish(db_url, [tmp_path / "foreign"])
    assert _counts(db_url) == {"models": 1, "runs": 1, "scores": 1, "samples": 2}


def test_manifest_and_overrides(tmp_path, db_url):
    ckpt = tmp_path / "ckpt"
    ckpt.mkdir()
    base = tmp_path / "base-ckpt"
    base.mkdir()
    write_manifest(base, Manifest(name="tiny-base", base_model=None))
    # trainers record the parent as a checkpoint path; the store names it by that checkpoint's manifest
    write_manifest(ckpt, Manifest(name="near-stage1", base_model="tiny-base", model_type="fine-tuned",
                                  stage="stage1", parent=str(base), parameters=999))
    write_output_dir(tmp_path / "out", str(ckpt), {"t": {"acc": [1.0]}})
    publish(db_url, [tmp_path / "out"])
    write_output_dir(tmp_path / "out2", str(ckpt), {"t": {"acc": [0.0]}}, timestamp="2026-01-02T00-00-00.0")
    publish(db_url, [tmp_path / "out2"], ModelOverrides(stage="stage2", contamination="flagged"))
    rows = _rows(db_url, "select name, base_model, model_type, stage, parent, parameters, contamination from models")
    assert rows == [("near-stage1", "tiny-base", "fine-tuned", "stage2", "tiny-base", 999, "flagged")]
    with pytest.raises(ValueError, match="--type"):
        ModelOverrides(model_type="huge")


def _publish_worker(args):
    db_url, path = args
    return len(publish(db_url, [path]).added)


def test_concurrent_publishers_all_succeed(tmp_path, db_url):
    dirs = []
    for i in range(12):
        d = tmp_path / f"out{i}"
        # models 0..5, each published twice with different runs; plus duplicates of the same file
        write_output_dir(d, f"model-{i % 6}", {"t": {"acc": [i / 12, 1.0]}, "u": {"x": [0.5, 0.5]}},
                         timestamp=f"2026-01-01T00-00-{i:02d}.0")
        dirs.append(d)
    jobs = [(db_url, d) for d in dirs] + [(db_url, dirs[0]), (db_url, dirs[1])]
    ctx = mp.get_context("spawn")
    with ctx.Pool(6) as pool:
        added = pool.map(_publish_worker, jobs)
    assert sum(added) == 12  # every distinct file once, the duplicates were no-ops
    assert _counts(db_url) == {"models": 6, "runs": 12, "scores": 24, "samples": 48}
