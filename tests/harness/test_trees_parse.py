"""The tree parser: every rendered format reads back to the same canonical tree; garbage never raises."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nearcoder.harness.trees import STYLES, Node, Tree, make_tree, parse_tree, render, tree_from_paths

_FIRST = string.ascii_letters + string.digits + "._"
_REST = string.ascii_letters + string.digits + "._-"
names = st.builds(lambda a, b: a + b, st.sampled_from(_FIRST), st.text(_REST, max_size=12)).filter(
    lambda n: any(c.isalnum() for c in n) and not n.startswith("..") and not re.fullmatch(r"\d{1,3}\.", n)
)  # names as the parser reads them: a letter or digit somewhere, not a list number like `1.`
comments = st.one_of(
    st.just(""),
    st.builds(lambda a, b: (a + b).strip(), st.sampled_from(string.ascii_letters),
              st.text(string.ascii_letters + string.digits + " .,'", max_size=30)),
)


def _nodes(with_comments: bool, empty_dirs: bool, max_leaves: int = 25):
    comment = comments if with_comments else st.just("")
    leaf = st.builds(lambda n, c, d: Node(n, d, c), names, comment, st.booleans() if empty_dirs else st.just(False))
    return st.recursive(
        leaf,
        lambda kids: st.builds(lambda n, c, ch: Node(n, True, c, tuple(ch)), names, comment,
                               st.lists(kids, min_size=1, max_size=5, unique_by=lambda k: k.name)),
        max_leaves=max_leaves,
    )


def trees(with_comments: bool = True, empty_dirs: bool = True):
    """Random canonical trees (the shared strategy of the tree tests)."""
    return st.lists(_nodes(with_comments, empty_dirs), max_size=6, unique_by=lambda k: k.name).map(make_tree)


LOSSLESS = [s for s in STYLES if s != "seed"]


@pytest.mark.parametrize("style", LOSSLESS)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees())
def test_render_then_parse_gives_the_same_tree(style, tree):
    assert parse_tree(render(tree, style)) == tree


@pytest.mark.parametrize("style", LOSSLESS)
@settings(max_examples=25, deadline=None)
@given(tree=trees().filter(bool), root=names, fence=st.booleans())
def test_root_folder_fences_and_prose_do_not_change_the_tree(style, tree, root, fence):
    body = render(tree, style, root=root)
    if fence:
        body = f"```text\n{body}\n```"
    text = f"Here is a layout for your NEAR dApp:\n\n{body}\n\nLet me know if you want the contract code too."
    assert parse_tree(text) == tree


@settings(max_examples=80, deadline=None)
@given(tree=trees(with_comments=False, empty_dirs=False))
def test_seed_format_round_trips_when_no_folder_is_empty(tree):
    assert parse_tree(render(tree, "seed")) == tree


@settings(max_examples=60, deadline=None)
@given(tree=trees())
def test_slash_comments_are_read_like_hash_comments(tree):
    assert parse_tree(render(tree, "ascii", comment_marker="//")) == tree


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_any_text_parses_without_raising(text):
    assert isinstance(parse_tree(text), Tree)


@settings(max_examples=100, deadline=None)
@given(data=st.binary())
def test_any_bytes_parse_without_raising(data):
    assert isinstance(parse_tree(data), Tree)


@pytest.mark.parametrize("text", [
    "",
    None,
    "I am sorry, I cannot help with that request.",
    "The project uses Rust for the contract and React for the frontend.\nTests run in the sandbox.",
    "```rust\nuse near_sdk::near;\n\n#[near(contract_state)]\npub struct Contract { greeting: String }\n```",
    "{\n  \"name\": \"hello\",\n  \"version\": \"1.0.0\"\n}",
    "│\n│\n└──",
    "...",
])
def test_text_without_a_tree_gives_an_empty_tree(text):
    assert parse_tree(text) == Tree()


def test_the_seed_deck_example_parses_with_its_root_removed():
    text = """```
nearuko-nft-dapp/
├── README.md
├── contracts/
│   ├── assembly/
│   │   ├── __tests__/
│   │   └── main.ts
│   └── build.sh
└── near-config/
    ├── mainnet.json
    └── testnet.json
```"""
    tree = parse_tree(text)
    assert tree.paths() == [
        "README.md", "contracts/", "contracts/assembly/", "contracts/assembly/__tests__/",
        "contracts/assembly/main.ts", "contracts/build.sh", "near-config/", "near-config/mainnet.json",
        "near-config/testnet.json",
    ]


def test_markdown_bullets_keep_comments_and_nest_paths():
    text = """Project layout:

- `contract/` — the Rust smart contract
  - `src/lib.rs`: contract logic
  - **Cargo.toml**
- README.md (how to build and deploy)
"""
    tree = parse_tree(text)
    assert tree.paths() == ["README.md", "contract/", "contract/Cargo.toml", "contract/src/", "contract/src/lib.rs"]
    assert tree.comments() == {
        "README.md": "how to build and deploy",
        "contract/": "the Rust smart contract",
        "contract/src/lib.rs": "contract logic",
    }


def test_classic_tree_glyphs_emoji_and_free_comments_on_drawn_lines():
    text = "my-app\n|-- src\n|   `-- index.js    main entry point\n`-- 📄 package.json  <- npm scripts\n"
    tree = parse_tree(text)
    assert tree.paths() == ["package.json", "src/", "src/index.js"]
    assert tree.comments() == {"package.json": "npm scripts", "src/index.js": "main entry point"}


def test_a_cut_off_fence_still_yields_the_tree():
    text = "Structure:\n```\n├── Cargo.toml\n├── src/\n│   └── lib.rs\n└── tes"
    assert parse_tree(text).paths() == ["Cargo.toml", "src/", "src/lib.rs", "tes"]


def test_the_biggest_fenced_block_wins_over_a_code_block():
    text = ("```bash\nnpm install\nnpm run build\n```\n\n```\nsrc/\n  lib.rs\n  util.rs\nCargo.toml\n```\n"
            "- `lib.rs`: contract")
    assert parse_tree(text).file_paths() == ["Cargo.toml", "src/lib.rs", "src/util.rs"]


def test_ellipses_and_bare_bars_are_skipped():
    text = "├── src/\n│   ├── lib.rs\n│   └── ...\n│\n├── app/.../page.tsx\n└── components/...\n"
    assert parse_tree(text).paths() == ["app/", "app/page.tsx", "components/", "src/", "src/lib.rs"]


def test_paths_and_indentation_agree_and_duplicates_merge():
    as_paths = parse_tree("frontend/src/App.jsx\nfrontend/package.json\nfrontend/src/App.jsx\nREADME.md")
    as_tree = tree_from_paths(["README.md", "frontend/package.json", "frontend/src/App.jsx"])
    assert as_paths == as_tree


def test_the_shared_seed_trees_parse_back_to_their_paths(shared_data):
    folder = shared_data / "near-dapps" / "seed-trees"
    files = sorted(folder.glob("*_tree.txt"))[:80]
    assert files, f"no seed trees in {folder}"
    parsed_any = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        tree = parse_tree(text)
        lines = [line for line in text.splitlines() if line.strip()]
        if len(lines) >= 2:
            assert tree, path.name
            parsed_any += 1
            # every non-blank line is one entry (the seed format never repeats a name in a folder)
            assert len(tree) <= len(lines)
    assert parsed_any > 40


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"))))
def test_text_without_letters_or_digits_gives_an_empty_tree(text):
    assert parse_tree(text) == Tree()
