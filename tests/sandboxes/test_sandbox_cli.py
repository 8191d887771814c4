"""``nearcoder sandbox`` through its real entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sandbox


def nearcoder(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nearcoder.cli", *args], capture_output=True, text=True,
                          timeout=300)


def test_run_prints_one_json_outcome(tmp_path):
    ok = tmp_path / "ok.js"
    ok.write_text("console.assert([1, 2, 3].length === 3)\n")
    bad = tmp_path / "bad.rs"
    bad.write_text("fn main() {}\n#[cfg(test)]\nmod tests { #[test] fn t() { assert!(false, \"nope\"); } }\n")
    r = nearcoder("sandbox", "run", "--lang", "js", str(ok))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["status"] == "passed"
    r = nearcoder("sandbox", "run", "--lang", "rust", str(bad), "--timeout", "5")
    assert r.returncode == 0, r.stderr  # exit 0 whatever the program did
    out = json.loads(r.stdout)
    assert out["status"] == "failed" and "nope" in out["reason"]


def test_check_reports_backends():
    r = nearcoder("sandbox", "check")
    assert "bwrap" in r.stdout and "docker" in r.stdout
    assert r.returncode in (0, 1)
