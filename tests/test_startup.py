"""Command (a) of the README, for real: `sales-pipeline up` brings up the UI and daemon on local storage,
the `startup_runs` sensor launches the start-up runs, they go through the daemon's queue and succeed, and
the log has no warning; `sales-pipeline run` does the same in process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from sales_assets.common.partitions import ICP_PROFILES
from sales_assets.startup import STARTUP_JOBS, startup_runs

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("SALES_MODE", "SANDBOX_STATE")}
    env["DAGSTER_HOME"] = str(home)
    return env


def test_up_serves_the_ui_and_the_daemon_runs_the_startup_jobs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = _free_port()
    started = datetime.now(UTC)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sales_assets.cli",
            "up",
            "--port",
            str(port),
            "--exit-after-startup",
            "--timeout",
            "360",
        ],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=570,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert (home / "dagster.yaml").exists()
    assert (home / "sandbox" / "state.sqlite").exists()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        # Sensors and schedules start runs of their own meanwhile (the day's summary after each outbound
        # run, form leads, the hourly vendor check at minute 7); `--exit-after-startup` stops the services
        # once the start-up runs are done, which interrupts whatever of those is still running, so only the
        # start-up sensor's runs are held to success here: one per job and partition, each with its run key.
        startup = [run for run in runs if run.tags.get("dagster/sensor_name") == "startup_runs"]
        moments = (started, datetime.now(UTC))  # a run that crosses midnight serves the day it started
        expected = {s.run_key(m.date().isoformat()) for m in moments for s in startup_runs(m)}
        assert {run.job_name for run in startup} == set(STARTUP_JOBS)
        assert len(startup) == len(startup_runs())
        assert {run.tags["dagster/run_key"] for run in startup} <= expected
        assert all(run.status == dg.DagsterRunStatus.SUCCESS for run in startup), [
            (run.job_name, run.tags.get("dagster/partition"), run.status) for run in startup
        ]
    # A clean start says nothing a person would have to act on.
    log = result.stdout + result.stderr
    warnings = [line for line in log.splitlines() if "WARNING" in line or "Warning:" in line]
    assert not warnings, "\n".join(warnings)
    assert "sandbox demo mode on" in log


def test_run_executes_the_startup_jobs_in_process(tmp_path: Path) -> None:
    """The vendor check and today's outbound run of every ICP, each run and reported as succeeded."""
    home = tmp_path / "home"
    started = datetime.now(UTC)
    result = subprocess.run(
        [sys.executable, "-m", "sales_assets.cli", "run"],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    runs = next(
        runs for runs in (startup_runs(started), startup_runs()) if runs[-1].partition_key in result.stderr
    )
    assert {run.job for run in runs} == set(STARTUP_JOBS)
    assert {run.partition_key.split("|")[1] for run in runs if run.partition_key} == set(ICP_PROFILES)
    for run in runs:
        label = f"{run.job} [{run.partition_key}]" if run.partition_key else run.job
        assert f"{label}: succeeded" in result.stderr, result.stderr[-4000:]
