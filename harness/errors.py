"""The command line's one error path for bad input: ``nearcoder COMMAND: problem`` on stderr, exit code 2.

Every command group calls :func:`bad_input` (standard library only, so any layer may use it); exit code 1
stays for "ran, and the result is a failure" (a self-test that did not pass, a gate regression).
"""

from __future__ import annotations

import sys
from typing import NoReturn

BAD_INPUT = 2


def bad_input(command: str, problem: object) -> NoReturn:
    """Print ``nearcoder COMMAND: PROBLEM`` to stderr and exit with :data:`BAD_INPUT`."""
    sys.stderr.write(f"nearcoder {command}: {problem}\n")
    sys.stderr.flush()
    raise SystemExit(BAD_INPUT)
