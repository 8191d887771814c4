"""The optional OpenAI-compatible prompt path, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nearcoder.tasks.near_dapp_trees.dataset import build_split


def build_pairs(data_dir, **kwargs):
    return build_split(data_dir, reviews={}, **kwargs)[0]

GOOD = "Create a project structure for a NEAR DApp: a counter contract in Rust with tests and configs."
LEAKY = "Create a NEAR DApp with Cargo.toml and lib.rs."


def _fake_data(root):
    repo = root / "near-examples" / "counter-demo"
    (repo / "readmes").mkdir(parents=True)
    (repo / "files.txt").write_text("README.md\nCargo.toml\nsrc/lib.rs\ntests/sandbox.rs\nCargo.lock\n")
    (repo / "meta.json").write_text(json.dumps({"repository": "near-examples/counter-demo", "commit": "0" * 40}))
    (repo / "readmes" / "README.md").write_text(
        "# Counter on NEAR\n\nA smart contract that keeps a counter on the NEAR network, with increment and "
        "decrement methods and sandbox tests written in Rust.\n")
    (root / "near-dapps").mkdir()
    (root / "near-dapps" / "seed-scraped-repos.txt").write_text("near-examples_counter-demo\n")
    return root


@pytest.fixture()
def chat_server(monkeypatch):
    seen: list[dict] = []
    answer = {"text": GOOD}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            reply = json.dumps({"choices": [{"message": {"role": "assistant", "content": answer["text"]}}]})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(reply.encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("NEARCODER_PROMPT_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}/v1")
    monkeypatch.setenv("NEARCODER_PROMPT_MODEL", "test-model")
    monkeypatch.setenv("NEARCODER_PROMPT_API_KEY", "k")
    yield seen, answer
    server.shutdown()
    server.server_close()


def test_endpoint_prompts_are_frozen_into_the_pairs(tmp_path, chat_server):
    seen, _ = chat_server
    pairs = build_pairs(_fake_data(tmp_path))
    assert len(pairs) == 1
    pair = pairs[0]
    assert (pair.prompt, pair.prompt_source, pair.contaminated) == (GOOD, "endpoint", True)
    assert "Cargo.lock" not in pair.paths  # cleaned
    request = seen[0]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer k"
    assert request["body"]["model"] == "test-model"
    assert "Do not return any information about the tree or file names" in request["body"]["messages"][1]["content"]


def test_an_endpoint_prompt_that_names_files_falls_back_to_the_rules(tmp_path, chat_server):
    _, answer = chat_server
    answer["text"] = LEAKY
    pair = build_pairs(_fake_data(tmp_path))[0]
    assert pair.prompt_source == "rules-v2"
    assert "lib.rs" not in pair.prompt and "Counter on NEAR" in pair.prompt


def test_the_offline_builder_ignores_the_endpoint_when_told(tmp_path, chat_server):
    seen, _ = chat_server
    pair = build_pairs(_fake_data(tmp_path), use_endpoint=False)[0]
    assert pair.prompt_source == "rules-v2" and seen == []
