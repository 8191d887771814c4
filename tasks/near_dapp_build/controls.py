"""Negative controls, generated from each spec's reference (never written by hand per spec).

- ``todo``: every function body is ``todo!()``: the right interface, no behaviour;
- ``defaults``: the initializer is kept, every other function returns a default and never panics;
- ``no_checks``: the reference with its checks removed: every ``assert*!``, ``require!``, ``panic!``,
  ``env::panic_str``, ``assert_self()`` and ``assert_one_yocto()`` *statement* deleted (panics in expression position stay, the code must still compile).

Each must score ``functionality`` 0 on its spec (``tests/tasks/test_near_dapp_build_controls.py``, CI);
``nearcoder selftest dapp-build --controls`` prints them next to the references. A control above 0 means the
spec's hidden tests let a contract without that behaviour through.
"""

from __future__ import annotations

import re

CONTROLS = ("todo", "defaults", "no_checks")
_FN = re.compile(r"\bfn\s+(\w+)\s*(?:<[^>{]*>)?\s*\(")
_CHECK_STMT = re.compile(r"(?:::)?(?:near_sdk::)?(?:assert\w*!|require!|panic!|env::panic_str|assert_self|assert_one_yocto)\s*\(")
_DEFAULT_OF = {"Promise": "near_sdk::Promise::new(near_sdk::env::current_account_id())",
               "AccountId": "near_sdk::env::current_account_id()"}


def _skip_literal(src: str, i: int) -> int:
    """Index after the string, char literal or comment starting at ``i`` (``i`` itself when there is none)."""
    if src.startswith("//", i):
        j = src.find("\n", i)
        return len(src) if j < 0 else j
    if src.startswith("/*", i):
        j = src.find("*/", i + 2)
        return len(src) if j < 0 else j + 2
    if src[i] == '"':
        j = i + 1
        while j < len(src) and src[j] != '"':
            j += 2 if src[j] == "\\" else 1
        return j + 1
    if src[i] == "'" and (m := re.match(r"'(?:\\.|[^\\'])'", src[i:])):
        return i + m.end()
    return i


def _matching(src: str, i: int) -> int:
    """Index of the bracket closing the one at ``i`` (strings and comments skipped)."""
    close = {"{": "}", "(": ")", "[": "]"}[src[i]]
    depth, j = 0, i
    while j < len(src):
        k = _skip_literal(src, j)
        if k != j:
            j = k
            continue
        if src[j] == src[i]:
            depth += 1
        elif src[j] == close:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ValueError("unbalanced brackets")


def _bodies(src: str) -> list[tuple[str, str, int, int]]:
    """(name, return type, body start, body end) of every function with a body, outermost first."""
    out, pos = [], 0
    while m := _FN.search(src, pos):
        params_end = _matching(src, m.end() - 1)
        brace = src.find("{", params_end)
        semi = src.find(";", params_end)
        if brace < 0 or (0 <= semi < brace):
            pos = params_end
            continue
        ret = src[params_end + 1 : brace]
        ret = ret.split("->", 1)[1].split(" where ")[0].strip() if "->" in ret else "()"
        end = _matching(src, brace)
        out.append((m.group(1), ret, brace, end))
        pos = end
    return out


def _replace_bodies(src: str, body_for) -> str:
    parts, last = [], 0
    for name, ret, start, end in _bodies(src):
        new = body_for(name, ret, src[start + 1 : end])
        parts += [src[last : start + 1], new]
        last = end
    return "".join(parts) + src[last:]


def todo_stub(reference: str) -> str:
    return _replace_bodies(reference, lambda name, ret, body: " todo!() ")


def defaults_stub(reference: str) -> str:
    def body(name: str, ret: str, old: str) -> str:
        if ret == "Self":
            return old  # the initializer: the state must exist for any method to be called
        if ret == "()":
            return " "
        return f" {_DEFAULT_OF.get(ret, 'Default::default()')} "

    return _replace_bodies(reference, body)


def no_checks(reference: str) -> str:
    out, i = [], 0
    while m := _CHECK_STMT.search(reference, i):
        line_start = reference.rfind("\n", 0, m.start()) + 1
        if reference[line_start : m.start()].strip():  # not at the start of a statement: keep it
            out.append(reference[i : m.end()])
            i = m.end()
            continue
        close = _matching(reference, m.end() - 1)
        after = close + 1
        if reference[after : after + 1] == ";":
            after += 1
        out.append(reference[i:line_start])
        i = after
    return "".join(out) + reference[i:]


def control(kind: str, reference: str) -> str:
    return {"todo": todo_stub, "defaults": defaults_stub, "no_checks": no_checks}[kind](reference)
