"""The optional LLM judge against a stub OpenAI-compatible server on 127.0.0.1: the fixed rubric is sent, verdicts
become 1/0, bad replies and unreachable or missing judges give clear errors, and the CLI prints a table."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from nearcoder.tasks.near_questions import judge

DOC = {"question": "How long is a NEAR epoch?", "answer": "43,200 blocks, about 12 hours.", "category": "protocol"}


class _StubJudge(BaseHTTPRequestHandler):
    """Grades CORRECT when the candidate contains '43,200', else INCORRECT; 'garble' gets a non-verdict."""

    requests: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server API)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "auth": self.headers.get("Authorization"), **body})
        candidate = body["messages"][1]["content"].split("Candidate: ", 1)[1]
        verdict = "maybe?" if "garble" in candidate else ("CORRECT" if "43,200" in candidate else "INCORRECT.")
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": verdict}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def stub_url():
    server = HTTPServer(("127.0.0.1", 0), _StubJudge)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _StubJudge.requests = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_grades_with_the_fixed_rubric(stub_url, monkeypatch):
    monkeypatch.setenv(judge.JUDGE_API_KEY_ENV, "test-key")
    config = judge.JudgeConfig(url=stub_url, model="stub")
    assert judge.grade(DOC["question"], DOC["answer"], "It lasts 43,200 blocks.", config) == 1.0
    assert judge.grade(DOC["question"], DOC["answer"], "About 24 hours.", config) == 0.0
    assert judge.grade(DOC["question"], DOC["answer"], "   ", config) == 0.0  # not sent
    assert len(_StubJudge.requests) == 2
    sent = _StubJudge.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["model"] == "stub" and sent["temperature"] == 0
    assert sent["auth"] == "Bearer test-key"
    assert sent["messages"][0] == {"role": "system", "content": judge.RUBRIC}
    assert "Reference: 43,200 blocks" in sent["messages"][1]["content"]


def test_unusable_verdict_and_unreachable_judge_raise_clear_errors(stub_url):
    config = judge.JudgeConfig(url=stub_url)
    with pytest.raises(judge.JudgeError, match="not CORRECT or INCORRECT"):
        judge.grade(DOC["question"], DOC["answer"], "garble", config)
    closed = judge.JudgeConfig(url="http://127.0.0.1:9/v1", timeout_s=2)
    with pytest.raises(judge.JudgeError, match="failed"):
        judge.grade(DOC["question"], DOC["answer"], "43,200", closed)


def test_judge_is_off_unless_configured(monkeypatch):
    monkeypatch.delenv(judge.JUDGE_URL_ENV, raising=False)
    with pytest.raises(judge.JudgeError, match=judge.JUDGE_URL_ENV):
        judge.config_from()
    monkeypatch.setenv(judge.JUDGE_URL_ENV, "http://127.0.0.1:1/v1")
    assert judge.config_from().url == "http://127.0.0.1:1/v1"


def test_cli_grades_logged_samples(stub_url, tmp_path, capsys):
    samples = [
        {"doc": DOC, "filtered_resps": ["43,200 blocks."]},
        {"doc": DOC, "filtered_resps": ["Twelve days."]},
        {"doc": {**DOC, "category": "other"}, "resps": [["43,200 blocks"]]},
    ]
    path = tmp_path / "samples_near_questions_x.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in samples))
    assert judge.main([str(path), "--judge-url", stub_url]) == 0
    out = capsys.readouterr().out
    assert "| all | 3 | 0.667 |" in out and "| protocol | 2 | 0.500 |" in out and "| other | 1 | 1.000 |" in out
    assert judge.main([str(path), "--judge-url", "http://127.0.0.1:9/v1"]) == 2
