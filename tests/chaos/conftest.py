"""The chaos runner shared by the tests marked `chaos`: one fork server and one set of base states per
session, under pytest's temporary folder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chaos.runner import ChaosRunner


@pytest.fixture(scope="session")
def chaos_runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChaosRunner]:
    # Two scenarios at once: each is a chain of child processes, mostly waiting on rate limits and polls.
    runner = ChaosRunner(tmp_path_factory.mktemp("chaos"), jobs=2, timeout=300.0)
    yield runner
    runner.close()
