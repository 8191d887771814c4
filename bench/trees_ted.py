"""Benchmark: tree edit distance on directory-like trees — zss vs APTED vs nearcoder's compiled Zhang–Shasha.

Run (2 cores shared, so nice it): ``nice -n 10 .venv/bin/python bench/trees_ted.py``
Prints a markdown table for docs/trees.md. Each pair is a random project tree of N entries and a mutated
copy (about 20% of entries renamed, deleted or added), the situation of scoring a prediction against a
reference. All three must agree on every distance; the script stops if they do not.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from datetime import date

from nearcoder.harness.trees.model import Node, Tree
from nearcoder.harness.trees.ted import ted, ted_zss, warm_up

WORDS = ["src", "lib", "tests", "contract", "frontend", "components", "utils", "scripts", "public", "pages",
         "hooks", "styles", "config", "near", "api", "models", "sandbox", "migrations", "assets", "docs"]
EXTS = [".rs", ".ts", ".js", ".json", ".toml", ".md", ".tsx", ".css", ".sh"]


def random_paths(n: int, rng: random.Random) -> list[str]:
    """About ``n`` entries: folders nest up to 5 deep, files spread over them."""
    dirs = [""]
    paths: set[str] = set()
    while len(paths) < n:
        parent = rng.choice(dirs)
        if rng.random() < 0.3 and parent.count("/") < 5:
            path = f"{parent}{rng.choice(WORDS)}{rng.randint(0, 9)}/"
            if path not in paths:
                dirs.append(path)
        else:
            path = f"{parent}{rng.choice(WORDS)}{rng.randint(0, 99)}{rng.choice(EXTS)}"
        paths.add(path)
    return sorted(paths)


def to_tree(paths: list[str]) -> Tree:
    from nearcoder.harness.trees.model import tree_from_paths

    return tree_from_paths(paths, unwrap=False)


def mutate(paths: list[str], rng: random.Random, rate: float = 0.2) -> list[str]:
    out = []
    for path in paths:
        r = rng.random()
        if r < rate / 3:
            continue  # deleted
        if r < 2 * rate / 3:
            head, _, leaf = path.rstrip("/").rpartition("/")
            path = (head + "/" if head else "") + "x" + leaf + ("/" if path.endswith("/") else "")  # renamed
        out.append(path)
        if rng.random() < rate / 3:
            out.append(path.rstrip("/") + "_new.rs" if not path.endswith("/") else path + "added.ts")
    return out


def apted_distance(a: Tree, b: Tree) -> int:
    from apted import APTED, Config

    return int(APTED(Node("", True, "", a.children), Node("", True, "", b.children), Config()).compute_edit_distance())


def timed(fn, a, b, repeat: int) -> tuple[float, int]:
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn(a, b)
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    warm_up()
    rows = []
    for n in args.sizes:
        paths = random_paths(n, rng)
        a, b = to_tree(paths), to_tree(mutate(paths, rng))
        slow_repeat = 3 if n <= 200 else 1
        t_zss, d_zss = timed(ted_zss, a, b, slow_repeat)
        t_apted, d_apted = timed(apted_distance, a, b, slow_repeat)
        t_ours, d_ours = timed(ted, a, b, 20)
        if not d_zss == d_apted == d_ours:
            raise SystemExit(f"distances disagree at n={n}: zss {d_zss}, apted {d_apted}, ours {d_ours}")
        rows.append((n, len(a), len(b), d_ours, t_zss, t_apted, t_ours))
        print(f"n={n} done", flush=True)
    print(f"\nMachine: 2-core x86_64 VM, 24 GiB ({platform.python_implementation()} {platform.python_version()}), "
          f"{date.today().isoformat()}, seed {args.seed}; median of 3 runs (1 at 500), ours median of 20.\n")
    print("| entries (ref / pred) | TED | zss | APTED | nearcoder (numba) | vs zss | vs APTED |")
    print("|---|---|---|---|---|---|---|")
    for n, na, nb, d, tz, ta, to in rows:
        print(f"| {na} / {nb} | {d} | {tz:.3f} s | {ta:.3f} s | {to * 1000:.2f} ms "
              f"| {tz / to:,.0f}x | {ta / to:,.0f}x |")


if __name__ == "__main__":
    main()
