import pytest
from nearcoder.trainers.data.ast_segments import (
    FIM_MIDDLE,
    FIM_PREFIX,
    FIM_SUFFIX,
    AstOptions,
    Segmenter,
    build_segments,
    fim_format,
)
from nearcoder.trainers.data.dataset_io import read_records


def by_name(segments):
    return {s.name: s for s in segments}


def test_rust_contract_segments(fixtures):
    source = (fixtures / "repos/counter-rs/src/lib.rs").read_bytes()
    segments = Segmenter().segments("counter/src/lib.rs", source, "rust")
    segs = by_name(segments)
    struct = next(s for s in segments if s.kind == "struct")
    assert struct.code.startswith("/// The contract state") and "#[near(contract_state)]" in struct.code
    impl = next(s for s in Segmenter().segments("c.rs", source, "rust") if s.kind == "impl")
    assert impl.code.startswith("#[near]\nimpl Counter") and "pub fn reset" in impl.code
    assert segs["clamp"].kind == "function" and segs["clamp"].context == "// path: counter/src/lib.rs\n"
    assert segs["increments"].kind == "function" and "mod tests" in segs["increments"].context


def test_big_impl_is_cut_into_methods_with_header_context(fixtures):
    source = (fixtures / "repos/counter-rs/src/lib.rs").read_bytes()
    segs = Segmenter(max_chars=200).segments("c.rs", source, "rust")
    methods = [s for s in segs if s.kind == "method"]
    assert {s.name for s in methods} >= {"get_num", "increment", "decrement", "reset"}
    assert all("// in: impl Counter" in s.context for s in methods)
    assert next(s for s in methods if s.name == "increment").code.startswith("/// Add one")


def test_typescript_classes_keep_decorators_and_exports(fixtures):
    source = (fixtures / "repos/guest-book-ts/src/contract.ts").read_bytes()
    segs = by_name(Segmenter().segments("gb/src/contract.ts", source, "typescript"))
    assert segs["GuestBook"].kind == "class" and segs["GuestBook"].code.startswith("@NearBindgen({})")
    assert segs["PostedMessage"].kind == "exported class" and segs["PostedMessage"].code.startswith("/** A message")
    assert segs["Pagination"].kind == "interface"
    methods = by_name(Segmenter(max_chars=300).segments("c.ts", source, "typescript"))
    add = methods["add_message"]
    assert add.kind == "method" and "@call({ payableFunction: true })" in add.code


def test_javascript_functions_and_arrow_functions(fixtures):
    source = (fixtures / "repos/guest-book-ts/frontend/index.js").read_bytes()
    segs = by_name(Segmenter().segments("f.js", source, "javascript"))
    assert segs["signIn"].kind == "exported function" and segs["render"].kind == "function"


def test_fim_reassembles_to_the_segment(fixtures):
    import random

    source = (fixtures / "repos/counter-rs/src/lib.rs").read_bytes()
    rng = random.Random(3)
    for seg in Segmenter().segments("c.rs", source, "rust"):
        text = fim_format(seg, rng)
        assert text.startswith(FIM_PREFIX) and text.count(FIM_SUFFIX) == 1 and text.count(FIM_MIDDLE) == 1
        prefix, rest = text[len(FIM_PREFIX):].split(FIM_SUFFIX)
        suffix, middle = rest.split(FIM_MIDDLE)
        assert prefix + middle + suffix == seg.context + seg.code


def test_build_segments_dataset(tmp_path, fixtures):
    out, report = build_segments([fixtures / "repos"], tmp_path / "ast", AstOptions(fim_rate=0.5, seed=1))
    rows = read_records(out)
    assert report["records"] == len(rows) >= 9
    assert {r["language"] for r in rows} == {"rust", "typescript", "javascript"}
    assert any(r["fim"] for r in rows) and any(not r["fim"] for r in rows)
    assert all(r["text"].startswith(FIM_PREFIX) == r["fim"] for r in rows)
    again, _ = build_segments([fixtures / "repos"], tmp_path / "ast2", AstOptions(fim_rate=0.5, seed=1))
    assert read_records(again) == rows  # seeded: reproducible


def test_bad_options_and_inputs(tmp_path, fixtures):
    with pytest.raises(ValueError, match="fim_rate"):
        build_segments([fixtures / "repos"], tmp_path / "x", AstOptions(fim_rate=2))
    with pytest.raises(ValueError, match="no JS/TS/Rust files"):
        build_segments([fixtures / "docs"], tmp_path / "y")
