"""Ray stays optional: nothing imports it until the Ray executor (or the sweep) asks, and then a missing Ray is
one clear error that says how to install it."""

from __future__ import annotations

import os
import subprocess
import sys

# ``sys.modules["ray"] = None`` makes ``import ray`` fail as if Ray were not installed.
WITHOUT_RAY = """
import sys
sys.modules["ray"] = None
from nearcoder.sandboxes.languages import TestProgram, run_tests
from nearcoder.harness.ray_runtime import RayMissing
try:
    run_tests([TestProgram("js", "console.assert(true)")], progress=False)
except RayMissing as exc:
    print("ERROR", exc)
"""


def test_a_missing_ray_is_a_clear_error():
    env = {**os.environ, "NEARCODER_EXECUTOR": "ray"}
    proc = subprocess.run([sys.executable, "-c", WITHOUT_RAY], env=env, capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ERROR Ray is not installed: pip install 'nearcoder[scale]'" in proc.stdout


def test_the_local_executor_never_imports_ray():
    code = ("import sys; from nearcoder.sandboxes import languages, executors; "
            "print(any(m == 'ray' or m.startswith('ray.') for m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.stdout.strip() == "False", proc.stderr[-2000:]
