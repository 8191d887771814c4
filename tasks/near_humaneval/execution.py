"""Runs HumanEvalPack test programs in the sandbox: every sample of every document in one batch.

lm-eval scores one document at a time, so the task's filter calls :func:`execute_samples` once with all
documents and their responses; identical programs (common at temperature 0.2) run once. Nothing here runs
code itself: programs go to ``nearcoder.sandboxes.languages.run_tests``.

The verdict is the host's (``verdict.py``): each document's reference solution is run once, on its own (no
candidate shares its sandbox), and the values its entry point returned to the tests are kept on the host
(cached under ``$NEARCODER_CACHE/near_humaneval/reference``); a candidate passes when it exited cleanly and
returned the same values. A candidate identical to the reference program reuses the reference run.

Time limits come from the reference run too (EvalPlus-style): a candidate of a problem gets
``min(ceiling, max(TIME_LIMIT_FLOOR, TIME_LIMIT_FACTOR * reference seconds))`` of wall clock and that,
rounded up, in CPU seconds, the ceiling being the run's limits (10 s); see :func:`time_limit` and the README.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from nearcoder.tasks.near_humaneval.programs import BuiltProgram, build_program, reference_completion
from nearcoder.tasks.near_humaneval.verdict import decide, parse_records

REFERENCE_VERSION = "3"  # bump when instrumentation or record formats change

STDERR_TAIL_CHARS = 800
# Time limit of a candidate = max(floor, factor x its problem's reference run), at most the run's limits; it is
# a CPU-time budget (the wall clock gets 3x, at least 2 s: sandboxes/languages.py, program_limits). Measured on
# the 2-core VM under load 7-14 (docs/humaneval.md): canonical solutions ran at most 3.2x their cached reference
# run; CPU time, unlike wall time, hardly grows with load. The floor is EvalPlus's (1 s).
TIME_LIMIT_FACTOR = 20.0
TIME_LIMIT_FLOOR = 1.0  # seconds of CPU time


class SandboxNotReady(RuntimeError):
    """The sandbox cannot score programs (backend unusable, dependencies not prepared): scores would be 0."""


def check_sandbox_ready(langs: set[str], backend: str | None = None) -> None:
    """Raise :class:`SandboxNotReady` with the fix, rather than score every sample as a failure."""
    from nearcoder.sandboxes.factory import backend_class, backend_name
    from nearcoder.sandboxes.toolchain import prepared

    ok, why = backend_class(backend).available()
    if not ok:
        raise SandboxNotReady(f"sandbox backend {backend_name(backend)!r} is not usable: {why}")
    prep = prepared()
    missing = []
    if "rust" in langs and prep.rust_deps is None:
        missing.append("the rand/regex/md5 crates")
    if "js" in langs and prep.js_modules is None:
        missing.append("the js-md5 npm package")
    if missing:
        raise SandboxNotReady(f"{' and '.join(missing)} are not prepared: run `nearcoder prepare humaneval` "
                              "(or `nearcoder sandbox prepare`) once")


@dataclass
class SampleResult:
    """One executed completion, as it appears in ``--log_samples`` output."""

    completion: str  # the cut completion that was executed (the text appended to the prompt)
    status: str  # the sandbox Status value: passed, failed, timeout, compile_error, ...
    reason: str  # one line a person can read
    exit_code: int | None = None
    duration: float = 0.0
    cut_notes: list[str] = field(default_factory=list)
    stderr_tail: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def to_dict(self) -> dict:
        return asdict(self)


class ReferenceFailed(RuntimeError):
    """A reference solution did not pass its own tests (twice): its problem cannot be scored."""


@dataclass
class Reference:
    source: str  # the reference program as run
    records: list[str]  # what its entry point returned to the tests, in order
    outcome: dict  # the run's Outcome.to_dict()
    fresh: bool = False  # run by this call (not read from the cache): an identical candidate may reuse it


def reference_seconds(ref: Reference) -> tuple[float, str]:
    """What the reference run cost: its CPU time where the runner measured it (a batch), else its wall time."""
    cpu = ref.outcome.get("cpu_seconds")
    return (float(cpu), "of CPU") if isinstance(cpu, (int, float)) and cpu > 0 else (float(ref.outcome["duration"]), "")


def time_limit(ref: Reference, ceiling: float) -> float:
    """A candidate's CPU-time limit (seconds) from its problem's reference run, at most ``ceiling``."""
    return round(min(float(ceiling), max(TIME_LIMIT_FLOOR, TIME_LIMIT_FACTOR * reference_seconds(ref)[0])), 2)


def explain_limit(ref: Reference, limit: float) -> str:
    seconds, unit = reference_seconds(ref)
    return (f"this problem's CPU-time limit {limit:g}s = max({TIME_LIMIT_FLOOR:g}s, {TIME_LIMIT_FACTOR:g} x its reference "
            f"run's {seconds:.3f}s{' ' + unit if unit else ''}), at most the run's limit")


def reference_cache_dir() -> Path:
    from nearcoder.sandboxes.toolchain import cache_dir

    return cache_dir().parent / "near_humaneval" / "reference"


def _reference_key(prog: BuiltProgram) -> str:
    from nearcoder.sandboxes.languages import PRELOAD_JS, RUNNER_VERSION

    h = hashlib.sha256(json.dumps([REFERENCE_VERSION, RUNNER_VERSION, prog.lang]).encode())
    h.update(hashlib.sha256(PRELOAD_JS).digest() + hashlib.sha256(prog.shared.encode()).digest() + prog.source.encode())
    return h.hexdigest()


def reference_runs(docs: list[dict], *, backend: str | None = None, workers: int | None = None,
                   progress: bool = True) -> dict[str, Reference]:
    """Each document's reference run (task_id -> :class:`Reference`), from the cache or run now."""
    from nearcoder.sandboxes.languages import TestProgram, run_tests

    root = reference_cache_dir()
    refs: dict[str, Reference] = {}
    todo: list[tuple[dict, BuiltProgram, str]] = []
    for doc in docs:
        if doc["task_id"] in refs or any(d["task_id"] == doc["task_id"] for d, _, _ in todo):
            continue
        prog = build_program(doc, reference_completion(doc))
        key = _reference_key(prog)
        try:
            refs[doc["task_id"]] = Reference(**json.loads((root / f"{key}.json").read_text()))
        except (OSError, ValueError, TypeError):
            todo.append((doc, prog, key))
    if not todo:
        return refs
    programs = [TestProgram(prog.lang, prog.source, problem=prog.problem, shared=prog.shared) for _, prog, _ in todo]
    outcomes = run_tests(programs, backend=backend, workers=workers, progress=progress)
    failed = [(i, o) for i, o in enumerate(outcomes) if not o.passed]
    if failed:  # once more, each alone (a loaded machine can time a reference out)
        again = run_tests([programs[i] for i, _ in failed], backend=backend, workers=workers, progress=False,
                          batch=False)
        for (i, _), out in zip(failed, again):
            outcomes[i] = out
    broken = [f"{todo[i][0]['task_id']}: {o.status.value}: {o.reason}" for i, o in enumerate(outcomes) if not o.passed]
    if broken:
        raise ReferenceFailed("reference solutions failed their own tests: " + "; ".join(broken))
    root.mkdir(parents=True, exist_ok=True)
    for (doc, prog, key), outcome in zip(todo, outcomes):
        ref = Reference(prog.source, parse_records(outcome.stdout), outcome.to_dict())
        fd, tmp = tempfile.mkstemp(dir=root, suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(ref), fh)
        ref.fresh = True
        refs[doc["task_id"]] = ref
        os.replace(tmp, root / f"{key}.json")
    return refs


def execute_samples(
    docs: list[dict],
    completions: list[list[str]],
    *,
    backend: str | None = None,
    limits=None,
    workers: int | None = None,
    cache_dir: str | None = None,
    progress: bool = True,
    batch: bool = True,
    derived_limits: bool = True,
) -> list[list[SampleResult]]:
    """Build, run and score ``completions[i][j]`` (sample j of document i) against ``docs[i]``'s tests.

    ``limits``: a ``nearcoder.sandboxes.api.Limits`` per program (default: the sandbox's, 10 s wall/CPU); with
    ``derived_limits`` (the default) each program's time limit is its problem's :func:`time_limit`, with that
    as the ceiling. ``batch=False``: every program in its own sandbox (``run_tests``).
    """
    from nearcoder.sandboxes.api import Outcome
    from nearcoder.sandboxes.languages import DEFAULT_LIMITS, TestProgram, run_tests

    if len(docs) != len(completions):
        raise ValueError(f"{len(docs)} documents but {len(completions)} response lists")
    built = [[build_program(doc, text) for text in texts] for doc, texts in zip(docs, completions)]
    check_sandbox_ready({prog.lang for row in built for prog in row}, backend)
    refs = reference_runs(docs, backend=backend, workers=workers, progress=progress)
    reused = {ref.source: Outcome.from_dict(ref.outcome) for ref in refs.values() if ref.fresh and limits is None}
    ceiling = (limits or DEFAULT_LIMITS).wall_seconds
    seconds = {doc["task_id"]: time_limit(refs[doc["task_id"]], ceiling) if derived_limits else None for doc in docs}
    index: dict[str, int] = {}
    programs: list[TestProgram] = []
    for doc, row in zip(docs, built):
        for prog in row:
            if prog.rejected is None and prog.source not in reused and prog.source not in index:
                index[prog.source] = len(programs)
                programs.append(TestProgram(lang=prog.lang, source=prog.source, problem=prog.problem, shared=prog.shared,
                                            seconds=seconds[doc["task_id"]]))
    outcomes = run_tests(
        programs, backend=backend, limits=limits, workers=workers, cache_dir=cache_dir, progress=progress,
        batch=batch,
    )
    if len(outcomes) != len(programs):
        raise RuntimeError(f"sandbox returned {len(outcomes)} outcomes for {len(programs)} programs")
    results: list[list[SampleResult]] = []
    for doc, row in zip(docs, built):
        ref = refs[doc["task_id"]]
        out_row = []
        for prog in row:
            if prog.rejected is not None:
                out_row.append(SampleResult(completion=prog.cut.body, status="failed",
                                            reason=f"rejected before execution: {prog.rejected}",
                                            cut_notes=list(prog.cut.notes)))
                continue
            outcome = reused.get(prog.source) or outcomes[index[prog.source]]
            status, reason = outcome.status.value, outcome.reason
            if outcome.passed and (wrong := decide(True, outcome.stdout, ref.records, prog.problem, prog.lang)):
                status, reason = "failed", f"exited cleanly, but {wrong}"
            elif status == "timeout" and (limit := seconds[doc["task_id"]]) is not None:
                reason = f"{reason} ({explain_limit(ref, limit)})"
            out_row.append(
                SampleResult(
                    completion=prog.cut.body,
                    status=status,
                    reason=reason,
                    exit_code=outcome.exit_code,
                    duration=round(float(outcome.duration), 3),
                    cut_notes=list(prog.cut.notes),
                    stderr_tail=(outcome.stderr or "")[-STDERR_TAIL_CHARS:],
                )
            )
        results.append(out_row)
    return results
