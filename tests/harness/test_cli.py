"""The ``nearcoder`` CLI: every command explains itself, and the lm-eval bridge builds the right argv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nearcoder.cli import app
from nearcoder.harness.paths import task_folders, tasks_dir
from nearcoder.lm_eval_bridge import build_argv, split_include_path

runner = CliRunner()


def _commands(typer_app):
    import typer.main

    group = typer.main.get_command(typer_app)
    return group, sorted(group.commands)


def _walk(command, path=()):
    """Every leaf command of the CLI with its argv path (groups are walked into)."""
    import click

    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _walk(sub, (*path, name))
    else:
        yield path, command


def test_every_command_has_help_with_an_example():
    group, names = _commands(app)
    assert {"tasks-path", "eval", "demo-model"} <= set(names)
    for path, command in _walk(group):
        if path == ("eval",):  # --help passes through to lm-eval; the docstring carries the example
            assert "Example" in command.help
            continue
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, result.output
        assert "example" in result.output.lower(), f"nearcoder {' '.join(path)} --help has no example"


def test_tasks_path_prints_the_installed_tasks_directory():
    result = runner.invoke(app, ["tasks-path"])
    assert result.exit_code == 0
    path = Path(result.output.strip())
    assert path == tasks_dir()
    assert (path / "near_questions" / "near_questions.yaml").is_file()
    assert [p.name for p in task_folders()] and all(p.name.startswith("near_") for p in task_folders())


def test_eval_argv_defaults_to_run_and_sets_include_path():
    argv = build_argv(["--tasks", "near_questions", "--limit", "2"])
    assert argv[:3] == ["run", "--include_path", str(tasks_dir())]
    assert argv[3:] == ["--tasks", "near_questions", "--limit", "2"]


def test_eval_argv_keeps_subcommands():
    assert build_argv(["ls", "tasks"])[:2] == ["ls", "--include_path"]


def test_user_include_path_is_joined_not_dropped(tmp_path):
    (tmp_path / "my_task").mkdir()
    argv = build_argv(["--include_path", str(tmp_path), "--tasks", "x"])
    joined = Path(argv[2])
    assert (joined / "nearcoder").resolve() == tasks_dir()
    assert (joined / "extra0").resolve() == tmp_path.resolve()
    assert "--include_path" not in argv[3:]


def test_include_path_errors_are_clear(tmp_path):
    with pytest.raises(ValueError, match="needs a directory"):
        split_include_path(["--include_path"])
    with pytest.raises(ValueError, match="not a directory"):
        build_argv(["--include_path", str(tmp_path / "missing")])


@pytest.mark.slow  # starts lm-eval
def test_eval_lists_near_tasks_through_lm_eval():
    out = subprocess.run(
        [sys.executable, "-m", "nearcoder", "eval", "ls", "tasks"], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "near_questions" in out.stdout


def test_eval_bad_include_path_exits_2(tmp_path):
    result = runner.invoke(app, ["eval", "--include_path", str(tmp_path / "nope"), "--tasks", "near_questions"])
    assert result.exit_code == 2


@pytest.mark.slow  # loads lm-eval's TaskManager
def test_near_glob_and_group_select_the_same_tasks_once():
    """`--tasks 'near_*'` must not match the group (lm-eval would load every task twice), and the group
    `near` must list every task folder's default task."""
    import yaml
    from lm_eval.tasks import TaskManager

    manager = TaskManager(include_path=str(tasks_dir()))
    matched = manager.match_tasks(["near_*"])
    assert "near" not in matched and len(matched) == len(set(matched))
    assert not [g for g in manager.all_groups if g.startswith("near_")]
    group = yaml.safe_load((tasks_dir() / "_near.yaml").read_text())
    assert group["group"] == "near"
    assert set(group["task"]) <= set(matched)
    for folder in task_folders():
        assert folder.name in matched or any(t.startswith(folder.name) for t in group["task"]), folder.name


def test_prepare_targets_come_from_the_cards_and_bad_input_exits_2():
    from nearcoder.harness import cards

    assert list(cards.prepare_targets()) == ["humaneval", "dapp-build"]
    result = runner.invoke(app, ["prepare", "everything"])
    assert result.exit_code == 2
    assert "nearcoder prepare: unknown target 'everything'; choose from humaneval, dapp-build, all" in result.output


def test_prepare_checks_its_tools_before_touching_the_network(monkeypatch):
    monkeypatch.setenv("PATH", "")
    result = runner.invoke(app, ["prepare", "dapp-build"])
    assert result.exit_code == 2 and "cargo, node, npm, rustc not found on PATH" in result.output


def test_every_card_selftest_has_its_command():
    from nearcoder.harness import cards

    group, _ = _commands(app)
    commands = set(group.commands["selftest"].commands)
    declared = {card.selftest.command for card in cards.load_cards() if card.selftest}
    assert declared == {"humaneval", "dapp-trees", "dapp-build"} and declared | {"all"} == commands


def test_one_error_path_across_command_groups(tmp_path):
    """Bad input in any group: `nearcoder COMMAND: problem`, exit 2."""
    cases = {
        ("demo-model",): "nearcoder demo-model: give the output directory once",
        ("trees", "render", str(tmp_path / "missing.txt")): "nearcoder trees: tree file not found",
        ("train", "stage1", "--config", str(tmp_path / "none.yaml")): "nearcoder train: config",
        ("selftest", "humaneval", "--lang", "go"): "nearcoder selftest humaneval: --lang 'go'",
        ("selftest", "dapp-build", "--lang", "go"): "nearcoder selftest dapp-build: --lang 'go'",
    }
    for argv, message in cases.items():
        result = runner.invoke(app, list(argv))
        assert result.exit_code == 2, (argv, result.output)
        assert message in result.output, (argv, result.output)


def test_old_option_spellings_still_work():
    group, _ = _commands(app)
    opts = {p.name: p.opts for p in group.commands["selftest"].commands["humaneval"].params}
    assert opts["backend"][:2] == ["--sandbox", "--backend"]
    gate = {p.name: p.opts for p in group.commands["gate"].params}
    assert gate["report"] == ["--out", "--report"]
