"""The pipeline store: the product's durable storage for what is not vendor data, in one SQLite file (the
embedded default) or a Postgres schema (production, shared by every run pod).

What belongs here: the spend ledger of paid vendor calls (`SpendLedger`), the cache of paid results
(`ResultCache`), the suppression list (`SuppressionList`), what the product wrote to the vendors
(`SyncState`, `EnrollmentLedger`), what it did once per key (`ActionLedger`), the database they share
(`open_database`) and the Dagster resource that hands them to assets (`PipelineStoreResource`). Vendor
records (companies, contacts, CRM objects) do not belong here; they are asset outputs.
"""

from resources.pipeline_store.actions import Action, ActionLedger
from resources.pipeline_store.cache import DEFAULT_TTL, ResultCache, cache_key
from resources.pipeline_store.database import SCHEMA_VERSION, Database, StoreSchemaError, open_database
from resources.pipeline_store.records import (
    Enrollment,
    EnrollmentLedger,
    SyncRecord,
    SyncState,
    properties_hash,
)
from resources.pipeline_store.resource import PipelineStoreResource, default_store_path
from resources.pipeline_store.spend import SpendLedger
from resources.pipeline_store.suppression import (
    SuppressionHit,
    SuppressionList,
    clean_text,
    normalise_domain,
    normalise_email,
    suppression_key,
)

__all__ = [
    "DEFAULT_TTL",
    "SCHEMA_VERSION",
    "Action",
    "ActionLedger",
    "Database",
    "Enrollment",
    "EnrollmentLedger",
    "PipelineStoreResource",
    "ResultCache",
    "SpendLedger",
    "StoreSchemaError",
    "SuppressionHit",
    "SuppressionList",
    "SyncRecord",
    "SyncState",
    "cache_key",
    "clean_text",
    "default_store_path",
    "normalise_domain",
    "normalise_email",
    "open_database",
    "properties_hash",
    "suppression_key",
]
