"""Shared fixtures: a fresh sandbox state per test and vendor resources bound to it, and a pipeline store
schema of a test's own on the session's PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import sqlalchemy as sa

from resources.pipeline_store import PipelineStoreResource
from resources.sandbox import SANDBOX_API_KEY, Sandbox
from sales_assets.definitions import build_definitions, default_resources


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


@pytest.fixture
def postgres_store_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """A URL for a pipeline store of this test's own: a new schema on the session's PostgreSQL server (the
    one the topology stack uses, `topology/stack.py`), dropped afterwards."""
    from topology.stack import shared_postgres

    server = shared_postgres(pytestconfig)
    schema = f"store_{uuid.uuid4().hex[:12]}"
    url = server.url(schema)
    yield url
    url = url.split("?", 1)[0].replace("postgresql://", "postgresql+psycopg2://")
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


@dataclass
class Env:
    root: Path
    sandbox: Sandbox
    resources: dict[str, Any]
    instance: dg.DagsterInstance

    @property
    def store(self) -> PipelineStoreResource:
        return self.resources["pipeline_store"]

    def run(self, partition: str, *, through: str | None = None) -> dg.ExecuteInProcessResult:
        """The daily outbound job for `partition`, or only the part of it up to the asset `through`."""
        defs = build_definitions(resources=self.resources)
        job = defs.resolve_job_def("outbound_daily_job")
        selection = None
        if through is not None:
            graph = defs.resolve_asset_graph()
            keys = (
                dg.AssetSelection.assets(through).upstream().required_multi_asset_neighbors().resolve(graph)
            )
            selection = sorted(keys)
        return job.execute_in_process(
            partition_key=partition, instance=self.instance, raise_on_error=False, asset_selection=selection
        )

    def credits(self) -> float:
        return self.sandbox.store.totals("explorium").credits

    def calls(self, vendor: str) -> int:
        return self.sandbox.store.totals(vendor).calls


def _make_env(root: Path, icp_file: Path | None = None) -> Env:
    root.mkdir(parents=True, exist_ok=True)
    resources = default_resources(
        sandbox_state=root / "state.sqlite", store_path=root / "store.sqlite", icp_file=icp_file, environ={}
    )
    (root / "dagster_home").mkdir(exist_ok=True)
    instance = dg.DagsterInstance.local_temp(str(root / "dagster_home"))
    return Env(root, Sandbox.at(root / "state.sqlite"), resources, instance)


@pytest.fixture(scope="session")
def make_env() -> Callable[..., Env]:
    """A factory of outbound environments: sandbox, store and Dagster instance under one folder."""
    return _make_env


#: Where each test runs under pytest-xdist (`-n 2 --dist loadscope` in pyproject's addopts, with the
#: scheduler below): every test of a file on one worker, so module- and session-scoped fixtures are built
#: once; the tests under these folders share one worker: topology and browser (the production stack, one
#: per worker, `topology/stack.py`), contracts (their recorded traffic is session-scoped), chaos (one fork
#: server and one set of base states).
_SHARED_FOLDERS = {
    "topology": "production-stack",
    "browser": "production-stack",
    "contracts": "contracts",
    "chaos": "chaos",
}


def xdist_group(nodeid: str) -> str:
    """The group of a test id (`tests/chaos/test_chaos.py::test_x` -> `chaos`): a pure function of the id,
    because that is all xdist's scheduler gets."""
    path = nodeid.split("::", 1)[0]
    parts = path.split("/")
    return _SHARED_FOLDERS.get(parts[1], path) if len(parts) > 2 else path


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's scope scheduling, with `xdist_group` as the scope: a group's tests go to one worker, in order.
    (`--dist loadgroup` would do it from marks, but xdist 3.8 sets the group on a test id pytest 9.2 no
    longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

    return GroupScheduling(config, log)


def _uses_stack(item: pytest.Item) -> bool:
    return "stack" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The order in which the groups (above) are handed out (pyproject sets `--no-loadscope-reorder`): the
    production stack's first, topology before browser (the topology form lead waits on the sandbox's
    earlier leads, so it goes first), then the groups holding a slow test, then the rest, so the two workers
    finish at about the same time. A group's tests stay together and in their file's order, also without
    xdist. The stack is stopped after the last test on it (`pytest_runtest_teardown`), so it never runs
    beside the rest of the suite."""
    groups = {id(item): xdist_group(item.nodeid) for item in items}
    rank: dict[str, int] = {}
    for item in items:
        group = groups[id(item)]
        if _uses_stack(item):
            weight = 0
        elif item.get_closest_marker("slow") is not None:
            weight = 1
        else:
            weight = 2
        rank[group] = min(rank.get(group, weight), weight)
    first_seen = {group: n for n, group in reversed(list(enumerate(groups[id(i)] for i in items)))}

    def key(item: pytest.Item) -> tuple[int, int, int]:
        # Within the stack's group: what does not use the stack, then topology, then browser.
        on_stack = (1 if item.get_closest_marker("topology") else 2) if _uses_stack(item) else 0
        return (rank[groups[id(item)]], first_seen[groups[id(item)]], on_stack)

    items.sort(key=key)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    """Stop the session's production stack once the last test on it is done: its daemon keeps ticking
    sensors and schedules, which the rest of this worker's tests need not share the cores with. A later
    test on the stack would start a new one (`topology.stack.shared_stack`)."""
    if _uses_stack(item) and (nextitem is None or not _uses_stack(nextitem)):
        from topology.stack import stop_shared_stack

        stop_shared_stack()
