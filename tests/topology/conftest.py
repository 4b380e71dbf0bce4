"""Fixtures of the production-topology tests: the session's stack (PostgreSQL, gRPC code server,
dagster-webserver, dagster-daemon, see `stack.py`) and a GraphQL client on it. When a test here fails, the
tail of every process's log is added to its report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dagster_graphql import DagsterGraphQLClient
from topology.stack import Stack, current_stack, shared_stack


@pytest.fixture
def stack(pytestconfig: pytest.Config) -> Stack:
    # Per test, over the one running stack: a test after the stack was stopped gets a new one.
    return shared_stack(pytestconfig)


@pytest.fixture
def graphql(stack: Stack) -> DagsterGraphQLClient:
    return DagsterGraphQLClient("127.0.0.1", port_number=stack.web_port, timeout=60)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    running = current_stack()
    if report.failed and running is not None:
        report.sections.append(("production stack logs", running.log_tails()))
