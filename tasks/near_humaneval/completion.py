"""Cutting a model's continuation down to the function body that HumanEvalPack's prompt opens.

The prompt ends with the function's opening brace, so a completion is the body and its closing ``}``.
The cut, applied in this order (see README.md, "Cutting a completion"):

1. **Sanitise**: bytes are decoded as UTF-8 with replacement, invalid code points (lone surrogates) are
   replaced, NUL bytes are removed and only the first ``MAX_COMPLETION_CHARS`` characters are kept.
2. **Markdown fence**: when the text opens a fenced block (a line starting with three backticks) before the
   function is closed, the content of that first block is used instead.
3. **Restated signature**: when the text re-defines the entry point (``fn name``, ``function name(``,
   ``const name =``) before the function is closed (the model repeated the prompt), only what follows the
   opening ``{`` of that definition is kept; the prompt's own signature is used.
4. **Brace depth** (the bigcode-evaluation-harness rule): starting at depth 1, the body ends at the ``}``
   that brings the depth to 0. Unlike bigcode, braces inside string/char literals and comments are not
   counted. When the depth never reaches 0 the text is kept whole and the program fails to compile, which
   is the right score.
5. **Helper items**: after the body, complete top-level definitions that follow it are kept (JS:
   ``function g``, ``const g = ...``, ``class``; Rust: ``fn``, ``struct``, ``enum``, ``impl``, ``trait``,
   ``type``, ``const``, ``static``, ``use``, with attributes). The first anything-else (a call, a test,
   ``fn main``, ``mod``, ``#[cfg(test)]``, prose, a fence), an unfinished item, or a definition of a name the
   test code or prompt already defines ends the completion. bigcode drops helpers too, which fails four
   canonical Rust solutions (Rust/14, 31, 137, 145 define helpers after the entry point).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from nearcoder.sandboxes.languages import LANGS as LANGUAGES

MAX_COMPLETION_CHARS = 32_768  # ~20x a long HumanEval body; megabytes of output are cut here first

_FENCE_OPEN = re.compile(r"^[ \t]*```[\w+#.-]*[ \t]*$", re.MULTILINE)
_FENCE_CLOSE = re.compile(r"^[ \t]*```[ \t]*$", re.MULTILINE)
_RUST_CHAR = re.compile(r"'(?:\\u\{[0-9a-fA-F]{1,6}\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'\n])'")
_RUST_RAW_STRING = re.compile(r'b?r(#*)"')


@dataclass(frozen=True)
class CutCompletion:
    """The body to append to the prompt, whether its closing brace was found, and what the cut did."""

    body: str
    closed: bool
    notes: tuple[str, ...] = ()


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")


def sanitise(text: str | bytes | None) -> tuple[str, list[str]]:
    """Text that is safe to write as UTF-8 source: no NUL, no invalid code points, bounded length."""
    notes: list[str] = []
    if text is None:
        return "", ["empty"]
    if isinstance(text, (bytes, bytearray)):
        decoded = bytes(text).decode("utf-8", errors="replace")
        if decoded.encode("utf-8") != bytes(text):
            notes.append("invalid-utf8-replaced")
        text = decoded
    text = str(text)
    if len(text) > MAX_COMPLETION_CHARS:
        text = text[:MAX_COMPLETION_CHARS]
        notes.append(f"input-truncated-to-{MAX_COMPLETION_CHARS}-chars")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", errors="replace").decode("utf-8")
        notes.append("invalid-utf8-replaced")
    if "\x00" in text:
        text = text.replace("\x00", "")
        notes.append("nul-removed")
    if not text.strip():
        notes.append("empty")
    return text, notes


def _rust_block_comment_end(code: str, i: int) -> int:
    """End of the Rust block comment opening at ``i``: Rust block comments nest (``/* /* */ */``)."""
    depth = 0
    while i < len(code):
        opened = code.find("/*", i)
        closed = code.find("*/", i)
        if closed < 0:
            return len(code)
        if 0 <= opened < closed:
            depth += 1
            i = opened + 2
        else:
            depth -= 1
            i = closed + 2
            if depth == 0:
                return i
    return len(code)


def skip_literal(code: str, i: int, lang: str) -> int:
    """If a comment or string/char literal starts at ``i``, the index just past it; else ``i``."""
    c = code[i]
    nxt = code[i + 1] if i + 1 < len(code) else ""
    if c == "/" and nxt == "/":
        end = code.find("\n", i)
        return len(code) if end < 0 else end
    if c == "/" and nxt == "*":
        if lang == "rust":
            return _rust_block_comment_end(code, i)
        end = code.find("*/", i + 2)
        return len(code) if end < 0 else end + 2
    if lang == "rust":
        if c in "rb":
            if i > 0 and (code[i - 1].isalnum() or code[i - 1] == "_"):
                return i  # part of an identifier such as `bar"`: not a raw-string prefix
            m = _RUST_RAW_STRING.match(code, i)
            if m:
                closing = '"' + m.group(1)
                end = code.find(closing, m.end())
                return len(code) if end < 0 else end + len(closing)
            return i
        if c == "'":
            m = _RUST_CHAR.match(code, i)
            return m.end() if m else i + 1  # a lifetime such as `'a`
        quotes = '"'
    else:
        quotes = "\"'`"
    if c in quotes:
        j = i + 1
        while j < len(code):
            if code[j] == "\\":
                j += 2
                continue
            if code[j] == c:
                return j + 1
            if code[j] == "\n" and c != "`" and lang == "js":
                return j  # unterminated JS string: stop at the line end
            j += 1
        return len(code)
    return i


def find_body_end(code: str, lang: str, depth: int = 1) -> int | None:
    """Index just past the ``}`` that brings brace depth from ``depth`` to 0, or None when none does."""
    return find_closing(code, lang, "{}", depth=depth)


def find_closing(code: str, lang: str, pair: str, *, depth: int = 0, start: int = 0) -> int | None:
    """Index just past the ``pair[1]`` that brings the depth of ``pair`` (e.g. ``"()"``), counted from
    ``start`` at ``depth``, to 0, skipping comments and literals; None when none does."""
    _check_lang(lang)
    opener, closer = pair
    i = start
    n = len(code)
    while i < n:
        j = skip_literal(code, i, lang)
        if j != i:
            i = j
            continue
        c = code[i]
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _definition_pattern(lang: str, entry_point: str) -> re.Pattern[str]:
    name = re.escape(entry_point)
    if lang == "rust":
        return re.compile(rf"\bfn\s+{name}\b")
    arrow_or_function = r"(?:async\s+)?(?:function\b|\([^()]*\)\s*=>|\w+\s*=>)"
    return re.compile(
        rf"(?:\bfunction\s*\*?\s*{name}\s*\(|\b(?:const|let|var)\s+{name}\s*=\s*{arrow_or_function})"
    )


_JS_ITEM = re.compile(
    r"(?:(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)|(?:const|let|var)\s+(\w+)\s*=|class\s+(\w+))"
)
_RUST_ATTRIBUTE = re.compile(r"#!?\[[^\n]*\]")
_RUST_TEST_ATTRIBUTE = re.compile(r"#\[\s*(?:cfg\s*\(\s*test\s*\)|test)\s*\]")
_RUST_ITEM = re.compile(
    r"(?:pub(?:\([^)]*\))?\s+)?(?:(?:async|unsafe|extern\s+\"C\")\s+)*"
    r"(?:fn\s+(\w+)|struct\s+(\w+)|enum\s+(\w+)|trait\s+(\w+)|type\s+(\w+)|const\s+(?:fn\s+)?(\w+)"
    r"|static\s+(?:mut\s+)?(\w+)|impl\b()|use\s()|macro_rules!\s*(\w+))"
)
_JS_DEFINED = re.compile(r"\b(?:const|let|var|function\s*\*?|class)\s+(\w+)")
_RUST_DEFINED = re.compile(r"\b(?:fn|struct|enum|trait|type|const|static)\s+(\w+)")


def defined_names(code: str, lang: str) -> set[str]:
    """Names that ``code`` defines anywhere (a conservative set: redefining one would clash)."""
    pattern = _RUST_DEFINED if lang == "rust" else _JS_DEFINED
    return {m.group(1) for m in pattern.finditer(code)}


def _skip_blank_and_comments(code: str, i: int, lang: str) -> int:
    while i < len(code):
        if code[i].isspace():
            i += 1
            continue
        if code.startswith("//", i) or code.startswith("/*", i):
            i = skip_literal(code, i, lang)
            continue
        break
    return i


def _item_end(code: str, start: int, lang: str, newline_ends: bool) -> int | None:
    """End of the top-level item starting at ``start``: a ``;`` at depth 0, or the ``}`` closing its block
    (plus a ``;`` right after it); for JS ``const x = expr`` also a newline at depth 0. None if unfinished."""
    depth = {"{": 0, "(": 0, "[": 0}
    closing = {"}": "{", ")": "(", "]": "["}
    i = start
    seen_equals = False
    last = ""  # the last character that is not whitespace
    while i < len(code):
        j = skip_literal(code, i, lang)
        if j != i:
            last = code[j - 1]
            i = j
            continue
        c = code[i]
        at_zero = not any(depth.values())
        if c in depth:
            depth[c] += 1
        elif c in closing:
            depth[closing[c]] -= 1
            if min(depth.values()) < 0:
                return None
            if c == "}" and not any(depth.values()):
                rest = code[i + 1 :]
                after = len(rest) - len(rest.lstrip(" \t"))
                return i + 1 + after + 1 if rest[after : after + 1] == ";" else i + 1
        elif c == ";" and at_zero:
            return i + 1
        elif c == "\n" and at_zero and newline_ends:
            if seen_equals and last not in "=,(+-*/&|?:." and not code.endswith("=>", 0, _last_index(code, i)):
                return i
        if c == "=":
            seen_equals = True
        if not c.isspace():
            last = c
        i += 1
    return None


def _last_index(code: str, i: int) -> int:
    """Index just past the last non-whitespace character before ``i`` (a bounded look-back suffices: only
    used to test for ``=>``, so at most the whitespace run is skipped — callers pass the newline index)."""
    j = i
    while j > 0 and code[j - 1] in " \t\r":
        j -= 1
    return j


def keep_helper_items(rest: str, lang: str, reserved: set[str]) -> str:
    """The leading run of complete top-level definitions in ``rest`` (text after the body), see rule 5."""
    pattern = _RUST_ITEM if lang == "rust" else _JS_ITEM
    kept = 0
    pos = 0
    while True:
        start = item = _skip_blank_and_comments(rest, pos, lang)
        while lang == "rust" and (attr := _RUST_ATTRIBUTE.match(rest, item)) is not None:
            if _RUST_TEST_ATTRIBUTE.match(attr.group(0)):
                return rest[:kept]
            item = _skip_blank_and_comments(rest, attr.end(), lang)
        m = pattern.match(rest, item)
        if m is None:
            break
        name = next((g for g in m.groups() if g is not None), "")
        if (name and name in reserved) or (lang == "rust" and name == "main"):
            break
        newline_ends = lang == "js" and m.group(2) is not None
        end = _item_end(rest, start, lang, newline_ends)
        if end is None:
            break
        kept = pos = end
    return rest[:kept]


def strip_markdown_fence(text: str, lang: str) -> str | None:
    """The content of the first fenced block when it opens before the function is closed, else None."""
    m = _FENCE_OPEN.search(text)
    if m is None or find_body_end(text[: m.start()], lang) is not None:
        return None
    inner = text[m.end() :]
    close = _FENCE_CLOSE.search(inner)
    if close is not None:
        inner = inner[: close.start()]
    return inner if inner.strip() else None


def _literal_spans(code: str, lang: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every comment and string/char literal in ``code``, in order."""
    spans = []
    i = 0
    while i < len(code):
        j = skip_literal(code, i, lang)
        if j != i:
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    k = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return k >= 0 and spans[k][0] <= pos < spans[k][1]


def strip_restated_signature(text: str, lang: str, entry_point: str) -> str | None:
    """What follows the opening brace of a re-definition of ``entry_point`` made before the body closes
    (mentions inside comments and strings, such as a repeated docstring, do not count)."""
    pattern = _definition_pattern(lang, entry_point)
    matches = pattern.finditer(text)
    m = next(matches, None)
    if m is not None:
        spans = _literal_spans(text, lang)
        while m is not None and _inside(spans, m.start()):
            m = next(matches, None)
    if m is None or find_body_end(text[: m.start()], lang) is not None:
        return None
    brace = text.find("{", m.end())
    if brace < 0:
        return None
    return text[brace + 1 :]


def cut_completion(
    text: str | bytes | None, *, lang: str, entry_point: str, reserved: set[str] | frozenset[str] = frozenset()
) -> CutCompletion:
    """The function body to append to the (right-stripped) prompt; see the module docstring for the rule.

    ``reserved``: names the prompt and test code define; a trailing helper with one of them ends the cut.
    """
    _check_lang(lang)
    text, notes = sanitise(text)
    fenced = strip_markdown_fence(text, lang)
    if fenced is not None:
        text = fenced
        notes.append("markdown-fence")
    restated = strip_restated_signature(text, lang, entry_point)
    if restated is not None:
        text = restated
        notes.append("restated-signature")
        if not text.startswith("\n"):
            text = "\n" + text.lstrip(" \t")
    end = find_body_end(text, lang)
    if end is None:
        notes.append("unclosed")
        return CutCompletion(body=text, closed=False, notes=tuple(notes))
    helpers = keep_helper_items(text[end:], lang, set(reserved) | {entry_point})
    if helpers.strip():
        notes.append("helpers-kept")
    end += len(helpers)
    if end < len(text.rstrip()):
        notes.append("trailing-text-dropped")
    return CutCompletion(body=text[:end], closed=True, notes=tuple(notes))
