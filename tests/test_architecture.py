"""The import layers, read from the source with ``ast`` (nothing is imported).

Flow: ``trainers -> tasks -> sandboxes -> harness`` (each may import the folders after it), ``leaderboard ->
harness``, and the top package ``nearcoder/`` (the CLI, selftest, the demo model) on top of everything. No
folder imports the top, and the folder graph has no cycle. Every ``NEARCODER_*`` variable is read in
``harness/settings.py``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("harness", "sandboxes", "tasks", "trainers", "leaderboard", "nearcoder")
TOP = "nearcoder"
# folder -> the folders it may import (besides itself)
ALLOWED: dict[str, set[str]] = {
    "harness": set(),
    "sandboxes": {"harness"},
    "tasks": {"sandboxes", "harness"},
    "trainers": {"tasks", "sandboxes", "harness"},
    "leaderboard": {"harness"},
    TOP: {"harness", "sandboxes", "tasks", "trainers", "leaderboard"},
}
SETTINGS = Path("harness/settings.py")
# Modules that still read a NEARCODER_* variable themselves; they switch to harness.settings at merge time.
# Do not add to this list: import the setting from nearcoder.harness.settings instead.
LEGACY_ENV_READERS = {
    "leaderboard/envs.py",
}
ENV_NAME = re.compile(r"^NEARCODER_[A-Z0-9_]+$")


def modules() -> list[Path]:
    return sorted(p for folder in FOLDERS for p in (ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts)


def _dotted(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] != TOP:
        parts.insert(0, TOP)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path``, at any depth (function bodies too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _dotted(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            found += [(node.lineno, f"{module}.{a.name}" if not node.module else module) for a in node.names]
    return found


def folder_of_module(name: str) -> str | None:
    """The source folder a ``nearcoder.*`` module lives in (``nearcoder`` for the top package itself)."""
    parts = name.split(".")
    if parts[0] != TOP:
        return None
    if len(parts) > 1 and parts[1] in FOLDERS[:-1]:
        return parts[1]
    return TOP if len(parts) > 1 else None  # a bare ``import nearcoder`` (the version) is fine


def folder_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for path in modules():
        src = path.relative_to(ROOT).parts[0]
        for line, name in imported_modules(path):
            dst = folder_of_module(name)
            if dst and dst != src:
                edges.setdefault((src, dst), []).append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return edges


def test_the_scan_sees_the_known_imports():
    edges = folder_edges()
    assert ("tasks", "harness") in edges and ("tasks", "sandboxes") in edges and (TOP, "tasks") in edges


def test_imports_follow_the_layers():
    bad = [where for (src, dst), wheres in folder_edges().items() if dst not in ALLOWED[src] for where in wheres]
    assert not bad, "imports against the flow:\n" + "\n".join(bad)


def test_no_folder_level_cycle():
    graph: dict[str, set[str]] = {}
    for src, dst in folder_edges():
        graph.setdefault(src, set()).add(dst)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [f for f in FOLDERS if reaches(f, f, {f})]
    assert not cycles, f"folders on an import cycle: {cycles}"


def test_relative_imports_are_resolved(tmp_path, monkeypatch):
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    (tmp_path / "tasks" / "fam").mkdir(parents=True)
    mod = tmp_path / "tasks" / "fam" / "utils.py"
    mod.write_text("from ..x import y\nfrom . import z\nimport nearcoder.cli\n")
    assert [n for _, n in imported_modules(mod)] == ["nearcoder.tasks.x", "nearcoder.tasks.fam.z", "nearcoder.cli"]
    assert folder_of_module("nearcoder.cli") == TOP and folder_of_module("nearcoder.tasks.x") == "tasks"


def _env_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and ENV_NAME.match(n.value)}


def test_nearcoder_variables_are_read_in_settings_only():
    readers = {str(p.relative_to(ROOT)) for p in modules() if _env_names(p)} - {str(SETTINGS)}
    new = readers - LEGACY_ENV_READERS
    assert not new, f"read NEARCODER_* through nearcoder.harness.settings instead: {sorted(new)}"


@pytest.mark.parametrize("folder", [f for f in FOLDERS if f != TOP])
def test_every_folder_readme_shows_its_imports(folder):
    text = (ROOT / folder / "README.md").read_text(encoding="utf-8")
    assert "may import" in text, f"{folder}/README.md: say what the folder may import"
