"""Score generated contracts: extract the file, check the interface, build and test it in the sandbox.

:func:`score_samples` takes (spec, reply) pairs and returns one JSON-ready result per pair, in order. Builds run
in parallel (``$NEARCODER_DAPP_WORKERS``, default: the CPU count, at most 4), each in its own sandbox, through
``sandboxes.batch.run_programs``. Nothing here runs model code outside the sandbox.
"""

from __future__ import annotations

import os

from nearcoder.sandboxes import near_contracts as nc
from nearcoder.tasks.near_dapp_build.extract import extract_source
from nearcoder.tasks.near_dapp_build.interface import check_interface
from nearcoder.tasks.near_dapp_build.specs import ContractSpec

SCHEMA_VERSION = 1


def default_workers() -> int:
    env = os.environ.get("NEARCODER_DAPP_WORKERS", "").strip()
    return max(1, int(env)) if env else max(1, min(4, os.cpu_count() or 1))


def _result(spec: ContractSpec, report: nc.ContractReport, interface: float, details: dict, flags: list[str]) -> dict:
    d = report.to_dict()
    d.update(
        schema=SCHEMA_VERSION,
        spec=spec.id,
        language=spec.language,
        interface=interface,
        interface_details=details,
        flags=flags,
    )
    return d


def _rejected(spec: ContractSpec, reason: str, check_level: str) -> dict:
    report = nc.ContractReport(check_level=check_level, reason=reason)
    report.tests = {name: "not_run" for name in spec.test_names}
    return _result(spec, report, 0.0, {}, [])


def score_samples(pairs: list[tuple[ContractSpec, str]], *, backend=None, workers: int | None = None,
                  progress: bool = False, prepare: bool = False) -> list[dict]:
    """One result dict per (spec, reply), in order. ``backend``: a SandboxBackend or its name (default: configured).

    Extraction and the interface check run here (parsing only); every accepted reply becomes one sandboxed
    program, run through ``sandboxes.batch.run_programs`` (parallel, identical programs built once). With
    ``prepare`` a missing dependency cache is built first (network needed once); without it a missing cache
    raises :class:`~nearcoder.sandboxes.near_contracts.CacheNotPrepared`."""
    from nearcoder.sandboxes.batch import run_programs

    languages = {spec.language for spec, _ in pairs}
    quiet = lambda *_: None  # noqa: E731
    if "rust" in languages:
        recipe = nc.prepare_rust(log=quiet) if prepare else nc.load_rust_recipe()
    if "js" in languages:
        modules = nc.prepare_js(log=quiet) if prepare else nc.load_js_modules()

    results: list[dict | None] = [None] * len(pairs)
    pending = []  # (index, spec, extracted, interface, details, program)
    for i, (spec, reply) in enumerate(pairs):
        extracted = extract_source(reply, spec.language)
        if extracted.code is None:
            results[i] = _rejected(spec, extracted.reason, "unit-tests" if spec.language == "rust" else "typecheck")
            continue
        interface, details = check_interface(extracted.code, spec)
        if spec.language == "rust":
            program = nc.rust_program(extracted.code, spec.tests, recipe)
        else:
            program = nc.js_program(extracted.code, spec.tests, modules)
        pending.append((i, spec, extracted, interface, details, program))

    outcomes = run_programs([p[-1] for p in pending], backend=backend, workers=workers or default_workers(),
                            progress=progress)
    for (i, spec, extracted, interface, details, _), outcome in zip(pending, outcomes):
        if spec.language == "rust":
            report = nc.parse_rust_report(outcome, extracted.code, spec.test_names)
        else:
            report = nc.parse_js_report(outcome, extracted.code)
        if report.wasm_exports is not None:  # a method a client cannot call is not part of the interface
            for m in spec.methods:
                if details.get(m.name) == "ok" and m.name not in report.wasm_exports:
                    details[m.name] = "not exported by the contract wasm"
            interface = sum(details[m.name] == "ok" for m in spec.methods) / len(spec.methods)
        results[i] = _result(spec, report, interface, details, extracted.flags)
    return results
