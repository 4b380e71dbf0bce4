"""The production topology, started for real for the topology and browser tests.

What belongs here: a PostgreSQL server (an existing one named by `SALES_TEST_PG_*`, else one initialised and
started from the machine's packages on a free local port, installed with apt-get when missing), and the
three Dagster processes of the production split against it, each started from the repository's own
`dagster.yaml` and `workspace.yaml`: the gRPC code server, `dagster-webserver` and `dagster-daemon`. Every
process logs to a file; `Stack.log_tails()` is what the conftests print when a test fails.

One stack per pytest session (per xdist worker: the tests on it share one worker, see tests/conftest.py),
shared by tests/topology and tests/browser (`shared_stack`), stopped and removed after the last test on it.
"""

from __future__ import annotations

import contextlib
import getpass
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCATION = "sales_pipeline"

# Debian puts the server binaries outside PATH; /usr/local/bin may hold symlinks to them.
_PG_BIN_GLOBS = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/local/bin", "/usr/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


def apt_install(package: str) -> None:
    """Install a Debian package as the test setup of a fresh machine does (root only)."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(f"{package} is not installed and this user cannot apt-get install it (run as root)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    _run(["apt-get", "update", "-q"], env=env, timeout=600)
    _run(["apt-get", "install", "-y", "-q", "--no-install-recommends", package], env=env, timeout=900)


def postgres_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl; installs Debian's `postgresql` when there is none."""
    for _attempt in range(2):
        for pattern in _PG_BIN_GLOBS:
            for candidate in sorted(glob.glob(pattern), reverse=True):
                path = Path(candidate)
                if (path / "initdb").exists() and (path / "pg_ctl").exists():
                    return path
        apt_install("postgresql")
    raise RuntimeError("postgresql was installed but no initdb/pg_ctl was found under /usr/lib/postgresql")


@dataclass
class Postgres:
    host: str
    port: int
    user: str
    password: str
    db: str
    stop: Callable[[], None] = field(repr=False, default=lambda: None)

    def url(self, schema: str) -> str:
        """A SQLAlchemy URL of this server's database, for a pipeline store in `schema`."""
        import sqlalchemy as sa

        url = sa.URL.create("postgresql", self.user, self.password, self.host, self.port, self.db)
        return f"{url.render_as_string(hide_password=False)}?schema={schema}"

    def env(self) -> dict[str, str]:
        """The variables the production dagster.yaml reads its connection from."""
        return {
            "DAGSTER_PG_HOST": self.host,
            "DAGSTER_PG_PORT": str(self.port),
            "DAGSTER_PG_USERNAME": self.user,
            "DAGSTER_PG_PASSWORD": self.password,
            "DAGSTER_PG_DB": self.db,
        }


def _create_database(host: str, port: int, user: str, password: str, db: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host=host, port=port, user=user, password=password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{db}"')
    conn.close()


def _drop_database(host: str, port: int, user: str, password: str, db: str) -> None:
    import psycopg2

    conn = psycopg2.connect(host=host, port=port, user=user, password=password, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    conn.close()


#: A server to use instead of starting one (`SALES_TEST_PG_HOST`, `_PORT`, `_USERNAME`, `_PASSWORD`); the
#: tests create a database of their own on it and drop it afterwards. Deliberately not the DAGSTER_PG_*
#: variables, so a shell set up for production never points the tests at the production server.
TEST_PG_PREFIX = "SALES_TEST_PG_"


def existing_postgres() -> Postgres | None:
    """The server the environment names for tests, if any, with a new database for this session."""
    host = os.environ.get(f"{TEST_PG_PREFIX}HOST")
    if not host:
        return None
    server = Postgres(
        host=host,
        port=int(os.environ.get(f"{TEST_PG_PREFIX}PORT") or 5432),
        user=os.environ.get(f"{TEST_PG_PREFIX}USERNAME") or "postgres",
        password=os.environ.get(f"{TEST_PG_PREFIX}PASSWORD") or "",
        db=f"sales_topology_{os.getpid()}",
    )
    args = (server.host, server.port, server.user, server.password, server.db)
    _create_database(*args)
    server.stop = lambda: _drop_database(*args)
    return server


def start_postgres() -> Postgres:
    """initdb + pg_ctl start in a temporary folder on a free port; `stop()` stops it and removes the folder.

    Postgres refuses to run as root, so as root the server runs as the `postgres` user (which Debian's
    package creates) and the folder is handed to it."""
    bin_dir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="sales-pg-"))
    data, sockets, log = root / "data", root / "sock", root / "postgres.log"
    sockets.mkdir()
    password = "topology-test"
    (root / "pwfile").write_text(password + "\n")
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        for path in (sockets, root / "pwfile"):
            shutil.chown(path, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    user = "dagster"
    port = free_port()
    _run(
        [
            *as_user,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            user,
            f"--pwfile={root / 'pwfile'}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        timeout=120,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    _run(
        [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"],
        timeout=120,
    )

    def stop() -> None:
        with contextlib.suppress(Exception):
            _run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], timeout=60)
        shutil.rmtree(root, ignore_errors=True)

    try:
        _create_database("127.0.0.1", port, user, password, "dagster")
    except Exception:
        stop()
        raise
    return Postgres("127.0.0.1", port, user, password, "dagster", stop)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def tail(self, chars: int = 6000) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text[-chars:]

    def stop(self) -> None:
        if self.popen.poll() is not None:
            return
        # The webserver and daemon start children of their own (code-server subprocesses, run workers).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


@dataclass
class Stack:
    """Postgres, code server, webserver and daemon, with the environment they share."""

    root: Path
    postgres: Postgres
    env: dict[str, str]
    web_port: int
    code_port: int
    processes: list[Process] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def home(self) -> Path:
        return Path(self.env["DAGSTER_HOME"])

    @property
    def sandbox_state(self) -> Path:
        return Path(self.env["SANDBOX_STATE"])

    def start(self, name: str, cmd: list[str]) -> Process:
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            popen = subprocess.Popen(
                cmd, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def log_tails(self) -> str:
        parts = [f"----- {p.name} ({p.log}) -----\n{p.tail()}" for p in self.processes]
        return "\n".join(parts)

    def graphql(self, query: str, variables: dict[str, object] | None = None) -> dict[str, object]:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(
            f"{self.url}/graphql", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            payload = json.load(response)
        if payload.get("errors"):
            raise AssertionError(f"GraphQL errors: {payload['errors']}")
        return payload["data"]

    def stop(self) -> None:
        """Stop the Dagster processes; the Postgres server is the session's (`shared_postgres`)."""
        for process in reversed(self.processes):
            process.stop()


def wait_until(what: str, probe: Callable[[], bool], timeout: float, stack: Stack | None = None) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if stack is not None:
            dead = [p for p in stack.processes if p.popen.poll() is not None]
            if dead:
                raise AssertionError(f"{dead[0].name} exited while waiting for {what}\n{stack.log_tails()}")
        try:
            if probe():
                return
        except Exception as exc:  # the server is still coming up
            last_error = exc
        time.sleep(0.5)
    tails = stack.log_tails() if stack is not None else ""
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error})\n{tails}"
    )


def _webserver_up(stack: Stack) -> bool:
    with urllib.request.urlopen(f"{stack.url}/server_info", timeout=2) as response:
        return response.status == 200


def _location_loaded(stack: Stack) -> bool:
    data = stack.graphql(
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
    )
    entries = data["workspaceOrError"]["locationEntries"]  # type: ignore[index]
    for entry in entries:
        error = entry["locationOrLoadError"]
        if error and error["__typename"] == "PythonError":
            raise AssertionError(f"the code location failed to load: {error['message']}")
    return any(e["name"] == LOCATION and e["loadStatus"] == "LOADED" for e in entries)


def _daemons_healthy(stack: Stack) -> bool:
    data = stack.graphql(
        "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"
    )
    statuses = data["instance"]["daemonHealth"]["allDaemonStatuses"]  # type: ignore[index]
    wanted = {"SCHEDULER", "SENSOR", "QUEUED_RUN_COORDINATOR"}
    healthy = {s["daemonType"] for s in statuses if s["healthy"]}
    return wanted <= healthy


@contextlib.contextmanager
def environment(env: dict[str, str]) -> Iterator[None]:
    """This process's environment as the stack's processes see it, restored afterwards (the rest of the
    test session must not inherit DAGSTER_HOME or the Postgres variables)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def seed_missed_schedule_tick(stack: Stack, schedule_name: str) -> None:
    """Record the schedule as declared in code since just over an hour ago, as if the daemon had been
    down across its last tick: a daemon that starts then runs that tick (Dagster's catch-up after an
    outage), so the test sees a real scheduled run without waiting for the cron."""
    import dagster as dg
    from dagster._core.scheduler.instigation import (
        InstigatorState,
        InstigatorStatus,
        InstigatorType,
        ScheduleInstigatorData,
    )
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    with (
        environment(stack.env),
        dg.DagsterInstance.from_config(str(stack.home)) as instance,
        WorkspaceProcessContext(instance, WorkspaceFileTarget([str(ROOT / "workspace.yaml")])) as context,
    ):
        location = context.create_request_context().get_code_location(LOCATION)
        (repository,) = location.get_repositories().values()
        schedule = repository.get_schedule(schedule_name)
        started = time.time() - 3660
        instance.add_instigator_state(
            InstigatorState(
                schedule.get_remote_origin(),
                InstigatorType.SCHEDULE,
                InstigatorStatus.DECLARED_IN_CODE,
                ScheduleInstigatorData(schedule.cron_schedule, started),
            )
        )


def create_schema(stack: Stack) -> None:
    """Create Dagster's tables once, before three processes race to do it on an empty database."""
    import dagster as dg

    with environment(stack.env), dg.DagsterInstance.from_config(str(stack.home)) as instance:
        instance.get_runs(limit=1)


#: The bucket asset values go to (SALES_ASSET_STORE), on the stack's S3-compatible server.
ASSET_BUCKET = "sales-topology-assets"


def start_object_store(stack: Stack, port: int) -> None:
    """An S3-compatible server (moto's server mode) on loopback, with the assets' bucket, as the object
    store production runs keep asset values in."""
    import boto3

    stack.start("object-store", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)])
    endpoint = stack.env["SALES_S3_ENDPOINT_URL"]

    def bucket_created() -> bool:
        with environment(stack.env):
            boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=ASSET_BUCKET)
        return True

    wait_until("the S3-compatible object store", bucket_created, 60, stack)


def asset_objects(stack: Stack) -> list[str]:
    """The keys of every asset value in the stack's object store."""
    import boto3

    with environment(stack.env):
        client = boto3.client("s3", endpoint_url=stack.env["SALES_S3_ENDPOINT_URL"])
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=ASSET_BUCKET)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


#: The schedule whose missed tick the daemon runs when the stack starts.
SEEDED_SCHEDULE = "vendor_status_hourly"


_servers: dict[str, Postgres] = {}


def shared_postgres(config: pytest.Config) -> Postgres:
    """The session's PostgreSQL server (the stack's, and the pipeline store's Postgres tests'), started on
    first use and stopped when pytest ends."""
    if "postgres" not in _servers:
        _servers["postgres"] = server = existing_postgres() or start_postgres()
        config.add_cleanup(server.stop)
    return _servers["postgres"]


def start_stack(root: Path, postgres: Postgres) -> Stack:
    """The code server, the webserver and the daemon on `postgres`, from the repository's own files."""
    home = root / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(ROOT / "dagster.yaml", home / "dagster.yaml")
    code_port, web_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DAGSTER_", "SALES_", "SANDBOX_")) and not key.endswith("_BASE_URL")
    }
    s3_port = free_port()
    env.update(
        postgres.env(),
        DAGSTER_HOME=str(home),
        SALES_CODE_SERVER_HOST="127.0.0.1",
        SALES_CODE_SERVER_PORT=str(code_port),
        # Every process of the location (code server, run workers, sensor evaluations) shares one sandbox,
        # and, as in production, the pipeline store in Postgres and asset values in an S3-compatible store:
        # nothing on a shared disk but the sandbox (which stands in for the vendors).
        SANDBOX_STATE=str(root / "sandbox" / "state.sqlite"),
        SALES_STORE_URL=postgres.url(schema="sales_store"),
        SALES_ASSET_STORE=f"s3://{ASSET_BUCKET}/runs",
        SALES_S3_ENDPOINT_URL=f"http://127.0.0.1:{s3_port}",
        AWS_ACCESS_KEY_ID="topology-key",
        AWS_SECRET_ACCESS_KEY="topology-secret",
        AWS_REGION="us-east-1",
        PYTHONUNBUFFERED="1",
    )
    stack = Stack(root, postgres, env, web_port, code_port)
    try:
        start_object_store(stack, s3_port)
        create_schema(stack)
        stack.start(
            "code-server",
            [
                str(BIN / "dagster"),
                "api",
                "grpc",
                "-m",
                "sales_assets.definitions",
                "-h",
                "127.0.0.1",
                "-p",
                str(code_port),
                "--location-name",
                LOCATION,
            ],
        )
        workspace = str(ROOT / "workspace.yaml")
        stack.start(
            "webserver",
            [str(BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(web_port)],
        )
        wait_until("the webserver", lambda: _webserver_up(stack), 120, stack)
        wait_until("the code location over gRPC", lambda: _location_loaded(stack), 180, stack)
        seed_missed_schedule_tick(stack, SEEDED_SCHEDULE)
        stack.start("daemon", [str(BIN / "dagster-daemon"), "run", "-w", workspace])
        wait_until("healthy daemons", lambda: _daemons_healthy(stack), 120, stack)
    except BaseException:
        stack.stop()
        raise
    return stack


_shared: dict[str, Stack] = {}


def shared_stack(config: pytest.Config) -> Stack:
    """The session's stack, started on first use and stopped (and removed) when pytest ends."""
    if "stack" not in _shared:
        root = Path(tempfile.mkdtemp(prefix=f"sales-topology-{getpass.getuser()}-"))
        try:
            _shared["stack"] = start_stack(root, shared_postgres(config))
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise

        config.add_cleanup(stop_shared_stack)
    return _shared["stack"]


def stop_shared_stack() -> None:
    """Stop the session's stack and remove its folder (again: nothing; the next `shared_stack` starts a new
    one); the tests conftest calls it after the last test on the stack, pytest's cleanup at the end."""
    stack = _shared.pop("stack", None)
    if stack is not None:
        stack.stop()
        shutil.rmtree(stack.root, ignore_errors=True)


def current_stack() -> Stack | None:
    """The session's stack if one was started (the conftests print its logs when a test fails)."""
    return _shared.get("stack")
