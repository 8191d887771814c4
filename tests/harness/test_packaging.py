"""Packaging: a wheel built from the tree installs into a fresh venv with every task folder as package data."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(REPO)],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (found,) = dist.glob("nearcoder_eval-*.whl")
    return found


def test_wheel_contains_one_import_package_and_task_data(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert top == {"nearcoder"}, f"generic top-level names leaked into site-packages: {top}"
    for task in (REPO / "tasks").iterdir():
        if task.is_dir() and any(task.glob("*.yaml")):
            for f in task.glob("*.yaml"):
                assert f"nearcoder/tasks/{task.name}/{f.name}" in names
            assert f"nearcoder/tasks/{task.name}/README.md" in names, f"{task.name} has no README in the wheel"
            assert f"nearcoder/tasks/{task.name}/card.toml" in names, f"{task.name} has no card in the wheel"
    assert "nearcoder/tasks/_near.yaml" in names
    assert "nearcoder/demo_corpus/near_snippets.txt" in names and "nearcoder/cli.py" in names


def test_wheel_installs_into_fresh_venv(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    # The fresh venv gets its dependencies from this interpreter's site-packages (a plain path entry, so the
    # editable install's finder is not loaded) and nearcoder itself only from the wheel.
    site = next((env_dir / "lib").glob("python*/site-packages"))
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    py = env_dir / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(py), "install", "--no-deps", str(wheel)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = subprocess.run([str(env_dir / "bin" / "nearcoder"), "tasks-path"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    tasks = Path(out.stdout.strip())
    assert tasks.is_relative_to(site), f"tasks-path points outside the fresh venv: {tasks}"
    expected = sorted(p.name for p in (REPO / "tasks").iterdir() if p.is_dir() and any(p.glob("*.yaml")))
    installed = sorted(p.name for p in tasks.iterdir() if p.is_dir() and any(p.glob("*.yaml")))
    assert installed == expected
    # the cards are found in the installed package (nearcoder.harness.cards locates tasks without importing them)
    out = subprocess.run([str(env_dir / "bin" / "nearcoder"), "prepare", "nothing"], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert out.returncode == 2 and "choose from humaneval, dapp-build, all" in out.stderr, out.stderr[-3000:]
    for name in installed:
        assert (tasks / name / "utils.py").is_file() and (tasks / name / "README.md").is_file()
    listed = subprocess.run([str(py), "-m", "lm_eval", "ls", "tasks", "--include_path", str(tasks)],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr[-3000:]
    for name in installed:
        assert name in listed.stdout or any(t.startswith(name) for t in listed.stdout.split())


def test_editable_install_resolves_to_the_tree():
    import nearcoder.harness
    import nearcoder.tasks

    assert Path(nearcoder.tasks.__file__).resolve().parent == REPO / "tasks"
    assert Path(nearcoder.harness.__file__).resolve().parent == REPO / "harness"
