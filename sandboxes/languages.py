"""Language runners: HumanEval-style test programs (solution + tests in one source) for JavaScript and Rust.

``run_tests`` is the one entry point tasks use. It *executes* and reports what it observed: a JS program exits
0 iff it runs to completion under node without throwing (``console.assert`` throws here); a Rust program
exits 0 iff ``rustc --edition 2021 --test`` compiles it (crate-wide ``#![forbid(unsafe_code)]``) and every
test passes (a failed build is ``COMPILE_ERROR``). Whether that is a *pass* is for the caller to decide from
the outcome's stdout: HumanEval compares the record lines (``\x1eNC:...``) with the reference solution's
on the host (``tasks/near_humaneval/verdict.py``); the program can print anything, so exit status alone is
never a verdict there.

Speed comes from batching inside one sandbox per chunk (bwrap only; ``runners/batch_runner.py``): every
program still runs in its own process, one after another, under a non-dumpable runner that kills and cleans
up after each. No JS chunk holds two programs of the same problem. Rust programs are file modules (random
names) of one crate, compiled once from sources the runner reads on stdin and deletes, the samples of a problem
together; the test binary is sealed in a memfd and every test process runs under a filter that forbids exec,
so no program can run another's tests. Programs whose batch result is missing or whose module does not build
are re-run in a sandbox of their own. See ``sandboxes/README.md``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import math
import platform
import re
import secrets
from dataclasses import asdict, dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from nearcoder.sandboxes import seccomp
from nearcoder.sandboxes.api import Limits, Outcome, Program, SandboxBackend, Status
from nearcoder.sandboxes.batch import OutcomeCache
from nearcoder.sandboxes.executors import executor_workers, run_chunks
from nearcoder.sandboxes.factory import get_backend
from nearcoder.sandboxes.outcome_rules import classify, first_compiler_error, first_error_line
from nearcoder.sandboxes.toolchain import JS_MODULES, SANDBOX_PATH, Prepared, prepared
from nearcoder.sandboxes.tunables import HUMANEVAL_LIMITS

LANGS = ("js", "rust")
RUNNER_VERSION = "6"  # bump when verdict semantics change: it is part of every cache key
MAX_SOURCE_BYTES = 1 << 20
DEFAULT_LIMITS = HUMANEVAL_LIMITS
JS_MIN_MEMORY_MB = 1024  # V8 reserves ~1 GiB of address space before running anything
RUSTC_MEMORY_MB = 4096  # address space for rustc/LLVM (the test binary gets limits.memory_mb)
RUSTC_PROCESSES = 128  # rustc and the linker are multi-threaded; threads count as processes
COMPILE_SECONDS = 60  # per build of one program; a batch build gets COMPILE_SECONDS + 5 s per program
JS_CHUNK = 32
WALL_FLOOR = 2.0  # seconds of wall clock a program with its own CPU budget gets at least
WALL_PER_CPU = 3.0
RUST_CHUNK = 80
EXEC_FD = 3  # where a test process's child holds the sealed binary while it execs it (no_exec filter)
# strip=debuginfo: std's debuginfo is not linked in (test binary 6.8 -> 1.2 MiB, ~8 % less rustc CPU: docs/humaneval.md)
RUSTC_FLAGS = ["--edition", "2021", "--test", "-A", "warnings", "-C", "debuginfo=0", "-C", "strip=debuginfo"]
# Every crate forbids unsafe code (also #[no_mangle], #[export_name], #[link_section]); `forbid` cannot be
# lifted by an inner #[allow].
RUST_CRATE_HEAD = "#![forbid(unsafe_code)]\n"

# JS failures that mean "needs plain node", not "wrong program": re-run alone under node.
NODE_ONLY = re.compile(
    r"ReferenceError: (process|Buffer|setTimeout|setInterval|setImmediate|clearTimeout|clearInterval|"
    r"queueMicrotask|module|exports|global|__dirname|__filename|TextEncoder|TextDecoder|URL|URLSearchParams|"
    r"structuredClone|performance|fetch|atob|btoa|AbortController|Intl) is not defined"
    r"|Cannot find module|Cannot use import statement|import\.meta|Unexpected token 'export'|"
    r"Cannot use 'import\.meta'|await is only valid"
)

PRELOAD_JS = rb"""'use strict';
// Loaded (--require) before every JS program. console.assert must fail the program (node only warns).
// __nc_record(v) writes one record line (a serialisation that keeps NaN, undefined, -0 and Infinity apart) and
// returns v; the hidden tests call it around every call of the entry point. __nc_random is the tests' own
// seeded generator (Math.random stays the program's). None of this is protected from the program: the host
// compares the records with the reference solution's, which never enter the sandbox.
(function () {
  const fs = require('fs');
  const ser = (v, depth, seen) => {
    if (v === undefined) return 'undefined';
    if (v === null) return 'null';
    switch (typeof v) {
      case 'number': return Object.is(v, -0) ? '-0' : String(v);
      case 'string': return JSON.stringify(v);
      case 'boolean': return String(v);
      case 'bigint': return String(v) + 'n';
      case 'function': return '<function>';
      case 'symbol': return '<symbol>';
    }
    if (depth > 40 || seen.has(v)) return '<cycle>';
    seen.add(v);
    try {
      if (Array.isArray(v)) {
        const parts = [];
        for (let i = 0; i < v.length; i++) parts.push(i in v ? ser(v[i], depth + 1, seen) : '<hole>');
        return '[' + parts.join(',') + ']';
      }
      if (v instanceof Map) return 'Map{' + [...v].map(([k, x]) => ser(k, depth + 1, seen) + '=>' + ser(x, depth + 1, seen)).join(',') + '}';
      if (v instanceof Set) return 'Set{' + [...v].map((x) => ser(x, depth + 1, seen)).join(',') + '}';
      return '{' + Object.keys(v).map((k) => JSON.stringify(k) + ':' + ser(v[k], depth + 1, seen)).join(',') + '}';
    } catch (e) {
      return '<unprintable>';
    } finally {
      seen.delete(v);
    }
  };
  Object.defineProperty(globalThis, '__nc_record', { value: (v) => {
    fs.writeSync(1, '\n\x1eNC:' + ser(v, 0, new Set()) + '\n');
    return v;
  } });
  let state = 0x2545f491;
  Object.defineProperty(globalThis, '__nc_random', { value: () => {  // mulberry32
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  } });
  console.assert = function (cond, ...msg) {
    if (!cond) throw new Error('Assertion failed' + (msg.length ? ': ' + msg.join(' ') : ''));
  };
})();
"""
# node's report of a main module that does not parse (the stack is node's own loader), and of a thrown error.
JS_PARSE_ERROR = re.compile(r"^(SyntaxError: [^\n]*)\n\s+at (?:internalCompileFunction|wrapSafe) ", re.MULTILINE)
JS_THROWN = re.compile(r"^(?:Uncaught )?(?:[A-Z]\w*)?(?:Error|Exception)\b[^\n]*", re.MULTILINE)
RUST_ALONE = (
    'rustc "$@" main.rs -o tests.bin 2>rustc.err || { echo NC_COMPILE_FAILED >&2; cat rustc.err >&2; exit 86; }\n'
    'rm -f main.rs rustc.err\n'
    # the program's own wall clock (a sleeping program uses no CPU): SIGKILL at NC_WALL seconds, then say so
    'timeout -s KILL "$NC_WALL" prlimit "--as=$NC_AS" "--cpu=$NC_CPU" "--fsize=$NC_FSIZE" -- '
    './tests.bin --test-threads=1 --nocapture -q\n'
    'rc=$?; [ "$rc" -eq 137 ] && echo "$NC_WALL_MARK" >&2; exit "$rc"\n'
)
WALL_MARK = "NC_PROGRAM_WALL_LIMIT"  # printed by the runner script, after the program is dead
COMPILE_FAILED_EXIT = 86


@dataclass(frozen=True)
class TestProgram:
    lang: str  # "js" or "rust"
    source: str  # one complete program: solution + its tests
    # Which problem the program solves. JS programs of one problem never share a batch sandbox; Rust ones are
    # put in one crate (cheaper to build), where a program still cannot copy a correct sibling's results
    # (see sandboxes/README.md, "Batches").
    problem: str | None = None
    # This program's own time limit in seconds (a task derives it, e.g. from a reference run; None: the run's):
    # a CPU-time budget, so a loaded machine does not turn a correct program into a timeout. See program_limits.
    seconds: float | None = None
    # Rust: support code the harness adds to every program (``pub`` items), compiled once per crate for the
    # programs of a batch that share it and glob-imported into each program's module (``use crate::M::*``).
    # Trusted text, not the program's; part of the cache key.
    shared: str = ""

    __test__ = False  # not a pytest class


def program_limits(program: TestProgram, limits: Limits) -> Limits:
    """The limits ``program`` runs under: the run's, with its own time limit when it has one (never above).

    ``seconds`` is CPU time: batches measure it to 10 ms (``cpu_budget``), single runs and Docker round it up to
    whole seconds (rlimit). The wall clock, which only a waiting program needs, gets ``WALL_PER_CPU`` times that,
    at least ``WALL_FLOOR`` seconds: under load a correct program's CPU time stays, its wall time grows."""
    if program.seconds is None:
        return limits
    budget = round(min(float(limits.cpu_seconds), float(limits.wall_seconds), max(0.1, float(program.seconds))), 3)
    wall = round(min(float(limits.wall_seconds), max(WALL_FLOOR, WALL_PER_CPU * budget)), 3)
    return replace(limits, wall_seconds=wall, cpu_seconds=min(limits.cpu_seconds, math.ceil(budget)), cpu_budget=budget)


def _runner_source() -> bytes:
    return resources.files("nearcoder.sandboxes").joinpath("runners/batch_runner.py").read_bytes()


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
    if program.shared:
        h.update(b"\0shared\0" + program.shared.encode("utf-8"))
    return h.hexdigest()


def supports_batches(sandbox: SandboxBackend) -> bool:
    """Batches need the Python runner inside the sandbox (bwrap binds the host's /usr; the Docker image has no
    Python, so Docker runs every program in its own ``docker exec``)."""
    return sandbox.name == "bwrap" and Path("/usr/bin/python3").exists()


class _Runner:
    """Runs programs of one language on one backend with one set of limits."""

    def __init__(self, sandbox: SandboxBackend, limits: Limits, prep: Prepared):
        self.sandbox = sandbox
        self.limits = limits
        self.prep = prep

    def _batch_spec(self, jobs: list[dict], memory_mb: int) -> dict:
        lim = self.limits
        return {
            "jobs": jobs,
            "scratch": f"/work/.nc-{secrets.token_hex(8)}",
            "output_bytes": lim.output_bytes,
            "limits": {"memory_bytes": memory_mb << 20, "fsize_bytes": lim.disk_mb << 20},
            "env": {"PATH": SANDBOX_PATH, "LANG": "C.UTF-8", "TMPDIR": "/tmp", "NODE_PATH": JS_MODULES},
        }

    def _parse_batch(self, batch: Outcome) -> dict[int, dict]:
        return {obj["id"]: obj for obj in _parse_lines(batch.stdout) if isinstance(obj.get("id"), int)}

    @staticmethod
    def _job(i: int, lim: Limits, **extra) -> dict:
        """One batch job: its own wall-clock (``timeout_ms``) and CPU-time limits (rlimit and measured budget)."""
        return {"id": i, "timeout_ms": int(lim.wall_seconds * 1000), "cpu_seconds": lim.cpu_seconds,
                "cpu_budget": lim.cpu_budget, **extra}

    def _line_outcome(self, line: dict, lim: Limits) -> Outcome:
        sig = line.get("signal")
        code = line.get("exit")
        returncode = -_signum(sig) if sig else code
        out = classify(returncode, str(line.get("stdout", "")), str(line.get("stderr", "")),
                       float(line.get("seconds", 0.0)), lim, timed_out=bool(line.get("timed_out")),
                       output_over=bool(line.get("output_over")), cpu_over=bool(line.get("cpu_over")))
        if isinstance(line.get("cpu"), (int, float)):
            out.cpu_seconds = float(line["cpu"])
        return self._explain(out)

    def _explain(self, out: Outcome) -> Outcome:
        if out.status is Status.FAILED and (m := JS_PARSE_ERROR.search(out.stderr)):
            return replace(out, status=Status.COMPILE_ERROR, reason=m.group(1)[:300])
        if out.status is Status.FAILED:
            thrown = JS_THROWN.search(out.stderr)
            reason = thrown.group(0)[:200] if thrown else first_error_line(out.stderr + "\n" + out.stdout)
            code = out.exit_code
            out.reason = f"exited {code}: {reason}" if code is not None and code >= 0 else f"{out.reason.split(':')[0]}: {reason}"
        return out

    # ---- JavaScript -------------------------------------------------------------------------------------
    def _js_memory(self) -> int:
        return max(self.limits.memory_mb, JS_MIN_MEMORY_MB)

    def _node_args(self) -> list[str]:
        return [f"--max-old-space-size={self._js_memory() * 3 // 4}"]

    def js_alone(self, source: str, lim: Limits) -> Outcome:
        program = Program(
            files={"program.js": source.encode("utf-8"), ".nc_preload.js": PRELOAD_JS},
            command=("/usr/bin/env", f"NODE_PATH={JS_MODULES}", "node", *self._node_args(),
                     "--require", "./.nc_preload.js", "program.js"),
            limits=replace(lim, memory_mb=self._js_memory()),
        )
        return self._explain(self.sandbox.run(program))

    def js_batch(self, sources: list[str], lims: list[Limits]) -> list[Outcome]:
        if len(sources) == 1 or not supports_batches(self.sandbox):
            return [self.js_alone(s, lim) for s, lim in zip(sources, lims)]
        n = len(sources)
        jobs = [self._job(i, lim, path=f"/in/p{i}.js") for i, lim in enumerate(lims)]
        spec = {**self._batch_spec(jobs, self._js_memory()), "node_args": self._node_args(),
                "preload": "/in/.nc_preload.js"}
        files = {f"p{i}.js": s.encode("utf-8") for i, s in enumerate(sources)}
        program = Program(
            files={**files, ".nc_preload.js": PRELOAD_JS, "runner.py": _runner_source(),
                   "jobs.json": json.dumps(spec).encode()},
            command=("/usr/bin/python3", "-I", "-S", "/in/runner.py", "js", "jobs.json"),
            limits=replace(self.limits, memory_mb=self._js_memory(),
                           wall_seconds=5 + sum(lim.wall_seconds + 1 for lim in lims),
                           cpu_seconds=5 + sum(lim.cpu_seconds for lim in lims),
                           output_bytes=n * 2 * (self.limits.output_bytes + 4096) + 65536),
        )
        lines = self._parse_batch(self.sandbox.run(program))
        return [self._line_outcome(lines[i], lim) if i in lines else self.js_alone(s, lim)
                for i, (s, lim) in enumerate(zip(sources, lims))]

    # ---- Rust -------------------------------------------------------------------------------------------
    def _rustc_args(self, json_errors: bool) -> list[str]:
        args = [*RUSTC_FLAGS, *self.prep.rustc_dep_args()]
        return args + ["--error-format=json"] if json_errors else args

    def _rust_sandbox_limits(self, lims: list[Limits]) -> Limits:
        lim, n = self.limits, len(lims)
        return replace(
            lim,
            memory_mb=max(lim.memory_mb, RUSTC_MEMORY_MB),
            processes=max(lim.processes, RUSTC_PROCESSES),
            wall_seconds=COMPILE_SECONDS + 5 * n + sum(p.wall_seconds + 1 for p in lims),
            cpu_seconds=int(COMPILE_SECONDS + 5 * n + sum(p.cpu_seconds for p in lims)),
            output_bytes=n * 2 * (lim.output_bytes + 4096) + (8 << 20),
            disk_mb=max(lim.disk_mb, 256 + 4 * n),  # an 80-program crate builds in < 10 MiB
        )

    def rust_alone(self, source: str, lim: Limits, shared: str = "") -> Outcome:
        env = {"NC_AS": str(lim.memory_mb << 20), "NC_CPU": f"{lim.cpu_seconds}:{lim.cpu_seconds + 1}",
               "NC_FSIZE": str(lim.disk_mb << 20), "NC_WALL": str(math.ceil(lim.wall_seconds)),
               "NC_WALL_MARK": WALL_MARK}
        program = Program(
            files={"main.rs": (RUST_CRATE_HEAD + source + _shared_module(f"nc_{secrets.token_hex(16)}", shared)).encode(),
                   "run.sh": RUST_ALONE.encode()},
            command=("/usr/bin/env", *(f"{k}={v}" for k, v in env.items()), "/bin/sh", "run.sh",
                     *self._rustc_args(False)),
            limits=replace(self._rust_sandbox_limits([lim]), wall_seconds=COMPILE_SECONDS + lim.wall_seconds),
        )
        out = self.sandbox.run(program)
        if out.exit_code == COMPILE_FAILED_EXIT and out.stderr.startswith("NC_COMPILE_FAILED"):
            err = out.stderr.split("\n", 1)[-1]
            return Outcome(Status.COMPILE_ERROR, None, "", err[: lim.output_bytes], out.duration, _first_rustc_error(err))
        if out.status is not Status.SANDBOX_ERROR:
            stderr = out.stderr.rstrip("\n")
            hit_wall = out.exit_code == 137 and stderr.endswith(WALL_MARK)
            if hit_wall:
                stderr = stderr[: -len(WALL_MARK)]
            out = classify(out.exit_code, out.stdout, stderr, out.duration, lim,
                           timed_out=hit_wall or (out.status is Status.TIMEOUT and "wall-clock" in out.reason),
                           output_over=out.status is Status.OUTPUT_LIMIT)
        return self._explain(out)

    def rust_batch(self, sources: list[str], lims: list[Limits], shared: list[str], depth: int = 0) -> list[Outcome]:
        """``sources`` built as one crate and run by the runner (a single program too: the same rules, e.g. no
        exec in the test process, hold alone and batched); a program without its result line, or whose
        module does not build, is re-run in a crate of its own, and only that decides its outcome."""
        if not supports_batches(self.sandbox):
            return [self.rust_alone(s, lim, sh) for s, lim, sh in zip(sources, lims, shared)]
        single = len(sources) == 1
        # Every program is its own file module (rustc parses it alone: it cannot close its module and add
        # items elsewhere) with its own unguessable file and module name; the sources reach the runner on
        # stdin and are deleted before any program runs (sandboxes/README.md, "Batches").
        files = [f"{secrets.token_hex(16)}.rs" for _ in sources]
        modules = [f"nc_{secrets.token_hex(16)}" for _ in sources]
        root = f"{secrets.token_hex(16)}.rs"
        support = {text: f"nc_{secrets.token_hex(16)}" for text in dict.fromkeys(shared) if text}
        crate = RUST_CRATE_HEAD + "".join(
            f'#[path = "{f}"]\n#[allow(unused_imports, dead_code)]\nmod {m};\n' for f, m in zip(files, modules))
        crate += "".join(_shared_module(m, text) for text, m in support.items())
        texts = {root: crate, **{f: src + (f"\nuse crate::{support[sh]}::*;\n" if sh else "")
                                 for f, src, sh in zip(files, sources, shared)}}
        jobs = [self._job(i, lim, filter=f"{m}::") for i, (m, lim) in enumerate(zip(modules, lims))]
        spec = {**self._batch_spec(jobs, self.limits.memory_mb), "rustc_args": self._rustc_args(not single),
                "compile_timeout_ms": int((COMPILE_SECONDS + 5 * (len(sources) - 1)) * 1000),
                "no_exec": _no_exec_spec()}
        program = Program(
            files={"runner.py": _runner_source(), "jobs.json": json.dumps(spec).encode()},
            command=("/usr/bin/python3", "-I", "-S", "/in/runner.py", "rust", "jobs.json"),
            limits=self._rust_sandbox_limits(lims),
            stdin=json.dumps({"dir": secrets.token_hex(16), "root": root, "files": texts}).encode(),
        )
        batch = self.sandbox.run(program)
        lines = _parse_lines(batch.stdout)
        failed_build = next((ln for ln in lines if ln.get("compile_failed")), None)
        by_id = {ln["id"]: ln for ln in lines if isinstance(ln.get("id"), int)}
        if single:
            if failed_build is not None:
                err = str(failed_build.get("stderr", ""))
                return [Outcome(Status.COMPILE_ERROR, None, "", err[: lims[0].output_bytes], batch.duration,
                                _first_rustc_error(err))]
            # no line: the program stopped the runner; the plain script in a fresh sandbox decides
            return [self._line_outcome(by_id[0], lims[0]) if 0 in by_id
                    else self.rust_alone(sources[0], lims[0], shared[0])]
        if failed_build is not None:
            bad = _modules_with_errors(str(failed_build.get("stderr", "")), files)
            if bad is None or depth >= 2:
                return [self.rust_batch([s], [lim], [sh])[0] for s, lim, sh in zip(sources, lims, shared)]
            keep = [i for i in range(len(sources)) if i not in bad]
            results = {i: self.rust_batch([sources[i]], [lims[i]], [shared[i]])[0] for i in sorted(bad)}
            if keep:
                redo = self.rust_batch([sources[i] for i in keep], [lims[i] for i in keep], [shared[i] for i in keep],
                                       depth + 1)
                results.update(zip(keep, redo))
            return [results[i] for i in range(len(sources))]
        return [self._line_outcome(by_id[i], lim) if i in by_id else self.rust_batch([s], [lim], [sh])[0]
                for i, (s, lim, sh) in enumerate(zip(sources, lims, shared))]

    def run_chunk(self, chunk: tuple[str, list[str], list[Limits], list[str]]) -> list[Outcome]:
        """One chunk: (language, sources, each program's limits, each program's shared code) -> outcomes."""
        lang, sources, lims, shared = chunk
        return self.js_batch(sources, lims) if lang == "js" else self.rust_batch(sources, lims, shared)


def _shared_module(name: str, text: str) -> str:
    """``TestProgram.shared`` as a crate-root module its programs glob-import (nothing when empty)."""
    if not text:
        return ""
    return f"\n#[allow(dead_code, unused_imports)]\nmod {name} {{\n{text}\n}}\nuse {name}::*;\n"


def _no_exec_spec() -> dict | None:
    """The runner's no-exec filter for test processes (``seccomp.no_exec_filter``), or None on an architecture
    without one (then programs of one problem never share a crate)."""
    arch = platform.machine()
    if arch not in seccomp.ARCHES:
        return None
    return {"filter": base64.b64encode(seccomp.no_exec_filter(arch, EXEC_FD)).decode(), "fd": EXEC_FD,
            "execveat": seccomp.ARCHES[arch][1]["execveat"]}


@dataclass(frozen=True)
class NodeRunner:
    """Runs a chunk on the machine it is called on, with that machine's backend and toolchain: what the Ray
    executor sends to a node (a backend name and the run's limits; picklable)."""

    backend: str
    limits: Limits

    def __call__(self, chunk: tuple[str, list[str], list[Limits], list[str]]) -> list[Outcome]:
        return _node_runner(self.backend, self.limits).run_chunk(chunk)


@lru_cache(maxsize=8)
def _node_runner(backend: str, limits: Limits) -> _Runner:
    return _Runner(get_backend(backend), limits, prepared())


def _signum(name: str) -> int:
    import signal

    try:
        return int(signal.Signals[name])
    except (KeyError, ValueError):
        return 9


def _parse_lines(stdout: str) -> list[dict]:
    """The runner's JSON lines (ignoring anything else, e.g. a truncated last line)."""
    items = []
    for text in stdout.splitlines():
        try:
            obj = json.loads(text)
        except ValueError:
            continue
        if isinstance(obj, dict):
            items.append(obj)
    return items


def _first_rustc_error(stderr: str) -> str:
    return first_compiler_error(stderr, 300) or "rustc failed"


def _modules_with_errors(stderr: str, files: list[str]) -> set[int] | None:
    """Which wrapped programs (by file name) the (JSON) diagnostics blame, or None when an error cannot be
    attributed to a program's own file (e.g. it points at the crate root or only into a macro's definition)."""
    index = {name: i for i, name in enumerate(files)}
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
        hit = set()
        for span in diag.get("spans", []):
            if not isinstance(span, dict) or not span.get("is_primary"):
                continue
            while isinstance(span, dict):  # the span itself, then where the macro it came from was called
                if (name := str(span.get("file_name", "")).rsplit("/", 1)[-1]) in index:
                    hit.add(index[name])
                span = (span.get("expansion") or {}).get("span")
        if not hit:
            return None
        bad |= hit
    return bad if saw_error and bad else None


def distinct_problem_chunks(todo: dict[str, TestProgram], cap: int, workers: int) -> list[list[str]]:
    """Keys of ``todo`` split into chunks of at most ``cap`` programs, at least one chunk per worker, no chunk
    holding two programs of the same problem (programs without a problem count as one problem each)."""
    keys = list(todo)
    n_chunks = max(min(workers, len(keys)), math.ceil(len(keys) / cap))
    by_problem: dict[object, list[str]] = {}
    for key in keys:
        by_problem.setdefault(todo[key].problem or ("", key), []).append(key)
    n_chunks = max(n_chunks, max(len(group) for group in by_problem.values()))
    # A whole number of rounds on the pool: with 3 equal chunks on 2 workers, one worker idles a third of the run.
    n_chunks = min(len(keys), math.ceil(n_chunks / workers) * workers)
    size = math.ceil(len(keys) / n_chunks)
    chunks: list[list[str]] = [[] for _ in range(n_chunks)]
    slot = 0
    # The largest problems first, each spread over consecutive chunks (one program per chunk).
    for group in sorted(by_problem.values(), key=len, reverse=True):
        for key in group:
            for _ in range(n_chunks):
                if len(chunks[slot]) < size:
                    break
                slot = (slot + 1) % n_chunks
            chunks[slot].append(key)
            slot = (slot + 1) % n_chunks
    return [c for c in chunks if c]


def problem_grouped_chunks(todo: dict[str, TestProgram], cap: int, workers: int) -> list[list[str]]:
    """Keys of ``todo`` in chunks of at most ``cap`` programs, a whole number of rounds on ``workers``, the
    programs of one problem next to each other (Rust, where programs of one problem may share a crate)."""
    keys = sorted(todo, key=lambda k: str(todo[k].problem or k))
    n_chunks = max(min(workers, len(keys)), math.ceil(len(keys) / cap))
    n_chunks = min(len(keys), math.ceil(n_chunks / workers) * workers)
    bounds = [round(i * len(keys) / n_chunks) for i in range(n_chunks + 1)]
    return [keys[a:b] for a, b in itertools.pairwise(bounds) if b > a]


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

    ``batch=False`` runs every program alone in its own sandbox. Batches (the default, bwrap only) run each
    program in its own process, never two programs of one problem together; see ``sandboxes/README.md``.

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
        key = _key(program, program_limits(program, limits))
        keys.append(key)
        if (hit := cache.get(key)) is not None:
            outcomes[i] = hit
        else:
            pending[program.lang].setdefault(key, program)

    results: dict[str, Outcome] = {}
    n_workers = workers or (executor_workers() if any(pending.values()) else 1)
    chunks: list[tuple[str, list[str]]] = []
    for lang, todo in pending.items():
        if todo:
            cap = (JS_CHUNK if lang == "js" else RUST_CHUNK) if batch and supports_batches(sandbox) else 1
            split = problem_grouped_chunks if lang == "rust" and _no_exec_spec() else distinct_problem_chunks
            chunks += [(lang, chunk) for chunk in split(todo, cap, n_workers)]

    def inputs(chunk: tuple[str, list[str]]) -> tuple[str, list[str], list[Limits], list[str]]:
        lang, chunk_keys = chunk
        return (lang, [pending[lang][k].source for k in chunk_keys],
                [program_limits(pending[lang][k], limits) for k in chunk_keys],
                [pending[lang][k].shared for k in chunk_keys])

    def store(chunk: tuple[str, list[str]], outs: list[Outcome]) -> None:
        for key, out in zip(chunk[1], outs):
            cache.put(key, out)
            results[key] = out

    # Rust chunks first: they are the long ones, so the pool stays busy to the end.
    chunks.sort(key=lambda c: (c[0] != "rust", -len(c[1])))
    # Here: threads running this runner; NEARCODER_EXECUTOR=ray: Ray tasks running NodeRunner on their node.
    run_chunks(chunks, inputs=inputs, here=runner.run_chunk, anywhere=NodeRunner(sandbox.name, limits),
               done=store, workers=n_workers, progress=progress, label=f"tests ({sandbox.name})",
               units=lambda c: len(c[1]))
    return [outcomes[i] if outcomes[i] is not None else results[keys[i]] for i in range(len(programs))]
