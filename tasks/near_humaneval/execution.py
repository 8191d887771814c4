"""Runs HumanEvalPack test programs in the sandbox: every sample of every document in one batch.

lm-eval scores one document at a time, so the task's filter calls :func:`execute_samples` once with all
documents and their responses; identical programs (common at temperature 0.2) run once. Nothing here runs
code itself: programs go to ``nearcoder.sandboxes.languages.run_tests``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from nearcoder.tasks.near_humaneval.programs import build_program

STDERR_TAIL_CHARS = 800


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


def execute_samples(
    docs: list[dict],
    completions: list[list[str]],
    *,
    backend: str | None = None,
    limits=None,
    workers: int | None = None,
    cache_dir: str | None = None,
    progress: bool = True,
) -> list[list[SampleResult]]:
    """Build, run and score ``completions[i][j]`` (sample j of document i) against ``docs[i]``'s tests.

    ``limits``: a ``nearcoder.sandboxes.api.Limits`` per program (default: the sandbox's, 10 s wall/CPU).
    """
    from nearcoder.sandboxes.languages import TestProgram, run_tests

    if len(docs) != len(completions):
        raise ValueError(f"{len(docs)} documents but {len(completions)} response lists")
    built = [[build_program(doc, text) for text in texts] for doc, texts in zip(docs, completions)]
    check_sandbox_ready({prog.lang for row in built for prog in row}, backend)
    index: dict[tuple[str, str], int] = {}
    programs: list[TestProgram] = []
    for row in built:
        for prog in row:
            key = (prog.lang, prog.source)
            if key not in index:
                index[key] = len(programs)
                programs.append(TestProgram(lang=prog.lang, source=prog.source))
    outcomes = run_tests(
        programs, backend=backend, limits=limits, workers=workers, cache_dir=cache_dir, progress=progress
    )
    if len(outcomes) != len(programs):
        raise RuntimeError(f"sandbox returned {len(outcomes)} outcomes for {len(programs)} programs")
    results: list[list[SampleResult]] = []
    for row in built:
        out_row = []
        for prog in row:
            outcome = outcomes[index[(prog.lang, prog.source)]]
            out_row.append(
                SampleResult(
                    completion=prog.cut.body,
                    status=outcome.status.value,
                    reason=outcome.reason,
                    exit_code=outcome.exit_code,
                    duration=round(float(outcome.duration), 3),
                    cut_notes=list(prog.cut.notes),
                    stderr_tail=(outcome.stderr or "")[-STDERR_TAIL_CHARS:],
                )
            )
        results.append(out_row)
    return results
