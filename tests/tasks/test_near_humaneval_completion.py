"""Cutting completions (tasks/near_humaneval/completion.py): the brace rule, fences, restated prompts,
helpers, literals and bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nearcoder.tasks.near_humaneval.completion import (
    MAX_COMPLETION_CHARS,
    cut_completion,
    find_body_end,
    sanitise,
)

JS_PROMPT_SIG = "const add = (a, b) => {"
RUST_SIG = "fn add(a: i32, b: i32) -> i32{"


def cut_js(text, **kw):
    return cut_completion(text, lang="js", entry_point="add", **kw)


def cut_rust(text, **kw):
    return cut_completion(text, lang="rust", entry_point="add", **kw)


def test_body_ends_at_the_closing_brace_and_drops_what_follows():
    cut = cut_js("\n  return a + b\n}\n\nconsole.log(add(1, 2))\n")
    assert cut.body == "\n  return a + b\n}"
    assert cut.closed
    assert "trailing-text-dropped" in cut.notes


def test_nested_blocks_count_depth():
    text = "\n  if (a) {\n    for (;;) { break }\n  }\n  return b\n}\nadd(1)"
    assert cut_js(text).body == text[: text.index("}\nadd") + 1]


@pytest.mark.parametrize(
    "body",
    [
        "\n  const s = '}'\n  return a + b\n}",
        '\n  const s = "}}}"\n  return a + b\n}',
        "\n  const s = `${a}}`\n  return a + b\n}",
        "\n  // a } in a comment\n  return a + b\n}",
        "\n  /* } } */\n  return a + b\n}",
    ],
)
def test_js_braces_in_strings_and_comments_do_not_count(body):
    assert cut_js(body + "\nconsole.log(1)").body == body


@pytest.mark.parametrize(
    "body",
    [
        "\n    let c = '}';\n    a + b\n}",
        "\n    let s = \"}\";\n    a + b\n}",
        "\n    let s = r#\"}\"#;\n    a + b\n}",
        "\n    let c = '\\'';\n    a + b\n}",
        "\n    fn id<'a>(x: &'a str) -> &'a str { x }\n    a + b\n}",
        "\n    // }\n    a + b\n}",
    ],
)
def test_rust_literals_lifetimes_and_comments(body):
    assert cut_rust(body + "\nfn main() {}").body == body


def test_unclosed_body_is_kept_whole_and_flagged():
    cut = cut_rust("\n    let x = a + b;\n    if x > 0 {\n")
    assert not cut.closed
    assert cut.body == "\n    let x = a + b;\n    if x > 0 {\n"
    assert "unclosed" in cut.notes


def test_markdown_fence_with_full_function_is_unwrapped():
    text = "Here is the solution:\n```javascript\nconst add = (a, b) => {\n  return a + b\n}\n```\nDone."
    cut = cut_js(text)
    assert cut.closed
    assert cut.body == "\n  return a + b\n}"
    assert {"markdown-fence", "restated-signature"} <= set(cut.notes)


def test_fence_with_body_only_is_unwrapped():
    cut = cut_rust("\n```rust\n    a + b\n}\n```\n")
    assert cut.body == "\n    a + b\n}"
    assert "markdown-fence" in cut.notes


def test_fence_after_a_finished_body_is_just_trailing_text():
    cut = cut_rust("\n    a + b\n}\n```\nExplanation with ```code```\n")
    assert cut.body == "\n    a + b\n}"
    assert "markdown-fence" not in cut.notes


def test_repeated_prompt_is_replaced_by_the_prompts_signature():
    prompt_again = "/* Add two numbers */\nconst add = (a, b) => {\n  return a + b\n}\n"
    cut = cut_js(prompt_again)
    assert cut.body == "\n  return a + b\n}"
    assert "restated-signature" in cut.notes


def test_signature_inside_a_repeated_docstring_is_not_the_definition():
    text = "/* Use it as `const add = (a, b) => { return 0 }` */\nconst add = (a, b) => {\n  return a + b\n}\n"
    cut = cut_js(text)
    assert cut.body == "\n  return a + b\n}"


def test_rust_restated_prompt_with_main_and_imports():
    again = (
        "fn main(){}\n\nuse std::collections::HashMap;\n\n/* doc { */\n"
        "fn add(a: i32, b: i32) -> i32{\n    a + b\n}\n"
    )
    cut = cut_rust(again)
    assert cut.body == "\n    a + b\n}"


def test_local_variable_named_like_the_entry_point_is_not_a_restated_signature():
    # JavaScript/106: entry point `f`, body starts with `let f = 1`
    text = "\n  let f = 1\n  return f\n}\n"
    cut = cut_completion(text, lang="js", entry_point="f")
    assert cut.body == text.rstrip()
    assert "restated-signature" not in cut.notes


def test_recursive_call_is_not_a_restated_signature():
    text = "\n    if a == 0 { return b; }\n    add(a - 1, b + 1)\n}\n"
    assert cut_rust(text).body == text.rstrip()


def test_rust_helpers_after_the_body_are_kept_until_tests_or_main():
    helper = (
        "\n\n#[derive(Debug)]\nstruct P { x: i32 }\n\nimpl P {\n    fn get(&self) -> i32 { self.x }\n}\n\n"
        "fn helper(x: i32) -> i32 {\n    x * 2\n}"
    )
    text = "\n    helper(a) + b\n}" + helper + "\n\nfn main() {\n    println!(\"{}\", add(1, 2));\n}\n"
    cut = cut_rust(text)
    assert cut.body == "\n    helper(a) + b\n}" + helper
    assert "helpers-kept" in cut.notes


def test_rust_test_module_after_the_body_is_dropped():
    text = "\n    a + b\n}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() {}\n}\n"
    assert cut_rust(text).body == "\n    a + b\n}"


def test_js_helpers_kept_and_reserved_names_stop():
    text = (
        "\n  return twice(a) + b\n}\n\nconst twice = (x) => {\n  return 2 * x\n}\n"
        "function thrice(x) { return 3 * x }\nconst LIMIT = 3\n"
        "const testAdd = () => {}\n"
    )
    cut = cut_js(text, reserved={"testAdd"})
    assert cut.body.endswith("const LIMIT = 3")
    assert "testAdd" not in cut.body


def test_unfinished_helper_is_dropped():
    cut = cut_js("\n  return a + b\n}\nfunction more(x) {\n  return")
    assert cut.body == "\n  return a + b\n}"


def test_find_body_end_depth():
    assert find_body_end("a}b", "js") == 2
    assert find_body_end("{}}", "rust") == 3
    assert find_body_end("{", "js") is None
    with pytest.raises(ValueError):
        find_body_end("}", "python")


@pytest.mark.parametrize("raw", ["", None, "   \n\t"])
def test_empty_completion(raw):
    cut = cut_js(raw)
    assert not cut.closed
    assert "empty" in cut.notes


def test_nul_bytes_removed():
    cut = cut_js("\n  return a\x00 + b\n}\x00")
    assert cut.body == "\n  return a + b\n}"
    assert "nul-removed" in cut.notes


def test_invalid_utf8_bytes_and_surrogates_become_encodable():
    cut = cut_rust(b"\n    a + b // \xff\xfe\n}")
    assert cut.body.encode("utf-8")
    assert "invalid-utf8-replaced" in cut.notes
    cut = cut_rust("\n    a + b // \udcff\n}")
    cut.body.encode("utf-8")
    assert "invalid-utf8-replaced" in cut.notes and cut.closed


def test_megabytes_are_truncated_before_cutting():
    huge = "\n  let x = 0\n" + "  x += 1\n" * 300_000
    cut = cut_js(huge)
    assert len(cut.body) <= MAX_COMPLETION_CHARS
    assert not cut.closed
    assert any(n.startswith("input-truncated") for n in cut.notes)


def test_sanitise_passes_clean_text_unchanged():
    assert sanitise("  return 1\n}") == ("  return 1\n}", [])


@settings(max_examples=300, deadline=None)
@given(
    text=st.one_of(
        st.text(),
        st.text(alphabet=st.sampled_from(list("{}()[];'\"`/*\\\n rfnb#=>\x00\udcff")), max_size=200),
    ),
    lang=st.sampled_from(["js", "rust"]),
)
def test_any_text_cuts_without_error_to_safe_source(text, lang):
    cut = cut_completion(text, lang=lang, entry_point="add", reserved={"testAdd"})
    assert "\x00" not in cut.body
    cut.body.encode("utf-8")
    assert len(cut.body) <= MAX_COMPLETION_CHARS + 1
    if cut.closed:
        assert find_body_end(cut.body, lang) is not None


@pytest.mark.parametrize(
    "junk",
    ["#[x]    \n   " * 3000, "#[x] " * 6000 + "q", "#[" + "]" * 20000, "pub(" * 8000, "const x = (" * 5000,
     "/*" * 10000, "// const add = (a) => {\n" * 2000, "fn h() {}\n" * 3000],
)
@pytest.mark.parametrize("lang", ["js", "rust"])
def test_adversarial_repetition_is_cut_in_linear_time(junk, lang):
    # these once made a backtracking regex run for minutes; they must finish at once
    cut = cut_completion("\n    a\n}\n" + junk, lang=lang, entry_point="add")
    assert cut.closed and cut.body.startswith("\n    a\n}")
