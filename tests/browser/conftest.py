"""Fixtures of the browser test: the system Chromium (Debian's `chromium`, installed with apt-get when
/usr/bin/chromium is missing; Playwright's own browser download is never used), a Playwright page on it,
the session's production stack (shared with tests/topology, see tests/topology/stack.py), and the folder
the screenshots go to (test-artifacts/, git-ignored)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from topology.stack import ROOT, Stack, apt_install, current_stack, shared_stack

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

# As root on this machine's closed network Chromium needs these (no sandbox; no background connections,
# which the network refuses many at a time; no QUIC).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        apt_install("chromium")
    assert CHROMIUM.exists(), "apt-get installed chromium but /usr/bin/chromium is missing"
    return CHROMIUM


@pytest.fixture
def stack(pytestconfig: pytest.Config) -> Stack:
    # Per test, over the one running stack: a test after the stack was stopped gets a new one.
    return shared_stack(pytestconfig)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page(chromium_path: Path, artifacts: Path, request: pytest.FixtureRequest) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="sales-chromium-"))
    with sync_playwright() as playwright:
        # A persistent context on a new, empty profile folder: the explicit --user-data-dir of the
        # known-good flag set.
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium_path),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1600, "height": 1000},
        )
        page = context.new_page()
        page.set_default_timeout(60_000)
        # On a new profile the UI asks, at a moment of its choosing, to join the community; a person
        # clicks Skip whenever it shows up.
        page.add_locator_handler(
            page.get_by_text("Join the Dagster community"),
            lambda _: page.get_by_role("button", name="Skip").click(),
        )
        try:
            yield page
        finally:
            if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
                page.screenshot(path=str(artifacts / f"{request.node.name}-failure.png"), full_page=True)
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
    running = current_stack()
    if report.failed and running is not None:
        report.sections.append(("production stack logs", running.log_tails()))
