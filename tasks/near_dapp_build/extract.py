"""From a model's reply to the one source file it must contain, or a reason why there is none.

The prompt ends by opening a code block, so a reply normally *is* the code (generation stops at the closing
fence, ``until: "\n```\n"``). A reply that re-opens a fence, or (chat models) introduces its code block with a
line of prose, is accepted as well. Rejected, with a reason: no code at all, several
code blocks, or a whole Cargo project (Cargo.toml, several files) instead of ``src/lib.rs``. Suspicious but
legal code (file, process or network access, ``include_str!`` of absolute paths) is flagged, not rejected: the
sandbox contains it and the flags are logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Every pattern below is linear in the reply: line patterns are matched one line at a time, against the line
# with its surrounding whitespace stripped (no `\s*` that can run over many lines, no two adjacent
# quantifiers over the same characters), and a line longer than MARKER_LINE_MAX is never a file marker.
MARKER_LINE_MAX = 300
_FENCE = re.compile(r"^[ \t]*```[\w+#.-]*[ \t]*$", re.M)
_CARGO_SECTION = re.compile(r"\[(?:package|dependencies|dev-dependencies|lib|workspace)\]")
_FILE_MARKER = re.compile(
    r"(?://|#|<!--)?[ \t]*(?:File:?[ \t]*)?[`*]*(Cargo\.toml|build\.rs|src/(?!lib\.rs)[\w/]+\.rs|package\.json|"
    r"src/(?!contract\.ts)[\w/]+\.[jt]s)[`*:]*[ \t]*(?:-->)?",
    re.I,
)
_CODE_HINT = {
    "rust": re.compile(r"\b(fn|struct|impl|use|mod|enum)\b"),
    "js": re.compile(r"\b(class|function|import|export|const|let)\b"),
}
_CODE_LINE = {
    "rust": re.compile(r"(use |pub |fn |struct |impl |#!?\[|mod |enum |const |static |//|extern |trait )"),
    "js": re.compile(r"(import |export |class |@\w|const |let |function |//|/\*)"),
}


def _stripped_lines(text: str):
    return (line.strip() for line in text.split("\n"))


def _has_cargo_project(text: str) -> bool:
    return any(_CARGO_SECTION.fullmatch(line) for line in _stripped_lines(text) if len(line) <= MARKER_LINE_MAX)


def _has_file_marker(text: str) -> bool:
    return any(_FILE_MARKER.fullmatch(line) for line in _stripped_lines(text) if len(line) <= MARKER_LINE_MAX)


def _starts_with_code(segment: str, language: str) -> bool:
    return any(_CODE_LINE[language].match(line) for line in _stripped_lines(segment))


_SUSPICIOUS = {
    "filesystem": re.compile(r"std::fs\b|\bFile::(open|create)|\bfs\.(read|write)"),
    "process": re.compile(r"std::process\b|\bCommand::new|child_process"),
    "network": re.compile(r"std::net\b|TcpStream|\bfetch\(|\brequire\(['\"](http|net)"),
    "include_absolute_path": re.compile(r"include_(str|bytes)!\s*\(\s*\"/"),
    "path_attribute": re.compile(r"#\[path\s*="),
    "proc_macro": re.compile(r"\bproc_macro\b|crate_type\s*=\s*\"proc-macro\""),
    "build_script": re.compile(r"cargo:rustc-|cargo:rerun-if"),
}


@dataclass
class Extracted:
    code: str | None  # the file to build, or None when the reply is rejected
    reason: str  # "ok" or "<kind>: <explanation>"
    flags: list[str] = field(default_factory=list)


def extract_source(response: str, language: str = "rust") -> Extracted:
    text = (response or "").replace("\r\n", "\n")
    if not text.strip():
        return Extracted(None, "no_code_block: the reply is empty")
    if language == "rust" and (_has_cargo_project(text) or _has_file_marker(text)):
        return Extracted(None, "cargo_project: the reply holds a Cargo project (Cargo.toml, build.rs or several "
                               "files), not the single src/lib.rs")
    if language == "js" and _has_file_marker(text):
        return Extracted(None, "several_files: the reply holds several files, not the single src/contract.ts")
    # Segments alternate code / prose. They start inside the code block the prompt opened, unless the reply
    # begins with prose (a chat model introducing its own code block): then the code is in the odd segments.
    first_line, _, rest = text.lstrip().partition("\n")
    if _FENCE.fullmatch(first_line):  # the model re-opened the code block itself
        text = rest
    segments = _FENCE.split(text)
    starts_with_code = _starts_with_code(segments[0], language) or len(segments) == 1
    blocks = [seg.strip("\n") for seg in segments[0 if starts_with_code else 1 :: 2] if seg.strip()]
    if not blocks:
        return Extracted(None, "no_code_block: the reply holds no code")
    if len(blocks) > 1:
        return Extracted(None, f"several_code_blocks: {len(blocks)} code blocks; the answer must be one source file")
    code = blocks[0] + "\n"
    if not _CODE_HINT[language].search(code):
        return Extracted(None, "no_code_block: the reply holds no source code")
    flags = [name for name, pattern in _SUSPICIOUS.items() if pattern.search(code)]
    return Extracted(code, "ok", flags)
