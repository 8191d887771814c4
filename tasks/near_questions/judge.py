"""Optional LLM-judge grading of ``near_questions`` answers; off by default.

An OpenAI-compatible endpoint grades each logged answer against the reference with a fixed rubric; the score
``judge_correct`` is the share graded CORRECT. Nothing calls a judge unless a URL is given (``--judge-url`` or
``$NEARCODER_JUDGE_URL``), and the task metrics never depend on it. It reads lm-eval's logged samples::

    nearcoder eval --tasks near_questions ... --output_path out --log_samples
    NEARCODER_JUDGE_URL=http://127.0.0.1:8000/v1 python -m nearcoder.tasks.near_questions.judge \\
        out/*/samples_near_questions_*.jsonl

The judge is a model too: its verdicts are a second opinion next to key-fact recall, not ground truth.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from nearcoder.harness import settings
from nearcoder.harness.jsonl import read_jsonl
from nearcoder.tasks.near_questions.utils import MAX_ANSWER_CHARS, prediction_text

JUDGE_URL_ENV = settings.JUDGE_URL
JUDGE_MODEL_ENV = settings.JUDGE_MODEL
JUDGE_API_KEY_ENV = settings.JUDGE_API_KEY
RUBRIC = (
    "You grade answers to questions about the NEAR Protocol. You get the question, a reference answer that is "
    "correct, and a candidate answer. The candidate is CORRECT when it states what the reference states about "
    "what the question asks, in any wording, and asserts nothing that contradicts it; extra correct detail is "
    "fine. It is INCORRECT when it is wrong, contradicts the reference, hedges between several candidates, "
    "misses what the question asks, or does not answer. Reply with exactly one word: CORRECT or INCORRECT."
)
VERDICTS = {"CORRECT": 1.0, "INCORRECT": 0.0}


class JudgeError(RuntimeError):
    """The judge could not be reached or gave no usable verdict."""


@dataclass(frozen=True)
class JudgeConfig:
    url: str  # base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1
    model: str = "judge"
    timeout_s: float = 60.0


def config_from(url: str | None = None, model: str | None = None) -> JudgeConfig:
    """The judge to use: ``url`` or ``$NEARCODER_JUDGE_URL``; a clear error when neither is set."""
    url = url or settings.judge_url()
    if not url:
        raise JudgeError(f"no judge configured: pass --judge-url or set {JUDGE_URL_ENV}")
    return JudgeConfig(url=url, model=model or settings.judge_model())


def grade(question: str, reference: str, answer: str, config: JudgeConfig) -> float:
    """1.0 when the judge grades the answer CORRECT, 0.0 when INCORRECT; an empty answer is 0.0 unasked."""
    if not answer.strip():
        return 0.0
    body = {
        "model": config.model,
        "temperature": 0,
        "max_tokens": 4,
        "messages": [
            {"role": "system", "content": RUBRIC},
            {"role": "user", "content": f"Question: {question}\nReference: {reference}\nCandidate: {answer}"},
        ],
    }
    request = urllib.request.Request(
        config.url.rstrip("/") + "/chat/completions", data=json.dumps(body).encode("utf-8"),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    key = settings.judge_api_key()  # sent as a Bearer token when set
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
            reply = json.loads(response.read().decode("utf-8"))
        text = reply["choices"][0]["message"]["content"]
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise JudgeError(f"judge at {config.url} failed: {exc}") from exc
    verdict = str(text).strip().split()[0].strip(".:!").upper() if str(text).strip() else ""
    if verdict not in VERDICTS:
        raise JudgeError(f"judge at {config.url} replied {text!r}, not CORRECT or INCORRECT")
    return VERDICTS[verdict]


def sample_prediction(sample: dict) -> str:
    """The answer lm-eval logged for a ``generate_until`` sample, made safe as the task does."""
    responses = sample.get("filtered_resps") or sample.get("resps") or []
    first = responses[0] if responses else ""
    if isinstance(first, list):
        first = first[0] if first else ""
    return prediction_text([first]) if isinstance(first, str) and len(first) <= MAX_ANSWER_CHARS else ""


def judge_samples(samples: list[dict], config: JudgeConfig) -> dict[str, dict[str, float]]:
    """``judge_correct`` and ``n`` overall (key ``"all"``) and per category."""
    groups: dict[str, list[float]] = defaultdict(list)
    for sample in samples:
        doc = sample["doc"]
        score = grade(doc["question"], doc["answer"], sample_prediction(sample), config)
        groups["all"].append(score)
        groups[str(doc.get("category", "?"))].append(score)
    return {name: {"judge_correct": sum(v) / len(v), "n": float(len(v))} for name, v in sorted(groups.items())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Grade logged near_questions answers with an LLM judge.")
    parser.add_argument("samples", nargs="+", type=Path, help="lm-eval samples_near_questions*_*.jsonl files")
    parser.add_argument("--judge-url", help=f"OpenAI-compatible base URL (default ${JUDGE_URL_ENV})")
    parser.add_argument("--model", help=f"model name sent to the judge (default ${JUDGE_MODEL_ENV} or 'judge')")
    args = parser.parse_args(argv)
    try:
        config = config_from(args.judge_url, args.model)
        samples = [row for path in args.samples for row in read_jsonl(path)]
        table = judge_samples(samples, config)
    except (JudgeError, OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("| group | n | judge_correct |\n|---|---:|---:|")
    for name, row in table.items():
        print(f"| {name} | {int(row['n'])} | {row['judge_correct']:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
