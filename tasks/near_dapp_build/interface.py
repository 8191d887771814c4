"""Does generated code expose the spec's public interface? A syntax-level check with tree-sitter (no build).

Rust: each spec method must appear in an ``impl <Contract>`` (or ``impl <Trait> for <Contract>``) block marked
``#[near]`` (or the older ``#[near_bindgen]``), be ``pub`` (trait methods count as public), have the spec's receiver (``&self``, ``&mut self`` or none), the same argument
names (they are the JSON keys) and types in order, the same return type, the same NEAR annotations
(``#[init]``, ``#[payable]``, ``#[private]``) and the same argument attributes (``#[callback_result]``). Paths
are compared by their last segment (``near_sdk::json_types::U128`` == ``U128``).

JS/TS: each spec method must be a method of the exported contract class carrying the decorator of its kind
(``@initialize``, ``@view``, ``@call``, ``@call({ payableFunction: true })``, ``@call({ privateFunction: true })``);
argument and return types are left to the TypeScript check of the spec's probe file.

The score is the share of spec methods that match; ``details`` says what is wrong with each of the others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from nearcoder.tasks.near_dapp_build.specs import ContractSpec, MethodSpec

NEAR_ANNOTATIONS = ("init", "payable", "private")


@lru_cache(maxsize=None)
def _parser(language: str):
    import tree_sitter

    if language == "rust":
        import tree_sitter_rust

        lang = tree_sitter.Language(tree_sitter_rust.language())
    else:
        import tree_sitter_typescript

        lang = tree_sitter.Language(tree_sitter_typescript.language_typescript())
    return tree_sitter.Parser(lang)


def _text(node) -> str:
    return node.text.decode("utf-8", errors="replace")


def _norm_type(text: str) -> str:
    text = re.sub(r"\b(?:[A-Za-z_]\w*::)+([A-Za-z_]\w*)", r"\1", text)
    return re.sub(r"\s+", "", text)


def _attr_name(attribute_item) -> str:
    for child in attribute_item.children:
        if child.type == "attribute":
            return _text(child).split("(")[0].split("::")[-1].strip()
    return ""


def _leading_attributes(node) -> list[str]:
    """Names of the attribute items directly before ``node`` among its siblings."""
    names = []
    sib = node.prev_named_sibling
    while sib is not None and sib.type in ("attribute_item", "line_comment", "block_comment"):
        if sib.type == "attribute_item":
            names.append(_attr_name(sib))
        sib = sib.prev_named_sibling
    return names


@dataclass(frozen=True)
class RustSignature:
    name: str
    public: bool
    receiver: str  # "&self", "&mut self", "self", or "" (associated function)
    params: tuple[tuple[str, str, tuple[str, ...]], ...]  # (name, normalised type, attribute names)
    returns: str  # normalised, "()" when absent
    annotations: frozenset[str]


def _rust_signature(fn_node, annotations: list[str]) -> RustSignature:
    receiver = ""
    params = []
    pending_attrs: list[str] = []
    for child in fn_node.child_by_field_name("parameters").named_children:
        if child.type == "attribute_item":
            pending_attrs.append(_attr_name(child))
        elif child.type == "self_parameter":
            receiver = re.sub(r"\s+", " ", _text(child)).replace("& ", "&").strip()
        elif child.type == "parameter":
            pattern = child.child_by_field_name("pattern")
            ptype = child.child_by_field_name("type")
            name = _text(pattern).replace("mut ", "").strip() if pattern is not None else ""
            params.append((name, _norm_type(_text(ptype)) if ptype is not None else "", tuple(sorted(pending_attrs))))
            pending_attrs = []
    ret = fn_node.child_by_field_name("return_type")
    public = any(c.type == "visibility_modifier" and _text(c).startswith("pub") for c in fn_node.children)
    return RustSignature(
        name=_text(fn_node.child_by_field_name("name")),
        public=public,
        receiver=receiver,
        params=tuple(params),
        returns=_norm_type(_text(ret)) if ret is not None else "()",
        annotations=frozenset(a for a in annotations if a in NEAR_ANNOTATIONS),
    )


def _expected_rust(method: MethodSpec) -> RustSignature:
    tree = _parser("rust").parse(f"impl X {{ {method.signature} {{}} }}".encode())
    fn = next(n for n in _walk(tree.root_node) if n.type == "function_item")
    return _rust_signature(fn, [method.kind])


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _rust_methods(code: str, contract: str) -> tuple[dict[str, RustSignature], bool, bool]:
    """Methods of ``#[near]`` impl blocks of ``contract``; whether such a block exists; whether the state is marked."""
    tree = _parser("rust").parse(code.encode())
    methods: dict[str, RustSignature] = {}
    near_impl = False
    state_marked = False
    for node in _walk(tree.root_node):
        if node.type == "struct_item" and node.child_by_field_name("name") is not None:
            if _text(node.child_by_field_name("name")) == contract:
                attrs = []
                sib = node.prev_named_sibling
                while sib is not None and sib.type in ("attribute_item", "line_comment", "block_comment"):
                    attrs.append(_text(sib))
                    sib = sib.prev_named_sibling
                state_marked = any("contract_state" in a or "near_bindgen" in a for a in attrs)
        if node.type != "impl_item":
            continue
        in_trait = node.child_by_field_name("trait") is not None  # `#[near] impl Trait for C`: methods are public
        impl_type = node.child_by_field_name("type")
        if impl_type is None or _text(impl_type) != contract:
            continue
        if not any(a in ("near", "near_bindgen") for a in _leading_attributes(node)):
            continue
        near_impl = True
        body = node.child_by_field_name("body")
        for item in body.named_children if body is not None else []:
            if item.type == "function_item":
                sig = _rust_signature(item, _leading_attributes(item))
                if in_trait:
                    sig = RustSignature(sig.name, True, sig.receiver, sig.params, sig.returns, sig.annotations)
                methods[sig.name] = sig
    return methods, near_impl, state_marked


def _compare_rust(want: RustSignature, got: RustSignature | None) -> str:
    if got is None:
        return "missing"
    problems = []
    if not got.public:
        problems.append("not pub")
    if got.receiver != want.receiver:
        problems.append(f"receiver {got.receiver or 'none'} != {want.receiver or 'none'}")
    if [(n, t) for n, t, _ in got.params] != [(n, t) for n, t, _ in want.params]:
        problems.append(
            "arguments (" + ", ".join(f"{n}: {t}" for n, t, _ in got.params) + ") != ("
            + ", ".join(f"{n}: {t}" for n, t, _ in want.params) + ")"
        )
    elif [a for _, _, a in got.params] != [a for _, _, a in want.params]:
        problems.append("argument attributes differ (e.g. #[callback_result])")
    if got.returns != want.returns:
        problems.append(f"returns {got.returns} != {want.returns}")
    if got.annotations != want.annotations:
        have = ", ".join(f"#[{a}]" for a in sorted(got.annotations)) or "none"
        need = ", ".join(f"#[{a}]" for a in sorted(want.annotations)) or "none"
        problems.append(f"annotations {have} != {need}")
    return "; ".join(problems) or "ok"


# JS: decorator text per kind, matched loosely on what matters.
def _js_kind(decorators: list[str]) -> str | None:
    joined = " ".join(decorators).replace(" ", "")
    if "@initialize" in joined:
        return "init"
    if "@view" in joined:
        return "view"
    if "@call" in joined:
        if "payableFunction:true" in joined:
            return "payable"
        if "privateFunction:true" in joined:
            return "private"
        return "call"
    return None


def _js_methods(code: str, contract: str) -> tuple[dict[str, str | None], bool]:
    tree = _parser("js").parse(code.encode())
    methods: dict[str, str | None] = {}
    exported = False
    for node in _walk(tree.root_node):
        if node.type != "class_declaration" or node.child_by_field_name("name") is None:
            continue
        if _text(node.child_by_field_name("name")) != contract:
            continue
        exported = exported or (node.parent is not None and node.parent.type == "export_statement")
        decorators: list[str] = []
        for member in node.child_by_field_name("body").children:
            if member.type == "decorator":
                decorators.append(_text(member))
            elif member.type == "method_definition":
                decorators += [_text(c) for c in member.children if c.type == "decorator"]
                methods[_text(member.child_by_field_name("name"))] = _js_kind(decorators)
                decorators = []
            elif member.type not in ("{", "}", ";", "comment"):
                decorators = []
    return methods, exported


def check_interface(code: str, spec: ContractSpec) -> tuple[float, dict[str, str]]:
    """(share of spec methods that match, method -> "ok" or what differs); extra keys describe the contract."""
    details: dict[str, str] = {}
    if spec.language == "rust":
        methods, near_impl, state_marked = _rust_methods(code, spec.contract)
        for m in spec.methods:
            details[m.name] = _compare_rust(_expected_rust(m), methods.get(m.name))
        details["(contract)"] = (
            ("ok" if state_marked else f"struct {spec.contract} lacks #[near(contract_state)]")
            if near_impl
            else f"no #[near] impl {spec.contract} block"
        )
    else:
        methods, exported = _js_methods(code, spec.contract)
        for m in spec.methods:
            if m.name not in methods:
                details[m.name] = "missing"
            else:
                got = methods[m.name]
                details[m.name] = "ok" if got == m.kind else f"decorator for {got or 'none'} != {m.kind}"
        details["(contract)"] = "ok" if exported else f"no exported class {spec.contract}"
    matched = sum(details[m.name] == "ok" for m in spec.methods)
    return matched / len(spec.methods), details
