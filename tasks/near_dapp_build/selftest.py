"""``nearcoder selftest dapp-build``: every reference solution must build and pass all its hidden tests in the sandbox.

Rust references must compile, pass every hidden unit test, match the interface, be rustfmt-clean and free of
compiler and clippy warnings; JS references must type-check against near-sdk-js together with their
interface probe and match the interface. ``--prepare`` fetches and pre-builds the caches first (idempotent).
With ``controls``, each Rust spec's generated negative controls (``controls.py``) are scored too and printed
next to the reference as a table; a control above 0 is marked ``WEAK`` (the CI test fails on it) but does not
change the exit status, which is about the references.
"""

from __future__ import annotations

import json
import time
from pathlib import Path


def reference_reply(code: str) -> str:
    """A reference solution as a model would reply to the prompt (which already opened the code block)."""
    return code.rstrip() + "\n```\n"


def problems_with(result: dict) -> list[str]:
    """Why a reference result is not perfect (empty when it is)."""
    problems = []
    if result["reason"] != "ok" and not result["reason"].startswith("ok "):
        problems.append(result["reason"])
    failing = [name for name, verdict in result["tests"].items() if verdict != "passed"]
    if failing:
        problems.append(f"tests not passed: {', '.join(failing)}")
    if result["interface"] != 1.0:
        problems.append(f"interface {result['interface']:.2f}: " + json.dumps(
            {k: v for k, v in result["interface_details"].items() if v != "ok"}))
    if result["language"] == "rust":
        if not result["build"]:
            problems.append("did not build")
        if result["warnings"]:
            problems.append(f"{result['warnings']} warnings")
        if not result["rustfmt_clean"]:
            problems.append("not rustfmt-clean")
    return problems


def main(languages: list[str], *, prepare: bool = False, backend: str | None = None, workers: int | None = None,
         only: list[str] | None = None, out: Path | None = None, controls: bool = False, echo=print) -> int:
    from nearcoder.sandboxes.factory import get_backend
    from nearcoder.tasks.near_dapp_build import cache
    from nearcoder.tasks.near_dapp_build.scoring import score_samples
    from nearcoder.tasks.near_dapp_build.specs import load_specs

    start = time.monotonic()
    if prepare:
        cache.prepare(tuple(languages), log=echo)
    specs = [s for lang in languages for s in load_specs(lang) if not only or s.id in only]
    if not specs:
        echo(f"no specs match {only}")
        return 2
    try:
        results = score_samples([(s, reference_reply(s.reference)) for s in specs],
                                backend=get_backend(backend), workers=workers)
    except cache.CacheNotPrepared as exc:
        echo(str(exc))
        return 2
    passed = 0
    for spec, result in zip(specs, results):
        problems = problems_with(result)
        passed += not problems
        status = "ok  " if not problems else "FAIL"
        echo(f"{status} {spec.language}/{spec.id:<16} {result['check_level']:<10} "
             f"tests {sum(v == 'passed' for v in result['tests'].values())}/{len(result['tests'])} "
             f"{result['duration_s']:.1f}s" + ("" if not problems else "  " + " | ".join(problems)))
        if problems and result.get("log"):
            echo("    " + result["log"][-1500:].replace("\n", "\n    "))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=1))
    rust = [s for s in specs if s.language == "rust"]
    if controls and rust:
        reference = {spec.id: r["functionality"] for spec, r in zip(specs, results) if spec.language == "rust"}
        control_table(rust, reference, backend=get_backend(backend), workers=workers, echo=echo)
    echo(f"passed {passed}/{len(specs)} in {time.monotonic() - start:.1f}s")
    return 0 if passed == len(specs) else 1


def score_controls(specs, *, backend=None, workers: int | None = None) -> dict[tuple[str, str], dict]:
    """(spec id, control) -> result, for every generated control of every spec."""
    from nearcoder.tasks.near_dapp_build.controls import CONTROLS, control
    from nearcoder.tasks.near_dapp_build.scoring import score_samples

    keys = [(s.id, kind) for s in specs for kind in CONTROLS]
    by_id = {s.id: s for s in specs}
    pairs = [(by_id[sid], reference_reply(control(kind, by_id[sid].reference))) for sid, kind in keys]
    return dict(zip(keys, score_samples(pairs, backend=backend, workers=workers)))


def control_table(specs, reference: dict[str, float], *, backend=None, workers: int | None = None,
                  echo=print) -> dict:
    """Print functionality of each spec's reference (must be 1) next to its controls (must be 0)."""
    from nearcoder.tasks.near_dapp_build.controls import CONTROLS

    results = score_controls(specs, backend=backend, workers=workers)
    echo(f"{'functionality':<16} {'reference':>9} " + " ".join(f"{k:>14}" for k in CONTROLS))
    for spec in specs:
        cells = []
        for kind in CONTROLS:
            r = results[(spec.id, kind)]
            cell = f"{r['functionality']:.2f}" + ("" if r["build"] else " (no build)")
            cells.append(f"{cell + (' WEAK' if r['functionality'] > 0 else ''):>14}")
        echo(f"{spec.id:<16} {reference[spec.id]:>9.2f} " + " ".join(cells))
    return results
