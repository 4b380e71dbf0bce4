"""`sales-pipeline store upgrade|copy`: the pipeline store's schema and moving it to another database.

What belongs here: the `store` subcommand's arguments and what each action prints. `upgrade` brings a store
(the assets' default one, or `--store`) to the current schema; `copy --from SOURCE --to TARGET` moves an
installation, e.g. from its SQLite file to Postgres, without losing a row. The work itself is
`resources/pipeline_store` (`open_database`, `copy_store`).
"""

from __future__ import annotations

import argparse
import logging

logger = logging.getLogger(__name__)


def add_store_commands(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("store", help="upgrade the pipeline store's schema, or copy it to another one")
    actions = parser.add_subparsers(dest="action", required=True)
    upgrade = actions.add_parser("upgrade", help="bring the store to the current schema (Alembic)")
    upgrade.add_argument(
        "--store",
        default=None,
        help="a SQLite file or a URL (postgresql://user:pw@host/db); default: the assets' store "
        "($SALES_STORE_URL, $SALES_STORE, $DAGSTER_PG_*, else the file under $DAGSTER_HOME)",
    )
    copy = actions.add_parser("copy", help="copy every row of one store into another, empty one")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///path, a file path, or a URL")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://user:pw@host/db[?schema=name]")


def run_store_command(args: argparse.Namespace) -> int:
    from resources.pipeline_store import open_database
    from resources.pipeline_store.copy import StoreCopyError, copy_store
    from resources.pipeline_store.database import StoreSchemaError
    from resources.pipeline_store.resource import default_store_target

    try:
        if args.action == "upgrade":
            db = open_database(args.store or default_store_target())
            logger.info("pipeline store %r: schema version %d", db, db.schema_version())
            db.close()
            return 0
        copied = copy_store(args.source, args.target)
    except (StoreCopyError, StoreSchemaError) as exc:
        logger.error("%s", exc)
        return 1
    logger.info("copied %d rows: %s", sum(copied.values()), ", ".join(f"{t} {n}" for t, n in copied.items()))
    return 0
