"""HumanEvalPack records -> the prompt a model sees and the test program the sandbox runs.

The prompt is the record's ``prompt`` field with trailing whitespace removed, as bigcode-evaluation-harness
does for its ``continue`` prompt: for JavaScript the docstring comment then the ``const f = (...) => {``
line; for Rust ``fn main(){}``, the ``use`` lines, the docstring comment and the ``fn f(...) -> T{``
line. The program is that prompt, the cut completion, a newline and the record's ``test`` field as the
harness instruments it (``instrument.py``: record lines, seeded test inputs, qualified assertions); the
tests' support code goes with it as ``shared`` (compiled once per batch). A cut
completion that breaks the completion policy (``instrument.rejection``) is not run at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nearcoder.tasks.near_humaneval.completion import CutCompletion, cut_completion, defined_names
from nearcoder.tasks.near_humaneval.instrument import instrument_tests, rejection, support_code

# HumanEvalPack's task_id prefix -> the sandbox's language name
TASK_PREFIX_TO_LANG = {"JavaScript": "js", "Rust": "rust"}


def language_of(doc: dict) -> str:
    """``js`` or ``rust``, from the record's ``task_id`` (``JavaScript/0``, ``Rust/0``)."""
    prefix = str(doc["task_id"]).split("/", 1)[0]
    try:
        return TASK_PREFIX_TO_LANG[prefix]
    except KeyError:
        raise ValueError(f"{doc['task_id']!r} is not a HumanEvalPack JavaScript or Rust record") from None


def prompt_text(doc: dict) -> str:
    """What the model continues."""
    return doc["prompt"].rstrip()


_SIGNATURE_NAME = re.compile(r"\bfn\s+(\w+)|\bfunction\s*\*?\s*(\w+)|\b(?:const|let|var)\s+(\w+)\s*=")


def function_name(doc: dict) -> str:
    """The name the prompt's last line defines. Not always ``entry_point``: JavaScript/114 defines
    ``minSubArraySum`` while its ``entry_point`` says ``minSubarraySum``."""
    last_line = prompt_text(doc).splitlines()[-1]
    m = _SIGNATURE_NAME.search(last_line)
    if m is None:
        raise ValueError(f"{doc['task_id']}: no function definition on the prompt's last line {last_line!r}")
    return next(g for g in m.groups() if g)


def reference_completion(doc: dict, field: str = "canonical_solution") -> str:
    """A reference solution written as a continuation of :func:`prompt_text` (for the self-test)."""
    return doc["prompt"][len(prompt_text(doc)) :] + doc[field]


def problem_number(doc: dict) -> str:
    """``32`` for ``Rust/32``: programs of one problem never share a batch sandbox."""
    return str(doc["task_id"]).split("/", 1)[1]


@dataclass(frozen=True)
class BuiltProgram:
    lang: str
    source: str
    cut: CutCompletion
    problem: str
    rejected: str | None = None  # why the completion is not run (completion policy), or None
    shared: str = ""  # the tests' support code, compiled once per batch (``TestProgram.shared``)


def build_program(doc: dict, completion: str | bytes | None) -> BuiltProgram:
    """Cut ``completion`` and assemble the complete, instrumented test program for ``doc``."""
    lang = language_of(doc)
    tests = instrument_tests(doc["test"], lang, function_name(doc), problem_number(doc))
    reserved = defined_names(tests, lang) | defined_names(prompt_text(doc), lang)
    cut = cut_completion(completion, lang=lang, entry_point=function_name(doc), reserved=reserved)
    source = prompt_text(doc) + cut.body + "\n" + tests
    return BuiltProgram(lang=lang, source=source, cut=cut, problem=problem_number(doc),
                        rejected=rejection(cut.body, lang), shared=support_code(lang))
