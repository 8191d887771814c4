"""Language runners: HumanEval-style test programs (solution + tests in one source) for JavaScript and Rust.

``run_tests`` is the one entry point tasks use. A JS program passes iff it runs to completion under node
without throwing (``console.assert`` throws here); a Rust program passes iff ``rustc --edition 2021 --test``
compiles it and every test passes (a failed build is ``COMPILE_ERROR`` with the first error line as reason).

Speed comes from batching inside one sandbox per chunk of programs (see ``runners/batch_runner.js``):
JS programs each get a fresh vm context in one node process; Rust programs are wrapped one per module into
one crate, compiled once and run one test process per program. Programs whose verdict could depend on the
batching (JS that needs node-only globals, Rust whose module fails to build, any program whose batch result is
missing) are re-run alone in their own sandbox, exactly like the single-program path. What a batch shares is
written down in ``sandboxes/README.md``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import secrets
from dataclasses import asdict, dataclass, replace
from importlib import resources
from pathlib import Path

from nearcoder.sandboxes.api import Limits, Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.batch import OutcomeCache, default_workers, parallel_map
from nearcoder.sandboxes.factory import get_backend
from nearcoder.sandboxes.outcome_rules import classify, first_compiler_error, first_error_line
from nearcoder.sandboxes.toolchain import JS_MODULES, Prepared, prepared

LANGS = ("js", "rust")
RUNNER_VERSION = "1"  # bump when verdict semantics change: it is part of every cache key
MAX_SOURCE_BYTES = 1 << 20
DEFAULT_LIMITS = Limits(wall_seconds=10, cpu_seconds=10, memory_mb=2048, processes=64, output_bytes=64 * 1024,
                        disk_mb=64)
JS_MIN_MEMORY_MB = 1024  # V8 reserves ~1 GiB of address space before running anything
RUSTC_MEMORY_MB = 4096  # address space for rustc/LLVM (the test binary gets limits.memory_mb)
RUSTC_PROCESSES = 128  # rustc and the linker are multi-threaded; threads count as processes
COMPILE_SECONDS = 60  # per build of one program; a batch build gets COMPILE_SECONDS + 5 s per program
JS_CHUNK = 64
RUST_CHUNK = 16
RUSTC_FLAGS = ["--edition", "2021", "--test", "-A", "warnings", "-C", "debuginfo=0"]

# JS failures that mean "needs plain node", not "wrong program": re-run alone under node.
NODE_ONLY = re.compile(
    r"ReferenceError: (process|Buffer|setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|"
    r"queueMicrotask|module|exports|global|__dirname|__filename|TextEncoder|TextDecoder|URL|URLSearchParams|"
    r"structuredClone|performance|fetch|atob|btoa|AbortController|Intl) is not defined"
    r"|Cannot find module|Cannot use import statement|import\.meta|Unexpected token 'export'|"
    r"Cannot use 'import\.meta'|await is only valid"
)

PRELOAD_JS = b"""'use strict';
// console.assert must fail the program (node only prints a warning).
console.assert = function (cond, ...msg) {
  if (!cond) throw new Error('Assertion failed' + (msg.length ? ': ' + msg.join(' ') : ''));
};
"""


@dataclass(frozen=True)
class TestProgram:
    lang: str  # "js" or "rust"
    source: str  # one complete program: solution + its tests

    __test__ = False  # not a pytest class


def _runner_source() -> bytes:
    return resources.files("nearcoder.sandboxes").joinpath("runners/batch_runner.js").read_bytes()


def _problem(program: TestProgram) -> str | None:
    if program.lang not in LANGS:
        return f"unknown language {program.lang!r} (expected one of {', '.join(LANGS)})"
    if not isinstance(program.source, str):
        return "source must be a str"
    if not program.source.strip():
        return "empty source"
    if "\0" in program.source:
        return "source contains NUL bytes"
    try:
        size = len(program.source.encode("utf-8"))
    except UnicodeEncodeError:
        return "source is not valid UTF-8 (it holds surrogate-escaped bytes)"
    if size > MAX_SOURCE_BYTES:
        return f"source is {size} bytes, over the {MAX_SOURCE_BYTES}-byte limit"
    return None


def _key(program: TestProgram, limits: Limits) -> str:
    h = hashlib.sha256()
    h.update(json.dumps([RUNNER_VERSION, program.lang, asdict(limits)], sort_keys=True).encode())
    h.update(program.source.encode("utf-8"))
    return h.hexdigest()


class _Runner:
    """Runs programs of one language on one backend with one set of limits."""

    def __init__(self, sandbox: SandboxBackend, limits: Limits, prep: Prepared):
        self.sandbox = sandbox
        self.limits = limits
        self.prep = prep

    # ---- JavaScript -------------------------------------------------------------------------------------
    def _js_limits(self, n: int) -> Limits:
        lim = self.limits
        return replace(
            lim,
            memory_mb=max(lim.memory_mb, JS_MIN_MEMORY_MB),
            wall_seconds=5 + n * lim.wall_seconds,
            cpu_seconds=5 + n * lim.cpu_seconds,
            output_bytes=n * (lim.output_bytes + 4096) + 65536,
        )

    def _node_args(self) -> list[str]:
        return [f"--max-old-space-size={max(self.limits.memory_mb, JS_MIN_MEMORY_MB) * 3 // 4}"]

    def js_alone(self, source: str) -> Outcome:
        program = Program(
            files={"program.js": source.encode("utf-8"), ".nc_preload.js": PRELOAD_JS},
            command=("/usr/bin/env", f"NODE_PATH={JS_MODULES}", "node", *self._node_args(),
                     "--require", "./.nc_preload.js", "program.js"),
            limits=replace(self.limits, memory_mb=max(self.limits.memory_mb, JS_MIN_MEMORY_MB)),
        )
        return self.sandbox.run(program)

    def js_batch(self, sources: list[str]) -> list[Outcome]:
        jobs = [{"id": i, "source": s, "timeout_ms": int(self.limits.wall_seconds * 1000)} for i, s in enumerate(sources)]
        md5 = f"{JS_MODULES}/js-md5/src/md5.js" if self.prep.js_modules else None
        spec = {"jobs": jobs, "output_bytes": self.limits.output_bytes, "md5_path": md5}
        program = Program(
            files={"runner.js": _runner_source(), "jobs.json": json.dumps(spec).encode()},
            command=("node", *self._node_args(), "runner.js", "js", "jobs.json"),
            limits=self._js_limits(len(sources)),
        )
        batch = self.sandbox.run(program)
        lines = _parse_lines(batch.stdout)
        results = []
        for i, source in enumerate(sources):
            line = lines.get(i)
            node_only = line is not None and NODE_ONLY.search(str(line.get("reason", "")))
            if line is None or (line.get("status") in ("failed", "compile_error") and node_only):
                results.append(self.js_alone(source))
                continue
            status = {"passed": Status.PASSED, "failed": Status.FAILED, "timeout": Status.TIMEOUT,
                      "compile_error": Status.COMPILE_ERROR}.get(line.get("status"))
            if status is None:
                results.append(self.js_alone(source))
                continue
            results.append(Outcome(status, 0 if status is Status.PASSED else 1, str(line.get("stdout", "")), "",
                                   round(float(line.get("seconds", 0.0)), 4), str(line.get("reason", ""))))
        return results

    # ---- Rust -------------------------------------------------------------------------------------------
    def _rust_spec(self, jobs: list[dict], crate: str, n: int, json_errors: bool) -> dict:
        lim = self.limits
        rustc_args = [*RUSTC_FLAGS, *self.prep.rustc_dep_args()]
        if json_errors:
            rustc_args.append("--error-format=json")
        return {
            "jobs": jobs,
            "crate": crate,
            "rustc_args": rustc_args,
            "compile_timeout_ms": int((COMPILE_SECONDS + 5 * (n - 1)) * 1000),
            "prlimit_args": [f"--as={lim.memory_mb << 20}", f"--cpu={lim.cpu_seconds}:{lim.cpu_seconds + 1}",
                             f"--fsize={lim.disk_mb << 20}"],
            "output_bytes": lim.output_bytes,
        }

    def _rust_sandbox_limits(self, n: int) -> Limits:
        lim = self.limits
        return replace(
            lim,
            memory_mb=max(lim.memory_mb, RUSTC_MEMORY_MB),
            processes=max(lim.processes, RUSTC_PROCESSES),
            wall_seconds=COMPILE_SECONDS + 5 * n + n * (lim.wall_seconds + 1),
            cpu_seconds=int(COMPILE_SECONDS + 5 * n + n * lim.cpu_seconds),
            output_bytes=n * 2 * (lim.output_bytes + 4096) + (8 << 20),
            disk_mb=max(lim.disk_mb, 256 + 16 * n),
        )

    def _rust_outcome(self, line: dict) -> Outcome:
        lim = self.limits
        sig = line.get("signal")
        code = line.get("exit")
        returncode = -_signum(sig) if sig else code
        out = classify(returncode, str(line.get("stdout", "")), str(line.get("stderr", "")),
                       float(line.get("seconds", 0.0)), lim, timed_out=bool(line.get("timed_out")),
                       output_over=bool(line.get("output_over")))
        if out.status is Status.FAILED:
            reason = first_error_line(out.stdout + "\n" + out.stderr)
            out.reason = f"exited {code}: {reason}" if code is not None else f"{out.reason.split(':')[0]}: {reason}"
        return out

    def rust_alone(self, source: str) -> Outcome:
        spec = self._rust_spec([{"id": 0, "filter": None, "timeout_ms": int(self.limits.wall_seconds * 1000)}],
                               "main.rs", 1, json_errors=False)
        program = Program(
            files={"runner.js": _runner_source(), "jobs.json": json.dumps(spec).encode(), "main.rs": source.encode()},
            command=("node", "runner.js", "rust", "jobs.json"),
            limits=self._rust_sandbox_limits(1),
        )
        batch = self.sandbox.run(program)
        lines = _parse_lines(batch.stdout, raw=True)
        for line in lines:
            if line.get("compile_failed"):
                err = str(line.get("stderr", ""))
                return Outcome(Status.COMPILE_ERROR, None, "", err[: self.limits.output_bytes], batch.duration,
                               _first_rustc_error(err))
            if line.get("id") == 0:
                out = self._rust_outcome(line)
                out.duration = round(batch.duration, 4)
                return out
        if batch.status is Status.PASSED:
            batch = replace(batch, status=Status.SANDBOX_ERROR, reason="the runner printed no result")
        return batch

    def rust_batch(self, sources: list[str], depth: int = 0) -> list[Outcome]:
        if len(sources) == 1:
            return [self.rust_alone(sources[0])]
        nonce = secrets.token_hex(4)
        parts, ranges, line_no = [], [], 1
        for i, source in enumerate(sources):
            head = f"#[allow(unused_imports, dead_code)]\nmod nc_{nonce}_{i} {{\n"
            body = source if source.endswith("\n") else source + "\n"
            start = line_no + 2
            line_no += 2 + body.count("\n") + 1
            parts.append(head + body + "}\n")
            ranges.append((start, line_no - 2))
        crate = "".join(parts)
        jobs = [{"id": i, "filter": f"nc_{nonce}_{i}::", "timeout_ms": int(self.limits.wall_seconds * 1000)}
                for i in range(len(sources))]
        spec = self._rust_spec(jobs, "crate.rs", len(sources), json_errors=True)
        program = Program(
            files={"runner.js": _runner_source(), "jobs.json": json.dumps(spec).encode(), "crate.rs": crate.encode()},
            command=("node", "runner.js", "rust", "jobs.json"),
            limits=self._rust_sandbox_limits(len(sources)),
        )
        batch = self.sandbox.run(program)
        lines = _parse_lines(batch.stdout, raw=True)
        failed_build = next((ln for ln in lines if ln.get("compile_failed")), None)
        if failed_build is not None:
            bad = _modules_with_errors(str(failed_build.get("stderr", "")), ranges)
            if bad is None or depth >= 2:
                return [self.rust_alone(s) for s in sources]
            keep = [i for i in range(len(sources)) if i not in bad]
            results: dict[int, Outcome] = {i: self.rust_alone(sources[i]) for i in sorted(bad)}
            if keep:
                for i, out in zip(keep, self.rust_batch([sources[i] for i in keep], depth + 1)):
                    results[i] = out
            return [results[i] for i in range(len(sources))]
        by_id = {ln["id"]: ln for ln in lines if isinstance(ln.get("id"), int)}
        return [self._rust_outcome(by_id[i]) if i in by_id else self.rust_alone(s) for i, s in enumerate(sources)]


def _signum(name: str) -> int:
    import signal

    try:
        return int(signal.Signals[name])
    except (KeyError, ValueError):
        return 9


def _parse_lines(stdout: str, raw: bool = False):
    """The runner's JSON lines (ignoring anything else, e.g. a truncated last line)."""
    items = []
    for text in stdout.splitlines():
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        if isinstance(obj, dict):
            items.append(obj)
    if raw:
        return items
    return {obj["id"]: obj for obj in items if isinstance(obj.get("id"), int)}


def _first_rustc_error(stderr: str) -> str:
    return first_compiler_error(stderr, 300) or "rustc failed"


def _modules_with_errors(stderr: str, ranges: list[tuple[int, int]]) -> set[int] | None:
    """Which wrapped programs the (JSON) diagnostics blame, or None when an error cannot be attributed."""
    bad: set[int] = set()
    saw_error = False
    for text in stderr.splitlines():
        try:
            diag = json.loads(text)
        except ValueError:
            continue
        if not isinstance(diag, dict) or diag.get("level") not in ("error", "error: internal compiler error"):
            continue
        if str(diag.get("message", "")).startswith("aborting due to"):
            continue
        saw_error = True
        lines = [s.get("line_start") for s in diag.get("spans", []) if isinstance(s, dict) and s.get("is_primary")]
        hit = {i for ln in lines if isinstance(ln, int) for i, (a, b) in enumerate(ranges) if a <= ln <= b}
        if not hit:
            return None
        bad |= hit
    return bad if saw_error and bad else None


def run_tests(
    programs: list[TestProgram],
    *,
    backend: str | None = None,
    limits: Limits | None = None,
    workers: int | None = None,
    cache_dir: str | Path | None = None,
    progress: bool = True,
    batch: bool = True,
) -> list[Outcome]:
    """Run every program's tests in the sandbox; outcomes come back in input order, one per program.

    ``batch=False`` runs every program alone in its own sandbox (slower; use it for adversarial inputs, where
    programs must not share a node process or a crate with each other — see ``sandboxes/README.md``).

    Never raises for anything a program contains: malformed programs get a FAILED outcome with the reason.
    ``cache_dir`` makes runs resumable (finished programs are not re-run); identical programs run once.
    """
    limits = limits or DEFAULT_LIMITS
    sandbox = backend if isinstance(backend, SandboxBackend) else get_backend(backend)
    runner = _Runner(sandbox, limits, prepared())
    cache = OutcomeCache(cache_dir)
    outcomes: list[Outcome | None] = [None] * len(programs)
    pending: dict[str, dict[str, TestProgram]] = {lang: {} for lang in LANGS}
    keys: list[str | None] = []
    for i, program in enumerate(programs):
        if not isinstance(program, TestProgram):
            outcomes[i] = Outcome(Status.FAILED, None, "", "", 0.0, f"not a TestProgram: {type(program).__name__}")
            keys.append(None)
            continue
        if (problem := _problem(program)) is not None:
            outcomes[i] = Outcome(Status.FAILED, None, "", "", 0.0, f"invalid program: {problem}")
            keys.append(None)
            continue
        key = _key(program, limits)
        keys.append(key)
        if (hit := cache.get(key)) is not None:
            outcomes[i] = hit
        else:
            pending[program.lang].setdefault(key, program)

    results: dict[str, Outcome] = {}
    n_workers = workers or default_workers()
    chunks: list[tuple[str, list[str]]] = []
    for lang, todo in pending.items():
        todo_keys = list(todo)
        if not todo_keys:
            continue
        size_cap = (JS_CHUNK if lang == "js" else RUST_CHUNK) if batch else 1
        n_chunks = max(min(n_workers, len(todo_keys)), math.ceil(len(todo_keys) / size_cap))
        size = math.ceil(len(todo_keys) / n_chunks)
        chunks += [(lang, todo_keys[i : i + size]) for i in range(0, len(todo_keys), size)]

    def work(chunk: tuple[str, list[str]]) -> None:
        lang, chunk_keys = chunk
        sources = [pending[lang][k].source for k in chunk_keys]
        if len(sources) == 1 and not batch:
            outs = [runner.js_alone(sources[0]) if lang == "js" else runner.rust_alone(sources[0])]
        else:
            outs = runner.js_batch(sources) if lang == "js" else runner.rust_batch(sources)
        for key, out in zip(chunk_keys, outs):
            cache.put(key, out)
            results[key] = out

    # Rust chunks first: they are the long ones, so the pool stays busy to the end.
    chunks.sort(key=lambda c: (c[0] != "rust", -len(c[1])))
    parallel_map(work, chunks, workers=n_workers, progress=progress, label=f"tests ({sandbox.name})",
                 units=lambda c: len(c[1]))
    return [outcomes[i] if outcomes[i] is not None else results[keys[i]] for i in range(len(programs))]
