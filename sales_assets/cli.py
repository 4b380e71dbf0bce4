"""`sales-pipeline`: bring the product up on its embedded default, or run its main jobs once.

    sales-pipeline up     Dagster UI + daemon (schedules, sensors, run queue) on local storage under
                          ./.dagster_home, against the sandbox unless SALES_MODE=live; the `startup_runs`
                          sensor launches the start-up jobs once so the UI has data from the first minute,
                          and the sandbox runs in demo mode (SALES_DEMO, on by default) so the engagement
                          side has replies within minutes.
    sales-pipeline run    the start-up jobs once, in this process, recorded in the same local instance.
    sales-pipeline suppression import FILE.csv | export [FILE] | erase EMAIL
                          the suppression list: CSV import, export, and GDPR erasure with a tombstone.
    sales-pipeline store upgrade [--store S] | copy --from SOURCE --to TARGET
                          the pipeline store's schema, and moving it (SQLite file to Postgres), see store_cli.

What belongs here: process wiring (instance home, the sandbox's demo switch, the `dagster dev` child,
waiting for the webserver and for the start-up runs). Nothing about assets or vendors.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sales_assets.store_cli import add_store_commands, run_store_command

logger = logging.getLogger("sales_pipeline")

#: Demo mode of the sandbox under `up`: on unless 0/false/no, never in live mode (resources/sandbox/demo.py).
DEMO_VARIABLE = "SALES_DEMO"

#: The default of earlier versions, replaced by the current one on the next start (a file someone edited is
#: left alone).
_BEFORE_RUN_LIMITS = """\
# The embedded default instance, written by `sales-pipeline up`: runs, events and schedules in SQLite
# under this folder (persistent between starts), the run queue, and concurrency pools. The production
# instance (Postgres) is the dagster.yaml at the top of the repository.
telemetry:
  enabled: false
concurrency:
  pools:
    # One step per vendor pool at a time across all runs: each run's client limiter is per process, so
    # this is what keeps parallel runs together under each vendor's rate limit.
    default_limit: 1
  runs:
    max_concurrent_runs: 4
"""
PREVIOUS_INSTANCE_YAMLS = (_BEFORE_RUN_LIMITS,)
LOCAL_INSTANCE_YAML = (
    _BEFORE_RUN_LIMITS
    + """\
    tag_concurrency_limits:
      # One outbound run per ICP at a time, as in production: two runs of one ICP would race on its leads
      # (the store's spend claims keep them from paying twice even without this).
      - key: dagster/partition/icp
        value: {applyLimitPerUniqueValue: true}
        limit: 1
"""
)


def instance_home(explicit: str | None = None) -> Path:
    """DAGSTER_HOME for the local default: the flag, else $DAGSTER_HOME, else ./.dagster_home."""
    home = Path(explicit or os.environ.get("DAGSTER_HOME") or Path.cwd() / ".dagster_home").resolve()
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists() or config.read_text() in PREVIOUS_INSTANCE_YAMLS:
        config.write_text(LOCAL_INSTANCE_YAML)
    return home


def _wait_for_webserver(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"dagster dev exited with code {process.returncode} before the UI came up")
        try:
            with urllib.request.urlopen(f"{url}/server_info", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1.0)
    raise SystemExit(f"the Dagster UI did not answer at {url} within {timeout:.0f} s")


def _graphql(url: str, query: str, variables: dict[str, object]) -> dict[str, Any]:
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(
        f"{url}/graphql", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        payload: dict[str, Any] = json.load(response)
    if payload.get("errors"):
        raise RuntimeError(f"GraphQL errors: {payload['errors']}")
    return payload["data"]


_STARTUP_RUNS_QUERY = """
query StartupRuns($filter: RunsFilter) {
  runsOrError(filter: $filter) { ... on Runs { results { runId status } } }
}
"""


def _wait_for_startup_runs(url: str, timeout: float) -> int:
    """Wait until the `startup_runs` sensor has launched today's start-up runs and the daemon has run them
    all; 0 if all succeeded. A run key the sensor used earlier the same day names the run of that start."""
    from sales_assets.startup import startup_runs

    day = datetime.now(UTC).date().isoformat()
    keys = [startup.run_key(day) for startup in startup_runs()]
    done = {"SUCCESS", "FAILURE", "CANCELED"}
    deadline = time.monotonic() + timeout
    statuses: dict[str, tuple[str, str]] = {}
    while time.monotonic() < deadline:
        for key in keys:
            tags = [
                {"key": "dagster/sensor_name", "value": "startup_runs"},
                {"key": "dagster/run_key", "value": key},
            ]
            try:
                found = _graphql(url, _STARTUP_RUNS_QUERY, {"filter": {"tags": tags}})["runsOrError"]
            except (urllib.error.URLError, ConnectionError, TimeoutError, RuntimeError) as exc:
                logger.info("waiting for the webserver (%s)", exc)
                break
            for run in found.get("results", [])[:1]:
                statuses[key] = (run["runId"], run["status"])
        if len(statuses) == len(keys) and all(status in done for _, status in statuses.values()):
            break
        time.sleep(2.0)
    for key in keys:
        run_id, status = statuses.get(key, ("-", "NOT LAUNCHED"))
        logger.info("start-up run %s (%s): %s", key, run_id, status)
    return 0 if len(statuses) == len(keys) and all(s == "SUCCESS" for _, s in statuses.values()) else 1


def up(args: argparse.Namespace) -> int:
    from resources.mode import current_mode, set_sandbox_demo
    from sales_assets.common.flags import parse_flag
    from sales_assets.startup import STARTUP_VARIABLE

    home = instance_home(args.home)
    os.environ["DAGSTER_HOME"] = str(home)
    env = dict(os.environ)
    set_sandbox_demo(env, on=not args.no_demo and parse_flag(env.get(DEMO_VARIABLE, "true"), DEMO_VARIABLE))
    if args.no_startup_runs:
        env.pop(STARTUP_VARIABLE, None)
    else:
        # This start's mark: the `startup_runs` sensor runs by default and serves each start once.
        env[STARTUP_VARIABLE] = datetime.now(UTC).isoformat(timespec="seconds")
    url = f"http://{args.host}:{args.port}"
    command = [
        sys.executable,
        # `dagster dev` is superseded by `dg dev` (the dagster-dg-cli package, not installed here); it still
        # runs the UI, daemon and code server together as documented, so its notice is not shown.
        "-W",
        "ignore:Function `dev_command` is superseded",
        "-m",
        "dagster",
        "dev",
        "-m",
        "sales_assets.definitions",
        # The code location loads from here; the services run in the instance's folder, so the production
        # dagster.yaml at the top of the repository is not in their current folder (Dagster warns about it).
        "-d",
        str(Path.cwd()),
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    logger.info("starting Dagster (instance %s, mode %s)", home, current_mode(env))
    process = subprocess.Popen(command, env=env, cwd=home, start_new_session=True)

    def stop(*_: object) -> None:
        # dagster dev's children can ignore SIGTERM when started without a terminal: stop the whole group.
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def stop_and_exit(*_: object) -> None:
        stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop_and_exit)
    try:
        _wait_for_webserver(url, process, timeout=args.timeout)
        logger.info("Dagster UI: %s (Ctrl-C to stop)", url)
        if not args.no_startup_runs:
            logger.info("start-up runs: launched by the sensor startup_runs, %s/runs", url)
        if args.exit_after_startup:
            if args.no_startup_runs:
                return 0
            return _wait_for_startup_runs(url, timeout=args.timeout)
        return process.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()


def run(args: argparse.Namespace) -> int:
    home = instance_home(args.home)
    os.environ["DAGSTER_HOME"] = str(home)
    import dagster as dg

    from sales_assets.definitions import defs
    from sales_assets.startup import startup_runs

    failed = 0
    with dg.DagsterInstance.get() as instance:
        for startup in startup_runs():
            result = defs.resolve_job_def(startup.job).execute_in_process(
                instance=instance, partition_key=startup.partition_key, raise_on_error=False
            )
            label = f"{startup.job} [{startup.partition_key}]" if startup.partition_key else startup.job
            logger.info("%s: %s (run %s)", label, "succeeded" if result.success else "FAILED", result.run_id)
            failed += not result.success
    return 1 if failed else 0


def add_suppression_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("suppression", help="import, export or erase entries of the suppression list")
    parser.add_argument("--store", default=None, help="pipeline store file (default: the assets' one)")
    actions = parser.add_subparsers(dest="action", required=True)
    imp = actions.add_parser(
        "import",
        help="add the emails and @domains of a CSV file (UTF-8; header email, domain or value, "
        "optionally reason and source; delimiter , ; tab or |)",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--encoding",
        default=None,
        help="the file's encoding when it is not UTF-8 (e.g. latin-1); never guessed",
    )
    imp.add_argument("--source", default="csv_import", help="recorded as each entry's source")
    imp.add_argument("--reason", default="imported", help="reason for rows without a reason column")
    exp = actions.add_parser("export", help="write the list as CSV (erased entries as their hash only)")
    exp.add_argument("file", nargs="?", default="-", help="output file, - for standard output")
    erase = actions.add_parser(
        "erase",
        help="GDPR erasure of a person: their data goes, a hashed tombstone "
        "keeps them from ever being contacted again",
    )
    erase.add_argument("email")


def suppression(args: argparse.Namespace) -> int:
    os.environ.setdefault("DAGSTER_HOME", str(instance_home(args.home)))
    from sales_assets.engagement.suppression import run_suppression_command

    return run_suppression_command(args)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    parser = argparse.ArgumentParser(
        prog="sales-pipeline", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--home", default=None, help="DAGSTER_HOME (default ./.dagster_home)")
    sub = parser.add_subparsers(dest="command", required=True)
    up_parser = sub.add_parser("up", help="Dagster UI + daemon on local storage, start-up jobs run once")
    up_parser.add_argument("--host", default="127.0.0.1")
    up_parser.add_argument("--port", type=int, default=3000)
    up_parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the UI")
    up_parser.add_argument(
        "--no-startup-runs", action="store_true", help="leave the startup_runs sensor stopped"
    )
    up_parser.add_argument(
        "--no-demo",
        action="store_true",
        help=f"sandbox without demo mode: campaigns stay drafts (same as {DEMO_VARIABLE}=false)",
    )
    up_parser.add_argument(
        "--exit-after-startup",
        action="store_true",
        help="wait for the start-up runs, then stop (exit code 0 if they succeeded)",
    )
    sub.add_parser("run", help="run the start-up jobs once in this process")
    add_suppression_commands(sub)
    add_store_commands(sub)
    args = parser.parse_args(argv)
    commands = {"up": up, "run": run, "suppression": suppression, "store": run_store_command}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
