"""One generated TypeScript contract through the sandbox: a type check against near-sdk-js (``typecheck``).

near-sdk-js's own wasm toolchain (QuickJS, wasi-sdk) cannot be installed offline, so the JS check level is
``typecheck``: ``tsc --noEmit`` over the contract and the spec's interface probe (``check.ts``), in one sandbox
step that runs none of the contract's code; the verdict is tsc's exit status. The check cannot be switched off
from inside the file: a contract holding a TypeScript directive comment (``@ts-nocheck``, ``@ts-ignore``,
``@ts-expect-error``), a triple-slash ``/// <reference`` or an ambient ``declare module``/``declare global``
(which could retype near-sdk-js) is refused before the check, with that reason. The tsconfig is the harness's.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from nearcoder.sandboxes.api import Limits, Outcome, Program, Status
from nearcoder.sandboxes.batch import run_programs
from nearcoder.sandboxes.outcome_rules import first_error_line
from nearcoder.tasks.near_dapp_build.cache import SANDBOX_NEAR_JS
from nearcoder.tasks.near_dapp_build.report import DIAGNOSTIC_CAP, ContractReport

JS_LIMITS = Limits(wall_seconds=120, cpu_seconds=120, memory_mb=4096, processes=64,
                   output_bytes=512 * 1024, disk_mb=64, open_files=512)
TSCONFIG = {
    "compilerOptions": {
        "target": "es2020", "module": "es2020", "moduleResolution": "node", "strict": True,
        "experimentalDecorators": True, "noEmit": True, "skipLibCheck": True, "types": [],
    },
    "files": ["src/contract.ts", "check.ts"],
}
# What would switch the type check off, or retype near-sdk-js, from inside the contract file.
_CHECK_SWITCHES = re.compile(r"@ts-(?:nocheck|ignore|expect-error)|///\s*<reference|\bdeclare\s+(?:module|global)\b")
_TS_ERR = re.compile(r"^(src/contract\.ts|check\.ts)\(\d+,\d+\): error (TS\d+): (.*)$", re.M)


def refused(contract_ts: str) -> str | None:
    """Why the file may not be type-checked as is (it turns the check off), or None."""
    if m := _CHECK_SWITCHES.search(contract_ts):
        return f"typecheck_disabled: the contract contains `{m.group(0)}`, which would switch the type check off"
    return None


def js_program(contract_ts: str, check_ts: str, modules: Path) -> Program:
    """``tsc`` over the contract and the interface probe; node_modules is a link to the read-only cache."""
    script = f"ln -s {SANDBOX_NEAR_JS} node_modules && exec node node_modules/typescript/bin/tsc -p tsconfig.json --pretty false"
    files = {
        "src/contract.ts": contract_ts.encode(),
        "check.ts": check_ts.encode(),
        "tsconfig.json": json.dumps(TSCONFIG, indent=1).encode(),
    }
    return Program(files=files, command=("/bin/sh", "-c", script), limits=JS_LIMITS,
                   ro_binds=((str(modules), SANDBOX_NEAR_JS),))


def judge_typecheck(outcome: Outcome, contract_ts: str) -> ContractReport:
    """Typecheck only: ``build`` stays False (a type check is not a build); ``tests`` holds one entry."""
    report = ContractReport(check_level="typecheck", duration_s=round(outcome.duration, 3))
    report.lines = sum(1 for ln in contract_ts.splitlines() if ln.strip())
    report.stage_rc = {"typecheck": outcome.exit_code if outcome.exit_code is not None else -1}
    if outcome.status not in (Status.PASSED, Status.FAILED):
        report.reason = f"sandbox_{outcome.status.value}: {outcome.reason} {outcome.stderr[-300:]}"
        report.tests = {"typecheck": "not_run"}
        return report
    text = outcome.stdout + outcome.stderr
    errors = _TS_ERR.findall(text)
    report.errors = len(errors)
    report.log = f"== typecheck (exit {outcome.exit_code})\n{text.strip()}"[:DIAGNOSTIC_CAP]
    report.tests = {"typecheck": "passed" if outcome.status is Status.PASSED else "failed"}
    if outcome.status is Status.PASSED:
        report.reason = "ok (typecheck only: the contract was not built or run)"
    elif errors:
        interface_only = all(e[0] == "check.ts" for e in errors)
        report.reason = (f"{'interface_mismatch' if interface_only else 'type_error'}: "
                         f"{errors[0][0]} {errors[0][1]} {errors[0][2][:160]}")
    else:
        report.reason = "type_error: " + first_error_line(text)
    return report


def run_js(samples: list[tuple[str, str]], modules: Path, *, backend=None, workers: int = 2,
           progress: bool = False) -> list[ContractReport]:
    """One report per (contract_ts, check_ts), in order."""
    reports: list[ContractReport | None] = [None] * len(samples)
    jobs = []
    for i, (contract_ts, check_ts) in enumerate(samples):
        if why := refused(contract_ts):
            reports[i] = ContractReport(check_level="typecheck", reason=why, tests={"typecheck": "failed"},
                                        lines=sum(1 for ln in contract_ts.splitlines() if ln.strip()))
        else:
            jobs.append((i, js_program(contract_ts, check_ts, modules)))
    outcomes = run_programs([p for _, p in jobs], backend=backend, workers=workers, progress=progress)
    for (i, _), outcome in zip(jobs, outcomes):
        reports[i] = judge_typecheck(outcome, samples[i][0])
    return reports
