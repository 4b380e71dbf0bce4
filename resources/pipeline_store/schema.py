"""The pipeline store's tables as SQLAlchemy Core metadata, one definition for SQLite and Postgres.

What belongs here: every table, column, key and index the store keeps, as the head Alembic revision leaves
them (`migrations/versions/` holds the steps that get a database there; `store copy` walks these tables).
What a table's rows mean belongs to the module that owns the table (`spend`, `cache`, `suppression`, ...).

Times are ISO-8601 text in one shape (`database.to_utc_iso`) on both backends, so comparing the strings
compares the times and a copied row is byte for byte what it was.
"""

from __future__ import annotations

import sqlalchemy as sa

#: The Postgres schema the store's tables (and Alembic's version table) live in.
POSTGRES_SCHEMA = "sales_store"

metadata = sa.MetaData()

spend = sa.Table(
    "spend",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Text, nullable=False),
    sa.Column("vendor", sa.Text, nullable=False),
    sa.Column("endpoint", sa.Text, nullable=False),
    sa.Column("units", sa.Integer, nullable=False, server_default="0"),
    sa.Column("credits", sa.Float, nullable=False, server_default="0"),
    sa.Column("tokens_in", sa.Integer, nullable=False, server_default="0"),
    sa.Column("tokens_out", sa.Integer, nullable=False, server_default="0"),
    sa.Column("cost_usd", sa.Float, nullable=False, server_default="0"),
    sa.Column("partition", sa.Text),
    sa.Column("asset", sa.Text),
    sa.Column("run_id", sa.Text),
    sa.Column("cached", sa.Integer, nullable=False, server_default="0"),
    # A paid call is written before it is made ('open', its estimate counting against the budget) and
    # settled from the answer; see `spend.py`.
    sa.Column("state", sa.Text, nullable=False, server_default="settled"),
    sa.Column("estimate", sa.Float, nullable=False, server_default="0"),
    sa.Column("estimate_in", sa.Integer, nullable=False, server_default="0"),
    sa.Column("estimate_out", sa.Integer, nullable=False, server_default="0"),
    sa.Column("lost", sa.Integer, nullable=False, server_default="0"),
    sa.Column("host", sa.Text),
    sa.Column("pid", sa.Integer),
    sa.CheckConstraint("cached IN (0, 1)", name="spend_cached_bool"),
    sa.Index("spend_partition", "partition", "vendor"),
    sa.Index("spend_vendor_at", "vendor", "at"),
    sa.Index("spend_at", "at"),
    sa.Index("spend_vendor_state", "vendor", "state"),
)

cache = sa.Table(
    "cache",
    metadata,
    sa.Column("namespace", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
    sa.Column("fetched_at", sa.Text, nullable=False),
    sa.Index("cache_fetched_at", "fetched_at"),
)

suppression = sa.Table(
    "suppression",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("value_hash", sa.Text, nullable=False),
    sa.Column("value", sa.Text),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.CheckConstraint("kind IN ('email', 'domain')", name="suppression_kind"),
    sa.UniqueConstraint("kind", "value_hash", name="suppression_kind_value_hash"),
)

# What the product last wrote to the CRM per record, so an unchanged record is not written again.
crm_sync = sa.Table(
    "crm_sync",
    metadata,
    sa.Column("object_type", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("hubspot_id", sa.Text, nullable=False),
    sa.Column("props_hash", sa.Text, nullable=False),
    sa.Column("synced_at", sa.Text, nullable=False),
)

# Every lead the product put in a campaign, for the daily cap and so nobody is added twice.
enrollments = sa.Table(
    "enrollments",
    metadata,
    sa.Column("campaign_id", sa.Text, primary_key=True),
    sa.Column("email", sa.Text, primary_key=True),
    sa.Column("lead_id", sa.Text),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("partition", sa.Text),
    sa.Column("enrolled_at", sa.Text, nullable=False),
    # The copy experiment's variant the lead was sent ("A", "B", ...); empty outside an experiment.
    sa.Column("variant", sa.Text),
    sa.Index("enrollments_at", "campaign_id", "enrolled_at"),
)

# Everything the product does once per key (a HubSpot task per reply, a campaign pause, a webhook event).
actions = sa.Table(
    "actions",
    metadata,
    sa.Column("kind", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("status", sa.Text, nullable=False),
    sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
    sa.Column("partition", sa.Text),
    sa.Column("at", sa.Text, nullable=False),
    sa.Index("actions_kind_at", "kind", "at"),
)

# Items being bought right now, by whom: two runs never pay for the same item.
claims = sa.Table(
    "claims",
    metadata,
    sa.Column("namespace", sa.Text, primary_key=True),
    sa.Column("item", sa.Text, primary_key=True),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("at", sa.Text, nullable=False),
)

#: Every table, parents first (none references another, so any order copies).
TABLES: tuple[sa.Table, ...] = (spend, cache, suppression, crm_sync, enrollments, actions, claims)
