"""``nearcoder data …``: the dataset builders of the three training stages (heavy imports stay inside commands)."""

from __future__ import annotations

from pathlib import Path

import typer

from nearcoder.harness.errors import bad_input

app = typer.Typer(help="Build the training datasets: corpus, trees, prompts, dpo, ast.", no_args_is_help=True)

FORMAT_HELP = "Output format: jsonl (data.jsonl) or arrow (datasets.save_to_disk)."


def _progress(description: str, total: int | None = None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        transient=True)
    task = progress.add_task(description, total=total)
    return progress, (lambda n=1: progress.advance(task, n))


def _fail(exc: Exception) -> None:
    bad_input("data", exc)


def _print_tables(out: Path) -> None:
    import json

    from rich.console import Console
    from rich.table import Table

    info = json.loads((out / "build_info.json").read_text())
    console = Console()
    for spec in info.get("tables", []):
        table = Table(title=spec["title"])
        for col in spec["header"]:
            table.add_column(str(col))
        for row in spec["rows"]:
            table.add_row(*[str(c) for c in row])
        console.print(table)
    console.print(f"[green]wrote[/] {info['records']} records to {out} (sha256 {info['sha256'][:12]})")


@app.command("corpus")
def corpus(
    inputs: list[Path] = typer.Argument(..., help="Folders (or files) of .md/.mdx/.txt docs."),
    out: Path = typer.Option(..., "--out", "-o", help="Output dataset directory."),
    min_words: int = typer.Option(30, help="Drop pages shorter than this after cleaning."),
    dedup_threshold: float = typer.Option(0.8, help="Shingle Jaccard at or above which a page is a near-duplicate."),
    ngram: int = typer.Option(13, help="Word n-gram length for eval-set overlap."),
    max_removed_fraction: float = typer.Option(0.5, help="Drop a page when more than this share is eval text."),
    no_decontaminate: bool = typer.Option(False, "--no-decontaminate", help="Skip eval-set decontamination."),
    eval_data: Path = typer.Option(None, "--data-dir", "--eval-data", help="Data mirror holding humanevalpack/ and "
                                   "near-docs/ (the near_questions sources); default $NEARCODER_DATA_DIR."),
    fmt: str = typer.Option("jsonl", "--format", help=FORMAT_HELP),
) -> None:
    """Docs → cleaned, deduplicated, decontaminated continued-pre-training corpus (stage 1).

    Example: ``nearcoder data corpus ../shared/data/near-docs --out data/corpus``
    """
    from nearcoder.trainers.data.corpus import CorpusOptions, build_corpus

    options = CorpusOptions(min_words, dedup_threshold, ngram=ngram, max_removed_fraction=max_removed_fraction,
                            decontaminate=not no_decontaminate)
    from nearcoder.trainers.data.decontamination import default_eval_sets

    progress, advance = _progress("reading docs")
    try:
        sets = default_eval_sets(eval_data.resolve() if eval_data else None) if options.decontaminate else []
        for empty in [s.name for s in sets if not s.texts]:
            typer.secho(f"warning: eval set {empty} has no texts (set --data-dir or NEARCODER_DATA_DIR); "
                        "the corpus is not decontaminated against it", fg="yellow", err=True)
        with progress:
            path, _ = build_corpus(inputs, out, options, eval_sets=sets, fmt=fmt, progress=advance)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    _print_tables(path)


@app.command("trees")
def trees(
    inputs: list[Path] = typer.Argument(..., help="Folders of repositories (working trees or files.txt + readmes/)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output dataset directory."),
    style: str = typer.Option("ascii", help="Tree rendering style (see nearcoder.harness.trees.STYLES)."),
    min_files: int = typer.Option(3, help="Skip repositories with fewer files after cleaning."),
    max_entries: int = typer.Option(400, help="Skip repositories whose cleaned tree is larger."),
    include_eval_repos: bool = typer.Option(False, "--include-eval-repos",
                                            help="Keep repositories near_dapp_trees evaluates on (marks the card "
                                                 "CONTAMINATED; for smoke tests only)."),
    fmt: str = typer.Option("jsonl", "--format", help=FORMAT_HELP),
) -> None:
    """Repositories → (repo, tree, README) records (stage 2 material).

    Example: ``nearcoder data trees ../shared/data/near-examples --out data/trees``
    """
    from nearcoder.trainers.data.repo_trees import TreeOptions, build_trees

    progress, advance = _progress("repositories")
    try:
        with progress:
            path, _ = build_trees(inputs, out, TreeOptions(style, min_files, max_entries,
                                                                 include_eval_repos=include_eval_repos), fmt, advance)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    _print_tables(path)


@app.command("prompts")
def prompts(
    trees_dataset: Path = typer.Argument(..., help="A dataset built by `nearcoder data trees`."),
    out: Path = typer.Option(..., "--out", "-o", help="Output dataset directory."),
    endpoint: bool = typer.Option(False, "--endpoint", help="Use the OpenAI-compatible endpoint from "
                                  "NEARCODER_PROMPT_ENDPOINT / _MODEL / _API_KEY (default: extractive, offline)."),
    retries: int = typer.Option(3, help="Attempts per record against the endpoint."),
    fmt: str = typer.Option("jsonl", "--format", help=FORMAT_HELP),
) -> None:
    """(tree, README) → user prompts asking for the project structure.

    Example: ``nearcoder data prompts data/trees --out data/prompts`` (offline), or
    ``NEARCODER_PROMPT_ENDPOINT=https://api.openai.com/v1 NEARCODER_PROMPT_MODEL=gpt-4o
    NEARCODER_PROMPT_API_KEY=… nearcoder data prompts data/trees --out data/prompts --endpoint``
    """
    from nearcoder.trainers.data.user_prompts import build_prompts

    progress, advance = _progress("prompts")
    try:
        with progress:
            path, _ = build_prompts(trees_dataset, out, endpoint, retries, fmt, advance)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    _print_tables(path)


@app.command("dpo")
def dpo(
    prompts_dataset: Path = typer.Argument(..., help="A dataset built by `nearcoder data prompts`."),
    checkpoint: str = typer.Option(..., "--checkpoint", "-m", help="Model that writes the rejected trees "
                                   "(the stage-1 checkpoint; a LoRA adapter directory is merged on load)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output dataset directory."),
    max_new_tokens: int = typer.Option(512, help="Generation length for the rejected tree."),
    temperature: float = typer.Option(0.0, help="0 = greedy."),
    batch_size: int = typer.Option(4, help="Prompts per generate() call (transformers engine)."),
    backend: str = typer.Option("auto", "--engine", "--backend", help="Generation engine: auto | transformers | vllm "
                                "(auto: vLLM when installed and on GPU)."),
    prompt_style: str = typer.Option("benchmark", help="benchmark (near_dapp_trees' exact prompt) | chat | "
                                     "instruction (see nearcoder.trainers.prompt_format)."),
    fmt: str = typer.Option("jsonl", "--format", help=FORMAT_HELP),
) -> None:
    """Prompts → preference pairs: chosen = real tree, rejected = tree the checkpoint writes.

    Example: ``nearcoder data dpo data/prompts --checkpoint out/stage1/merged --out data/dpo``
    """
    from nearcoder.trainers.data.preference_pairs import GenerationOptions, build_pairs

    try:
        options = GenerationOptions(max_new_tokens, temperature, batch_size=batch_size, backend=backend,
                                    prompt_style=prompt_style)
        progress, advance = _progress("generating rejected trees")
        with progress:
            path, _ = build_pairs(prompts_dataset, checkpoint, out, options, fmt, advance)
    except (ValueError, FileNotFoundError, OSError) as exc:
        _fail(exc)
    _print_tables(path)


@app.command("ast")
def ast(
    inputs: list[Path] = typer.Argument(..., help="Folders (or files) of JS/TS/Rust code."),
    out: Path = typer.Option(..., "--out", "-o", help="Output dataset directory."),
    fim_rate: float = typer.Option(0.0, help="Share of segments written in StarCoder2 FIM form (0..1)."),
    max_chars: int = typer.Option(6000, help="Classes/impls longer than this are cut into methods."),
    min_lines: int = typer.Option(2, help="Drop segments shorter than this."),
    seed: int = typer.Option(0, help="Seed for FIM choices."),
    fmt: str = typer.Option("jsonl", "--format", help=FORMAT_HELP),
) -> None:
    """Code files → segments at syntax boundaries (tree-sitter), optionally in FIM form (stage 3).

    Example: ``nearcoder data ast path/to/near-examples-checkouts --out data/ast --fim-rate 0.5``
    """
    from nearcoder.trainers.data.ast_segments import AstOptions, build_segments

    progress, advance = _progress("code files")
    try:
        with progress:
            path, _ = build_segments(inputs, out, AstOptions(max_chars, min_lines, fim_rate=fim_rate, seed=seed),
                                     fmt, advance)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    _print_tables(path)
