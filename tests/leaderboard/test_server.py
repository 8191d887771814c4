"""The HTTP publishing API: token required, viewers read-only, bad uploads rejected with the reason."""

import json

from fastapi.testclient import TestClient

from nearcoder.leaderboard.server import create_server
from nearcoder.leaderboard.synthetic import write_output_dir


def _files(tmp_path):
    results = write_output_dir(tmp_path, "http-model", {"near_questions": {"rouge1": [0.3, 0.5]}})
    return {p.name: p.read_text() for p in results.parent.iterdir()}


def test_publish_needs_the_token(tmp_path, db_url):
    client = TestClient(create_server(db_url, token="s3cret"))
    files = _files(tmp_path)
    assert client.post("/api/publish", json={"files": files}).status_code == 401
    assert client.post("/api/publish", json={"files": files},
                       headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.post("/api/publish", json={"files": files, "overrides": {"stage": "stage1"}},
                     headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and ok.json()["added"] == 1 and ok.json()["samples"] == 2
    again = client.post("/api/publish", json={"files": files}, headers={"Authorization": "Bearer s3cret"})
    assert again.json() == {"added": 0, "unchanged": 1, "samples": 0, "models": []}
    bad = dict(files)
    name = next(n for n in bad if n.startswith("results_"))
    bad[name] = json.dumps({"foreign": True})
    resp = client.post("/api/publish", json={"files": bad}, headers={"Authorization": "Bearer s3cret"})
    assert resp.status_code == 422 and "not an lm-eval results file" in resp.json()["detail"]
    resp = client.post("/api/publish", json={"files": {"../etc/passwd": "x"}},
                       headers={"Authorization": "Bearer s3cret"})
    assert resp.status_code == 422
    assert client.get("/").status_code == 200


def test_viewer_only_server_refuses_publishing(tmp_path, db_url):
    client = TestClient(create_server(db_url, token=None))
    resp = client.post("/api/publish", json={"files": _files(tmp_path)}, headers={"Authorization": "Bearer x"})
    assert resp.status_code == 403
    assert client.get("/api/health").json() == {"ok": True, "publishing": False}


def test_cli_publishes_over_http_with_the_token(tmp_path, db_url, monkeypatch, start_server):
    import sqlite3

    from typer.testing import CliRunner

    from nearcoder.cli import app

    write_output_dir(tmp_path / "out", "remote-model", {"near_questions": {"rouge1": [0.3, 0.5]}})
    runner = CliRunner()
    with start_server(db_url, tmp_path, token="tok3n") as url:
        monkeypatch.setenv("NEARCODER_PUBLISH_TOKEN", "wrong")
        denied = runner.invoke(app, ["publish", str(tmp_path / "out"), "--server", url])
        assert denied.exit_code == 2 and "401" in denied.output
        monkeypatch.setenv("NEARCODER_PUBLISH_TOKEN", "tok3n")
        ok = runner.invoke(app, ["publish", str(tmp_path / "out"), "--server", url, "--stage", "stage2"])
        assert ok.exit_code == 0, ok.output
    con = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    assert con.execute("select name, stage from models").fetchall() == [("remote-model", "stage2")]
    assert con.execute("select count(*) from samples").fetchone() == (2,)
