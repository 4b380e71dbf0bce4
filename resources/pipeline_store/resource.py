"""`PipelineStoreResource`: the pipeline store as a Dagster resource, and where its file lives.

What belongs here: resolving the store's path (configuration, then `$SALES_STORE`, then the Dagster
instance's home) and handing assets one `Database` with its ledger, cache and suppression list, created on
first use and reused for the rest of the run's step.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import dagster as dg
from pydantic import Field, PrivateAttr

from resources.pipeline_store.actions import ActionLedger
from resources.pipeline_store.cache import ResultCache
from resources.pipeline_store.claims import SpendClaims
from resources.pipeline_store.database import Database, open_database
from resources.pipeline_store.records import EnrollmentLedger, SyncState
from resources.pipeline_store.spend import SpendLedger
from resources.pipeline_store.suppression import SuppressionList

STORE_VARIABLE = "SALES_STORE"

# Several threads of one step may touch the resource first at the same time; one lock for all instances
# because pydantic copies private attributes and a lock does not copy.
_create_lock = threading.Lock()


def default_store_path() -> Path:
    """Where the store lives: `$SALES_STORE`, else `$DAGSTER_HOME/sales/pipeline.sqlite`, else
    `./.dagster_home/sales/pipeline.sqlite`."""
    explicit = os.environ.get(STORE_VARIABLE)
    if explicit:
        return Path(explicit)
    home = os.environ.get("DAGSTER_HOME") or os.path.join(os.getcwd(), ".dagster_home")
    return Path(home) / "sales" / "pipeline.sqlite"


class PipelineStoreResource(dg.ConfigurableResource):
    """The spend ledger, the result cache, the suppression list and the vendor-side ledgers (CRM sync,
    enrollments, one-off actions), over one SQLite file."""

    path: str | None = Field(
        default=None,
        description="The SQLite file; default $SALES_STORE if set, else $DAGSTER_HOME/sales/pipeline.sqlite, "
        "else ./.dagster_home/sales/pipeline.sqlite.",
    )

    _database: Database | None = PrivateAttr(default=None)
    _ledger: SpendLedger | None = PrivateAttr(default=None)
    _cache: ResultCache | None = PrivateAttr(default=None)
    _suppression: SuppressionList | None = PrivateAttr(default=None)
    _sync: SyncState | None = PrivateAttr(default=None)
    _enrollments: EnrollmentLedger | None = PrivateAttr(default=None)
    _actions: ActionLedger | None = PrivateAttr(default=None)

    def store_path(self) -> Path:
        """The file this resource opens: `path` if configured, else `default_store_path()`."""
        return Path(self.path) if self.path else default_store_path()

    def database(self) -> Database:
        """The store's database (opened on first use, reused after)."""
        if self._database is None:
            with _create_lock:
                if self._database is None:
                    self._database = open_database(self.store_path())
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
