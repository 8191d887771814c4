"""The Ray executor (``NEARCODER_EXECUTOR=ray``) gives the local path's verdicts on HumanEval canonical and buggy
solutions (both languages): on an embedded Ray instance, and on a two-node cluster started with ``ray start``
(head and worker on 127.0.0.1, inside a private network namespace: see ``harness/ray_loopback_cluster.py``),
where the chunks must run on both nodes. Real Ray, real sandbox, no mocks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from nearcoder.harness import settings
from nearcoder.harness.ray_loopback_cluster import RESOURCE, run_in_two_node_cluster, unavailable

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]
PROBLEMS = 6  # per language: canonical + buggy solution of each, so 24 programs in chunks on both languages

# The driver: verdicts of the task's own path (cut, build, run_tests, compare records with the reference) under
# the local executor, then under the Ray executor; which nodes ran the chunks; the cluster's nodes.
DRIVER = """
import json, os, socket, sys
import ray  # imported before nearcoder's connect(): the embedded instance must still bind 127.0.0.1 only
from nearcoder.sandboxes.executors import nodes_used
from nearcoder.tasks.near_humaneval.execution import execute_samples
from nearcoder.tasks.near_humaneval.programs import reference_completion
from nearcoder.tasks.near_humaneval.selftest import load_records


def verdicts(executor: str, problems: int) -> dict:
    os.environ["NEARCODER_EXECUTOR"] = executor
    out = {"nodes": {}}
    with nodes_used() as nodes:
        for lang in ("js", "rust"):
            docs = load_records(lang)[:problems]
            pairs = [[reference_completion(d), reference_completion(d, "buggy_solution")] for d in docs]
            rows = execute_samples(docs, pairs, progress=False)
            out[lang] = [[s.status for s in row] for row in rows]
    out["nodes"] = dict(nodes)
    return out


problems = int(sys.argv[1])
report = {"local": verdicts("local", problems), "ray": verdicts("ray", problems)}
report["interfaces"] = sorted(name for _, name in socket.if_nameindex())
report["cluster"] = [{"id": n["NodeID"], "ip": n["NodeManagerAddress"], "resources": sorted(n["Resources"])}
                     for n in ray.nodes() if n["Alive"]]
print("REPORT " + json.dumps(report), flush=True)
"""


def report_of(proc: subprocess.CompletedProcess) -> dict:
    """The driver's report, after checking the verdicts: the local path passes every canonical solution and fails
    every buggy one (both languages), and the Ray executor gives exactly the same statuses."""
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    [line] = [ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT ")]
    report = json.loads(line.removeprefix("REPORT "))
    local, on_ray = report["local"], report["ray"]
    for lang in ("js", "rust"):
        assert len(local[lang]) == PROBLEMS
        assert [row[0] for row in local[lang]] == ["passed"] * PROBLEMS, (lang, local[lang])
        assert all(row[1] != "passed" for row in local[lang]), (lang, local[lang])
        assert on_ray[lang] == local[lang], (lang, on_ray[lang], local[lang])
    assert list(local["nodes"]) == ["local"]
    return report


def test_embedded_ray_gives_the_local_verdicts(shared_data):
    env = {**os.environ, "NEARCODER_DATA_DIR": str(shared_data)}
    env.pop(settings.RAY_ADDRESS, None)  # the embedded instance
    report = report_of(subprocess.run([sys.executable, "-c", DRIVER, str(PROBLEMS)], env=env, capture_output=True,
                                      text=True, timeout=900, check=False))
    [node] = report["cluster"]
    assert node["ip"] == "127.0.0.1"
    assert list(report["ray"]["nodes"]) == [node["id"]] and report["ray"]["nodes"][node["id"]] >= 4  # 2+ per language


def test_unknown_executor_is_a_clear_error(monkeypatch):
    from nearcoder.sandboxes.languages import TestProgram, run_tests

    monkeypatch.setenv(settings.EXECUTOR, "spark")
    with pytest.raises(ValueError, match="NEARCODER_EXECUTOR='spark': choose one of local, ray"):
        run_tests([TestProgram("js", "console.assert(true)")], progress=False)


@pytest.fixture(scope="module")
def namespaced_cluster():
    if why := unavailable():
        pytest.skip(f"two-node Ray cluster needs its own network namespace: {why}")


def test_two_node_cluster_runs_chunks_on_both_nodes_with_the_local_verdicts(shared_data, namespaced_cluster):
    """run_in_two_node_cluster also checks that no process of the cluster outlives it."""
    env = {**os.environ, "NEARCODER_DATA_DIR": str(shared_data)}
    report = report_of(run_in_two_node_cluster([sys.executable, "-c", DRIVER, str(PROBLEMS)], env=env, timeout=900))
    assert report["interfaces"] == ["lo"]  # the namespace: nothing but loopback to bind or dial
    cluster = report["cluster"]
    assert len(cluster) == 2 and {n["ip"] for n in cluster} == {"127.0.0.1"}
    assert len([n for n in cluster if RESOURCE in n["resources"]]) == 1, cluster  # the `ray start --address` node
    assert set(report["ray"]["nodes"]) == {n["id"] for n in cluster}, (report["ray"]["nodes"], cluster)  # both ran

