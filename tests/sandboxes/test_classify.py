"""The verdict rules (``outcome_rules.classify``) as plain unit tests: no sandbox, no root, no subprocess.

The verdict comes from how the process ended and the harness's own limits, never from what the program
printed about itself: a program that prints "passed" and exits 1 failed.
"""

from __future__ import annotations

import signal

import pytest

from nearcoder.sandboxes.api import Limits, Status
from nearcoder.sandboxes.outcome_rules import classify, first_error_line

LIMITS = Limits(wall_seconds=5, cpu_seconds=4, memory_mb=256, disk_mb=32, output_bytes=1000)


def verdict(returncode, stderr="", *, stdout="", duration=0.1, timed_out=False, output_over=False):
    return classify(returncode, stdout, stderr, duration, LIMITS, timed_out=timed_out, output_over=output_over)


def test_exit_zero_passes_and_keeps_the_output():
    o = verdict(0, stdout="ok\n")
    assert o.status is Status.PASSED and o.reason == "exited 0" and o.stdout == "ok\n"


def test_a_program_cannot_claim_success():
    o = verdict(1, "Error: assertion failed", stdout="passed\nALL TESTS PASSED\nexit 0")
    assert o.status is Status.FAILED and o.reason == "exited 1: Error: assertion failed"


@pytest.mark.parametrize("returncode, stderr, timed_out, output_over, status", [
    (None, "", True, False, Status.TIMEOUT),  # wall clock
    (-signal.SIGXCPU, "", False, False, Status.TIMEOUT),  # CPU-time rlimit
    (-signal.SIGKILL, "", False, False, Status.FAILED),  # a kill well before the CPU limit is no timeout
    (1, "JavaScript heap out of memory", False, False, Status.MEMORY),
    (101, "memory allocation of 1073741824 bytes failed", False, False, Status.MEMORY),
    (-signal.SIGXFSZ, "", False, False, Status.DISK_LIMIT),
    (1, "write: No space left on device", False, False, Status.DISK_LIMIT),
    (None, "No space left on device", True, False, Status.DISK_LIMIT),  # disk first, then the clock
    (0, "", False, True, Status.OUTPUT_LIMIT),  # output cap wins even over exit 0
    (-signal.SIGSEGV, "", False, False, Status.FAILED),
])
def test_limits_map_to_statuses(returncode, stderr, timed_out, output_over, status):
    assert verdict(returncode, stderr, timed_out=timed_out, output_over=output_over).status is status


def test_cpu_kill_near_the_limit_is_a_timeout():
    assert verdict(-signal.SIGKILL, duration=3.9).status is Status.TIMEOUT
    assert verdict(128 + signal.SIGKILL, duration=3.9).status is Status.TIMEOUT  # shell-style 128+n


def test_reasons_name_the_limit():
    assert "5s" in verdict(None, timed_out=True).reason
    assert "256 MiB" in verdict(1, "MemoryError").reason
    assert "1000 bytes" in verdict(0, output_over=True).reason
    assert verdict(-signal.SIGSEGV).reason == "killed by SIGSEGV"


def test_first_error_line_joins_a_rust_panic_header_with_its_message():
    log = "running 1 test\nthread 'main' panicked at src/lib.rs:3:5:\nassertion `left == right` failed\n"
    assert first_error_line(log) == "thread 'main' panicked at src/lib.rs:3:5: assertion `left == right` failed"
    assert first_error_line("just\nlines") == "lines" and first_error_line("") == ""
