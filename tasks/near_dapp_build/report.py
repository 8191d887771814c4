"""What one generated contract achieved (:class:`ContractReport`): every field decided by the harness.

Verdicts, stages and exports come from sandbox exit statuses, proof lines the contract cannot know and files
read on the host, never from text the contract's code can print (see ``rust_pipeline`` and ``js_pipeline``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from nearcoder.sandboxes.api import Outcome, Status

DIAGNOSTIC_CAP = 200_000  # characters of compiler and test output kept per report


@dataclass
class ContractReport:
    """One sample's result; every field is JSON-serialisable."""

    check_level: str  # "unit-tests" (Rust), "behaviour-node" (JS run under node) or "typecheck" (JS types only)
    build: bool = False  # the library compiled natively, and to wasm32 when the wasm toolchain is there
    build_target: str = ""  # "wasm32+native" or "native"
    wasm_bytes: int | None = None  # size of the debug contract wasm
    wasm_exports: list[str] | None = None  # functions the contract wasm exports (None: not known)
    reason: str = ""  # one line: why it stopped, or "ok"
    tests: dict[str, str] = field(default_factory=dict)  # hidden test -> passed/failed/timeout/not_run
    warnings: int = 0  # compiler + clippy diagnostics on the model's code (lint-silencing attributes overridden)
    clippy_warnings: int = 0
    errors: int = 0
    rustfmt_clean: bool = False
    typecheck: bool | None = None  # JS: tsc passed (None for Rust)
    quality_refused: str = ""  # why rustfmt/clippy were not trusted on this file (e.g. `#[rustfmt::skip]`)
    lines: int = 0  # non-blank lines of the model's code
    stage_rc: dict[str, int] = field(default_factory=dict)  # sandbox exit status of each step
    stage_seconds: dict[str, float] = field(default_factory=dict)
    log: str = ""  # the human-readable build/test output (capped)
    duration_s: float = 0.0

    @property
    def functionality(self) -> float:
        """Share of the spec's hidden tests that passed; 0 whenever the contract did not build (wasm included)
        or, for JS behaviour tests, did not type-check."""
        if not self.tests or (self.check_level == "unit-tests" and not self.build):
            return 0.0
        if self.check_level == "behaviour-node" and not self.typecheck:
            return 0.0
        return sum(v == "passed" for v in self.tests.values()) / len(self.tests)

    @property
    def warnings_per_100_lines(self) -> float | None:
        return round(100.0 * self.warnings / self.lines, 3) if self.build and self.lines else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["functionality"] = self.functionality
        d["warnings_per_100_lines"] = self.warnings_per_100_lines
        return d



def step_verdict(outcome: Outcome, proof: str) -> str:
    """One hidden test's verdict from its own sandbox step: passed only with exit 0 *and* its proof line."""
    if outcome.status is Status.TIMEOUT:
        return "timeout"
    if outcome.status is Status.PASSED and proof in outcome.stdout.splitlines():
        return "passed"
    return "failed"
