"""`PipelineStoreResource`: the pipeline store as a Dagster resource, and where the store lives.

What belongs here: resolving the store's location (configuration; then `$SALES_STORE_URL`, a SQLAlchemy URL;
then `$SALES_STORE`, a SQLite file; then the Dagster instance's own Postgres settings, `$DAGSTER_PG_*`; else a
file in the Dagster instance's home) and handing assets one `Database` with its ledger, cache and
suppression list, created on first use and reused for the rest of the run's step.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import Field, PrivateAttr

from resources.pipeline_store.actions import ActionLedger
from resources.pipeline_store.cache import ResultCache
from resources.pipeline_store.claims import SpendClaims
from resources.pipeline_store.database import Database, open_database
from resources.pipeline_store.records import EnrollmentLedger, SyncState
from resources.pipeline_store.spend import SpendLedger
from resources.pipeline_store.suppression import SuppressionList

STORE_VARIABLE = "SALES_STORE"
URL_VARIABLE = "SALES_STORE_URL"

# Several threads of one step may touch the resource first at the same time; one lock for all instances
# because pydantic copies private attributes and a lock does not copy.
_create_lock = threading.Lock()


def default_store_path() -> Path:
    """Where the SQLite store lives: `$SALES_STORE`, else `$DAGSTER_HOME/sales/pipeline.sqlite`, else
    `./.dagster_home/sales/pipeline.sqlite`."""
    explicit = os.environ.get(STORE_VARIABLE)
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or os.path.join(os.getcwd(), ".dagster_home")
    return Path(home) / "sales" / "pipeline.sqlite"


def instance_postgres_url() -> str | None:
    """The Postgres the production Dagster instance reads from `$DAGSTER_PG_*` (dagster.yaml), if set."""
    host = os.environ.get("DAGSTER_PG_HOST")
    if not host:
        return None
    url = sa.URL.create(
        "postgresql+psycopg2",
        username=os.environ.get("DAGSTER_PG_USERNAME") or None,
        password=os.environ.get("DAGSTER_PG_PASSWORD") or None,
        host=host,
        port=int(os.environ.get("DAGSTER_PG_PORT") or 5432),
        database=os.environ.get("DAGSTER_PG_DB") or None,
    )
    return url.render_as_string(hide_password=False)


def default_store_target() -> str:
    """Where the store lives when nothing is configured: `$SALES_STORE_URL`, else `$SALES_STORE`, else the
    Dagster instance's Postgres (`$DAGSTER_PG_*`, schema `sales_store`), else the SQLite file of
    `default_store_path()`."""
    return (
        os.environ.get(URL_VARIABLE)
        or os.environ.get(STORE_VARIABLE)
        or instance_postgres_url()
        or str(default_store_path())
    )


class PipelineStoreResource(dg.ConfigurableResource):
    """The spend ledger, the result cache, the suppression list and the vendor-side ledgers (CRM sync,
    enrollments, one-off actions), over one SQLite file or one Postgres schema."""

    path: str | None = Field(
        default=None,
        description="The SQLite file, or a SQLAlchemy URL (postgresql://user:pw@host/db, optional "
        "?schema=name); default $SALES_STORE_URL, else $SALES_STORE, else the Dagster instance's Postgres "
        "($DAGSTER_PG_*), else $DAGSTER_HOME/sales/pipeline.sqlite, else "
        "./.dagster_home/sales/pipeline.sqlite.",
    )

    _database: Database | None = PrivateAttr(default=None)
    _ledger: SpendLedger | None = PrivateAttr(default=None)
    _cache: ResultCache | None = PrivateAttr(default=None)
    _suppression: SuppressionList | None = PrivateAttr(default=None)
    _sync: SyncState | None = PrivateAttr(default=None)
    _enrollments: EnrollmentLedger | None = PrivateAttr(default=None)
    _actions: ActionLedger | None = PrivateAttr(default=None)

    def store_path(self) -> Path:
        """The SQLite file this resource opens when it opens one: `path` if configured, else
        `default_store_path()`."""
        return Path(self.path) if self.path else default_store_path()

    def store_target(self) -> str:
        """What this resource opens: `path` if configured, else `default_store_target()`."""
        return self.path or default_store_target()

    def database(self) -> Database:
        """The store's database (opened on first use, reused after)."""
        if self._database is None:
            with _create_lock:
                if self._database is None:
                    self._database = open_database(self.store_target())
        return self._database

    @property
    def ledger(self) -> SpendLedger:
        if self._ledger is None:
            self._ledger = SpendLedger(self.database())
        return self._ledger

    @property
    def cache(self) -> ResultCache:
        if self._cache is None:
            self._cache = ResultCache(self.database())
        return self._cache

    @property
    def suppression(self) -> SuppressionList:
        if self._suppression is None:
            self._suppression = SuppressionList(self.database())
        return self._suppression

    @property
    def crm_sync(self) -> SyncState:
        if self._sync is None:
            self._sync = SyncState(self.database())
        return self._sync

    @property
    def enrollments(self) -> EnrollmentLedger:
        if self._enrollments is None:
            self._enrollments = EnrollmentLedger(self.database())
        return self._enrollments

    @property
    def actions(self) -> ActionLedger:
        if self._actions is None:
            self._actions = ActionLedger(self.database())
        return self._actions

    @property
    def claims(self) -> SpendClaims:
        return SpendClaims(self.database())

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._database is not None:
            self._database.close()
        self._database = self._ledger = self._cache = self._suppression = None
        self._sync = self._enrollments = self._actions = None
