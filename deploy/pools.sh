#!/usr/bin/env bash
# Size the vendor concurrency pools of a production instance, once per instance (the sizes live in its
# Postgres): run it with DAGSTER_HOME pointing at the production dagster.yaml and the DAGSTER_PG_* variables
# set, e.g. from the daemon's machine or container.
#
# One step per vendor at a time across all runs: each step's client limiter already spends the vendor's
# whole documented rate (resources/*/client.py, resources/VENDOR_NOTES.md). To allow N parallel steps of a
# vendor, set its pool to N here AND divide the resource's rate by N (requests_per_minute,
# requests_per_10s, requests_per_2s), or the N steps together will draw 429s.
set -euo pipefail
DAGSTER="${DAGSTER:-dagster}"
#     pool       size   the vendor limit it protects
for spec in \
    "explorium   1      200 requests/min per key; credits are paid" \
    "hubspot     1      190 requests/10 s (Professional), search 4/s" \
    "lemlist     1      20 requests/2 s per key" \
    "anthropic   1      50 requests/min (tier 1); tokens are paid"; do
    read -r pool size _ <<<"$spec"
    "$DAGSTER" instance concurrency set "$pool" "$size"
done
"$DAGSTER" instance concurrency get --all
