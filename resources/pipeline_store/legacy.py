"""The hand-written SQLite migrations the store shipped before Alembic, kept to adopt files they made.

What belongs here: the statements that took a store file from `PRAGMA user_version` N-1 to N, exactly as
they shipped (never edit them), and `LEGACY_VERSION`, the version they end at. A file they left at any
version is brought to `LEGACY_VERSION` with them and then stamped at the first Alembic revision, which
describes that same schema; every later change is an Alembic revision (`migrations/versions/`).
"""

from __future__ import annotations

# Migration N (1-based) brings a file from user_version N-1 to N. Frozen: new changes are Alembic revisions.
# Statements run one by one inside one IMMEDIATE transaction (executescript would commit).
LEGACY_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE IF NOT EXISTS spend (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            vendor TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            units INTEGER NOT NULL DEFAULT 0,
            credits REAL NOT NULL DEFAULT 0,
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            "partition" TEXT,
            asset TEXT,
            run_id TEXT,
            cached INTEGER NOT NULL DEFAULT 0 CHECK (cached IN (0, 1)))""",
        'CREATE INDEX IF NOT EXISTS spend_partition ON spend ("partition", vendor)',
        "CREATE INDEX IF NOT EXISTS spend_vendor_at ON spend (vendor, at)",
        "CREATE INDEX IF NOT EXISTS spend_at ON spend (at)",
        """CREATE TABLE IF NOT EXISTS cache (
            namespace TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (namespace, key))""",
        "CREATE INDEX IF NOT EXISTS cache_fetched_at ON cache (fetched_at)",
        """CREATE TABLE IF NOT EXISTS suppression (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('email', 'domain')),
            value_hash TEXT NOT NULL,
            value TEXT,
            reason TEXT NOT NULL,
            source TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (kind, value_hash))""",
    ),
    (
        # What the product last wrote to the CRM per record, so an unchanged record is not written again.
        """CREATE TABLE IF NOT EXISTS crm_sync (
            object_type TEXT NOT NULL,
            key TEXT NOT NULL,
            hubspot_id TEXT NOT NULL,
            props_hash TEXT NOT NULL,
            synced_at TEXT NOT NULL,
            PRIMARY KEY (object_type, key))""",
        # Every lead the product put in a campaign, for the daily cap and so nobody is added twice.
        """CREATE TABLE IF NOT EXISTS enrollments (
            campaign_id TEXT NOT NULL,
            email TEXT NOT NULL,
            lead_id TEXT,
            status TEXT NOT NULL,
            "partition" TEXT,
            enrolled_at TEXT NOT NULL,
            PRIMARY KEY (campaign_id, email))""",
        "CREATE INDEX IF NOT EXISTS enrollments_at ON enrollments (campaign_id, enrolled_at)",
    ),
    (
        # Everything the product does once per key (a HubSpot task per reply, a campaign pause, a webhook
        # event taken in): re-runs read it so nothing is done twice.
        """CREATE TABLE IF NOT EXISTS actions (
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            status TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            "partition" TEXT,
            at TEXT NOT NULL,
            PRIMARY KEY (kind, key))""",
        "CREATE INDEX IF NOT EXISTS actions_kind_at ON actions (kind, at)",
    ),
    (
        # Items being bought right now, by whom: two runs of one partition never pay for the same item.
        """CREATE TABLE IF NOT EXISTS claims (
            namespace TEXT NOT NULL,
            item TEXT NOT NULL,
            owner TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (namespace, item))""",
    ),
    (
        # A paid call is written before it is made ('open', its estimate counting against the budget) and
        # settled from the answer; an open row whose process stopped, and a call answered only after an
        # unanswered attempt ('unsure'), are reconciled from the vendor's own account of what it billed.
        "ALTER TABLE spend ADD COLUMN state TEXT NOT NULL DEFAULT 'settled'",
        "ALTER TABLE spend ADD COLUMN estimate REAL NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN estimate_in INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN estimate_out INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN lost INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE spend ADD COLUMN host TEXT",
        "ALTER TABLE spend ADD COLUMN pid INTEGER",
        "CREATE INDEX IF NOT EXISTS spend_vendor_state ON spend (vendor, state)",
    ),
)
LEGACY_VERSION = len(LEGACY_MIGRATIONS)
