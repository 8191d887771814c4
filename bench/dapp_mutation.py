"""Strength of the near_dapp_build hidden tests: controls and mutation testing of every Rust spec's reference.

On demand, not in CI (minutes of CPU). The crates are built on the host, outside the sandbox: only the
project's own references (and mutants of them) are compiled here, never model output. Each build replays the
near-sdk cache's captured rustc command (``recipe.json`` from ``nearcoder selftest dapp-build --prepare``), so
near-sdk is never rebuilt, and compiles the hidden tests as a separate crate that uses the contract crate
``near_contract`` as a library, the layout the harness uses (the tests see only the contract's ``pub`` items).

Commands
- ``check``: the reference passes every hidden test; a ``todo!()`` stub and a "returns defaults, never panics"
  stub pass none (both built from the reference in one binary, mutation schemata below); every plausible
  wrong implementation listed in the spec's ``wrong.toml`` fails at least one test.
- ``mutate``: mutation testing. cargo-mutants would rebuild the crate once per mutant (and, outside cargo's
  cache, near-sdk too), which the shared 2-core machine cannot afford for 24 specs, so the mutants are
  generated here, cargo-mutants' operators at source level on the reference's syntax tree (tree-sitter):
  comparison and boolean operators flipped, ``+``/``-`` swapped, ``+=``/``-=`` swapped, ``!`` removed,
  integer literals off by one, boolean literals flipped, ``require!``/``assert!`` and other statements deleted,
  function bodies replaced by a default return value. All mutants of one spec are compiled into ONE test
  binary (mutation schemata): each site becomes ``if mutant(k) { mutated } else { original }`` and the binary
  runs once per mutant with ``NEARCODER_MUTANT=k``. A mutant is killed when a test fails or the run hangs.
  Sites whose schema does not compile (e.g. ``-`` on a type without it) are dropped as unviable.

Run: ``nice python bench/dapp_mutation.py check [SPEC ...]`` and ``nice python bench/dapp_mutation.py mutate
[SPEC ...] [--show-survivors]``. Results are tables; the per-spec scores live in tasks/near_dapp_build/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

try:  # the module moves into tasks/near_dapp_build (issue 16); accept both homes
    from nearcoder.tasks.near_dapp_build import near_contracts as nc
except ImportError:  # pragma: no cover - before the move
    from nearcoder.sandboxes import near_contracts as nc
from nearcoder.tasks.near_dapp_build.specs import ContractSpec, load_specs

MUTANT_FN = "__nearcoder_mutant"
MUTANT_ENV = "NEARCODER_MUTANT"
TODO_STUB, DEFAULTS_STUB = 1, 2  # schema ids of the two whole-contract controls; mutants start at FIRST_MUTANT
FIRST_MUTANT = 3
RUN_TIMEOUT_S = 20
console = Console(width=150, force_terminal=False)

SWAPS = {
    "==": ["!="], "!=": ["=="], "<": ["<=", ">="], "<=": ["<", ">"], ">": [">=", "<="], ">=": [">", "<"],
    "&&": ["||"], "||": ["&&"], "+": ["-"], "-": ["+"], "*": ["+"],
}
COMPOUND_SWAPS = {"+=": ["-="], "-=": ["+="]}
CHECK_MACROS = {"require", "assert", "assert_eq", "assert_ne"}
# Default return values by return type (normalised, no spaces); other types get no "default body" mutant.
DEFAULTS = [
    (re.compile(r"^(u8|u16|u32|u64|u128|i32|i64|usize)$"), ["0", "1"]),
    (re.compile(r"^bool$"), ["false", "true"]),
    (re.compile(r"^String$"), ["String::new()"]),
    (re.compile(r"^(Vec<.*>)$"), ["Vec::new()"]),
    (re.compile(r"^Option<.*>$"), ["None"]),
    (re.compile(r"^(HashMap|BTreeMap|HashSet)<.*>$"), ["Default::default()"]),
    (re.compile(r"^(near_sdk::json_types::)?U128$"), ["near_sdk::json_types::U128(0)", "near_sdk::json_types::U128(1)"]),
    (re.compile(r"^(near_sdk::json_types::)?U64$"), ["near_sdk::json_types::U64(0)"]),
    (re.compile(r"^(near_sdk::)?Promise$"), ["near_sdk::Promise::new(near_sdk::env::current_account_id())"]),
    (re.compile(r"^(near_sdk::)?AccountId$"), ["near_sdk::env::current_account_id()"]),
    (re.compile(r"^(near_sdk::)?PromiseOrValue<.*>$"), ["near_sdk::PromiseOrValue::Value(Default::default())"]),
]


# ------------------------------------------------------------------------------------------------ building
def _recipe_args(recipe) -> list[str]:
    return [a.replace(nc.SANDBOX_NEAR_TARGET, recipe.target_dir) for a in recipe.args]


def _env(work: Path) -> dict:
    return {**os.environ, "CARGO_PKG_NAME": "near_contract", "CARGO_CRATE_NAME": "near_contract",
            "CARGO_PKG_VERSION": "0.1.0", "CARGO_PKG_VERSION_MAJOR": "0", "CARGO_PKG_VERSION_MINOR": "1",
            "CARGO_PKG_VERSION_PATCH": "0", "CARGO_MANIFEST_DIR": str(work)}


@dataclass
class Built:
    binary: Path | None
    error: str = ""
    error_lines: list[int] = field(default_factory=list)  # lib.rs lines (1-based) of the first errors


def build(lib_rs: str, tests_rs: str, work: Path) -> Built:
    """The contract crate as an rlib, then the hidden tests as their own crate against it (``--test``)."""
    recipe = nc.load_rust_recipe()
    args = _recipe_args(recipe)
    (work / "src").mkdir(parents=True, exist_ok=True)
    (work / "Cargo.toml").write_bytes((nc.template_dir() / "Cargo.toml").read_bytes())
    (work / "src" / "lib.rs").write_text(lib_rs)
    (work / "hidden_tests.rs").write_text("#[allow(unused_imports)]\nuse near_contract::*;\n" + tests_rs)
    out = work / "out"
    out.mkdir(exist_ok=True)
    lib = subprocess.run(["rustc", "--crate-name", "near_contract", *args, "src/lib.rs", "--crate-type", "rlib",
                          "--error-format=json", "-o", str(out / "libnear_contract.rlib"), "--cap-lints", "allow"],
                         cwd=work, env=_env(work), capture_output=True, text=True)
    if lib.returncode != 0:
        return Built(None, *_first_errors(lib.stderr))
    test = subprocess.run(["rustc", "--crate-name", "hidden_tests", *args, "hidden_tests.rs", "--test",
                           "--extern", f"near_contract={out / 'libnear_contract.rlib'}", "-o", str(out / "tests"),
                           "--cap-lints", "allow", "--error-format=json"],
                          cwd=work, env=_env(work), capture_output=True, text=True)
    if test.returncode != 0:
        msg, _ = _first_errors(test.stderr)
        return Built(None, "tests: " + msg)
    return Built(out / "tests")


def _first_errors(stderr: str) -> tuple[str, list[int]]:
    messages, lines = [], []
    for line in stderr.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if d.get("level") != "error":
            continue
        messages.append(d.get("message", ""))
        lines += [s["line_start"] for s in d.get("spans", []) if s.get("file_name", "").endswith("lib.rs")]
    return ("; ".join(messages[:3]) or stderr[-500:]), lines


def run_tests(binary: Path, mutant: int = 0) -> dict[str, str]:
    """Verdict per test (``passed``/``failed``/``timeout``) from libtest's logfile."""
    with tempfile.NamedTemporaryFile("r", suffix=".log") as log:
        try:
            subprocess.run([str(binary), "--test-threads", "2", "--logfile", log.name],
                           env={**os.environ, MUTANT_ENV: str(mutant), "RUST_BACKTRACE": "0"},
                           capture_output=True, timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return {"<run>": "timeout"}
        verdicts = {}
        for line in Path(log.name).read_text().splitlines():
            status, _, name = line.partition(" ")
            verdicts[name] = {"ok": "passed", "failed": "failed"}.get(status, status)
        return verdicts


# ------------------------------------------------------------------------------------------ mutation schemata
@dataclass
class Site:
    id: int
    line: int  # 1-based line of the site in the reference
    end_line: int
    description: str


class Schema:
    """Rewrites the reference so that every mutant (and the two stubs) is selected at run time."""

    def __init__(self, source: str, disabled: set[tuple[int, int, str]] = frozenset()):
        from nearcoder.tasks.near_dapp_build.interface import _parser

        self.src = expand_checks(source).encode()
        self.tree = _parser("rust").parse(self.src)
        self.sites: list[Site] = []
        self.disabled = disabled  # (start byte, end byte, description) of sites dropped as unviable
        self.keys: dict[int, tuple[int, int, str]] = {}
        self.next_id = FIRST_MUTANT
        self.defaultable = _defaultable_structs(self.tree.root_node, self.src)

    def text(self, node) -> str:
        return self.src[node.start_byte:node.end_byte].decode()

    def _site(self, node, description: str) -> int | None:
        key = (node.start_byte, node.end_byte, description)
        if key in self.disabled:
            return None
        k = self.next_id
        self.next_id += 1
        self.sites.append(Site(k, node.start_point[0] + 1, node.end_point[0] + 1, description))
        self.keys[k] = key
        return k

    def render(self, node, in_fn: bool = False) -> str:
        """The node's source with every mutation site inside function bodies wrapped in a schema switch."""
        if node.type == "function_item" and any(c.type == "block" for c in node.children):
            return self._function(node)
        if not in_fn:
            return self._concat(node, False) if node.children else self.text(node)
        if node.type == "expression_statement":
            return self._statement(node)
        if node.type in ("token_tree", "macro_invocation", "attribute_item") or _in_pattern(node):
            return self.text(node)
        if node.type == "binary_expression":
            return self._binary(node)
        if node.type == "compound_assignment_expr":
            return self._compound(node)
        if node.type == "unary_expression" and self.text(node.children[0]) == "!":
            inner = self.render(node.children[1], True)
            return self._switch(node, [(f"{inner}", "remove !")], f"!{inner}")
        if node.type == "boolean_literal" and node.parent.type not in ("array_expression",):
            flipped = "false" if self.text(node) == "true" else "true"
            return self._switch(node, [(flipped, f"{self.text(node)} -> {flipped}")], self.text(node))
        if node.type == "integer_literal" and node.parent.type not in ("array_expression", "index_expression",
                                                                       "field_expression"):
            return self._integer(node)
        return self._concat(node, in_fn)

    def _concat(self, node, in_fn: bool) -> str:
        out, pos = [], node.start_byte
        for child in node.children:
            out.append(self.src[pos:child.start_byte].decode())
            out.append(self.render(child, in_fn))
            pos = child.end_byte
        out.append(self.src[pos:node.end_byte].decode())
        return "".join(out)

    def _switch(self, node, variants: list[tuple[str, str]], original: str) -> str:
        text = original
        for mutated, description in reversed(variants):
            k = self._site(node, description)
            if k is not None:
                text = f"if crate::{MUTANT_FN}({k}) {{ {mutated} }} else {{ {text} }}"
        return f"({text})" if text != original else original

    def _binary(self, node) -> str:
        left, op, right = node.children[0], node.children[1], node.children[2]
        lt, rt, o = self.render(left, True), self.render(right, True), self.text(op)
        variants = [(f"{lt} {alt} {rt}", f"{o} -> {alt}") for alt in SWAPS.get(o, [])]
        return self._switch(node, variants, f"{lt} {o} {rt}")

    def _compound(self, node) -> str:
        left, op, right = node.children[0], node.children[1], node.children[2]
        lt, rt, o = self.render(left, True), self.render(right, True), self.text(op)
        variants = [(f"{lt} {alt} {rt}", f"{o} -> {alt}") for alt in COMPOUND_SWAPS.get(o, [])]
        text = f"{lt} {o} {rt}"
        for mutated, description in reversed(variants):
            k = self._site(node, description)
            if k is not None:
                text = f"if crate::{MUTANT_FN}({k}) {{ {mutated}; }} else {{ {text}; }}"
        return text

    def _integer(self, node) -> str:
        text = self.text(node)
        m = re.fullmatch(r"([0-9_]+)([a-z0-9]*)", text)
        if not m:
            return text
        value, suffix = int(m.group(1).replace("_", "")), m.group(2)
        variants = [(f"{value + 1}{suffix}", f"{text} -> {value + 1}")]
        if value > 0:
            variants.append((f"{value - 1}{suffix}", f"{text} -> {value - 1}"))
        return self._switch(node, variants, text)

    def _statement(self, node) -> str:
        expr = node.children[0]
        body = self.render(expr, True) + self.src[expr.end_byte:node.end_byte].decode()
        name = self.text(expr).split("!")[0].strip() if expr.type == "macro_invocation" else ""
        if expr.type in ("return_expression", "if_expression", "match_expression", "block", "for_expression",
                         "while_expression", "loop_expression") or "?" in self.text(expr):
            return body
        if expr.type == "macro_invocation" and name not in CHECK_MACROS | {"log", "env::log_str"}:
            return body
        description = f"delete {name}!" if name else "delete statement"
        k = self._site(node, description)
        if k is None:
            return body
        return f"if !crate::{MUTANT_FN}({k}) {{ {body.rstrip(';')}; }}"

    def _function(self, node) -> str:
        block = next(c for c in node.children if c.type == "block")
        head = self.src[node.start_byte:block.start_byte].decode()
        ret = node.child_by_field_name("return_type")
        ret_text = re.sub(r"\s+", "", self.text(ret)) if ret is not None else "()"
        inner = self.render(block, True)
        if ret_text == "Self" or re.search(r"#\[\s*init", self._attrs(node)):
            return head + inner  # initializers stay: the stubs keep a working `new`
        defaults = ["()"] if ret_text == "()" else next((d for rx, d in DEFAULTS if rx.match(ret_text)), [])
        if not defaults and ret_text in self.defaultable:
            defaults = ["Default::default()"]
        guards = [f"if crate::{MUTANT_FN}({TODO_STUB}) {{ todo!() }}"]
        if defaults:
            guards.append(f"if crate::{MUTANT_FN}({DEFAULTS_STUB}) {{ return {defaults[0]}; }}")
        for d in defaults:
            k = self._site(node, f"body -> {d.split('::')[-1]}")
            if k is not None:
                guards.append(f"if crate::{MUTANT_FN}({k}) {{ return {d}; }}")
        return head + "{ " + " ".join(guards) + " " + inner[1:]

    def _attrs(self, node) -> str:
        sib, out = node.prev_named_sibling, []
        while sib is not None and sib.type in ("attribute_item", "line_comment"):
            out.append(self.text(sib))
            sib = sib.prev_named_sibling
        return " ".join(out)

    def render_item(self, node) -> str:
        if (node.type == "struct_item" and self.text(node.child_by_field_name("name")) in self.defaultable
                and "Default" not in self._attrs(node)):
            return "#[derive(Default)] " + self._concat(node, False)
        return self.render(node)

    def program(self) -> str:
        root = self.tree.root_node
        out, pos = [], root.start_byte
        for child in root.children:
            out.append(self.src[pos:child.start_byte].decode())
            out.append(self.render_item(child))
            pos = child.end_byte
        body = "".join(out) + self.src[pos:root.end_byte].decode()
        return body + f"""
#[doc(hidden)]
pub fn {MUTANT_FN}(k: u32) -> bool {{
    static ACTIVE: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *ACTIVE.get_or_init(|| std::env::var("{MUTANT_ENV}").ok().and_then(|v| v.parse().ok()).unwrap_or(0)) == k
}}
"""


_DEFAULT_FIELD = re.compile(r"^(u8|u16|u32|u64|u128|i8|i16|i32|i64|bool|String|U128|U64|(Vec|Option|HashMap|BTreeMap)<.*>)$")


def _defaultable_structs(root, src: bytes) -> set[str]:
    """Public structs whose every field type has a Default (so the defaults stub can return one)."""
    structs = {}
    for node in root.children:
        if node.type != "struct_item" or b"contract_state" in src[max(0, node.start_byte - 200):node.start_byte]:
            continue
        fields = node.child_by_field_name("body")
        if fields is None:
            continue
        types = [re.sub(r"\s+", "", src[f.child_by_field_name("type").start_byte:f.child_by_field_name("type").end_byte]
                        .decode()) for f in fields.children if f.type == "field_declaration"]
        structs[src[node.child_by_field_name("name").start_byte:node.child_by_field_name("name").end_byte].decode()] = types
    ok: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, types in structs.items():
            if name not in ok and all(_DEFAULT_FIELD.match(t) or t in ok for t in types):
                ok.add(name)
                changed = True
    return ok


def expand_checks(source: str) -> str:
    """``require!(c, m)`` / ``assert!(c, m)`` as ``if !(c) { panic_str(m); }``, so that their conditions can be
    mutated too (macro arguments are token trees to the parser). Same behaviour; lines are kept."""
    from nearcoder.tasks.near_dapp_build.interface import _parser

    src = source.encode()
    edits = []

    def visit(node, in_fn):
        if node.type == "macro_invocation" and in_fn:
            name = src[node.start_byte:node.end_byte].decode().split("!")[0].strip()
            tree = next((c for c in node.children if c.type == "token_tree"), None)
            if name in ("require", "assert") and tree is not None:
                args = _split_top_level(src[tree.start_byte + 1:tree.end_byte - 1].decode())
                if len(args) == 2:
                    cond, msg = args
                    edits.append((node.start_byte, node.end_byte,
                                  f"if !({cond}) {{ ::near_sdk::env::panic_str(&({msg})); }}"))
                    return
        for c in node.children:
            visit(c, in_fn or node.type == "function_item")

    visit(_parser("rust").parse(src).root_node, False)
    for start, end, text in sorted(edits, reverse=True):
        src = src[:start] + text.encode() + src[end:]
    return src.decode()


def _split_top_level(text: str) -> list[str]:
    parts, depth, cur, quote = [], 0, [], False
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            cur.append(ch)
            if ch == "\\":
                cur.append(text[i + 1])
                i += 1
            elif ch == '"':
                quote = False
        elif ch == '"':
            quote = True
            cur.append(ch)
        elif ch in "([{":
            depth += 1
            cur.append(ch)
        elif ch in ")]}":
            depth -= 1
            cur.append(ch)
        elif ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _in_pattern(node) -> bool:
    """Inside a pattern, a const or a static, where an expression switch cannot go."""
    while node is not None and node.type != "function_item":
        if node.type.endswith("pattern") or node.type in ("const_item", "static_item"):
            return True
        node = node.parent
    return False


def schema_binary(spec: ContractSpec, work: Path, max_retries: int = 40) -> tuple[Schema, Path]:
    """The schema of the spec's reference, built; sites named by compile errors are dropped and it is rebuilt."""
    disabled: set = set()
    for _ in range(max_retries):
        schema = Schema(spec.reference, disabled)
        program = schema.program()
        built = build(program, spec.tests, work)
        if built.binary is not None:
            return schema, built.binary
        if not built.error_lines:
            raise RuntimeError(f"{spec.id}: schema does not build: {built.error}")
        line_of = _site_lines(program, schema)
        bad = [k for k, (a, b) in line_of.items() if any(a <= ln <= b for ln in built.error_lines)]
        if not bad:
            raise RuntimeError(f"{spec.id}: schema does not build: {built.error}")
        innermost = min(bad, key=lambda k: line_of[k][1] - line_of[k][0])
        disabled.add(schema.keys[innermost])
    raise RuntimeError(f"{spec.id}: schema still does not build after dropping {max_retries} sites")


def _site_lines(program: str, schema: Schema) -> dict[int, tuple[int, int]]:
    """Line span of each mutant's switch in the generated program."""
    spans = {}
    for k in schema.keys:
        needle = f"crate::{MUTANT_FN}({k})"
        idx = program.find(needle)
        if idx >= 0:
            line = program.count("\n", 0, idx) + 1
            spans[k] = (line, line)
    return spans


# -------------------------------------------------------------------------------------------------- commands
def wrong_implementations(spec: ContractSpec) -> list[tuple[str, str]]:
    """(description, source) of the spec's plausible wrong implementations (``wrong.toml``)."""
    import tomllib

    from nearcoder.tasks.near_dapp_build.specs import SPECS_DIR

    path = SPECS_DIR / "rust" / spec.id / "wrong.toml"
    if not path.is_file():
        return []
    out = []
    for w in tomllib.loads(path.read_text())["wrong"]:
        if spec.reference.count(w["find"]) != 1:
            raise ValueError(f"{path}: {w['description']!r}: `find` must occur exactly once in reference.rs")
        out.append((w["description"], spec.reference.replace(w["find"], w["replace"])))
    return out


def check(specs: list[ContractSpec]) -> int:
    table = Table("spec", "difficulty", "tests", "reference", "todo!() stub", "defaults stub", "wrong impls caught",
                  "seconds")
    bad = 0
    for spec in specs:
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="nearcoder-dapp-") as tmp:
            schema, binary = schema_binary(spec, Path(tmp))
            results = [run_tests(binary, k) for k in (0, TODO_STUB, DEFAULTS_STUB)]
        n = len(spec.test_names)
        passed = [sum(v == "passed" for v in r.values()) for r in results]
        wrong = wrong_implementations(spec)
        escaped = []
        for description, source in wrong:
            with tempfile.TemporaryDirectory(prefix="nearcoder-wrong-") as tmp:
                built = build(source, spec.tests, Path(tmp))
                if built.binary is None:
                    raise RuntimeError(f"{spec.id}: wrong implementation {description!r} does not build: {built.error}")
                verdicts = run_tests(built.binary)
            if len(verdicts) == n and all(v == "passed" for v in verdicts.values()):
                escaped.append(description)
        ok = passed[0] == n and len(results[0]) == n and passed[1] == 0 and passed[2] == 0 and not escaped
        bad += not ok
        meta = _difficulty(spec)
        table.add_row(spec.id, meta, str(n), f"{passed[0]}/{n}", f"{passed[1]}/{n}", f"{passed[2]}/{n}",
                      f"{len(wrong) - len(escaped)}/{len(wrong)}", f"{time.monotonic() - t0:.0f}",
                      style=None if ok else "red")
        for description in escaped:
            console.print(f"[red]{spec.id}: the wrong implementation {description!r} passes every test")
        if passed[0] != n:
            console.print(f"[red]{spec.id}: reference fails " +
                          ", ".join(t for t, v in results[0].items() if v != "passed"))
        for label, r in (("todo", results[1]), ("defaults", results[2])):
            leaks = [t for t, v in r.items() if v == "passed"]
            if leaks:
                console.print(f"[red]{spec.id}: the {label} stub passes {', '.join(leaks)}")
    console.print(table)
    return 1 if bad else 0


README = Path(__file__).resolve().parents[1] / "tasks" / "near_dapp_build" / "README.md"
START, END = "<!-- mutation:start -->", "<!-- mutation:end -->"


def write_readme(rows: list[tuple[str, int, int, int, list[str]]], seconds: float) -> None:
    """The per-spec mutation scores into the README between the markers; rows of specs not run now are kept."""
    import platform
    from datetime import date

    text = README.read_text()
    block = text[text.index(START):text.index(END)]
    table = {m.group(1): m.group(0) for m in re.finditer(r"^\| `(\w+)` \|.*$", block, re.M)}
    for spec_id, total, unviable, killed, survivors in rows:
        score = 100 * killed / total if total else 100.0
        table[spec_id] = (f"| `{spec_id}` | {total} | {unviable} | {killed} | {score:.0f} % | "
                          f"{'; '.join(survivors) or '-'} | {date.today().isoformat()} |")
    lines = [START, "", f"Last run: `python bench/dapp_mutation.py mutate --write {' '.join(r[0] for r in rows)}`, "
             f"{date.today().isoformat()}, {platform.machine()} with {os.cpu_count()} cores shared with other jobs "
             f"(under load), {seconds:.0f} s.", "",
             "| spec | mutants | unviable | killed | score | survivors (line: mutation) | run |",
             "|---|---:|---:|---:|---:|---|---|", *[table[k] for k in sorted(table)], "", END]
    README.write_text(text[:text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END):])


def mutate(specs: list[ContractSpec], show_survivors: bool, write: bool = False) -> int:
    table = Table("spec", "mutants", "unviable", "killed", "survived", "score", "seconds")
    rows = []
    t_all = time.monotonic()
    for spec in specs:
        t0 = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="nearcoder-mut-") as tmp:
            schema, binary = schema_binary(spec, Path(tmp))
            base = run_tests(binary, 0)
            if any(v != "passed" for v in base.values()):
                console.print(f"[red]{spec.id}: the reference schema fails its tests: {base}")
                continue
            survivors = []
            for site in schema.sites:
                verdicts = run_tests(binary, site.id)
                if all(v == "passed" for v in verdicts.values()) and len(verdicts) == len(base):
                    survivors.append(site)
        total = len(schema.sites)
        killed = total - len(survivors)
        score = killed / total if total else 1.0
        table.add_row(spec.id, str(total), str(len(schema.disabled)), str(killed), str(len(survivors)),
                      f"{100 * score:.0f}%", f"{time.monotonic() - t0:.0f}")
        lines = expand_checks(spec.reference).splitlines()
        rows.append((spec.id, total, len(schema.disabled), killed,
                     [f"{s.line}: `{lines[s.line - 1].strip()[:60]}` {s.description}" for s in survivors]))
        if write:  # after every spec, so a long run keeps what it measured
            write_readme(rows, time.monotonic() - t_all)
        if show_survivors:
            for s in survivors:
                console.print(f"  {spec.id}:{s.line} {s.description:<22} {lines[s.line - 1].strip()[:90]}")
    console.print(table)
    return 0


def _difficulty(spec: ContractSpec) -> str:
    import tomllib

    from nearcoder.tasks.near_dapp_build.specs import SPECS_DIR

    return tomllib.loads((SPECS_DIR / "rust" / spec.id / "spec.toml").read_text()).get("difficulty", "?")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "mutate"])
    parser.add_argument("specs", nargs="*", help="spec ids (default: all Rust specs)")
    parser.add_argument("--show-survivors", action="store_true")
    parser.add_argument("--write", action="store_true", help="mutate: write the scores into the README")
    args = parser.parse_args(argv)
    specs = [s for s in load_specs("rust") if not args.specs or s.id in args.specs]
    unknown = set(args.specs) - {s.id for s in specs}
    if unknown:
        parser.error(f"unknown spec ids: {', '.join(sorted(unknown))}")
    if args.command == "check":
        return check(specs)
    return mutate(specs, args.show_survivors, args.write)


if __name__ == "__main__":
    sys.exit(main())
