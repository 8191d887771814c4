"""Score generated contracts: extract the file, check the interface, build and test it in the sandbox.

:func:`score_samples` takes (spec, reply) pairs and returns one JSON-ready result per pair, in order. Builds run
in parallel (``$NEARCODER_DAPP_WORKERS``, default: the CPU count, at most 4), each stage in its own sandbox step
(``rust_pipeline``, ``js_pipeline``). Nothing here runs model code outside the sandbox, and nothing here fills
a cache: a missing one raises :class:`~nearcoder.tasks.near_dapp_build.cache.CacheNotPrepared`.
"""

from __future__ import annotations

import os

from nearcoder.tasks.near_dapp_build import cache
from nearcoder.tasks.near_dapp_build.extract import extract_source
from nearcoder.tasks.near_dapp_build.interface import check_interface
from nearcoder.tasks.near_dapp_build.report import ContractReport
from nearcoder.tasks.near_dapp_build.specs import ContractSpec
from nearcoder.harness import settings

SCHEMA_VERSION = 2


def default_workers() -> int:
    configured = settings.dapp_workers()
    return max(1, configured) if configured else max(1, min(4, os.cpu_count() or 1))


def check_level(spec: ContractSpec) -> str:
    if spec.language == "rust":
        return "unit-tests"
    return "behaviour-node" if spec.behaviour_tests else "typecheck"


def sample_status(report: ContractReport) -> str:
    """The one-word verdict the leaderboard's sample view shows: passed only when every hidden test passed."""
    if report.tests and all(v == "passed" for v in report.tests.values()) and report.functionality == 1.0:
        return "passed"
    return "failed"


def _result(spec: ContractSpec, report: ContractReport, interface: float, details: dict, flags: list[str],
            code: str | None) -> dict:
    d = report.to_dict()
    d.update(
        schema=SCHEMA_VERSION,
        spec=spec.id,
        language=spec.language,
        interface=interface,
        interface_details=details,
        flags=flags,
        # What the leaderboard's drill-down reads: the code, the verdict and its reason (+ `tests` above).
        completion=code or "",
        status=sample_status(report),
    )
    return d


def score_samples(pairs: list[tuple[ContractSpec, str]], *, backend=None, workers: int | None = None,
                  progress: bool = False) -> list[dict]:
    """One result dict per (spec, reply), in order. ``backend``: a SandboxBackend or its name (default: configured).

    Extraction and the interface check run here (parsing only); every accepted reply goes through its
    language's sandbox pipeline. The caches must have been prepared (``nearcoder prepare dapp-build``)."""
    from nearcoder.tasks.near_dapp_build.js_pipeline import run_js
    from nearcoder.tasks.near_dapp_build.rust_pipeline import run_rust

    languages = {spec.language for spec, _ in pairs}
    recipe = cache.load_rust_recipe() if "rust" in languages else None
    modules = cache.load_js_modules() if "js" in languages else None
    workers = workers or default_workers()

    results: list[dict | None] = [None] * len(pairs)
    pending: dict[str, list] = {"rust": [], "js": []}  # (index, spec, extracted, interface, details)
    for i, (spec, reply) in enumerate(pairs):
        extracted = extract_source(reply, spec.language)
        if extracted.code is None:
            report = ContractReport(check_level=check_level(spec), reason=extracted.reason,
                                    tests={name: "not_run" for name in spec.test_names})
            results[i] = _result(spec, report, 0.0, {}, [], None)
            continue
        interface, details = check_interface(extracted.code, spec)
        pending[spec.language].append((i, spec, extracted, interface, details))

    reports = []
    if pending["rust"]:
        reports += run_rust([(p[2].code, p[1].tests) for p in pending["rust"]], recipe, backend=backend,
                            workers=workers, progress=progress)
    if pending["js"]:
        reports += run_js([(p[2].code, p[1].tests, p[1].behaviour_tests, p[1].contract, p[1].test_names)
                           for p in pending["js"]], modules, backend=backend, workers=workers, progress=progress)
    for (i, spec, extracted, interface, details), report in zip(pending["rust"] + pending["js"], reports):
        if report.wasm_exports is not None:  # a method a client cannot call is not part of the interface
            for m in spec.methods:
                if details.get(m.name) == "ok" and m.name not in report.wasm_exports:
                    details[m.name] = "not exported by the contract wasm"
            interface = sum(details[m.name] == "ok" for m in spec.methods) / len(spec.methods)
        results[i] = _result(spec, report, interface, details, extracted.flags, extracted.code)
    return results
