"""Shared fixtures: a fresh sandbox state per test and vendor resources bound to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from resources.mode import build_vendor_resources
from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from sales_assets.definitions import build_definitions
from sales_assets.outbound.icp import IcpProfilesResource


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


@dataclass
class Env:
    root: Path
    sandbox: Sandbox
    resources: dict[str, Any]
    instance: dg.DagsterInstance

    @property
    def store(self) -> PipelineStoreResource:
        return self.resources["pipeline_store"]

    def run(self, partition: str) -> dg.ExecuteInProcessResult:
        job = build_definitions(resources=self.resources).resolve_job_def("outbound_daily_job")
        return job.execute_in_process(partition_key=partition, instance=self.instance, raise_on_error=False)

    def credits(self) -> float:
        return self.sandbox.store.totals("explorium").credits

    def calls(self, vendor: str) -> int:
        return self.sandbox.store.totals(vendor).calls


def _make_env(root: Path, icp_file: Path | None = None) -> Env:
    root.mkdir(parents=True, exist_ok=True)
    resources = {
        **build_vendor_resources(environ={}, sandbox_state=root / "state.sqlite"),
        "pipeline_store": PipelineStoreResource(path=str(root / "store.sqlite")),
        "icp_profiles": IcpProfilesResource(path=str(icp_file) if icp_file else None),
    }
    (root / "dagster_home").mkdir(exist_ok=True)
    instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
    return Env(root, Sandbox.at(root / "state.sqlite"), resources, instance)


@pytest.fixture(scope="session")
def make_env() -> Callable[..., Env]:
    """A factory of outbound environments: sandbox, store and Dagster instance under one folder."""
    return _make_env
