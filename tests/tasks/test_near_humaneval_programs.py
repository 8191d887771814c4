"""Prompts and test programs built from the real HumanEvalPack records (the shared mirror)."""

from __future__ import annotations

import json

import pytest

from nearcoder.tasks.near_humaneval.instrument import instrument_tests
from nearcoder.tasks.near_humaneval.programs import (
    build_program,
    function_name,
    language_of,
    problem_number,
    prompt_text,
    reference_completion,
)


def records(shared_data, lang):
    path = shared_data / "humanevalpack" / f"{lang}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("lang", ["js", "rust"])
@pytest.mark.parametrize("field", ["canonical_solution", "buggy_solution"])
def test_reference_solutions_survive_the_cut_unchanged(shared_data, lang, field):
    """Every reference solution, followed by the test code as a model might write it, cuts to itself."""
    for doc in records(shared_data, lang):
        ref = reference_completion(doc, field)
        prog = build_program(doc, ref + "\n" + doc["test"])
        assert prog.cut.closed, doc["task_id"]
        assert prog.cut.body == ref.rstrip(), doc["task_id"]
        tests = instrument_tests(doc["test"], lang, function_name(doc), problem_number(doc))
        assert prog.source == prompt_text(doc) + ref.rstrip() + "\n" + tests
        assert prog.rejected is None, (doc["task_id"], prog.rejected)


def test_rust_prompt_is_main_imports_docstring_signature(shared_data):
    for doc in records(shared_data, "rust"):
        prompt = prompt_text(doc)
        assert prompt.startswith("fn main(){}\n")
        assert "use rand::Rng;" in prompt and "use regex::Regex;" in prompt and "use md5;" in prompt
        signature = doc["declaration"].rstrip().splitlines()[-1]
        assert prompt.endswith(signature), doc["task_id"]
        assert prompt.index("/*") < prompt.index(signature)
        assert language_of(doc) == "rust"


def test_js_prompt_is_docstring_then_signature(shared_data):
    for doc in records(shared_data, "js"):
        prompt = prompt_text(doc)
        assert prompt.endswith("{")
        assert function_name(doc) in prompt.splitlines()[-1]
        assert language_of(doc) == "js"


def test_function_name_comes_from_the_prompt(shared_data):
    docs = {d["task_id"]: d for d in records(shared_data, "js")}
    assert docs["JavaScript/114"]["entry_point"] == "minSubarraySum"  # the record's own typo
    assert function_name(docs["JavaScript/114"]) == "minSubArraySum"
    rust = {d["task_id"]: d for d in records(shared_data, "rust")}
    assert (rust["Rust/85"]["entry_point"], function_name(rust["Rust/85"])) == ("add", "add_even_odd")
    assert function_name(rust["Rust/0"]) == "has_close_elements"


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="Python/0"):
        language_of({"task_id": "Python/0"})


def test_helpers_named_like_test_functions_are_dropped(shared_data):
    doc = records(shared_data, "js")[0]
    test_name = "testHasCloseElements"
    assert test_name in doc["test"]
    completion = "\n  return false\n}\nconst %s = () => {}\n" % test_name
    prog = build_program(doc, completion)
    assert prog.cut.body == "\n  return false\n}"
