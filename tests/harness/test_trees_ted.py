"""The compiled Zhang–Shasha gives exactly zss's distances; the metrics built on it behave as documented."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcoder.harness.trees import (
    CleaningRules, Node, Tree, clean, comment_quality, make_tree, parse_tree, score_texts, structure_difflib,
    structure_difflib_seedformat, structure_score, ted, ted_zss, tree_from_paths,
)
from nearcoder.harness.trees.comments import comment_coverage, relevance

# A small label alphabet so the random trees share names and the distance is not trivially "all different".
labels = st.sampled_from(["src", "lib.rs", "tests", "README.md", "a", "b", "Cargo.toml", "index.js"])


def _small_trees(max_leaves: int):
    node = st.recursive(
        st.builds(lambda n: Node(n), labels),
        lambda kids: st.builds(lambda n, ch: Node(n, True, "", tuple(ch)), labels,
                               st.lists(kids, min_size=1, max_size=4, unique_by=lambda k: k.name)),
        max_leaves=max_leaves,
    )
    return st.lists(node, max_size=5, unique_by=lambda k: k.name).map(lambda ns: make_tree(ns, unwrap=False))


@settings(max_examples=150, deadline=None)
@given(a=_small_trees(12), b=_small_trees(12))
def test_ted_equals_zss_on_random_trees(a, b):
    assert ted(a, b) == ted_zss(a, b)


@settings(max_examples=15, deadline=None)
@given(a=_small_trees(40), b=_small_trees(40))
def test_ted_equals_zss_on_larger_trees(a, b):
    assert ted(a, b) == ted_zss(a, b)


@settings(max_examples=60, deadline=None)
@given(a=_small_trees(10), b=_small_trees(10), c=_small_trees(10))
def test_ted_is_a_metric(a, b, c):
    assert ted(a, a) == 0
    assert ted(a, b) == ted(b, a)
    assert ted(a, c) <= ted(a, b) + ted(b, c)
    assert ted(a, b) <= len(a) + len(b)


def test_ted_known_values():
    empty = Tree()
    one = tree_from_paths(["README.md"])
    assert ted(empty, empty) == 0
    assert ted(empty, one) == 1
    assert ted(one, tree_from_paths(["readme.md"])) == 1  # a rename is one edit
    nested = tree_from_paths(["contract/src/lib.rs", "contract/Cargo.toml"], unwrap=False)
    flat = tree_from_paths(["src/lib.rs", "Cargo.toml", "x"])
    assert ted(nested, flat) == 2  # delete `contract` (its children move up), insert `x`
    assert ted(tree_from_paths(["contract/src/lib.rs", "contract/Cargo.toml"]), flat) == 1  # root folder unwrapped


def test_structure_score_bounds_and_clipping():
    ref = tree_from_paths(["README.md", "src/lib.rs", "Cargo.toml"])
    assert structure_score(ref, ref) == 1.0
    assert structure_score(ref, Tree()) == 0.0
    unrelated = tree_from_paths(["x1", "x2", "x3", "x4", "x5", "x6"])
    assert structure_score(ref, unrelated) == 0.0  # TED 6 > max size 6 -> clipped at 0
    close = tree_from_paths(["README.md", "src/lib.rs", "Cargo.toml", "build.sh"])
    assert structure_score(ref, close) == pytest.approx(1 - 1 / 5)


def test_cleaning_drops_locks_images_builds_and_emptied_folders():
    tree = tree_from_paths([
        "README.md", "package-lock.json", "Cargo.lock", ".git/HEAD", "node_modules/x/index.js",
        "frontend/public/favicon.ico", "frontend/public/near-logo.svg", "frontend/src/App.jsx",
        "contract/target/wasm32/contract.wasm", "contract/src/lib.rs", ".github/workflows/ci.yml",
    ])
    assert clean(tree).paths() == [
        "README.md", "contract/", "contract/src/", "contract/src/lib.rs", "frontend/", "frontend/src/",
        "frontend/src/App.jsx",
    ]


def test_cleaning_caps_depth_then_size():
    deep = tree_from_paths(["a/b/c/d/e/f/g/h.txt", "top.md"])
    assert clean(deep, CleaningRules(max_depth=3)).paths() == ["a/", "a/b/", "a/b/c/", "top.md"]
    wide = tree_from_paths([f"d{i}/f{j}.rs" for i in range(10) for j in range(10)])
    capped = clean(wide, CleaningRules(max_entries=50))
    assert len(capped) <= 50 and capped.depth() == 1
    with pytest.raises(ValueError, match="max_depth"):
        CleaningRules(max_depth=0)


def test_comment_quality_rewards_descriptive_comments_only():
    good = parse_tree("├── Cargo.toml  # Rust crate manifest and dependencies\n└── src/  # contract source code\n")
    vague = parse_tree("├── Cargo.toml  # stuff\n└── src/  # things\n")
    echo = parse_tree("├── Cargo.toml  # Cargo.toml\n└── src/  # src\n")
    bare = parse_tree("├── Cargo.toml\n└── src/\n")
    assert comment_quality(good) == 1.0
    assert comment_quality(vague) == 0.0 and comment_coverage(vague) == 1.0
    assert comment_quality(echo) == 0.0
    assert comment_quality(bare) == 0.0 and comment_coverage(bare) == 0.0
    assert relevance(Node("lib.rs", False, "main contract")) == 1.0
    assert relevance(Node("lib.rs", False, "the contract")) == 0.5
    assert comment_quality(Tree()) == 0.0


def test_structure_difflib_compares_both_trees_in_the_seed_format():
    ref = tree_from_paths(["Cargo.toml", "src/lib.rs"])
    drawn = parse_tree("├── Cargo.toml  # crate manifest\n└── src/\n    └── lib.rs  # the contract")
    assert structure_difflib(ref, drawn) == 1.0  # any format, comments or not
    assert structure_difflib(ref, tree_from_paths(["Cargo.toml", "lib.rs"])) == pytest.approx(2 * 1 / 5)
    assert structure_difflib(ref, Tree()) == 0.0


def test_structure_difflib_seedformat_is_the_raw_line_ratio():
    ref = tree_from_paths(["src/lib.rs", "Cargo.toml"])
    assert structure_difflib_seedformat(ref, "Cargo.toml\nsrc\n    lib.rs\n") == 1.0
    drawn = "├── Cargo.toml\n└── src/\n    └── lib.rs"
    assert structure_difflib_seedformat(ref, drawn) == 0.0  # format-sensitive
    assert structure_difflib_seedformat(ref, "") == 0.0


def test_score_texts_reads_any_two_formats():
    scores = score_texts("src/lib.rs\nCargo.toml\nCargo.lock", "```\n├── Cargo.toml  # crate manifest\n└── src/\n"
                         "    └── lib.rs  # contract logic\n```")
    assert scores["structure"] == 1.0
    assert scores["tree_parsed"] == 1.0
    assert 0 < scores["comment_quality"] <= scores["comment_coverage"] <= 1
    assert score_texts("src/lib.rs", "no tree here, sorry.")["tree_parsed"] == 0.0


def test_ted_matches_apted_on_a_directory_like_tree_of_150_entries():
    apted = pytest.importorskip("apted")
    import random

    rng = random.Random(3)
    paths = [f"{rng.choice(['src', 'tests', 'app', 'lib'])}/{rng.choice(['a', 'b', 'c'])}{rng.randint(0, 4)}/"
             f"f{rng.randint(0, 40)}{rng.choice(['.rs', '.ts'])}" for _ in range(120)]
    a = tree_from_paths(paths)
    b = tree_from_paths([p.replace("f1", "g1") for p in paths if rng.random() > 0.15] + ["extra/new.rs"])
    assert len(a) >= 100
    expected = apted.APTED(Node("", True, "", a.children), Node("", True, "", b.children),
                           apted.Config()).compute_edit_distance()
    assert ted(a, b) == expected > 0


def test_importing_the_cli_does_not_load_numba():
    import subprocess
    import sys

    code = "import sys, nearcoder.trees_cli; print('numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
