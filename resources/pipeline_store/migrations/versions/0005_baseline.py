"""The schema the five hand-written SQLite migrations built (`legacy.py`), as the first Alembic revision.

Revision ID: 0005
Revises:
A file those migrations left at user_version 5 is stamped here without a statement run; a new database (a
new SQLite file, an empty Postgres schema) is created by it. Revision ids are the schema's version numbers,
continuing the user_version count the hand-written migrations kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "spend",
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
        sa.Column("state", sa.Text, nullable=False, server_default="settled"),
        sa.Column("estimate", sa.Float, nullable=False, server_default="0"),
        sa.Column("estimate_in", sa.Integer, nullable=False, server_default="0"),
        sa.Column("estimate_out", sa.Integer, nullable=False, server_default="0"),
        sa.Column("lost", sa.Integer, nullable=False, server_default="0"),
        sa.Column("host", sa.Text),
        sa.Column("pid", sa.Integer),
        sa.CheckConstraint("cached IN (0, 1)", name="spend_cached_bool"),
    )
    op.create_index("spend_partition", "spend", ["partition", "vendor"])
    op.create_index("spend_vendor_at", "spend", ["vendor", "at"])
    op.create_index("spend_at", "spend", ["at"])
    op.create_index("spend_vendor_state", "spend", ["vendor", "state"])
    op.create_table(
        "cache",
        sa.Column("namespace", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("fetched_at", sa.Text, nullable=False),
    )
    op.create_index("cache_fetched_at", "cache", ["fetched_at"])
    op.create_table(
        "suppression",
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
    op.create_table(
        "crm_sync",
        sa.Column("object_type", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("hubspot_id", sa.Text, nullable=False),
        sa.Column("props_hash", sa.Text, nullable=False),
        sa.Column("synced_at", sa.Text, nullable=False),
    )
    op.create_table(
        "enrollments",
        sa.Column("campaign_id", sa.Text, primary_key=True),
        sa.Column("email", sa.Text, primary_key=True),
        sa.Column("lead_id", sa.Text),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("partition", sa.Text),
        sa.Column("enrolled_at", sa.Text, nullable=False),
    )
    op.create_index("enrollments_at", "enrollments", ["campaign_id", "enrolled_at"])
    op.create_table(
        "actions",
        sa.Column("kind", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False, server_default="{}"),
        sa.Column("partition", sa.Text),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_index("actions_kind_at", "actions", ["kind", "at"])
    op.create_table(
        "claims",
        sa.Column("namespace", sa.Text, primary_key=True),
        sa.Column("item", sa.Text, primary_key=True),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
    )
