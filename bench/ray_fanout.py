"""Ray fan-out of sandbox batches against the single-process path: one pass@10-sized Rust batch.

The batch is humaneval_bench's: ``--limit`` problems x ``--samples`` distinct programs (each canonical solution
with a distinct comment in front, so nothing is deduplicated or cached). It runs alternately on the local
executor (threads, one per CPU) and on a two-node Ray cluster on this machine (``ray start --head`` and
``ray start --address``, one CPU each, inside a private network namespace: harness/ray_loopback_cluster.py),
in one driver process inside that namespace. Also measured: the round trip of an empty chunk through the Ray
executor. Prints a Markdown table for docs/sandboxes.md.

    NEARCODER_DATA_DIR=../shared/data nice python bench/ray_fanout.py --limit 40 --samples 20
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(args: argparse.Namespace) -> dict:
    """Inside the namespace (NEARCODER_RAY_ADDRESS names the head): the timings, as a dict."""
    from humaneval_bench import bench_batch
    from nearcoder.sandboxes.executors import executor_workers, nodes_used, run_chunks
    from nearcoder.tasks.near_humaneval.execution import reference_runs
    from nearcoder.tasks.near_humaneval.selftest import load_records

    records = load_records("rust")[: args.limit]
    reference_runs(records, progress=False)  # cached on disk; not part of either timing
    os.environ["NEARCODER_EXECUTOR"] = "ray"
    start = time.perf_counter()
    cpus = executor_workers()  # connects to the cluster
    connect_s = time.perf_counter() - start
    runs = []
    for executor in _alternate(args.rounds):
        os.environ["NEARCODER_EXECUTOR"] = executor
        load_before = os.getloadavg()[0]
        with nodes_used() as nodes:
            programs, seconds, passed = bench_batch("rust", records, args.samples, None)
        runs.append({"executor": executor, "programs": programs, "passed": passed, "seconds": seconds,
                     "chunks": sum(nodes.values()), "nodes": len(nodes), "load": load_before})
        print(f"{executor}: {programs} programs, {passed} passed, {sum(nodes.values())} chunks on {len(nodes)} "
              f"node(s), {seconds:.1f}s", flush=True)
    os.environ["NEARCODER_EXECUTOR"] = "ray"
    trips = []
    for _ in range(args.trips):
        start = time.perf_counter()
        run_chunks([[]], inputs=list, here=len, anywhere=len, done=lambda c, r: None, workers=1, progress=False,
                   label="empty")
        trips.append(time.perf_counter() - start)
    return {"cpus": cpus, "connect_s": connect_s, "runs": runs, "trip_s": statistics.median(trips),
            "trip_max_s": max(trips)}


def _alternate(rounds: int) -> list[str]:
    """local, ray, ray, local, local, ray, ...: each executor goes first as often as the other."""
    pairs = [("local", "ray") if r % 2 == 0 else ("ray", "local") for r in range(rounds)]
    return [e for pair in pairs for e in pair]


def table(result: dict, args: argparse.Namespace) -> str:
    runs = result["runs"]
    mean = {e: statistics.mean(r["seconds"] for r in runs if r["executor"] == e) for e in ("local", "ray")}
    chunks = runs[0]["chunks"]
    lines = [
        (f"`bench/ray_fanout.py --limit {args.limit} --samples {args.samples} --rounds {args.rounds}`, "
         f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()}-core {platform.machine()} VM "
         f"(shared), 1-min load average before each run in the table; Ray {result['ray_version']}, two nodes x "
         f"{args.cpus_per_node} CPU over loopback; Ray connect {result['connect_s']:.1f} s (not in the times)."),
        "",
        "| run | executor | programs | passed | chunks | nodes | wall s | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for i, r in enumerate(runs, 1):
        lines.append(f"| {i} | {r['executor']} | {r['programs']} | {r['passed']} | {r['chunks']} | {r['nodes']} | "
                     f"{r['seconds']:.1f} | {r['load']:.2f} |")
    lines += [
        "",
        (f"Mean wall time: local {mean['local']:.1f} s, Ray {mean['ray']:.1f} s; ratio Ray/local "
         f"{mean['ray'] / mean['local']:.2f}; overhead per chunk (Ray - local) / {chunks} chunks = "
         f"{(mean['ray'] - mean['local']) / chunks * 1000:.0f} ms. Round trip of an empty chunk through the Ray "
         f"executor: median {result['trip_s'] * 1000:.1f} ms (max {result['trip_max_s'] * 1000:.0f} ms, "
         f"{args.trips} trips)."),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=40, help="first N Rust problems (164: all)")
    parser.add_argument("--samples", type=int, default=20, help="programs per problem (pass@10 runs use 20)")
    parser.add_argument("--rounds", type=int, default=2, help="local/Ray pairs, alternating which goes first")
    parser.add_argument("--trips", type=int, default=20, help="empty-chunk round trips")
    parser.add_argument("--cpus-per-node", type=int, default=1)
    parser.add_argument("--inside", type=Path, help=argparse.SUPPRESS)  # set when re-run inside the namespace
    args = parser.parse_args()

    if args.inside:
        import ray

        result = measure(args)
        result["ray_version"] = ray.__version__
        args.inside.write_text(json.dumps(result))
        return

    from nearcoder.harness.ray_loopback_cluster import run_in_two_node_cluster, unavailable

    if why := unavailable():
        sys.exit(f"ray_fanout: {why}")
    out = Path(f"/tmp/nc-ray-fanout-{os.getpid()}.json")
    argv = [sys.executable, __file__, "--inside", str(out), *sys.argv[1:]]
    try:
        proc = run_in_two_node_cluster(argv, cpus_per_node=args.cpus_per_node)
        sys.stderr.write(proc.stderr[-4000:] if proc.returncode else "")
        print(proc.stdout, end="")
        if proc.returncode != 0:
            sys.exit(f"ray_fanout: the driver exited {proc.returncode}")
        print(table(json.loads(out.read_text()), args))
    finally:
        out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
