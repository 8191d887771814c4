"""One generated TypeScript contract through the sandbox: a type check, then behaviour tests under node.

near-sdk-js's own wasm toolchain (QuickJS, wasi-sdk) cannot be installed offline. Steps, each its own sandbox:
``typecheck``: ``tsc --noEmit`` over the contract and the spec's interface probe (``check.ts``), running none of
the contract's code; the verdict is tsc's exit status. Where the spec has behaviour tests (``tests.mjs``) and
the type check passed (check level ``behaviour-node``; otherwise ``typecheck``): ``transpile`` (types erased,
the JavaScript base64 on stdout), then one ``test <name>`` step per test: ``js_runtime/runner.mjs`` runs the
contract against near-sdk-js's real API with ``js_runtime/host.mjs``, a test host for the NEAR host functions
with near-sdk-rs's unit-test semantics; a test passed when its step exited 0 and printed its fresh secret. The check cannot be switched off
from inside the file: a contract holding a TypeScript directive comment (``@ts-nocheck``, ``@ts-ignore``,
``@ts-expect-error``), a triple-slash ``/// <reference`` or an ambient ``declare module``/``declare global``
(which could retype near-sdk-js) is refused before the check, with that reason. The tsconfig is the harness's.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from pathlib import Path

from nearcoder.sandboxes.api import Limits, Outcome, Program, Status
from nearcoder.sandboxes.batch import run_programs
from nearcoder.sandboxes.outcome_rules import first_error_line
from nearcoder.tasks.near_dapp_build.cache import SANDBOX_NEAR_JS
from nearcoder.tasks.near_dapp_build.report import DIAGNOSTIC_CAP, ContractReport, step_verdict

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


RUNTIME = Path(__file__).resolve().parent / "js_runtime"
TEST_LIMITS = Limits(wall_seconds=15, cpu_seconds=15, memory_mb=4096, processes=32,
                     output_bytes=256 * 1024, disk_mb=16, open_files=256)


def _node_step(script: str, files: dict[str, bytes], modules: Path, limits: Limits = JS_LIMITS) -> Program:
    return Program(files=files, command=("/bin/sh", "-c", f"ln -s {SANDBOX_NEAR_JS} node_modules && exec {script}"),
                   limits=limits, ro_binds=((str(modules), SANDBOX_NEAR_JS),))


def transpile_program(contract_ts: str, modules: Path) -> Program:
    return _node_step("node transpile.mjs", {"contract.ts": contract_ts.encode(),
                                             "transpile.mjs": (RUNTIME / "transpile.mjs").read_bytes()}, modules)


def behaviour_program(contract_js: bytes, tests_mjs: str, test: str, class_name: str, secret: str,
                      modules: Path) -> Program:
    files = {name: (RUNTIME / name).read_bytes() for name in ("host.mjs", "loader.mjs", "register.mjs", "runner.mjs",
                                                          "lodash_shim.mjs")}
    files.update({"contract.mjs": contract_js, "tests.mjs": tests_mjs.encode(), "secret": secret.encode()})
    return _node_step(f"node --import ./register.mjs runner.mjs {test} {class_name}", files, modules, TEST_LIMITS)


def run_js(samples: list[tuple[str, str, str, str, list[str]]], modules: Path, *, backend=None, workers: int = 2,
           progress: bool = False) -> list[ContractReport]:
    """One report per (contract_ts, check_ts, tests_mjs, class name, test names), in order."""
    reports: list[ContractReport | None] = [None] * len(samples)

    def run(jobs):
        return run_programs([p for *_, p in jobs], backend=backend, workers=workers, progress=progress)

    jobs = []
    for i, (contract_ts, check_ts, tests_mjs, _, names) in enumerate(samples):
        level = "behaviour-node" if tests_mjs else "typecheck"
        if why := refused(contract_ts):
            reports[i] = ContractReport(check_level=level, reason=why, typecheck=False,
                                        tests={name: "not_run" for name in names} if tests_mjs else {"typecheck": "failed"},
                                        lines=sum(1 for ln in contract_ts.splitlines() if ln.strip()))
        else:
            jobs.append((i, js_program(contract_ts, check_ts, modules)))
            jobs.append((i, transpile_program(contract_ts, modules)))
    outcomes = run(jobs)
    behaviour = []
    for k in range(0, len(jobs), 2):
        i = jobs[k][0]
        contract_ts, _, tests_mjs, class_name, names = samples[i]
        report = judge_typecheck(outcomes[k], contract_ts)
        report.typecheck = report.tests == {"typecheck": "passed"}
        reports[i] = report
        if not tests_mjs:
            continue
        report.check_level = "behaviour-node"
        report.tests = {name: "not_run" for name in names}
        transpiled = outcomes[k + 1]
        report.stage_rc["transpile"] = transpiled.exit_code if transpiled.exit_code is not None else -1
        if not report.typecheck:
            continue
        try:
            contract_js = base64.b64decode(transpiled.stdout.strip(), validate=True) if transpiled.passed else b""
        except ValueError:
            contract_js = b""
        if not contract_js:
            report.reason = "transpile_error: " + first_error_line(transpiled.stderr)
            continue
        for name in names:
            secret = secrets.token_hex(16)
            behaviour.append((i, name, secret, behaviour_program(contract_js, tests_mjs, name, class_name, secret,
                                                                 modules)))
    for (i, name, secret, _), outcome in zip(behaviour, run(behaviour)):
        reports[i].tests[name] = step_verdict(outcome, secret)
        if reports[i].tests[name] != "passed":
            reports[i].log += f"\n== test {name} ({outcome.status.value})\n{outcome.stderr.strip()[:4000]}"
    for i, (_, _, tests_mjs, _, _) in enumerate(samples):
        r = reports[i]
        if tests_mjs and r.typecheck and r.tests and not r.reason.startswith("transpile_error"):
            failed = [n for n, v in r.tests.items() if v != "passed"]
            r.reason = "ok (behaviour tests under node with a test host; not built to wasm)" if not failed else \
                f"tests_failed: {len(failed)}/{len(r.tests)} ({', '.join(failed)})"
    return reports
