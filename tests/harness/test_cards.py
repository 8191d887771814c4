"""The card registry: every lm-eval task and metric is declared once, in its family's card.toml, and shown."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml

from nearcoder.harness import cards
from nearcoder.harness.cards import CardError, read_card
from nearcoder.harness.paths import tasks_dir


class _TaskLoader(yaml.SafeLoader):
    """Reads task YAMLs as lm-eval does, keeping ``!function`` references as strings."""


_TaskLoader.add_constructor("!function", lambda loader, node: f"!function {loader.construct_scalar(node)}")


def _read(path: Path) -> dict:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_TaskLoader) or {}
    if "include" in data:
        base = _read(path.parent / data.pop("include"))
        data = {**base, **data}
    return data


def yaml_tasks() -> dict[str, dict]:
    """Task name -> its resolved config, for every task YAML lm-eval finds under the tasks folder."""
    found = {}
    for path in sorted(tasks_dir().rglob("*.yaml")):
        data = _read(path)
        if isinstance(data.get("task"), str) and "group" not in data:
            found[data["task"]] = data
    return found


def test_every_yaml_task_and_metric_has_a_card_entry():
    declared = cards.tasks()
    found = yaml_tasks()
    assert set(found) == set(declared), "tasks in YAML but not in a card, or in a card but not in YAML"
    for name, config in found.items():
        card = cards.task_card(name)
        yaml_metrics = {m["metric"]: m.get("higher_is_better", True) for m in config["metric_list"]}
        assert set(yaml_metrics) == set(declared[name].metrics), f"{name}: metric_list differs from {card.path}"
        for metric, higher in yaml_metrics.items():
            assert card.metrics[metric].higher_is_better == higher, f"{name}:{metric} higher_is_better"


def test_every_metric_has_a_leaderboard_column_or_says_why_not():
    shown = {(t, m) for col in cards.leaderboard_columns() for t in col.tasks for m in col.metrics}
    for name, task in cards.tasks().items():
        for metric in task.metrics:
            if metric in task.not_on_leaderboard:
                assert task.why
                continue
            assert (name, metric) in shown, f"{name}:{metric} has no leaderboard column"


def test_near_group_lists_exactly_the_cards_group_tasks():
    listed = yaml.safe_load((tasks_dir() / "_near.yaml").read_text())["task"]
    assert len(listed) == len(set(listed))
    assert set(listed) == set(cards.group_tasks())


def test_seed_columns_and_their_replacements():
    columns = cards.leaderboard_columns()
    seed = [c.col_name for c in columns if c.seed]
    assert len(seed) == 8 and all(c.seed for c in columns[:8])
    assert {c.replaces for c in columns if c.replaces} <= set(seed)
    assert all(not c.in_average for c in columns if c.seed)


def test_primary_metric():
    assert cards.primary_metric("near_humaneval_rust") == ("pass@1", True)
    assert cards.primary_metric("near_dapp_trees") == ("structure", True)
    with pytest.raises(KeyError, match="near_nothing"):
        cards.primary_metric("near_nothing")


def test_entry_points_resolve_to_functions():
    for card in cards.load_cards():
        entries = list(card.prepare.entries if card.prepare else ()) + [
            r.entry for r in (card.selftest.runs if card.selftest else ())]
        for entry in entries:
            module, func = entry.split(":")
            assert callable(getattr(importlib.import_module(module), func)), f"{card.path}: {entry}"


def test_decontamination_files_exist():
    for card in cards.load_cards():
        decon = card.decontamination
        for src in decon.texts if decon else ():
            for pattern in src.files:
                assert list(card.folder.glob(pattern)), f"{card.path}: {pattern} matches nothing"
            if src.listing:
                assert (card.folder / src.listing).is_file()


MINIMAL = """
family = "near_demo"
order = 9
summary = "demo"
[tasks.near_demo]
description = "d"
metrics = ["acc"]
primary_metric = "acc"
[metrics.acc]
higher_is_better = true
"""


def _card(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "near_demo" / "card.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_a_minimal_card_reads(tmp_path):
    card = read_card(_card(tmp_path, MINIMAL))
    assert card.tasks["near_demo"].group and card.columns == () and card.prepare is None


@pytest.mark.parametrize("change, field", [
    (("primary_metric = \"acc\"", "primary_metric = \"f1\""), "tasks.near_demo.primary_metric"),
    (("higher_is_better = true", "higher_is_better = \"yes\""), "metrics.acc.higher_is_better"),
    (("family = \"near_demo\"", "family = \"other\""), "family"),
    (("summary = \"demo\"", "summary = \"demo\"\ncolour = 1"), "colour"),
    (("metrics = [\"acc\"]", "metrics = [\"acc\", \"f1\"]"), "tasks.near_demo.metrics"),
])
def test_a_bad_card_names_its_file_and_field(tmp_path, change, field):
    path = _card(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(CardError) as err:
        read_card(path)
    assert str(path) in str(err.value) and f"'{field}'" in str(err.value)


def test_a_column_of_an_unknown_task_is_rejected(tmp_path):
    text = MINIMAL + '[[columns]]\nname = "x"\ntasks = ["near_other"]\nmetrics = ["acc"]\ndescription = "x"\n'
    with pytest.raises(CardError, match=r"columns\[0\]\.tasks"):
        read_card(_card(tmp_path, text))


def test_a_task_declared_twice_is_rejected(tmp_path):
    _card(tmp_path, MINIMAL)
    twin = tmp_path / "near_twin" / "card.toml"
    twin.parent.mkdir()
    twin.write_text(MINIMAL.replace('family = "near_demo"', 'family = "near_twin"'))
    with pytest.raises(CardError, match="also declared"):
        cards.load_cards(tmp_path)
