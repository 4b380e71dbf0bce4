"""Alembic's environment for the pipeline store: migrations run on the connection `database.py` hands over.

What belongs here: configuring Alembic's context from `config.attributes` (the open SQLAlchemy connection,
already inside the transaction that holds the store's migration lock, and the Postgres schema if any).
Nothing here opens a connection or reads an alembic.ini: the store migrates itself on open.
"""

from __future__ import annotations

from alembic import context

from resources.pipeline_store.schema import metadata

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table_schema=config.attributes.get("schema"),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
