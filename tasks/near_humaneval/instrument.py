"""What the harness adds to a HumanEvalPack program so that its verdict can be decided on the host.

* **Records**: every call ``f(ARGS)`` of the entry point in the *test code* becomes ``__nc_record(f(ARGS))``
  (a balanced-parenthesis scan that skips strings, chars and comments). ``__nc_record`` prints the value on a
  line of its own (``\\x1eNC:<value>``: JS through the sandbox's preload, Rust through ``{:?}``) and returns it.
  The host compares the sequence with the reference solution's (``verdict.py``); expected values never enter
  the sandbox, so printing look-alike records, exiting early or disabling assertions cannot make a wrong
  solution pass. For property tests (``find_zero``) the argument is recorded too, and the host checks the
  property itself.
* **Seeded test inputs**: the tests' own random numbers (``Math.random()``, ``rand::thread_rng()``,
  ``rand::random::<T>()``) come from a fixed-seed generator, so the reference run and every candidate see the
  same inputs; the program's own ``Math.random``/``thread_rng`` are untouched.
* **Qualified assertions** (Rust): ``assert!``/``assert_eq!``/``assert_ne!`` become ``::core::...``, so a
  completion's ``macro_rules! assert_eq`` cannot turn them into no-ops.
* **Completion policy** (:func:`rejection`): what a completion may not contain, checked before execution.

Everything here is host-side text processing of trusted test code or of a reply; each scan is linear.
"""

from __future__ import annotations

import re
from functools import lru_cache

from nearcoder.tasks.near_humaneval.completion import find_closing, skip_literal

RECORD = "__nc_record"
# Problems whose tests check a property of the result rather than its value: record the argument as well and
# let the host check the property (verdict.py). HumanEval/32: any zero of the polynomial is right.
PROPERTY_PROBLEMS = {"32": "find_zero"}

# The Rust tests' support code: not part of each program but ``TestProgram.shared`` (the sandbox compiles it once
# per crate and glob-imports it into every program's module), so its items are ``pub``.
RUST_SUPPORT = """
pub fn __nc_record<T: ::std::fmt::Debug>(v: T) -> T {
    ::std::println!("\\n\\x1eNC:{:?}", v);
    v
}
pub struct __NcRng;
impl ::rand::Rng for __NcRng {
    fn next_u32(&mut self) -> u32 {
        __NC_RNG_STATE.with(|s| {
            let mut x = s.get();
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            s.set(x);
            x
        })
    }
}
::std::thread_local!(static __NC_RNG_STATE: ::std::cell::Cell<u32> = ::std::cell::Cell::new(0xdead_beef));
pub fn __nc_rng() -> __NcRng {
    __NcRng
}
"""

_RUST_ASSERT = re.compile(r"(?<![\w:!])(assert|assert_eq|assert_ne|debug_assert|debug_assert_eq|debug_assert_ne)!")
_RUST_THREAD_RNG = re.compile(r"\brand::thread_rng\(\)")
_RUST_RANDOM = re.compile(r"\brand::random::<([\w ]+)>\(\)")
_JS_RANDOM = re.compile(r"\bMath\.random\(\)")

# What a Rust completion may not contain (outside comments and strings), with the reason.
_RUST_FORBIDDEN = [
    (re.compile(r"\bunsafe\b"), "`unsafe` code"),
    (re.compile(r"\bextern\b"), "`extern` blocks, functions or crates"),
    (re.compile(r"#\s*!?\s*\[\s*(?:no_mangle|export_name|link_section|link|used|global_allocator|panic_handler)\b"),
     "linker-level attributes (#[no_mangle], #[export_name], #[link_section], #[link], #[used], ...)"),
    (re.compile(r"\b(?:global_asm|asm|naked_asm)\s*!"), "inline assembly"),
    (re.compile(r"\binclude(?:_str|_bytes)?\s*!"), "include!/include_str!/include_bytes! (reads files at build time)"),
    (re.compile(r"#\s*!?\s*\[\s*path\b"), "#[path] (takes a module from another file)"),
]
_HARNESS_NAME = re.compile(r"__nc|__NC")


def _code_only(text: str, lang: str) -> str:
    """``text`` with comments and string/char literals blanked out (same length), in one linear pass."""
    out = []
    i = 0
    n = len(text)
    last = 0
    while i < n:
        j = skip_literal(text, i, lang)
        if j != i:
            out.append(text[last:i])
            out.append(" " * (j - i))
            i = last = j
        else:
            i += 1
    out.append(text[last:])
    return "".join(out)


def rejection(body: str, lang: str) -> str | None:
    """Why a cut completion must not run (the reason names the rule), or None when it may."""
    code = _code_only(body, lang)
    if _HARNESS_NAME.search(code):
        return "uses a harness-reserved name (__nc...)"
    if lang == "rust":
        for pattern, what in _RUST_FORBIDDEN:
            if pattern.search(code):
                return f"HumanEval-Rust completions may not contain {what}"
    return None


def record_calls(test: str, lang: str, name: str, record_args: bool = False) -> str:
    """Wrap every call of ``name`` in ``test`` with ``__nc_record(...)`` (nested calls too)."""
    call = re.compile(rf"(?<![\w.$]){re.escape(name)}\s*\(")
    definition = re.compile(r"(?:\bfn|\bfunction)\s+$")
    out: list[str] = []
    i = 0
    while True:
        m = call.search(test, i)
        while m is not None and (_inside_literal(test, m.start(), lang) or definition.search(test[max(0, m.start() - 12) : m.start()])):
            m = call.search(test, m.end())
        if m is None:
            out.append(test[i:])
            return "".join(out)
        end = find_closing(test, lang, "()", start=m.end() - 1)
        if end is None:
            out.append(test[i:])
            return "".join(out)
        close = end - 1
        args = record_calls(test[m.end() : close], lang, name, record_args)
        if record_args:
            args = f"{RECORD}({args})"
        out.append(test[i : m.start()])
        out.append(f"{RECORD}({test[m.start() : m.end()]}{args}))")
        i = close + 1


def _inside_literal(text: str, pos: int, lang: str) -> bool:
    i = 0
    while i < pos:
        j = skip_literal(text, i, lang)
        if j > pos:
            return True
        i = j if j != i else i + 1
    return False


@lru_cache(maxsize=1024)  # once per problem: every sample of a problem has the same tests
def instrument_tests(test: str, lang: str, name: str, problem: str) -> str:
    """The test code as the harness runs it (see the module docstring); ``problem`` is the HumanEval number."""
    test = record_calls(test, lang, name, record_args=problem in PROPERTY_PROBLEMS)
    if lang == "js":
        return _JS_RANDOM.sub("__nc_random()", test)
    test = _RUST_ASSERT.sub(r"::core::\1!", test)
    test = _RUST_THREAD_RNG.sub("__nc_rng()", test)
    return _RUST_RANDOM.sub(r"::rand::Rng::gen::<\1>(&mut __nc_rng())", test)


def support_code(lang: str) -> str:
    """What every program of ``lang`` shares with the others (``TestProgram.shared``): Rust's record and seeded
    generator helpers; JS gets its helpers from the sandbox's preload."""
    return RUST_SUPPORT if lang == "rust" else ""
