import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from nearcoder.trainers.data.dataset_io import read_records
from nearcoder.trainers.data.repo_trees import build_trees
from nearcoder.trainers.data.user_prompts import build_prompts


@pytest.fixture(scope="module")
def trees(tmp_path_factory, fixtures):
    out, _ = build_trees([fixtures / "repos"], tmp_path_factory.mktemp("t") / "trees")
    return out


def test_extractive_prompts_are_deterministic_and_leak_free(tmp_path, trees):
    a, report = build_prompts(trees, tmp_path / "a")
    b, _ = build_prompts(trees, tmp_path / "b")
    rows = read_records(a)
    assert rows == read_records(b) and report["leaks"] == 0
    counter = next(r for r in rows if r["repo"] == "counter-rs")
    assert counter["prompt"].startswith("Create a project structure for a NEAR DApp")
    assert "Rust" in counter["prompt"] and "lib.rs" not in counter["prompt"] and counter["leaked"] == []


class ChatServer:
    """A local stand-in for a remote OpenAI-compatible service: records requests, answers in its JSON shape."""

    def __init__(self, failures_before_success: int = 0, status: int = 500):
        self.requests, self.failures, self.status = [], failures_before_success, status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, dict(self.headers), body))
                if outer.failures > 0:
                    outer.failures -= 1
                    self.send_response(outer.status)
                    self.end_headers()
                    return
                repo = body["messages"][1]["content"].split("\n")[1]
                answer = {"choices": [{"message": {"role": "assistant",
                                                   "content": f"Create a NEAR dApp like {repo} with tests."}}]}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_endpoint_prompts_use_the_seed_template(tmp_path, trees, monkeypatch):
    server = ChatServer(failures_before_success=1)  # one 500: the builder retries
    monkeypatch.setenv("NEARCODER_PROMPT_ENDPOINT", server.url)
    monkeypatch.setenv("NEARCODER_PROMPT_MODEL", "gpt-4o")
    monkeypatch.setenv("NEARCODER_PROMPT_API_KEY", "sk-test")
    try:
        out, _ = build_prompts(trees, tmp_path / "p", use_endpoint=True)
    finally:
        server.close()
    rows = read_records(out)
    assert {r["prompt"] for r in rows} == {f"Create a NEAR dApp like {r['repo']} with tests." for r in rows}
    assert all(r["prompt_writer"] == "endpoint:gpt-4o" for r in rows)
    path, headers, body = server.requests[-1]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer sk-test"
    assert body["model"] == "gpt-4o" and body["messages"][0]["role"] == "system"
    user = body["messages"][1]["content"]
    assert "Step 1: Extract all the relevant information from the README" in user and "Step 2:" in user
    assert len(server.requests) == len(rows) + 1


def test_endpoint_client_errors_are_reported_not_retried(tmp_path, trees, monkeypatch):
    server = ChatServer(failures_before_success=100, status=400)
    monkeypatch.setenv("NEARCODER_PROMPT_ENDPOINT", server.url)
    try:
        with pytest.raises(ValueError, match="no records"):
            build_prompts(trees, tmp_path / "p", use_endpoint=True)
    finally:
        server.close()
    assert len(server.requests) == 3  # one attempt per repository


def test_endpoint_flag_without_configuration_fails(tmp_path, trees, monkeypatch):
    monkeypatch.delenv("NEARCODER_PROMPT_ENDPOINT", raising=False)
    with pytest.raises(ValueError, match="NEARCODER_PROMPT_ENDPOINT"):
        build_prompts(trees, tmp_path / "p", use_endpoint=True)
