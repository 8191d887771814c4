"""The HumanEval verdict, decided on the host: a program passes only when it exited cleanly (every test ran
and no assertion failed) AND the values its entry point returned to the tests (the record lines, see
``instrument.py``) equal, in number and in value, those the reference solution returned in its own run.

Record values are compared token by token: strings and characters exactly, integers exactly, floating-point
numbers within ``FLOAT_TOLERANCE`` (relative, or absolute below 1), NaN equal to NaN; the entries of a Rust
``{...}`` (``HashMap``/``HashSet`` print in a random order) in any order. Property problems
(``instrument.PROPERTY_PROBLEMS``) record ``argument, result`` pairs: the arguments must equal the
reference's, and the host checks the property (``find_zero``: the polynomial is ~0 at the returned point).
Every scan here is linear in the size of the output.
"""

from __future__ import annotations

import math
import re

from nearcoder.tasks.near_humaneval.instrument import PROPERTY_PROBLEMS

RECORD_PREFIX = "\x1eNC:"
FLOAT_TOLERANCE = 1e-6
FIND_ZERO_TOLERANCE = {"js": 1e-4, "rust": 1e-3}  # the tests' own bounds

_TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"'  # a string (JSON or Rust Debug)
    r"|'(?:\\.|[^'\\])*'"  # a Rust char
    r"|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?inf\b|-?Infinity\b|NaN\b"  # a number
    r"|[^\s]"
)
_FLOATISH = re.compile(r"[.eE]|inf|Infinity|NaN")
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?inf\b|-?Infinity\b|NaN\b")


def parse_records(stdout: str) -> list[str]:
    """The record values in a program's stdout, in order."""
    return [line[len(RECORD_PREFIX) :] for line in stdout.split("\n") if line.startswith(RECORD_PREFIX)]


def _number(tok: str) -> float:
    return float(tok.replace("Infinity", "inf"))


def _token_equal(a: str, b: str) -> bool:
    if a == b:
        return True
    if not (_NUMBER.fullmatch(a) and _NUMBER.fullmatch(b)) or not (_FLOATISH.search(a) or _FLOATISH.search(b)):
        return False
    x, y = _number(a), _number(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return abs(x - y) <= FLOAT_TOLERANCE * max(1.0, abs(x), abs(y))


def _sorted_braces(tokens: list[str]) -> list[str]:
    """Rust ``{:?}`` tokens with the entries of every ``{...}`` sorted: a ``HashMap``/``HashSet`` prints in a
    random order per process (struct fields, also in braces, have a fixed order, so sorting them is harmless)."""
    stack: list[tuple[str, list[list[str]]]] = [("", [[]])]
    for tok in tokens:
        if tok in "{[(":
            stack.append((tok, [[]]))
        elif tok in "}])" and len(stack) > 1:
            kind, items = stack.pop()
            if kind == "{":
                items = sorted(items, key=" ".join)
            joined = [kind]
            for k, item in enumerate(items):
                joined += ([","] if k else []) + item
            stack[-1][1][-1].extend(joined + [tok])
        elif tok == "," and len(stack) > 1:
            stack[-1][1].append([])
        else:
            stack[-1][1][-1].append(tok)
    while len(stack) > 1:  # unbalanced: keep what was read, in order
        kind, items = stack.pop()
        stack[-1][1][-1].extend([kind] + [t for item in items for t in item])
    return stack[0][1][0]


def values_equal(got: str, expected: str, lang: str = "js") -> bool:
    """Whether two record values are the same value (floating-point numbers within the tolerance; Rust
    ``{...}`` collections in any order)."""
    if got == expected:
        return True
    a, b = _TOKEN.findall(got), _TOKEN.findall(expected)
    if lang == "rust":
        a, b = _sorted_braces(a), _sorted_braces(b)
    return len(a) == len(b) and all(_token_equal(x, y) for x, y in zip(a, b))


def _short(value: str) -> str:
    return value if len(value) <= 60 else value[:57] + "..."


def compare_records(got: list[str], expected: list[str], lang: str = "js") -> str | None:
    """None when the sequences agree, else a one-line reason (names the first difference)."""
    for k, (g, e) in enumerate(zip(got, expected)):
        if not values_equal(g, e, lang):
            return f"call {k + 1} of the entry point returned {_short(g)}, the reference returned {_short(e)}"
    if len(got) != len(expected):
        return f"the tests recorded {len(got)} results of the entry point, the reference run {len(expected)}"
    return None


def _poly(coeffs: list[float], x: float) -> float:
    return sum(c * x**i for i, c in enumerate(coeffs))


def check_find_zero(got: list[str], expected: list[str], lang: str) -> str | None:
    """HumanEval/32: the same polynomials as the reference, and each returned point a zero of its polynomial."""
    if len(got) != len(expected):
        return f"the tests recorded {len(got)} values, the reference run {len(expected)}"
    for k in range(0, len(got) - 1, 2):
        if not values_equal(got[k], expected[k], lang):
            return f"call {k // 2 + 1} received {_short(got[k])}, the reference received {_short(expected[k])}"
        try:
            coeffs = [_number(t) for t in _NUMBER.findall(got[k])]
            x = _number(got[k + 1])
            value = abs(_poly(coeffs, x))
        except (ValueError, OverflowError):
            return f"call {k // 2 + 1} returned {_short(got[k + 1])}, not a number"
        if not value < FIND_ZERO_TOLERANCE[lang]:
            return f"call {k // 2 + 1} returned {_short(got[k + 1])}, where the polynomial is {value:.3g}, not ~0"
    return None


def decide(passed_run: bool, stdout: str, reference: list[str], problem: str, lang: str) -> str | None:
    """None when the program passes, else why not (only called for runs that exited cleanly)."""
    if not passed_run:
        raise ValueError("decide() is for runs that exited cleanly")
    got = parse_records(stdout)
    if problem in PROPERTY_PROBLEMS:
        return check_find_zero(got, reference, lang)
    return compare_records(got, reference, lang)
