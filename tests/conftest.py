"""Shared fixtures: a fresh sandbox state per test and vendor resources bound to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from resources.sandbox import SANDBOX_API_KEY, Sandbox


@pytest.fixture
def sandbox_path(tmp_path: Path) -> Path:
    return tmp_path / "sandbox" / "state.sqlite"


@pytest.fixture
def sandbox(sandbox_path: Path) -> Iterator[Sandbox]:
    """A sandbox over a new state file (the default world: seed 7, 2,000 companies)."""
    yield Sandbox.at(sandbox_path)


@pytest.fixture
def sandbox_key() -> str:
    return SANDBOX_API_KEY
