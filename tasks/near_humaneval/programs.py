"""HumanEvalPack records -> the prompt a model sees and the test program the sandbox runs.

The prompt is the record's ``prompt`` field with trailing whitespace removed, as bigcode-evaluation-harness
does for its ``continue`` prompt: for JavaScript the docstring comment then the ``const f = (...) => {``
line; for Rust ``fn main(){}``, the ``use`` lines, the docstring comment and the ``fn f(...) -> T{``
line. The program is that prompt, the cut completion, a newline and the record's ``test`` field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nearcoder.tasks.near_humaneval.completion import CutCompletion, cut_completion, defined_names

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


@dataclass(frozen=True)
class BuiltProgram:
    lang: str
    source: str
    cut: CutCompletion


def build_program(doc: dict, completion: str | bytes | None) -> BuiltProgram:
    """Cut ``completion`` and assemble the complete test program for ``doc``."""
    lang = language_of(doc)
    reserved = defined_names(doc["test"], lang) | defined_names(prompt_text(doc), lang)
    cut = cut_completion(completion, lang=lang, entry_point=function_name(doc), reserved=reserved)
    source = prompt_text(doc) + cut.body + "\n" + doc["test"]
    return BuiltProgram(lang=lang, source=source, cut=cut)
