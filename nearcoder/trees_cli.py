"""``nearcoder trees``: score a predicted tree against a reference, render trees, rebuild the dataset."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(help="dApp directory trees: parse, score and build the near_dapp_trees dataset.",
                  no_args_is_help=True)


def _read(path: Path, what: str) -> str:
    if str(path) == "-":
        import sys

        return sys.stdin.read()
    if not path.is_file():
        bad_input("trees", f"{what} file not found: {path}")
    return path.read_text(encoding="utf-8", errors="replace")


@app.command("score")
def score(
    reference: Path = typer.Argument(..., help="Reference tree: a file in any tree format (or - for stdin)."),
    prediction: Path = typer.Argument(..., help="Predicted tree / model answer: a file in any format."),
) -> None:
    """Print structure, structure_difflib(_seedformat), comment_quality, comment_coverage, tree_parsed as JSON.

    Example: ``nearcoder trees score ref.txt answer.md`` → ``{"structure": 0.82, ...}``
    """
    from nearcoder.harness.trees.metrics import score_texts
    from nearcoder.harness.trees.parse import parse_tree

    ref_text = _read(reference, "reference")
    if not parse_tree(ref_text):
        bad_input("trees", f"no tree found in the reference {reference}")
    scores = score_texts(ref_text, _read(prediction, "prediction"))
    typer.echo(json.dumps({k: round(v, 6) for k, v in scores.items()}, indent=2))


@app.command("render")
def render_cmd(
    source: Path = typer.Argument(..., help="A file holding a tree in any format (or - for stdin)."),
    style: str = typer.Option("ascii", help="ascii, indent2, indent4, tabs, markdown, paths or seed."),
    clean_it: bool = typer.Option(False, "--clean", help="Apply the cleaning rules first."),
) -> None:
    """Parse a tree and print it in another format (shows what the parser understood).

    Example: ``nearcoder trees render answer.md --style paths``
    """
    from nearcoder.harness.trees import STYLES, clean, parse_tree, render

    if style not in STYLES:
        bad_input("trees", f"unknown style {style!r}; choose from {', '.join(STYLES)}")
    tree = parse_tree(_read(source, "tree"))
    typer.echo(render(clean(tree) if clean_it else tree, style))


@app.command("build-dataset")
def build_dataset(
    out: Path = typer.Option(None, help="Output folder (default: the installed tasks/near_dapp_trees/data)."),
    data_dir: Path = typer.Option(None, help="Shared data folder (default: $NEARCODER_DATA_DIR)."),
    endpoint: bool = typer.Option(False, help="Write prompts with the OpenAI-compatible endpoint in "
                                  "$NEARCODER_PROMPT_ENDPOINT (model $NEARCODER_PROMPT_MODEL) instead of rules."),
) -> None:
    """Rebuild clean.jsonl / contaminated.jsonl / selection.tsv from near-examples (deterministic without --endpoint).

    Example: ``NEARCODER_DATA_DIR=../shared/data nearcoder trees build-dataset``
    """
    from rich.progress import Progress

    from nearcoder.harness.data_sources import mirror_dir
    from nearcoder.harness.paths import tasks_dir
    from nearcoder.tasks.near_dapp_trees.dataset import build_split, write_jsonl
    from nearcoder.tasks.near_dapp_trees.prompts import ENDPOINT_ENV, endpoint_configured

    root = data_dir or mirror_dir()
    if root is None or not (root / "near-examples").is_dir():
        bad_input("trees", f"no near-examples folder under {root}; pass --data-dir or set "
                  "NEARCODER_DATA_DIR")
    if endpoint and not endpoint_configured():
        bad_input("trees", f"--endpoint needs {ENDPOINT_ENV}")
    with Progress(transient=True) as progress:
        task = progress.add_task("building pairs", total=None)
        pairs, excluded = build_split(root, use_endpoint=endpoint,
                                      progress=lambda pid: progress.update(task, advance=1, description=pid))
    target = out or tasks_dir() / "near_dapp_trees" / "data"
    written = write_jsonl(pairs, target, excluded)
    clean_n = sum(not p.contaminated for p in pairs)
    typer.echo(f"{len(pairs)} pairs ({clean_n} clean, {len(pairs) - clean_n} contaminated) -> "
               + ", ".join(str(p) for p in written.values()))
