"""The contract specs: ``specs/<language>/<id>/spec.toml`` plus the reference solution and the hidden tests.

A spec fixes the public interface (contract name, method signatures, which are init/view/call/payable/private)
so hidden tests can call it; :func:`render_prompt` turns it into the prompt the model sees.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

SPECS_DIR = Path(__file__).resolve().parent / "specs"
LANGUAGES = ("rust", "js")
KINDS = ("init", "view", "call", "payable", "private")
NEAR_SDK_RS = "5.30.0"
NEAR_SDK_JS = "2.0.0"
FILES = {"rust": ("reference.rs", "tests.rs"), "js": ("reference.ts", "check.ts")}

_JS_TEST = re.compile(r"^  (\w+)\(t\) \{$", re.M)  # a test of tests.mjs: `  name(t) {` in `export const tests`
_METHOD_NAME = re.compile(r"\bfn\s+(\w+)|^\s*(?:async\s+)?(\w+)\s*\(")


@dataclass(frozen=True)
class MethodSpec:
    kind: str  # one of KINDS
    signature: str  # Rust: `pub fn name(&self, a: T) -> R`; JS: `name({ a }: { a: T }): R`

    @property
    def name(self) -> str:
        m = _METHOD_NAME.search(self.signature)
        if not m:
            raise ValueError(f"cannot find the method name in {self.signature!r}")
        return m.group(1) or m.group(2)


@dataclass(frozen=True)
class ContractSpec:
    id: str
    language: str
    title: str
    contract: str
    behaviour: str
    methods: tuple[MethodSpec, ...]
    types: str  # public types the interface uses, to be defined verbatim ("" when none)
    seed: bool  # one of the seed deck's two dApps
    reference: str  # the project's solution
    tests: str  # Rust: hidden unit tests (module body); JS: the type-level interface probe (check.ts)
    behaviour_tests: str = ""  # JS: tests.mjs, behaviour tests run under node (empty: type check only)
    difficulty: str = "easy"  # easy / medium / hard: functionality is also reported per difficulty

    @property
    def test_names(self) -> list[str]:
        from nearcoder.tasks.near_dapp_build.hidden_tests import parse_tests

        if self.language == "rust":
            return [t.name for t in parse_tests(self.tests)]
        return _JS_TEST.findall(self.behaviour_tests) or ["typecheck"]


def _load(folder: Path, language: str) -> ContractSpec:
    meta = tomllib.loads((folder / "spec.toml").read_text())
    ref_name, tests_name = FILES[language]
    methods = tuple(MethodSpec(m["kind"], m["signature"].strip()) for m in meta["methods"])
    for m in methods:
        if m.kind not in KINDS:
            raise ValueError(f"{folder}/spec.toml: unknown method kind {m.kind!r}")
    spec = ContractSpec(
        id=meta["id"],
        language=language,
        title=meta["title"],
        contract=meta["contract"],
        behaviour=meta["behaviour"].strip(),
        methods=methods,
        types=meta.get("types", "").strip(),
        seed=bool(meta.get("seed", False)),
        reference=(folder / ref_name).read_text(),
        tests=(folder / tests_name).read_text(),
        behaviour_tests=(folder / "tests.mjs").read_text() if (folder / "tests.mjs").is_file() else "",
        difficulty=meta.get("difficulty", "easy" if language == "js" else ""),
    )
    if spec.difficulty not in DIFFICULTIES:
        raise ValueError(f"{folder}/spec.toml: difficulty must be one of {DIFFICULTIES}, got {spec.difficulty!r}")
    if spec.id != folder.name:
        raise ValueError(f"{folder}/spec.toml: id {spec.id!r} must equal the folder name")
    if not spec.test_names:
        raise ValueError(f"{folder}: no hidden tests found")
    return spec


DIFFICULTIES = ("easy", "medium", "hard")


@lru_cache(maxsize=None)
def load_specs(language: str = "rust") -> tuple[ContractSpec, ...]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
    root = SPECS_DIR / language
    return tuple(_load(d, language) for d in sorted(root.iterdir()) if (d / "spec.toml").is_file())


_RS_ANNOTATION = {"init": "#[init] ", "payable": "#[payable] ", "private": "#[private] ", "view": "", "call": ""}
_JS_DECORATOR = {
    "init": "@initialize({})",
    "view": "@view({})",
    "call": "@call({})",
    "payable": "@call({ payableFunction: true })",
    "private": "@call({ privateFunction: true })",
}
_KIND_WORD = {"init": "initializer", "view": "view", "call": "call", "payable": "payable call", "private": "private callback"}


def render_prompt(spec: ContractSpec) -> str:
    """The prompt: behaviour, the fixed interface, the rules of the build; it ends by opening the code block."""
    if spec.language == "rust":
        return _rust_prompt(spec)
    return _js_prompt(spec)


def _rust_prompt(spec: ContractSpec) -> str:
    methods = "\n".join(f"- {_KIND_WORD[m.kind]}: `{_RS_ANNOTATION[m.kind]}{m.signature}`" for m in spec.methods)
    types = (
        f"\nDefine these public types exactly as written (they are part of the interface):\n```rust\n{spec.types}\n```\n"
        if spec.types
        else ""
    )
    return (
        f"Write a NEAR Protocol smart contract in Rust: the complete `src/lib.rs` of a crate whose Cargo.toml is fixed "
        f"(its only dependency is `near-sdk = \"={NEAR_SDK_RS}\"`, edition 2021). Use near-sdk 5 style: the state "
        f"struct carries `#[near(contract_state)]` (with `#[derive(PanicOnDefault)]`) and the methods live in an "
        f"`#[near] impl` block. No other crates, files or build scripts.\n\n"
        f"## {spec.title}\n{spec.behaviour}\n\n"
        f"## Public interface (must match exactly)\n"
        f"Contract struct: `pub struct {spec.contract}`. Methods of `impl {spec.contract}`:\n{methods}\n{types}\n"
        f"`U128`/`U64` are `near_sdk::json_types::U128`/`U64`. Hidden unit tests, compiled as a separate crate "
        f"that uses your crate as a library (`use near_contract::*;`), call these methods directly under "
        f"near-sdk's mocked blockchain (`testing_env!`, `VMContextBuilder`): the contract struct, the types above "
        f"and their fields must be `pub`. Unsafe code (including `#[no_mangle]`) is not accepted.\n\n"
        f"Reply with the whole file in one Rust code block.\n\n```rust\n"
    )


def _js_prompt(spec: ContractSpec) -> str:
    methods = "\n".join(f"- {_KIND_WORD[m.kind]}: `{_JS_DECORATOR[m.kind]} {m.signature}`" for m in spec.methods)
    types = f"\nDefine and export these types with exactly these fields (add a constructor if you need one):\n```typescript\n{spec.types}\n```\n" if spec.types else ""
    return (
        f"Write a NEAR Protocol smart contract in TypeScript with near-sdk-js {NEAR_SDK_JS}: the complete "
        f"`src/contract.ts`. Import only from \"near-sdk-js\"; decorate the class with `@NearBindgen({{}})` and "
        f"export it.\n\n"
        f"## {spec.title}\n{spec.behaviour}\n\n"
        f"## Public interface (must match exactly)\n"
        f"Contract class: `export class {spec.contract}`. Methods, with the exact signatures below (a method "
        f"with parameters takes them as one object argument, as near-sdk-js passes JSON arguments; a method "
        f"without parameters takes none):\n{methods}\n{types}\n"
        f"Reply with the whole file in one TypeScript code block.\n\n```typescript\n"
    )
