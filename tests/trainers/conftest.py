"""Fixtures of the trainers tests: the small inputs the project writes itself (NEAR contracts, docs, repos)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES
