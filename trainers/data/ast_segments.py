"""``nearcoder data ast``: JS, TS and Rust files → code segments cut at syntax boundaries (tree-sitter).

A segment is one top-level unit with the comments, attributes and decorators right above it:

- JS/TS: functions, classes, interfaces, type aliases, enums, ``const f = () => …`` and every ``export``
  of those; a class longer than ``max_chars`` is cut into its methods instead;
- Rust: functions, ``impl`` blocks, structs, enums, traits and macros; inline ``mod`` blocks are searched
  recursively; an ``impl``/``trait`` longer than ``max_chars`` is cut into its functions.

Each segment carries its file path as context (``// path: …``), plus the enclosing ``class``/``impl`` header
for methods. With ``fim_rate > 0`` that share of segments is written in StarCoder2's fill-in-the-middle form,
``<fim_prefix>{context+prefix}<fim_suffix>{suffix}<fim_middle>{middle}`` (seeded, so builds are reproducible).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import asdict, dataclass
from pathlib import Path

from nearcoder.trainers.data.dataset_io import DatasetCard, Table, write_dataset
from nearcoder.trainers.data.walk import walk_files

LANGUAGE_BY_SUFFIX = {".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
                      ".ts": "typescript", ".mts": "typescript", ".tsx": "tsx", ".rs": "rust"}
FIM_PREFIX, FIM_SUFFIX, FIM_MIDDLE = "<fim_prefix>", "<fim_suffix>", "<fim_middle>"

JS_UNITS = {"function_declaration": "function", "generator_function_declaration": "function",
            "class_declaration": "class", "abstract_class_declaration": "class",
            "interface_declaration": "interface", "type_alias_declaration": "type", "enum_declaration": "enum"}
JS_FUNCTION_VALUES = {"arrow_function", "function_expression", "function", "class", "generator_function"}
RUST_UNITS = {"function_item": "function", "impl_item": "impl", "struct_item": "struct", "enum_item": "enum",
              "trait_item": "trait", "macro_definition": "macro", "union_item": "struct"}
LEADING = {"comment", "line_comment", "block_comment", "attribute_item", "decorator", "inner_attribute_item"}


def parser_for(language: str):
    import tree_sitter as ts

    if language == "rust":
        import tree_sitter_rust as grammar

        lang = grammar.language()
    elif language == "javascript":
        import tree_sitter_javascript as grammar

        lang = grammar.language()
    else:
        import tree_sitter_typescript as grammar

        lang = grammar.language_tsx() if language == "tsx" else grammar.language_typescript()
    return ts.Parser(ts.Language(lang))


@dataclass
class Segment:
    path: str
    language: str
    kind: str
    name: str
    start_line: int  # 1-based, inclusive, leading comments included
    end_line: int
    context: str
    code: str


def _name(node) -> str:
    target = node.child_by_field_name("name") or node.child_by_field_name("type")
    if target is None:
        for child in node.children:
            if child.type == "variable_declarator":
                target = child.child_by_field_name("name")
                break
            if child.type in JS_UNITS or child.type == "lexical_declaration":
                return _name(child)
    return target.text.decode("utf-8", "replace") if target is not None else ""


def _js_kind(node) -> str | None:
    if node.type in JS_UNITS:
        return JS_UNITS[node.type]
    if node.type in ("lexical_declaration", "variable_declaration"):
        for child in node.children:
            value = child.child_by_field_name("value") if child.type == "variable_declarator" else None
            if value is not None and value.type in JS_FUNCTION_VALUES:
                return "class" if "class" in value.type else "function"
        return None
    if node.type == "export_statement":
        inner = next((_js_kind(c) for c in node.children if _js_kind(c)), None)
        return f"exported {inner}" if inner else "export"
    return None


def _leading_start(node) -> int:
    """Start byte including the comments/attributes/decorators directly above ``node``."""
    start, prev = node.start_byte, node.prev_sibling
    row = node.start_point[0]
    while prev is not None and prev.type in LEADING and row - prev.end_point[0] <= 1:
        start, row, prev = prev.start_byte, prev.start_point[0], prev.prev_sibling
    return start


def _header(node, source: bytes) -> str:
    body = node.child_by_field_name("body")
    end = body.start_byte if body is not None else node.end_byte
    return source[node.start_byte : end].decode("utf-8", "replace").strip()


class Segmenter:
    def __init__(self, max_chars: int = 6000, min_lines: int = 2):
        self.max_chars, self.min_lines = max_chars, min_lines
        self._parsers: dict[str, object] = {}

    def segments(self, path: str, source: bytes, language: str) -> list[Segment]:
        parser = self._parsers.setdefault(language, parser_for(language))
        root = parser.parse(source).root_node
        out: list[Segment] = []
        self._visit(root, path, source, language, "", out)
        return [s for s in out if s.end_line - s.start_line + 1 >= self.min_lines]

    def _emit(self, node, path, source, language, kind, container, out):
        start = _leading_start(node)
        code = source[start : node.end_byte].decode("utf-8", "replace")
        context = f"// path: {path}\n" + (f"// in: {container}\n" if container else "")
        out.append(Segment(path, language, kind, _name(node), source[:start].count(b"\n") + 1,
                           node.end_point[0] + 1, context, code))

    def _visit(self, parent, path, source, language, container, out):
        for node in parent.children:
            if language == "rust":
                if node.type == "mod_item" and node.child_by_field_name("body") is not None:
                    self._visit(node.child_by_field_name("body"), path, source, language,
                                _header(node, source).split("{")[0].strip(), out)
                    continue
                kind = RUST_UNITS.get(node.type)
                members = ("impl", "trait"), "function_item"
            else:
                kind = "method" if node.type == "method_definition" and container else _js_kind(node)
                members = ("class", "exported class"), "method_definition"
            if not kind:
                continue
            too_big = node.end_byte - node.start_byte > self.max_chars
            if too_big and kind in members[0]:
                body = self._class_body(node)
                if body is not None:
                    self._visit(body, path, source, language, _header(self._unwrap(node), source), out)
                    continue
            if too_big:
                continue  # a single function larger than max_chars is dropped, not truncated
            if kind == "function" and language == "rust" and container.startswith(("impl", "trait")):
                kind = "method"
            self._emit(node, path, source, language, kind, container, out)

    @staticmethod
    def _unwrap(node):
        if node.type == "export_statement":
            return next((c for c in node.children if c.type in JS_UNITS), node)
        return node

    def _class_body(self, node):
        inner = self._unwrap(node)
        return inner.child_by_field_name("body")


def fim_format(segment: Segment, rng: random.Random) -> str:
    """StarCoder2 FIM: a random span of whole lines from the segment's body becomes the middle."""
    lines = segment.code.splitlines(keepends=True)
    if len(lines) < 3:
        return FIM_PREFIX + segment.context + segment.code + FIM_SUFFIX + FIM_MIDDLE
    first = rng.randint(1, len(lines) - 2)
    last = rng.randint(first, min(len(lines) - 2, first + max(1, len(lines) // 3)))
    prefix, middle, suffix = "".join(lines[:first]), "".join(lines[first : last + 1]), "".join(lines[last + 1 :])
    return f"{FIM_PREFIX}{segment.context}{prefix}{FIM_SUFFIX}{suffix}{FIM_MIDDLE}{middle}"


def find_code_files(roots: list[Path]) -> list[tuple[Path, Path]]:
    files = []
    for root in roots:
        if root.is_file():
            files.append((root.parent, root))
            continue
        if not root.is_dir():
            raise FileNotFoundError(f"ast input {root} does not exist")
        files += [(root, p) for p in walk_files(root, lambda p: p.suffix in LANGUAGE_BY_SUFFIX
                                                and not p.name.endswith(".d.ts"))]
    return files


@dataclass
class AstOptions:
    max_chars: int = 6000
    min_lines: int = 2
    max_line_chars: int = 1000  # files with longer lines are minified or generated: skipped
    fim_rate: float = 0.0
    seed: int = 0


def build_segments(inputs: list[str | Path], out: str | Path, options: AstOptions | None = None,
                   fmt: str = "jsonl", progress=None) -> tuple[Path, dict]:
    options = options or AstOptions()
    if not 0.0 <= options.fim_rate <= 1.0:
        raise ValueError(f"fim_rate must be within [0, 1], got {options.fim_rate}")
    roots = [Path(p) for p in inputs]
    files = find_code_files(roots)
    if not files:
        raise ValueError(f"no JS/TS/Rust files under {', '.join(map(str, roots))}")
    segmenter, rng = Segmenter(options.max_chars, options.min_lines), random.Random(options.seed)
    records, seen, stats = [], set(), {"files": len(files), "skipped_generated": 0, "duplicates": 0}
    kinds: dict[tuple[str, str], int] = {}
    for root, path in files:
        source = path.read_bytes()
        if any(len(line) > options.max_line_chars for line in source.splitlines()):
            stats["skipped_generated"] += 1
            continue
        rel = f"{root.name}/{path.relative_to(root)}"
        language = LANGUAGE_BY_SUFFIX[path.suffix]
        for seg in segmenter.segments(rel, source, language):
            digest = hashlib.sha1(seg.code.encode()).hexdigest()
            if digest in seen:
                stats["duplicates"] += 1
                continue
            seen.add(digest)
            fim = rng.random() < options.fim_rate
            text = fim_format(seg, rng) if fim else seg.context + seg.code
            kinds[(seg.language, seg.kind)] = kinds.get((seg.language, seg.kind), 0) + 1
            records.append({**asdict(seg), "fim": fim, "text": text})
        if progress:
            progress(1)
    card = DatasetCard(
        name="NEAR AST code segments",
        description="Functions, methods, impl blocks, classes and exported declarations of NEAR dApp code, cut "
                    "at syntax boundaries with tree-sitter, with their file path as context (stage 3, or mixed "
                    "into stage 1 as pre-training text).",
        builder="ast",
        columns={"path": "source folder / file path", "language": "javascript | typescript | tsx | rust",
                 "kind": "function, method, class, impl, struct, exported …", "name": "declared name",
                 "start_line": "first line (1-based, leading comments included)", "end_line": "last line",
                 "context": "path comment and enclosing class/impl header", "code": "the segment",
                 "fim": "whether `text` is in fill-in-the-middle form", "text": "training text"},
        sources=[str(r) for r in roots],
        tables=[Table("Files", ["files", "skipped (minified/generated)", "duplicate segments", "segments"],
                      [[stats["files"], stats["skipped_generated"], stats["duplicates"], len(records)]]),
                Table("Segments by kind", ["language", "kind", "segments"],
                      [[lang, kind, n] for (lang, kind), n in sorted(kinds.items())])],
    )
    path = write_dataset(out, records, card, {"inputs": [str(r) for r in roots], **asdict(options)}, fmt)
    return path, {**stats, "records": len(records), "kinds": {f"{a}:{b}": n for (a, b), n in kinds.items()}}
