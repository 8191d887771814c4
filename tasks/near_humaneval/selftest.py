"""``nearcoder selftest humaneval``: HumanEvalPack's reference solutions through the task's own pipeline.

Each record's ``canonical_solution`` (or, with ``buggy``, its ``buggy_solution``) is treated as a model's
completion of the prompt: it is cut, assembled with the tests and run in the sandbox exactly as a model's
would be. Canonical solutions must all pass; buggy ones must all fail.

The harness seeds the tests' own random inputs (``instrument.py``), so every test is deterministic: the
reference solutions of the random tests (problems 32, 38, 50, 53) pass on every run, including Rust/32's
Newton's method, which fails some random polynomials (on about a third of unseeded runs it did not converge).
A reference that fails is a reported failure, never retried.
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path

from nearcoder.sandboxes.languages import LANGS
from nearcoder.tasks.near_humaneval.programs import reference_completion



@dataclass
class SelftestReport:
    lang: str
    solutions: str  # "canonical_solution" or "buggy_solution"
    total: int
    passed: int
    seconds: float
    backend: str
    outcomes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Canonical: every solution passed. Buggy: every solution failed."""
        if self.solutions == "buggy_solution":
            return self.passed == 0
        return self.passed == self.total

    def summary(self) -> str:
        line = f"passed {self.passed}/{self.total}"
        if self.solutions == "buggy_solution":
            line += f" (buggy solutions: {self.total - self.passed} of {self.total} fail, as they must)"
        return line

    def to_dict(self) -> dict:
        return {
            "lang": self.lang,
            "solutions": self.solutions,
            "total": self.total,
            "passed": self.passed,
            "failed": self.total - self.passed,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "backend": self.backend,
            "machine": f"{platform.machine()} {platform.system()}",
            "outcomes": self.outcomes,
        }


def load_records(lang: str) -> list[dict]:
    from nearcoder.tasks.near_humaneval import utils

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGS)}")
    dataset = utils.load_js() if lang == "js" else utils.load_rust()
    return [dict(row) for row in dataset["test"]]


def run_selftest(
    lang: str,
    *,
    buggy: bool = False,
    backend: str | None = None,
    workers: int | None = None,
    limit: int | None = None,
    progress: bool = True,
    derived_limits: bool = True,
) -> SelftestReport:
    """Run the reference solutions of ``lang`` (the first ``limit`` records when given); ``derived_limits=False``
    gives every program the run's full time limit instead of its problem's (``execution.time_limit``)."""
    from nearcoder.sandboxes.factory import backend_name
    from nearcoder.tasks.near_humaneval.execution import execute_samples

    records = load_records(lang)
    if limit is not None:
        records = records[:limit]
    solutions = "buggy_solution" if buggy else "canonical_solution"
    completions = [[reference_completion(doc, solutions)] for doc in records]
    start = time.monotonic()
    results = execute_samples(records, completions, backend=backend, workers=workers, progress=progress,
                              derived_limits=derived_limits)
    outcomes = []
    for doc, (sample,) in zip(records, results):
        outcomes.append({"task_id": doc["task_id"], **sample.to_dict()})
    seconds = time.monotonic() - start
    return SelftestReport(
        lang=lang,
        solutions=solutions,
        total=len(records),
        passed=sum(o["status"] == "passed" for o in outcomes),
        seconds=seconds,
        backend=backend_name(backend),
        outcomes=outcomes,
    )


def write_report(report: SelftestReport, out: Path) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def default_out_path(lang: str, buggy: bool) -> Path:
    return Path(f"selftest-humaneval-{lang}{'-buggy' if buggy else ''}.json")


def main(
    lang: str,
    *,
    buggy: bool = False,
    backend: str | None = None,
    workers: int | None = None,
    limit: int | None = None,
    out: Path | None = None,
) -> int:
    """The command: run, print failures and the summary line, write the JSON; exit status 0 when ok."""
    from rich.console import Console

    console = Console(stderr=True)
    report = run_selftest(lang, buggy=buggy, backend=backend, workers=workers, limit=limit)
    unexpected = [o for o in report.outcomes if (o["status"] == "passed") == buggy]
    for o in unexpected:
        what = "passed (a buggy solution must fail)" if buggy else f"{o['status']}: {o['reason']}"
        console.print(f"[red]{o['task_id']}[/] {what}", highlight=False)
    path = write_report(report, out or default_out_path(lang, buggy))
    console.print(f"{lang} {report.solutions} via {report.backend} in {report.seconds:.1f}s; outcomes in {path}")
    print(report.summary())
    return 0 if report.ok else 1
